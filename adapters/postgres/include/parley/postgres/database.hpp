// The PostgreSQL database: a pool of connections, each with the statements it has prepared,
// and the schema migrations embedded in this library at build time.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "parley/core/result.hpp"
#include "parley/postgres/conninfo.hpp"

namespace parley::postgres {

namespace detail {
class ConnectionPool;
}

struct PostgresConfig {
  // A libpq key=value string ("host=127.0.0.1 port=5432 dbname=parley user=parley password=...");
  // a postgresql:// URL is converted with to_libpq_conninfo. Unless it says otherwise,
  // connect_timeout follows acquire_timeout (libpq's minimum is 2 s) and application_name
  // is "parley".
  std::string connection;
  std::size_t pool_size = 8;
  // How long a call waits for a free pooled connection before it gives up with `unavailable`.
  std::chrono::milliseconds acquire_timeout{5000};
  // The longest any one statement may run (PostgreSQL's statement_timeout, set in every pooled
  // session) before the server cancels it and the call fails with `unavailable`; 0: no limit.
  // Migrations run without it.
  std::chrono::milliseconds statement_timeout{0};
};

// A snapshot of the connection pool, for monitoring.
struct PoolStats {
  std::size_t size = 0;
  std::size_t in_use = 0;
  std::uint64_t waits = 0;    // borrows that found no free connection and had to wait
  double wait_seconds = 0.0;  // total time those borrows waited (including ones that gave up)
};

// Safe to share between threads: every call borrows its own pooled connection.
//
// A connection that breaks (server restart, network failure, killed backend) is reported as
// `unavailable` and opened again by the next call that borrows it; once one connection is
// found broken, every other one is checked with a round trip before its next use, as is one
// left idle for over 30 s. Reads are retried once on a fresh connection, so they ride through
// a restart transparently; writes are not, since the server may have applied one before the
// connection dropped. Statements are prepared once per connection and reused.
class Database {
 public:
  // Opens pool_size connections. invalid_input naming `connection`, `pool_size`,
  // `acquire_timeout` or `statement_timeout` for a bad config; unavailable, with libpq's reason
  // (never the password), when the server cannot be reached.
  static core::Result<std::unique_ptr<Database>> open(const PostgresConfig& config);

  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;
  Database(Database&&) = delete;
  Database& operator=(Database&&) = delete;

  // Applies the pending embedded migrations in version order, each in its own transaction,
  // and records them in schema_migrations; returns how many it applied. Each transaction
  // first takes a transaction-scoped advisory lock, so instances migrating at once apply each
  // migration exactly once.
  core::Result<int> migrate();
  // How many embedded migrations the database has not applied yet.
  core::Result<int> pending_migrations();
  // A cheap round trip for readiness checks.
  core::Status ping();

  [[nodiscard]] const PostgresConfig& config() const noexcept { return config_; }
  // For this library's adapters, which borrow a connection per call.
  [[nodiscard]] detail::ConnectionPool& pool() noexcept { return *pool_; }
  [[nodiscard]] PoolStats pool_stats() const;

 private:
  Database(PostgresConfig config, std::unique_ptr<detail::ConnectionPool> pool);

  PostgresConfig config_;
  std::unique_ptr<detail::ConnectionPool> pool_;
};

}  // namespace parley::postgres
