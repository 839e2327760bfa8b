// Refresh tokens: 256 random bits as base64url, fingerprinted with SHA-256 for storage.
#include "parley/crypto/random_opaque_tokens.hpp"

#include <array>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

#include <openssl/crypto.h>

#include "parley/crypto/base64.hpp"
#include "parley/crypto/digest.hpp"

#include "csprng.hpp"

namespace parley::crypto {

std::string RandomOpaqueTokens::generate() {
  std::array<std::uint8_t, kTokenBytes> bytes{};
  detail::fill_random_or_abort(bytes, "an opaque token");
  std::string token =
      base64url_encode(std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
  OPENSSL_cleanse(bytes.data(), bytes.size());
  return token;
}

std::string RandomOpaqueTokens::fingerprint(std::string_view token) {
  const auto digest = sha256(token);
  if (!digest) {
    // The port has no error channel, and any fallback value would map every token to one
    // fingerprint, letting a token that was never issued match a stored one. SHA-256 in
    // OpenSSL's default provider fails only when the installation is broken.
    std::fputs("parley: fatal: SHA-256 is unavailable in OpenSSL\n", stderr);
    std::abort();
  }
  return to_hex(*digest);
}

}  // namespace parley::crypto
