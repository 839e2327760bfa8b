// Sample data and adapter fixtures shared by the storage contract suites.
//
// Every suite is a Catch2 TEMPLATE_TEST_CASE over the fixture types of its port, listed once
// below: a new adapter (PostgreSQL, Redis) joins every suite of its ports by adding a fixture
// class with the same members and naming it in the lists.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <catch2/catch.hpp>

#include "parley/core/domain/entities.hpp"
#include "parley/core/domain/paging.hpp"
#include "parley/core/error.hpp"
#include "parley/core/ports/audit_log.hpp"
#include "parley/core/ports/cache.hpp"
#include "parley/core/ports/comment_repository.hpp"
#include "parley/core/ports/follow_repository.hpp"
#include "parley/core/ports/like_repository.hpp"
#include "parley/core/ports/post_repository.hpp"
#include "parley/core/ports/rate_limiter.hpp"
#include "parley/core/ports/token_store.hpp"
#include "parley/core/ports/user_repository.hpp"
#include "parley/memory/memory_audit_log.hpp"
#include "parley/memory/memory_cache.hpp"
#include "parley/memory/memory_comment_repository.hpp"
#include "parley/memory/memory_follow_repository.hpp"
#include "parley/memory/memory_like_repository.hpp"
#include "parley/memory/memory_post_repository.hpp"
#include "parley/memory/memory_rate_limiter.hpp"
#include "parley/memory/memory_store.hpp"
#include "parley/memory/memory_token_store.hpp"
#include "parley/memory/memory_user_repository.hpp"
#include "parley/testing/fake_clock.hpp"
#include "parley/testing/sequential_ids.hpp"

#ifdef PARLEY_CONTRACT_SQLITE
#include "parley/sqlite/database.hpp"
#include "parley/sqlite/sqlite_audit_log.hpp"
#include "parley/sqlite/sqlite_comment_repository.hpp"
#include "parley/sqlite/sqlite_follow_repository.hpp"
#include "parley/sqlite/sqlite_like_repository.hpp"
#include "parley/sqlite/sqlite_post_repository.hpp"
#include "parley/sqlite/sqlite_token_store.hpp"
#include "parley/sqlite/sqlite_user_repository.hpp"
#endif

#ifdef PARLEY_CONTRACT_POSTGRES
#include "parley/postgres/database.hpp"
#include "parley/postgres/postgres_audit_log.hpp"
#include "parley/postgres/postgres_comment_repository.hpp"
#include "parley/postgres/postgres_follow_repository.hpp"
#include "parley/postgres/postgres_like_repository.hpp"
#include "parley/postgres/postgres_post_repository.hpp"
#include "parley/postgres/postgres_token_store.hpp"
#include "parley/postgres/postgres_user_repository.hpp"
struct pg_conn;  // libpq's PGconn
#endif

#ifdef PARLEY_CONTRACT_REDIS
#include "parley/redis/client.hpp"
#include "parley/redis/redis_cache.hpp"
#include "parley/redis/redis_rate_limiter.hpp"
#include "parley/redis/redis_token_store.hpp"
#endif

