// TokenStore in maps. Revocations and refresh tokens are forgotten once they expire, which
// the injected Clock decides; expired entries are purged lazily.
#pragma once

#include <map>
#include <mutex>
#include <set>
#include <string>

#include "parley/core/ports/clock.hpp"
#include "parley/core/ports/token_store.hpp"

namespace parley::memory {

class MemoryTokenStore final : public core::TokenStore {
 public:
  explicit MemoryTokenStore(core::Clock& clock) : clock_(clock) {}

  core::Status revoke_access_token(std::string_view jti, core::Timestamp expires_at) override;
  core::Result<bool> is_access_token_revoked(std::string_view jti) override;
  core::Status save_refresh_token(const core::RefreshTokenRecord& record) override;
  core::Result<core::RefreshTokenRecord> consume_refresh_token(std::string_view fingerprint) override;
  core::Status revoke_family(const core::SessionId& family, const core::UserId& user_id) override;
  core::Result<bool> is_family_revoked(const core::SessionId& family) override;
  core::Status revoke_user_families(const core::UserId& user_id,
                                    std::optional<core::SessionId> keep) override;
  core::Status ping() override;

 private:
  struct Family {
    core::UserId user_id;
    // The latest expiry of the family's refresh tokens. Access tokens never outlive the
    // refresh token issued with them, so a revoked family can be forgotten after this.
    core::Timestamp expires_at;
    bool revoked = false;
  };

  // Callers hold mutex_.
  void purge_expired(core::Timestamp now);
  void revoke_family_locked(const core::SessionId& family, const core::UserId& user_id);

  core::Clock& clock_;
  std::mutex mutex_;
  core::Timestamp next_purge_{};
  std::map<std::string, core::Timestamp, std::less<>> revoked_access_;    // jti -> token expiry
  std::map<std::string, core::RefreshTokenRecord, std::less<>> refresh_;  // by fingerprint
  std::map<core::SessionId, Family> families_;
  std::map<core::UserId, std::set<core::SessionId>> user_families_;
};

}  // namespace parley::memory
