// TokenStore over Redis, shared by every Parley instance on the same server and key prefix.
#pragma once

#include "parley/core/ports/clock.hpp"
#include "parley/core/ports/token_store.hpp"
#include "parley/redis/client.hpp"

namespace parley::redis {

// Keys, under the client's prefix:
//   tokens:access:<jti>            revoked access token: its expires_at
//   tokens:refresh:<fingerprint>   hash family, user, expires_at, used
//   tokens:family:<family>         hash user, expires_at (ms, or "never"), revoked
//   tokens:family-tokens:<family>  set of the family's fingerprints
//   tokens:user-families:<user>    set of the user's families
// Each entry keeps its expires_at by the injected Clock, which decides every read, and gets a
// Redis TTL of the same remaining lifetime, so expired state disappears by itself. A family
// revoked before any of its tokens was saved has no known expiry and stays revoked for good
// (no TTL), failing closed like the other adapters. Every multi-key change runs as one Lua
// script, atomic across instances.
class RedisTokenStore final : public core::TokenStore {
 public:
  // The client must outlive the store.
  RedisTokenStore(Client& client, core::Clock& clock) : client_(client), clock_(clock) {}

  core::Status revoke_access_token(std::string_view jti, core::Timestamp expires_at) override;
  core::Result<bool> is_access_token_revoked(std::string_view jti) override;
  core::Status save_refresh_token(const core::RefreshTokenRecord& record) override;
  core::Result<core::RefreshTokenRecord> consume_refresh_token(std::string_view fingerprint) override;
  core::Status revoke_family(const core::SessionId& family, const core::UserId& user_id) override;
  core::Result<bool> is_family_revoked(const core::SessionId& family) override;
  // Both reads in one pipeline (one round trip).
  core::Result<Revoked> revoked(std::string_view jti, const core::SessionId& family) override;
  core::Status revoke_user_families(const core::UserId& user_id,
                                    std::optional<core::SessionId> keep) override;
  core::Status ping() override;

 private:
  // What a GET of an access-token key and an HMGET of a family's state say.
  core::Result<bool> access_revoked(const Reply& reply);
  core::Result<bool> family_revoked(const Reply& reply);
  // Runs the revocation script in one of its two modes.
  core::Status revoke(std::string_view mode, const core::UserId& user_id, std::string_view family);

  Client& client_;
  core::Clock& clock_;
};

}  // namespace parley::redis
