// TokenStore over SQLite: revocations and refresh-token families that survive restarts.
#include "parley/sqlite/sqlite_token_store.hpp"

#include <chrono>
#include <limits>
#include <string>

#include <soci/soci.h>

#include "detail/support.hpp"

namespace parley::sqlite {
namespace {

using namespace std::chrono_literals;

// Purging is housekeeping for the expiry checks below, which already ignore expired rows:
// doing it at most this often keeps it off the hot path.
constexpr auto kPurgeInterval = 1min;
// A family revoked before any of its tokens was saved here (e.g. issued by another store) has
// no known expiry: its revocation is kept for good, failing closed.
constexpr long long kNeverExpires = std::numeric_limits<long long>::max();

constexpr const char* kRevokeAccessToken =
    "INSERT INTO revoked_access_tokens (jti, expires_at) VALUES (:jti, :expires_at) "
    "ON CONFLICT (jti) DO UPDATE SET expires_at = max(expires_at, excluded.expires_at)";
constexpr const char* kIsAccessTokenRevoked =
    "SELECT COUNT(*) FROM revoked_access_tokens WHERE jti = :jti AND expires_at > :now";
constexpr const char* kInsertRefreshToken =
    "INSERT INTO refresh_tokens (fingerprint, family_id, user_id, expires_at, used) "
    "VALUES (:fingerprint, :family_id, :user_id, :expires_at, :used)";
// A family lives as long as its longest-lived token; a revoked one stays revoked.
constexpr const char* kUpsertFamily =
    "INSERT INTO token_families (family_id, user_id, revoked, expires_at) "
    "VALUES (:family_id, :user_id, 0, :expires_at) "
    "ON CONFLICT (family_id) DO UPDATE SET expires_at = max(expires_at, excluded.expires_at)";
constexpr const char* kSelectRefreshToken =
    "SELECT family_id, user_id, expires_at, used FROM refresh_tokens "
    "WHERE fingerprint = :fingerprint AND expires_at > :now";
constexpr const char* kMarkRefreshTokenUsed =
    "UPDATE refresh_tokens SET used = 1 WHERE fingerprint = :fingerprint";
constexpr const char* kRevokeFamily =
    "INSERT INTO token_families (family_id, user_id, revoked, expires_at) "
    "VALUES (:family_id, :user_id, 1, :expires_at) "
    "ON CONFLICT (family_id) DO UPDATE SET revoked = 1";
constexpr const char* kIsFamilyRevoked =
    "SELECT COUNT(*) FROM token_families WHERE family_id = :family_id AND revoked = 1 AND expires_at > :now";
// A revoked family's refresh tokens can never be used again: dropping them makes them unknown.
constexpr const char* kDeleteFamilyTokens = "DELETE FROM refresh_tokens WHERE family_id = :family_id";
constexpr const char* kRevokeUserFamilies = "UPDATE token_families SET revoked = 1 WHERE user_id = :user_id";
constexpr const char* kDeleteUserTokens = "DELETE FROM refresh_tokens WHERE user_id = :user_id";
constexpr const char* kRevokeUserFamiliesExcept =
    "UPDATE token_families SET revoked = 1 WHERE user_id = :user_id AND family_id <> :keep";
constexpr const char* kDeleteUserTokensExcept =
    "DELETE FROM refresh_tokens WHERE user_id = :user_id AND family_id <> :keep";
constexpr const char* kPurgeAccessTokens = "DELETE FROM revoked_access_tokens WHERE expires_at <= :now";
constexpr const char* kPurgeRefreshTokens = "DELETE FROM refresh_tokens WHERE expires_at <= :now";
constexpr const char* kPurgeFamilies = "DELETE FROM token_families WHERE expires_at <= :now";
constexpr const char* kSelectOne = "SELECT 1";

}  // namespace

void SqliteTokenStore::purge_expired_if_due(core::Timestamp now) noexcept {
  const long long now_ms = detail::to_millis(now);
  std::int64_t due = next_purge_ms_.load();
  // Whoever moves the deadline forward purges; concurrent callers skip.
  if (now_ms < due || !next_purge_ms_.compare_exchange_strong(
                          due, now_ms + std::chrono::milliseconds(kPurgeInterval).count())) {
    return;
  }
  try {
    detail::Lease lease(database_);
    soci::session& session = lease.session();
    detail::WriteTransaction transaction(session);
    session << kPurgeAccessTokens, soci::use(now_ms, "now");
    session << kPurgeRefreshTokens, soci::use(now_ms, "now");
    session << kPurgeFamilies, soci::use(now_ms, "now");
    transaction.commit();
  } catch (const std::exception&) {
    // Expired rows are already ignored by every read; try again on the next write.
    next_purge_ms_.store(0);
  }
}

core::Status SqliteTokenStore::revoke_access_token(std::string_view jti, core::Timestamp expires_at) {
  return detail::guarded([&]() -> core::Status {
    purge_expired_if_due(clock_.now());
    detail::Lease lease(database_);
    const std::string key(jti);
    const long long expires_ms = detail::to_millis(expires_at);
    lease.session() << kRevokeAccessToken, soci::use(key, "jti"), soci::use(expires_ms, "expires_at");
    return {};
  });
}

core::Result<bool> SqliteTokenStore::is_access_token_revoked(std::string_view jti) {
  return detail::guarded([&]() -> core::Result<bool> {
    detail::Lease lease(database_);
    const std::string key(jti);
    const long long now_ms = detail::to_millis(clock_.now());
    long long count = 0;
    lease.session() << kIsAccessTokenRevoked, soci::use(key, "jti"), soci::use(now_ms, "now"),
        soci::into(count);
    return count > 0;
  });
}

core::Status SqliteTokenStore::save_refresh_token(const core::RefreshTokenRecord& record) {
  return detail::guarded([&]() -> core::Status {
    purge_expired_if_due(clock_.now());
    detail::Lease lease(database_);
    soci::session& session = lease.session();
    const std::string family_id = record.family.to_string();
    const std::string user_id = record.user_id.to_string();
    const long long expires_ms = detail::to_millis(record.expires_at);
    const int used = record.used ? 1 : 0;
    // The token and its family are written together or not at all.
    detail::WriteTransaction transaction(session);
    session << kInsertRefreshToken, soci::use(record.fingerprint, "fingerprint"),
        soci::use(family_id, "family_id"), soci::use(user_id, "user_id"), soci::use(expires_ms, "expires_at"),
        soci::use(used, "used");
    session << kUpsertFamily, soci::use(family_id, "family_id"), soci::use(user_id, "user_id"),
        soci::use(expires_ms, "expires_at");
    transaction.commit();
    return {};
  });
}

core::Result<core::RefreshTokenRecord> SqliteTokenStore::consume_refresh_token(std::string_view fingerprint) {
  return detail::guarded([&]() -> core::Result<core::RefreshTokenRecord> {
    detail::Lease lease(database_);
    soci::session& session = lease.session();
    const std::string key(fingerprint);
    const long long now_ms = detail::to_millis(clock_.now());
    std::string family_id;
    std::string user_id;
    long long expires_ms = 0;
    int used = 0;
    // The write lock is held from the read to the update: of two concurrent refreshes with
    // the same token, the second reads used = 1 and is treated as a replay.
    detail::WriteTransaction transaction(session);
    session << kSelectRefreshToken, soci::use(key, "fingerprint"), soci::use(now_ms, "now"),
        soci::into(family_id), soci::into(user_id), soci::into(expires_ms), soci::into(used);
    if (!session.got_data()) return core::Error::not_found("refresh token not found");
    if (used == 0) session << kMarkRefreshTokenUsed, soci::use(key, "fingerprint");
    transaction.commit();

    auto family = detail::parse_stored_id<core::SessionId>(family_id);
    if (!family) return std::move(family).error();
    auto user = detail::parse_stored_id<core::UserId>(user_id);
    if (!user) return std::move(user).error();
    return core::RefreshTokenRecord{key, *family, *user, detail::from_millis(expires_ms), used != 0};
  });
}

core::Status SqliteTokenStore::revoke_family(const core::SessionId& family, const core::UserId& user_id) {
  return detail::guarded([&]() -> core::Status {
    purge_expired_if_due(clock_.now());
    detail::Lease lease(database_);
    soci::session& session = lease.session();
    const std::string family_id = family.to_string();
    const std::string user = user_id.to_string();
    const long long expires_ms = kNeverExpires;
    detail::WriteTransaction transaction(session);
    session << kRevokeFamily, soci::use(family_id, "family_id"), soci::use(user, "user_id"),
        soci::use(expires_ms, "expires_at");
    session << kDeleteFamilyTokens, soci::use(family_id, "family_id");
    transaction.commit();
    return {};
  });
}

core::Result<bool> SqliteTokenStore::is_family_revoked(const core::SessionId& family) {
  return detail::guarded([&]() -> core::Result<bool> {
    detail::Lease lease(database_);
    const std::string family_id = family.to_string();
    const long long now_ms = detail::to_millis(clock_.now());
    long long count = 0;
    lease.session() << kIsFamilyRevoked, soci::use(family_id, "family_id"), soci::use(now_ms, "now"),
        soci::into(count);
    return count > 0;
  });
}

core::Status SqliteTokenStore::revoke_user_families(const core::UserId& user_id,
                                                    std::optional<core::SessionId> keep) {
  return detail::guarded([&]() -> core::Status {
    purge_expired_if_due(clock_.now());
    detail::Lease lease(database_);
    soci::session& session = lease.session();
    const std::string user = user_id.to_string();
    detail::WriteTransaction transaction(session);
    if (keep) {
      const std::string kept = keep->to_string();
      session << kRevokeUserFamiliesExcept, soci::use(user, "user_id"), soci::use(kept, "keep");
      session << kDeleteUserTokensExcept, soci::use(user, "user_id"), soci::use(kept, "keep");
    } else {
      session << kRevokeUserFamilies, soci::use(user, "user_id");
      session << kDeleteUserTokens, soci::use(user, "user_id");
    }
    transaction.commit();
    return {};
  });
}

core::Status SqliteTokenStore::ping() {
  return detail::guarded([&]() -> core::Status {
    detail::Lease lease(database_);
    int one = 0;
    lease.session() << kSelectOne, soci::into(one);
    if (one != 1) return core::Error::unavailable("sqlite: ping returned no row");
    return {};
  });
}

}  // namespace parley::sqlite
