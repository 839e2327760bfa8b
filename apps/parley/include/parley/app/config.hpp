// The typed configuration of the `parley` executable, read once from PARLEY_* variables.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "parley/app/bounded_password_hasher.hpp"
#include "parley/core/caching/caching_repositories.hpp"
#include "parley/core/result.hpp"
#include "parley/core/services/auth_service.hpp"
#include "parley/http/log.hpp"
#include "parley/http/rate_limit.hpp"
#include "parley/http/server.hpp"
#include "parley/postgres/database.hpp"
#include "parley/redis/redis_config.hpp"

namespace parley::app {

struct Config {
  http::ServerConfig server;  // PARLEY_LISTEN, PARLEY_ADMIN_LISTEN, *_THREADS, MAX_*_BYTES, ...
  std::filesystem::path data_dir = "./var";
  std::optional<std::string> jwt_secret;  // PARLEY_JWT_SECRET; never logged
  std::optional<std::filesystem::path> jwt_secret_file;
  core::AuthConfig auth;  // issuer, audience, token lifetimes
  http::LogLevel log_level = http::LogLevel::info;
  std::vector<std::string> cors_origins;
  std::uint8_t scrypt_log2n = 15;
  // PARLEY_HASH_CONCURRENCY, PARLEY_HASH_QUEUE: how many password hashes run at once and how
  // many more may wait; the rest are refused with 503. Defaults leave worker threads free.
  HashingLimits hashing;
  std::size_t db_pool_size = 4;
  // PARLEY_DB_STATEMENT_TIMEOUT_SECONDS: PostgreSQL cancels a statement running longer (the
  // request then fails 503), so a runaway query cannot hold a pooled connection; 0: no limit.
  std::chrono::seconds db_statement_timeout{10};
  bool migrate_on_start = true;
  // PARLEY_METRICS_ENABLED: GET /metrics, on server.admin when PARLEY_ADMIN_LISTEN is set.
  bool metrics_enabled = true;
  // PARLEY_REALWORLD_ENABLED: the RealWorld ("Conduit") frontend under /api (apps/realworld).
  bool realworld_enabled = true;
  // PARLEY_DATABASE_URL: PostgreSQL when set (pool_size from PARLEY_DB_POOL_SIZE), otherwise
  // SQLite under data_dir. Holds the password: log postgres_target() instead.
  std::optional<postgres::PostgresConfig> postgres;
  // PARLEY_REDIS_URL: the token store lives in Redis when set, otherwise in the database.
  // Its key_prefix comes from PARLEY_REDIS_KEY_PREFIX (ignored without a URL). Holds the password: log
  // redis_target() instead.
  std::optional<redis::RedisConfig> redis;
  // PARLEY_RATE_LIMIT_ENABLED, PARLEY_RATE_LIMIT_{AUTH,WRITE,READ}, PARLEY_TRUSTED_PROXIES. The
  // limiter lives in Redis when PARLEY_REDIS_URL is set (shared by every instance), else in process.
  http::RateLimitSettings rate_limit;
  // PARLEY_CACHE_ENABLED: posts, the first feed pages and users cached through the core
  // decorators, in Redis when PARLEY_REDIS_URL is set, otherwise in process (see app.cpp).
  bool cache_enabled = true;
  core::CacheTtls cache_ttls;  // PARLEY_CACHE_LIST_TTL_SECONDS, PARLEY_CACHE_ENTITY_TTL_SECONDS
};

// Name -> value of the process environment's PARLEY_* variables.
using Environment = std::map<std::string, std::string, std::less<>>;

[[nodiscard]] Environment read_environment();

// Every problem at once: invalid_input whose details map each variable at fault to the
// reason (unknown variable, malformed or out-of-range value). Never reads the environment.
[[nodiscard]] core::Result<Config> parse_config(const Environment& env);

// "host=... port=... dbname=..." of a libpq conninfo: what to log instead of the connection
// string, which may hold a password. Missing parts are left out.
[[nodiscard]] std::string postgres_target(const postgres::PostgresConfig& config);

// "host:port/db" (and the ACL user), never the password.
[[nodiscard]] std::string redis_target(const redis::RedisConfig& config);

// "PARLEY_X: reason" lines for a parse_config error.
[[nodiscard]] std::string describe_config_error(const core::Error& error);

}  // namespace parley::app
