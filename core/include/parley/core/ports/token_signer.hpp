// Port: signs and verifies access tokens. The adapter checks the encoding, the pinned
// algorithm and the signature (in constant time); core checks the claims' meaning
// (issuer, audience, expiry) against its configuration and Clock.
#pragma once

#include <string>
#include <string_view>

#include "parley/core/result.hpp"
#include "parley/core/time.hpp"
#include "parley/core/uuid.hpp"

namespace parley::core {

struct AccessClaims {
  std::string issuer;    // iss
  std::string audience;  // aud
  UserId subject;        // sub
  SessionId session;     // sid: the refresh family this token was issued for
  std::string token_id;  // jti
  Timestamp issued_at;   // iat (second precision on the wire)
  Timestamp expires_at;  // exp (second precision on the wire)

  friend bool operator==(const AccessClaims&, const AccessClaims&) = default;
};

class TokenSigner {
 public:
  virtual ~TokenSigner() = default;

  virtual Result<std::string> sign(const AccessClaims& claims) = 0;
  // unauthorized when malformed, of another algorithm, badly signed, or missing a claim.
  virtual Result<AccessClaims> verify(std::string_view token) = 0;
};

}  // namespace parley::core
