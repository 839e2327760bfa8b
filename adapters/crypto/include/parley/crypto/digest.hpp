// SHA-256 and HMAC-SHA256 one-shots, shared by the token adapters and their tests.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace parley::crypto {

using Sha256Digest = std::array<std::uint8_t, 32>;

// nullopt only if OpenSSL cannot provide SHA-256 (a broken installation or out of memory).
std::optional<Sha256Digest> sha256(std::string_view data);
std::optional<Sha256Digest> hmac_sha256(std::string_view key, std::string_view data);

// Lowercase hexadecimal, two characters per byte.
std::string to_hex(const Sha256Digest& digest);

}  // namespace parley::crypto
