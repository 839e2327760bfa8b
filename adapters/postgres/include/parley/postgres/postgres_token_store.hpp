// TokenStore over PostgreSQL: revocations and refresh-token families shared by every Parley
// instance on the same database, surviving restarts.
#pragma once

#include <atomic>
#include <cstdint>

#include "parley/core/ports/clock.hpp"
#include "parley/core/ports/token_store.hpp"
#include "parley/postgres/database.hpp"

namespace parley::postgres {

// Rows past their expires_at count as absent; expired rows are purged opportunistically on
// writes, at most once a minute per store.
class PostgresTokenStore final : public core::TokenStore {
 public:
  PostgresTokenStore(Database& database, core::Clock& clock) : database_(database), clock_(clock) {}

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
  void purge_expired_if_due(core::Timestamp now) noexcept;

  Database& database_;
  core::Clock& clock_;
  std::atomic<std::int64_t> next_purge_ms_{0};
};

}  // namespace parley::postgres
