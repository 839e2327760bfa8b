// OpaqueTokens: 256-bit random refresh tokens, stored under their SHA-256 fingerprint.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "parley/core/ports/opaque_tokens.hpp"

namespace parley::crypto {

class RandomOpaqueTokens final : public core::OpaqueTokens {
 public:
  static constexpr std::size_t kTokenBytes = 32;

  // 43 base64url characters. Aborts if the CSPRNG fails (see random.cpp for why).
  std::string generate() override;
  // 64 lowercase hex characters of SHA-256(token).
  std::string fingerprint(std::string_view token) override;
};

}  // namespace parley::crypto
