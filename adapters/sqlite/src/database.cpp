// Opening, configuring and migrating the SQLite database.
#include "parley/sqlite/database.hpp"

#include <algorithm>
#include <chrono>
#include <set>
#include <utility>
#include <vector>

#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include "detail/migrations.hpp"
#include "detail/support.hpp"

namespace parley::sqlite {
namespace {

constexpr const char* kJournalModeWal = "PRAGMA journal_mode = WAL";
// NORMAL is durable across application crashes in WAL mode; only an OS crash or power loss
// may lose the last transactions, never corrupt the file.
constexpr const char* kSynchronousNormal = "PRAGMA synchronous = NORMAL";
constexpr const char* kForeignKeysOn = "PRAGMA foreign_keys = ON";
constexpr const char* kForeignKeysState = "PRAGMA foreign_keys";
constexpr const char* kSelectOne = "SELECT 1";
constexpr const char* kMigrationsTableExists =
    "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'";
constexpr const char* kSelectAppliedVersions = "SELECT version FROM schema_migrations";
constexpr const char* kCountAppliedVersion =
    "SELECT COUNT(*) FROM schema_migrations WHERE version = :version";
constexpr const char* kRecordMigration =
    "INSERT INTO schema_migrations (version, applied_at) VALUES (:version, :applied_at)";

bool is_in_memory(const std::string& path) {
  return path == ":memory:" || path.empty();
}

void configure(soci::session& session, const SqliteConfig& config) {
  // The busy timeout goes first: switching to WAL needs a lock another process may hold.
  detail::set_busy_timeout(session, config.busy_timeout);
  std::string journal_mode;
  session << kJournalModeWal, soci::into(journal_mode);
  // WAL lets readers proceed while one writer writes; an in-memory database cannot use it.
  if (journal_mode != "wal" && !is_in_memory(config.path)) {
    throw detail::UnavailableError("cannot switch to WAL journal mode (got '" + journal_mode + "')");
  }
  session << kSynchronousNormal;
  session << kForeignKeysOn;
  // Cascading deletes depend on it; the pragma is silently ignored inside a transaction.
  int foreign_keys = 0;
  session << kForeignKeysState, soci::into(foreign_keys);
  if (foreign_keys != 1) throw detail::UnavailableError("cannot enable foreign keys");
}

std::vector<detail::EmbeddedMigration> migrations_in_order() {
  const auto embedded = detail::embedded_migrations();
  std::vector<detail::EmbeddedMigration> migrations(embedded.begin(), embedded.end());
  std::ranges::sort(migrations, {}, &detail::EmbeddedMigration::version);
  return migrations;
}

bool migrations_table_exists(soci::session& session) {
  long long tables = 0;
  session << kMigrationsTableExists, soci::into(tables);
  return tables > 0;
}

std::set<int> applied_versions(soci::session& session) {
  std::set<int> versions;
  if (!migrations_table_exists(session)) return versions;
  int version = 0;
  soci::statement statement = (session.prepare << kSelectAppliedVersions, soci::into(version));
  statement.execute();
  while (statement.fetch())
    versions.insert(version);
  return versions;
}

bool is_applied(soci::session& session, int version) {
  if (!migrations_table_exists(session)) return false;
  long long count = 0;
  session << kCountAppliedVersion, soci::use(version, "version"), soci::into(count);
  return count > 0;
}

long long now_millis() {
  return static_cast<long long>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                    std::chrono::system_clock::now().time_since_epoch())
                                    .count());
}

}  // namespace

Database::Database(SqliteConfig config, std::unique_ptr<soci::connection_pool> pool)
    : config_(std::move(config)), pool_(std::move(pool)) {}

Database::~Database() = default;

PoolStats Database::pool_stats() const noexcept {
  PoolStats stats;
  stats.size = config_.pool_size;
  stats.in_use = in_use_.load(std::memory_order_relaxed);
  stats.waits = waits_.load(std::memory_order_relaxed);
  stats.wait_seconds = static_cast<double>(wait_nanoseconds_.load(std::memory_order_relaxed)) / 1e9;
  return stats;
}

void Database::note_wait_ended(std::chrono::nanoseconds waited) noexcept {
  wait_nanoseconds_.fetch_add(static_cast<std::uint64_t>(std::max<std::int64_t>(waited.count(), 0)),
                              std::memory_order_relaxed);
}

core::Result<std::unique_ptr<Database>> Database::open(const SqliteConfig& config) {
  if (config.path.empty()) return core::Error::invalid("path", "must not be empty");
  // soci reads a connection string containing '=' as key=value options, not as a path.
  if (config.path.find('=') != std::string::npos) return core::Error::invalid("path", "must not contain '='");
  if (config.pool_size == 0) return core::Error::invalid("pool_size", "must be at least 1");
  if (config.busy_timeout.count() < 0) return core::Error::invalid("busy_timeout", "must not be negative");
  // Each pooled connection to ":memory:" would be a separate, empty database.
  if (is_in_memory(config.path) && config.pool_size > 1) {
    return core::Error::invalid("pool_size", "must be 1 for an in-memory database");
  }
  try {
    auto pool = std::make_unique<soci::connection_pool>(config.pool_size);
    for (std::size_t i = 0; i < config.pool_size; ++i) {
      soci::session& session = pool->at(i);
      session.open(soci::sqlite3, config.path);
      configure(session, config);
    }
    return std::unique_ptr<Database>(new Database(config, std::move(pool)));
  } catch (const std::exception& error) {
    return core::Error::unavailable("cannot open SQLite database '" + config.path +
                                    "': " + detail::describe(error));
  }
}

core::Result<int> Database::migrate() {
  return detail::guarded([&]() -> core::Result<int> {
    detail::Lease lease(*this);
    soci::session& session = lease.session();
    int applied = 0;
    for (const auto& migration : migrations_in_order()) {
      try {
        // The write lock is taken before checking, so two processes migrating at once apply
        // each migration exactly once.
        detail::WriteTransaction transaction(session);
        if (is_applied(session, migration.version)) continue;
        detail::execute_script(session, migration.sql);
        const long long applied_at = now_millis();
        int version = migration.version;
        session << kRecordMigration, soci::use(version, "version"), soci::use(applied_at, "applied_at");
        transaction.commit();
        ++applied;
      } catch (const std::exception& error) {
        core::Error failure = detail::translate(error);
        failure.message = "migration V" + std::to_string(migration.version) + "__" +
                          std::string(migration.name) + ": " + failure.message;
        return failure;
      }
    }
    return applied;
  });
}

core::Result<int> Database::pending_migrations() {
  return detail::guarded([&]() -> core::Result<int> {
    detail::Lease lease(*this);
    const auto applied = applied_versions(lease.session());
    const auto embedded = detail::embedded_migrations();
    return static_cast<int>(std::ranges::count_if(
        embedded, [&](const auto& migration) { return !applied.contains(migration.version); }));
  });
}

core::Status Database::ping() {
  return detail::guarded([&]() -> core::Status {
    detail::Lease lease(*this);
    int one = 0;
    lease.session() << kSelectOne, soci::into(one);
    if (one != 1) return core::Error::unavailable("sqlite: ping returned no row");
    return {};
  });
}

}  // namespace parley::sqlite
