// Port: server-side token state. Access tokens are stateless JWTs, so this holds only what
// revokes them early, plus refresh tokens (stored by fingerprint, never in clear) grouped in
// families: one family per login session. Every method may also return `unavailable`, which
// callers treat as "cannot prove the token is valid" (fail closed).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "parley/core/result.hpp"
#include "parley/core/time.hpp"
#include "parley/core/uuid.hpp"

namespace parley::core {

struct RefreshTokenRecord {
  std::string fingerprint;  // hash of the opaque token
  SessionId family;
  UserId user_id;
  Timestamp expires_at;
  bool used = false;  // set once it has been rotated

  friend bool operator==(const RefreshTokenRecord&, const RefreshTokenRecord&) = default;
};

class TokenStore {
 public:
  virtual ~TokenStore() = default;

  // Remembers the revocation until expires_at, when the token dies anyway.
  virtual Status revoke_access_token(std::string_view jti, Timestamp expires_at) = 0;
  virtual Result<bool> is_access_token_revoked(std::string_view jti) = 0;

  // Records a new refresh token and adds its family to the user's sessions.
  virtual Status save_refresh_token(const RefreshTokenRecord& record) = 0;
  // Atomically marks the token used and returns the record as it was before, so a record
  // with used == true means the token was presented twice. not_found when unknown or expired.
  virtual Result<RefreshTokenRecord> consume_refresh_token(std::string_view fingerprint) = 0;

  // Revokes one session: its refresh tokens and the access tokens issued for it.
  virtual Status revoke_family(const SessionId& family, const UserId& user_id) = 0;
  virtual Result<bool> is_family_revoked(const SessionId& family) = 0;
  // Both checks an access token needs on every request, in one round trip where the store
  // has one (a networked store overrides this); by default the two calls above.
  enum class Revoked { none, access_token, session };
  virtual Result<Revoked> revoked(std::string_view jti, const SessionId& family) {
    auto token = is_access_token_revoked(jti);
    if (!token) return std::move(token).error();
    if (*token) return Revoked::access_token;
    auto session = is_family_revoked(family);
    if (!session) return std::move(session).error();
    return *session ? Revoked::session : Revoked::none;
  }
  // Revokes every session of the user except `keep`.
  virtual Status revoke_user_families(const UserId& user_id, std::optional<SessionId> keep) = 0;

  virtual Status ping() = 0;
};

}  // namespace parley::core
