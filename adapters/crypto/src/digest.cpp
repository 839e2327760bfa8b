// SHA-256 and HMAC-SHA256 through OpenSSL's one-shot EVP interfaces.
#include "parley/crypto/digest.hpp"

#include <limits>

#include <openssl/evp.h>
#include <openssl/hmac.h>

namespace parley::crypto {

std::optional<Sha256Digest> sha256(std::string_view data) {
  Sha256Digest digest{};
  unsigned int length = 0;
  if (EVP_Digest(data.data(), data.size(), digest.data(), &length, EVP_sha256(), nullptr) != 1 ||
      length != digest.size()) {
    return std::nullopt;
  }
  return digest;
}

std::optional<Sha256Digest> hmac_sha256(std::string_view key, std::string_view data) {
  if (key.size() > static_cast<std::size_t>(std::numeric_limits<int>::max())) return std::nullopt;
  Sha256Digest mac{};
  unsigned int length = 0;
  if (HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
           reinterpret_cast<const unsigned char*>(data.data()), data.size(), mac.data(),
           &length) == nullptr ||
      length != mac.size()) {
    return std::nullopt;
  }
  return mac;
}

std::string to_hex(const Sha256Digest& digest) {
  constexpr std::string_view kHexDigits = "0123456789abcdef";
  std::string hex;
  hex.reserve(digest.size() * 2);
  for (const std::uint8_t byte : digest) {
    hex.push_back(kHexDigits[byte >> 4U]);
    hex.push_back(kHexDigits[byte & 0x0FU]);
  }
  return hex;
}

}  // namespace parley::crypto
