// The SQLite database: a pool of configured connections and the schema migrations embedded
// in this library at build time.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "parley/core/result.hpp"

namespace soci {
class connection_pool;
}

namespace parley::sqlite {

struct SqliteConfig {
  std::string path;  // a database file; its directory must already exist
  std::size_t pool_size = 4;
  // How long a call waits for a lock held by another connection (or process) before it
  // gives up with `unavailable`; also bounds the wait for a free pooled connection.
  std::chrono::milliseconds busy_timeout{5000};
};

// A snapshot of the connection pool, for monitoring.
struct PoolStats {
  std::size_t size = 0;
  std::size_t in_use = 0;
  std::uint64_t waits = 0;    // borrows that found no free connection and had to wait
  double wait_seconds = 0.0;  // total time those borrows waited (including ones that gave up)
};

// Safe to share between threads: every call borrows its own pooled connection.
class Database {
 public:
  // Opens pool_size connections, each with WAL, foreign_keys=ON, synchronous=NORMAL and the
  // busy timeout. invalid_input for a bad config; unavailable, naming the path and SQLite's
  // reason, when the file cannot be opened or configured.
  static core::Result<std::unique_ptr<Database>> open(const SqliteConfig& config);

  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;
  Database(Database&&) = delete;
  Database& operator=(Database&&) = delete;

  // Applies the pending embedded migrations in version order, each in its own transaction,
  // and records them in schema_migrations; returns how many it applied. Safe to run from two
  // processes at once: each migration is applied by whichever takes the write lock first.
  core::Result<int> migrate();
  // How many embedded migrations the database has not applied yet.
  core::Result<int> pending_migrations();
  // A cheap round trip for readiness checks.
  core::Status ping();

  [[nodiscard]] const SqliteConfig& config() const noexcept { return config_; }
  // For this library's adapters, which borrow a session per call.
  [[nodiscard]] soci::connection_pool& pool() noexcept { return *pool_; }
  [[nodiscard]] PoolStats pool_stats() const noexcept;
  // Kept by this library's Lease.
  void note_borrowed() noexcept { in_use_.fetch_add(1, std::memory_order_relaxed); }
  void note_returned() noexcept { in_use_.fetch_sub(1, std::memory_order_relaxed); }
  // A wait is counted when it starts, its time when it ends.
  void note_wait_started() noexcept { waits_.fetch_add(1, std::memory_order_relaxed); }
  void note_wait_ended(std::chrono::nanoseconds waited) noexcept;

 private:
  Database(SqliteConfig config, std::unique_ptr<soci::connection_pool> pool);

  SqliteConfig config_;
  std::unique_ptr<soci::connection_pool> pool_;
  std::atomic<std::size_t> in_use_{0};
  std::atomic<std::uint64_t> waits_{0};
  std::atomic<std::uint64_t> wait_nanoseconds_{0};
};

}  // namespace parley::sqlite