namespace parley::contract {

// ---- sample data -------------------------------------------------------------------------

// Times relative to a fixed instant, so orderings are chosen by the test, not the wall clock.
inline core::Timestamp at_ms(std::int64_t offset) {
  return testing::FakeClock::default_start() + std::chrono::milliseconds(offset);
}

// Disjoint id ranges per kind, so a mix-up between kinds cannot pass by accident.
inline core::UserId user_id(std::uint64_t n) {
  return core::UserId{testing::SequentialIds::make(n)};
}
inline core::PostId post_id(std::uint64_t n) {
  return core::PostId{testing::SequentialIds::make(10'000 + n)};
}
inline core::CommentId comment_id(std::uint64_t n) {
  return core::CommentId{testing::SequentialIds::make(20'000 + n)};
}
inline core::AuditId audit_id(std::uint64_t n) {
  return core::AuditId{testing::SequentialIds::make(30'000 + n)};
}
inline core::SessionId session_id(std::uint64_t n) {
  return core::SessionId{testing::SequentialIds::make(40'000 + n)};
}

template <class Id>
Id id_from(std::string_view text) {
  auto id = Id::parse(text);
  REQUIRE(id.has_value());
  return *id;
}

// A validated value, failing the test when the sample itself is invalid.
template <class Value>
Value valid(std::string_view raw) {
  auto value = Value::parse(raw);
  REQUIRE(value.ok());
  return std::move(value).value();
}

inline core::PageRequest page(std::int64_t number, std::int64_t size) {
  auto request = core::PageRequest::make(number, size);
  REQUIRE(request.ok());
  return *request;
}

inline core::User make_user(std::uint64_t n, std::string_view username, std::string_view email) {
  const auto created = at_ms(static_cast<std::int64_t>(n));
  return core::User{.id = user_id(n),
                    .email = valid<core::Email>(email),
                    .username = valid<core::Username>(username),
                    .bio = valid<core::Bio>("bio of " + std::string(username)),
                    .role = core::Role::user,
                    .blocked = false,
                    .password_hash = "fake$1$" + std::to_string(n) + "$digest",
                    .created_at = created,
                    .updated_at = created};
}

// A slug of the shape make_slug() gives, unique per id (every hex digit of it).
inline core::Slug slug_for(const core::PostId& id) {
  std::string slug = "post-";
  for (const char c : id.to_string()) {
    if (c != '-') slug += c;
  }
  return core::Slug::from_storage(std::move(slug));
}

inline core::Post make_post(const core::PostId& id, const core::UserId& author, std::int64_t created,
                            bool published = true, std::vector<core::Tag> tags = {}) {
  return core::Post{.id = id,
                    .author_id = author,
                    .slug = slug_for(id),
                    .title = valid<core::PostTitle>("Title " + id.to_string()),
                    .description = core::PostDescription::from_storage(""),
                    .body = valid<core::PostBody>("Body of\n" + id.to_string()),
                    .tags = std::move(tags),
                    .is_published = published,
                    .created_at = at_ms(created),
                    .updated_at = at_ms(created)};
}

// Tags as stored: the caller gives them sorted and unique, as normalize_tags() leaves them.
inline std::vector<core::Tag> tag_list(std::initializer_list<std::string_view> names) {
  std::vector<core::Tag> result;
  for (const auto name : names)
    result.push_back(core::Tag::from_storage(std::string(name)));
  return result;
}

inline core::Comment make_comment(const core::CommentId& id, const core::PostId& post,
                                  const core::UserId& author, std::int64_t created) {
  return core::Comment{.id = id,
                       .post_id = post,
                       .author_id = author,
                       .body = valid<core::CommentBody>("Comment " + id.to_string()),
                       .created_at = at_ms(created)};
}

inline core::RefreshTokenRecord make_refresh(std::string fingerprint, const core::SessionId& family,
                                             const core::UserId& user, core::Timestamp expires_at) {
  return core::RefreshTokenRecord{std::move(fingerprint), family, user, expires_at, false};
}

// The ids of a page's items, in order: compact to compare and readable when a check fails.
template <class Item>
std::vector<std::string> item_ids(const std::vector<Item>& items) {
  std::vector<std::string> ids;
  ids.reserve(items.size());
  for (const auto& item : items)
    ids.push_back(item.id.to_string());
  return ids;
}

template <class Id>
std::vector<std::string> strings(std::initializer_list<Id> ids) {
  std::vector<std::string> result;
  for (const auto& id : ids)
    result.push_back(id.to_string());
  return result;
}

// The error code of a failed result; nullopt (printed "ok") for a success.
template <class T>
std::optional<core::ErrorCode> code_of(const core::Result<T>& result) {
  if (result.ok()) return std::nullopt;
  return result.error().code;
}

// ---- fixtures ----------------------------------------------------------------------------

// Users, posts, comments, the audit log, likes and follows of one adapter, sharing one store
// as they must.
class MemoryStorage {
 public:
  core::UserRepository& users() { return users_; }
  core::PostRepository& posts() { return posts_; }
  core::CommentRepository& comments() { return comments_; }
  core::AuditLog& audit() { return audit_; }
  core::LikeRepository& likes() { return likes_; }
  core::FollowRepository& follows() { return follows_; }

 private:
  memory::MemoryStore store_;
  memory::MemoryUserRepository users_{store_};
  memory::MemoryPostRepository posts_{store_};
  memory::MemoryCommentRepository comments_{store_};
  memory::MemoryAuditLog audit_{store_};
  memory::MemoryLikeRepository likes_{store_};
  memory::MemoryFollowRepository follows_{store_};
};

class MemoryTokens {
 public:
  core::TokenStore& tokens() { return tokens_; }
  testing::FakeClock& clock() { return clock_; }

 private:
  testing::FakeClock clock_;
  memory::MemoryTokenStore tokens_{clock_};
};

class MemoryCacheFixture {
 public:
  core::Cache& cache() { return cache_; }
  testing::FakeClock& clock() { return clock_; }

 private:
  testing::FakeClock clock_;
  memory::MemoryCache cache_{clock_};
};

class MemoryRateLimiterFixture {
 public:
  core::RateLimiter& limiter() { return limiter_; }
  testing::FakeClock& clock() { return clock_; }

 private:
  testing::FakeClock clock_;
  memory::MemoryRateLimiter limiter_{clock_};
};

// A directory of its own under the system temp dir, removed with everything in it.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  [[nodiscard]] const std::filesystem::path& path() const noexcept { return path_; }

 private:
  std::filesystem::path path_;
};

#ifdef PARLEY_CONTRACT_SQLITE
// A fresh, migrated database file per test case run.
std::unique_ptr<sqlite::Database> open_sqlite(const std::filesystem::path& file, bool migrate = true);

class SqliteStorage {
 public:
  core::UserRepository& users() { return users_; }
  core::PostRepository& posts() { return posts_; }
  core::CommentRepository& comments() { return comments_; }
  core::AuditLog& audit() { return audit_; }
  core::LikeRepository& likes() { return likes_; }
  core::FollowRepository& follows() { return follows_; }

 private:
  TempDir dir_;
  std::unique_ptr<sqlite::Database> database_ = open_sqlite(dir_.path() / "parley.db");
  sqlite::SqliteUserRepository users_{*database_};
  sqlite::SqlitePostRepository posts_{*database_};
  sqlite::SqliteCommentRepository comments_{*database_};
  sqlite::SqliteAuditLog audit_{*database_};
  sqlite::SqliteLikeRepository likes_{*database_};
  sqlite::SqliteFollowRepository follows_{*database_};
};

class SqliteTokens {
 public:
  core::TokenStore& tokens() { return tokens_; }
  testing::FakeClock& clock() { return clock_; }

 private:
  TempDir dir_;
  testing::FakeClock clock_;
  std::unique_ptr<sqlite::Database> database_ = open_sqlite(dir_.path() / "tokens.db");
  sqlite::SqliteTokenStore tokens_{*database_, clock_};
};
#endif

#ifdef PARLEY_CONTRACT_POSTGRES
// The throwaway server of tests/services/postgres.sh, started by the ctest fixture
// storage/postgres-start: its conninfo is read from the file named by
// PARLEY_TEST_POSTGRES_CONNINFO_FILE, and the test fails (never skips) when there is none.
std::string postgres_test_conninfo();

// A plain libpq connection: another client, as far as the adapter can tell.
class PostgresClient {
 public:
  explicit PostgresClient(const std::string& conninfo);
  ~PostgresClient();
  PostgresClient(const PostgresClient&) = delete;
  PostgresClient& operator=(const PostgresClient&) = delete;

  // Runs one statement with $1, $2... bound to `params`; the first column of each row.
  // Fails the test when the statement fails.
  std::vector<std::string> query(const std::string& sql, const std::vector<std::string>& params = {});
  // The SQLSTATE a statement fails with; empty when it succeeds.
  std::string failure_state(const std::string& sql, const std::vector<std::string>& params = {});

 private:
  pg_conn* connection_ = nullptr;
};

// A schema of its own on the test server, dropped with everything in it: every test case
// starts from an empty database, and cases run in parallel on one server.
class PostgresSchema {
 public:
  PostgresSchema();
  ~PostgresSchema();
  PostgresSchema(const PostgresSchema&) = delete;
  PostgresSchema& operator=(const PostgresSchema&) = delete;

  [[nodiscard]] const std::string& name() const noexcept { return name_; }
  // The server's conninfo with this schema alone in search_path.
  [[nodiscard]] const std::string& conninfo() const noexcept { return conninfo_; }

 private:
  std::string server_;
  std::string name_;
  std::string conninfo_;
};

std::unique_ptr<postgres::Database> open_postgres(const std::string& conninfo, bool migrate = true,
                                                  std::size_t pool_size = 4);

class PostgresStorage {
 public:
  core::UserRepository& users() { return users_; }
  core::PostRepository& posts() { return posts_; }
  core::CommentRepository& comments() { return comments_; }
  core::AuditLog& audit() { return audit_; }
  core::LikeRepository& likes() { return likes_; }
  core::FollowRepository& follows() { return follows_; }

 private:
  PostgresSchema schema_;
  std::unique_ptr<postgres::Database> database_ = open_postgres(schema_.conninfo());
  postgres::PostgresUserRepository users_{*database_};
  postgres::PostgresPostRepository posts_{*database_};
  postgres::PostgresCommentRepository comments_{*database_};
  postgres::PostgresAuditLog audit_{*database_};
  postgres::PostgresLikeRepository likes_{*database_};
  postgres::PostgresFollowRepository follows_{*database_};
};

class PostgresTokens {
 public:
  core::TokenStore& tokens() { return tokens_; }
  testing::FakeClock& clock() { return clock_; }

 private:
  PostgresSchema schema_;
  testing::FakeClock clock_;
  std::unique_ptr<postgres::Database> database_ = open_postgres(schema_.conninfo());
  postgres::PostgresTokenStore tokens_{*database_, clock_};
};
#endif

#ifdef PARLEY_CONTRACT_REDIS
// The throwaway server of tests/services/redis.sh, started by the ctest fixture
// storage/redis-start: its URL is read from the file named by PARLEY_TEST_REDIS_URL_FILE, and
// the test fails (never skips) when there is none. Each call gives a key prefix of its own, so
// every test case starts clean and cases can run in parallel on one server.
redis::RedisConfig redis_test_config();
std::unique_ptr<redis::Client> open_redis(const redis::RedisConfig& config);

class RedisTokens {
 public:
  core::TokenStore& tokens() { return tokens_; }
  testing::FakeClock& clock() { return clock_; }

 private:
  testing::FakeClock clock_;
  std::unique_ptr<redis::Client> client_ = open_redis(redis_test_config());
  redis::RedisTokenStore tokens_{*client_, clock_};
};

class RedisCacheFixture {
 public:
  core::Cache& cache() { return cache_; }
  testing::FakeClock& clock() { return clock_; }

 private:
  testing::FakeClock clock_;
  std::unique_ptr<redis::Client> client_ = open_redis(redis_test_config());
  redis::RedisCache cache_{*client_, clock_};
};

class RedisRateLimiterFixture {
 public:
  core::RateLimiter& limiter() { return limiter_; }
  testing::FakeClock& clock() { return clock_; }

 private:
  testing::FakeClock clock_;
  std::unique_ptr<redis::Client> client_ = open_redis(redis_test_config());
  redis::RedisRateLimiter limiter_{*client_, clock_};
};
#endif

}  // namespace parley::contract

namespace Catch {
template <>
struct StringMaker<std::optional<parley::core::ErrorCode>> {
  static std::string convert(const std::optional<parley::core::ErrorCode>& code) {
    return code ? std::string(parley::core::to_string(*code)) : std::string("ok");
  }
};
template <>
struct StringMaker<parley::core::ErrorCode> {
  static std::string convert(parley::core::ErrorCode code) {
    return std::string(parley::core::to_string(code));
  }
};
}  // namespace Catch

// Redis joins the suites of the ports it implements; these are empty without it.
#ifdef PARLEY_CONTRACT_REDIS
#define PARLEY_REDIS_TOKEN_STORE_FIXTURES , RedisTokens
#define PARLEY_REDIS_CACHE_FIXTURES , RedisCacheFixture
#define PARLEY_REDIS_RATE_LIMITER_FIXTURES , RedisRateLimiterFixture
#else
#define PARLEY_REDIS_TOKEN_STORE_FIXTURES
#define PARLEY_REDIS_CACHE_FIXTURES
#define PARLEY_REDIS_RATE_LIMITER_FIXTURES
#endif

// PostgreSQL joins the storage and token suites; these are empty without it.
#ifdef PARLEY_CONTRACT_POSTGRES
#define PARLEY_POSTGRES_STORAGE_FIXTURES , PostgresStorage
#define PARLEY_POSTGRES_TOKEN_STORE_FIXTURES , PostgresTokens
#else
#define PARLEY_POSTGRES_STORAGE_FIXTURES
#define PARLEY_POSTGRES_TOKEN_STORE_FIXTURES
#endif

// The adapters each suite runs against. Unqualified so test names read "... - SqliteStorage":
// the suites bring parley::contract into scope.
#ifdef PARLEY_CONTRACT_SQLITE
#define PARLEY_STORAGE_FIXTURES MemoryStorage, SqliteStorage PARLEY_POSTGRES_STORAGE_FIXTURES
#define PARLEY_TOKEN_STORE_FIXTURES \
  MemoryTokens, SqliteTokens PARLEY_POSTGRES_TOKEN_STORE_FIXTURES PARLEY_REDIS_TOKEN_STORE_FIXTURES
#else
#define PARLEY_STORAGE_FIXTURES MemoryStorage
#define PARLEY_TOKEN_STORE_FIXTURES MemoryTokens PARLEY_REDIS_TOKEN_STORE_FIXTURES
#endif
#define PARLEY_CACHE_FIXTURES MemoryCacheFixture PARLEY_REDIS_CACHE_FIXTURES
#define PARLEY_RATE_LIMITER_FIXTURES MemoryRateLimiterFixture PARLEY_REDIS_RATE_LIMITER_FIXTURES
