// TokenSigner issuing compact JWTs signed with HMAC-SHA256, the algorithm pinned on verify.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "parley/core/ports/token_signer.hpp"
#include "parley/core/result.hpp"

namespace parley::crypto {

class Hs256TokenSigner final : public core::TokenSigner {
 public:
  // RFC 7518 §3.2: an HS256 key must be at least as long as the hash output.
  static constexpr std::size_t kMinSecretBytes = 32;
  // Tokens longer than this are rejected before any decoding.
  static constexpr std::size_t kMaxTokenBytes = 4096;

  // invalid("secret", ...) when the secret is shorter than kMinSecretBytes.
  static core::Result<Hs256TokenSigner> create(std::string secret);

  // Movable (to leave the Result) but neither copyable nor assignable: the secret stays in
  // exactly one buffer, which the destructor wipes.
  Hs256TokenSigner(Hs256TokenSigner&&) noexcept = default;
  Hs256TokenSigner& operator=(Hs256TokenSigner&&) = delete;
  Hs256TokenSigner(const Hs256TokenSigner&) = delete;
  Hs256TokenSigner& operator=(const Hs256TokenSigner&) = delete;
  // Wipes the secret so it does not linger in freed heap memory.
  ~Hs256TokenSigner() override;

  // internal when the claims could not be verified back (empty or over-long jti, times outside
  // 1970..9999), so this signer never issues a token it would refuse.
  core::Result<std::string> sign(const core::AccessClaims& claims) override;
  // unauthorized("invalid token") on any failure, whatever the cause.
  core::Result<core::AccessClaims> verify(std::string_view token) override;

 private:
  explicit Hs256TokenSigner(std::string secret);

  std::string secret_;
};

}  // namespace parley::crypto
