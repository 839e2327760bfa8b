// A TokenSigner that is simple but honest: "fake.<claims>.<tag>", where the claims
// are hex-encoded and joined by "-" (times in whole seconds, as a JWT would) and the tag is a keyed
// non-cryptographic digest of it. verify rejects anything malformed, tampered with, or
// signed with another secret, as unauthorized. Thread-safe (no mutable state).
#pragma once

#include <string>

#include "parley/core/ports/token_signer.hpp"

namespace parley::testing {

class FakeTokenSigner final : public core::TokenSigner {
 public:
  explicit FakeTokenSigner(std::string secret = "fake-secret") : secret_(std::move(secret)) {}

  core::Result<std::string> sign(const core::AccessClaims& claims) override;
  core::Result<core::AccessClaims> verify(std::string_view token) override;

 private:
  std::string secret_;
};

}  // namespace parley::testing
