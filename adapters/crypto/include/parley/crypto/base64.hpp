// Strict, unpadded base64 codecs (RFC 4648): base64url for tokens, the standard alphabet for
// password-hash encodings.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace parley::crypto {

// URL-safe alphabet ('-', '_'), no '=' padding.
std::string base64url_encode(std::string_view bytes);
// nullopt on padding, whitespace, characters outside the alphabet, an impossible length, or
// non-zero trailing bits: one byte string has exactly one accepted encoding.
std::optional<std::string> base64url_decode(std::string_view text);

// Standard alphabet ('+', '/'), no '=' padding, as in PHC-style password hash strings.
std::string base64_encode_unpadded(std::string_view bytes);
// Same strictness as base64url_decode.
std::optional<std::string> base64_decode_unpadded(std::string_view text);

}  // namespace parley::crypto
