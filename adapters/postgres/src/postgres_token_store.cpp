// TokenStore over PostgreSQL: revocations and refresh-token families shared by every instance.
//
// Each multi-step write is one statement whose steps are data-modifying CTEs: PostgreSQL runs
// a statement as one transaction, so its steps commit together or not at all, in a single
// round trip and without a transaction left open across round trips.
#include "parley/postgres/postgres_token_store.hpp"

#include <chrono>
#include <string>

#include "detail/support.hpp"

namespace parley::postgres {
namespace {

using namespace std::chrono_literals;

// Purging is housekeeping for the expiry checks below, which already ignore expired rows:
// doing it at most this often keeps it off the hot path.
constexpr auto kPurgeInterval = 1min;

constexpr const char* kRevokeAccessToken =
    "INSERT INTO revoked_access_tokens (jti, expires_at) VALUES (:jti, :expires_at) "
    "ON CONFLICT (jti) DO UPDATE "
    "SET expires_at = GREATEST(revoked_access_tokens.expires_at, EXCLUDED.expires_at)";
constexpr const char* kIsAccessTokenRevoked =
    "SELECT EXISTS (SELECT 1 FROM revoked_access_tokens WHERE jti = :jti AND expires_at > :now)";
// The token, and its family, which lives as long as its longest-lived token; a revoked family
// stays revoked.
constexpr const char* kSaveRefreshToken =
    "WITH token AS ("
    "  INSERT INTO refresh_tokens (fingerprint, family_id, user_id, expires_at, used) "
    "  VALUES (:fingerprint, :family_id, :user_id, :expires_at, :used)) "
    "INSERT INTO token_families (family_id, user_id, revoked, expires_at) "
    "VALUES (:family_id, :user_id, false, :expires_at) "
    "ON CONFLICT (family_id) DO UPDATE "
    "SET expires_at = GREATEST(token_families.expires_at, EXCLUDED.expires_at)";
// The row lock taken by FOR UPDATE makes a concurrent consume of the same token wait, then
// re-read the row and see used = true: of two refreshes racing with one token, exactly one
// gets the record as unused. RETURNING gives the record as it was before the update.
constexpr const char* kConsumeRefreshToken =
    "WITH previous AS ("
    "  SELECT fingerprint, used FROM refresh_tokens "
    "  WHERE fingerprint = :fingerprint AND expires_at > :now FOR UPDATE) "
    "UPDATE refresh_tokens AS token SET used = true FROM previous "
    "WHERE token.fingerprint = previous.fingerprint "
    "RETURNING token.family_id, token.user_id, epoch_millis(token.expires_at), previous.used";
// A family revoked before any of its tokens was saved here (e.g. issued by another store) has
// no known expiry: its revocation is kept for good ('infinity'), failing closed. Its refresh
// tokens can never be used again: dropping them makes them unknown.
constexpr const char* kRevokeFamily =
    "WITH family AS ("
    "  INSERT INTO token_families (family_id, user_id, revoked, expires_at) "
    "  VALUES (:family_id, :user_id, true, 'infinity') "
    "  ON CONFLICT (family_id) DO UPDATE SET revoked = true) "
    "DELETE FROM refresh_tokens WHERE family_id = :family_id";
constexpr const char* kIsFamilyRevoked =
    "SELECT EXISTS (SELECT 1 FROM token_families "
    "               WHERE family_id = :family_id AND revoked AND expires_at > :now)";
// :keep NULL keeps nothing (IS DISTINCT FROM NULL is true for every family).
constexpr const char* kRevokeUserFamilies =
    "WITH families AS ("
    "  UPDATE token_families SET revoked = true "
    "  WHERE user_id = :user_id AND family_id IS DISTINCT FROM :keep) "
    "DELETE FROM refresh_tokens WHERE user_id = :user_id AND family_id IS DISTINCT FROM :keep";
constexpr const char* kPurgeExpired =
    "WITH access AS (DELETE FROM revoked_access_tokens WHERE expires_at <= :now), "
    "     refresh AS (DELETE FROM refresh_tokens WHERE expires_at <= :now) "
    "DELETE FROM token_families WHERE expires_at <= :now";
constexpr const char* kSelectOne = "SELECT 1";

core::Result<bool> read_flag(detail::PreparedStatement& statement) {
  if (!statement.next()) return core::Error::internal("postgres: EXISTS returned no row");
  return statement.boolean(0);
}

}  // namespace

void PostgresTokenStore::purge_expired_if_due(core::Timestamp now) noexcept {
  const auto now_ms = static_cast<std::int64_t>(now.time_since_epoch().count());
  std::int64_t due = next_purge_ms_.load();
  // Whoever moves the deadline forward purges; concurrent callers skip.
  if (now_ms < due || !next_purge_ms_.compare_exchange_strong(
                          due, now_ms + std::chrono::milliseconds(kPurgeInterval).count())) {
    return;
  }
  const auto purged =
      detail::run(database_, detail::Access::write, [&](detail::Connection& connection) -> core::Status {
        connection.prepared(kPurgeExpired).execute({{"now", detail::to_param(now)}});
        return {};
      });
  // Expired rows are already ignored by every read; try again on the next write.
  if (!purged.ok()) next_purge_ms_.store(0);
}

core::Status PostgresTokenStore::revoke_access_token(std::string_view jti, core::Timestamp expires_at) {
  purge_expired_if_due(clock_.now());
  return detail::run(database_, detail::Access::write, [&](detail::Connection& connection) -> core::Status {
    connection.prepared(kRevokeAccessToken)
        .execute({{"jti", std::string(jti)}, {"expires_at", detail::to_param(expires_at)}});
    return {};
  });
}

core::Result<bool> PostgresTokenStore::is_access_token_revoked(std::string_view jti) {
  const auto now = clock_.now();
  return detail::run(database_, detail::Access::read, [&](detail::Connection& connection) {
    auto& statement = connection.prepared(kIsAccessTokenRevoked);
    statement.execute({{"jti", std::string(jti)}, {"now", detail::to_param(now)}});
    return read_flag(statement);
  });
}

core::Status PostgresTokenStore::save_refresh_token(const core::RefreshTokenRecord& record) {
  purge_expired_if_due(clock_.now());
  return detail::run(database_, detail::Access::write, [&](detail::Connection& connection) -> core::Status {
    connection.prepared(kSaveRefreshToken)
        .execute({{"fingerprint", record.fingerprint},
                  {"family_id", record.family.to_string()},
                  {"user_id", record.user_id.to_string()},
                  {"expires_at", detail::to_param(record.expires_at)},
                  {"used", detail::to_param(record.used)}});
    return {};
  });
}

core::Result<core::RefreshTokenRecord> PostgresTokenStore::consume_refresh_token(
    std::string_view fingerprint) {
  const auto now = clock_.now();
  return detail::run(
      database_, detail::Access::write,
      [&](detail::Connection& connection) -> core::Result<core::RefreshTokenRecord> {
        auto& statement = connection.prepared(kConsumeRefreshToken);
        statement.execute({{"fingerprint", std::string(fingerprint)}, {"now", detail::to_param(now)}});
        if (!statement.next()) return core::Error::not_found("refresh token not found");
        auto family = detail::parse_stored_id<core::SessionId>(statement.text(0));
        if (!family) return std::move(family).error();
        auto user = detail::parse_stored_id<core::UserId>(statement.text(1));
        if (!user) return std::move(user).error();
        return core::RefreshTokenRecord{std::string(fingerprint), *family, *user,
                                        detail::from_millis(statement.int64(2)), statement.boolean(3)};
      });
}

core::Status PostgresTokenStore::revoke_family(const core::SessionId& family, const core::UserId& user_id) {
  purge_expired_if_due(clock_.now());
  return detail::run(database_, detail::Access::write, [&](detail::Connection& connection) -> core::Status {
    connection.prepared(kRevokeFamily)
        .execute({{"family_id", family.to_string()}, {"user_id", user_id.to_string()}});
    return {};
  });
}

core::Result<bool> PostgresTokenStore::is_family_revoked(const core::SessionId& family) {
  const auto now = clock_.now();
  return detail::run(database_, detail::Access::read, [&](detail::Connection& connection) {
    auto& statement = connection.prepared(kIsFamilyRevoked);
    statement.execute({{"family_id", family.to_string()}, {"now", detail::to_param(now)}});
    return read_flag(statement);
  });
}

core::Status PostgresTokenStore::revoke_user_families(const core::UserId& user_id,
                                                      std::optional<core::SessionId> keep) {
  purge_expired_if_due(clock_.now());
  return detail::run(database_, detail::Access::write, [&](detail::Connection& connection) -> core::Status {
    connection.prepared(kRevokeUserFamilies)
        .execute({{"user_id", user_id.to_string()},
                  {"keep", keep ? std::optional(keep->to_string()) : std::nullopt}});
    return {};
  });
}

core::Status PostgresTokenStore::ping() {
  return detail::run(database_, detail::Access::read, [&](detail::Connection& connection) -> core::Status {
    auto& statement = connection.prepared(kSelectOne);
    statement.execute({});
    if (!statement.next() || statement.int64(0) != 1)
      return core::Error::unavailable("postgres: ping returned no row");
    return {};
  });
}

}  // namespace parley::postgres
