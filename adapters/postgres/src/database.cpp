// Opening and migrating the PostgreSQL database.
#include "parley/postgres/database.hpp"

#include <algorithm>
#include <libpq-fe.h>
#include <set>
#include <utility>
#include <vector>

#include "detail/connection.hpp"
#include "detail/migrations.hpp"
#include "detail/support.hpp"

namespace parley::postgres {
namespace {

using namespace std::chrono_literals;

// Every Parley instance takes this transaction-scoped advisory lock before it looks at
// schema_migrations, so instances starting together apply each migration exactly once.
// Any fixed 64-bit number works; this one spells "parleymg".
constexpr std::int64_t kMigrationLockKey = 0x7061726c65796d67;

constexpr const char* kSelectOne = "SELECT 1";
constexpr const char* kTakeMigrationLock = "SELECT pg_advisory_xact_lock(:key)";
// to_regclass follows search_path, as the migrations' unqualified CREATE TABLEs do.
constexpr const char* kMigrationsTableExists = "SELECT to_regclass('schema_migrations') IS NOT NULL";
constexpr const char* kSelectAppliedVersions = "SELECT version FROM schema_migrations";
constexpr const char* kIsVersionApplied =
    "SELECT EXISTS (SELECT 1 FROM schema_migrations WHERE version = :version)";
constexpr const char* kRecordMigration =
    "INSERT INTO schema_migrations (version, applied_at) VALUES (:version, now())";

// libpq's own defaults are no connect timeout and an anonymous session; a key the caller set
// wins over these.
std::string with_defaults(const std::string& conninfo, std::chrono::milliseconds acquire_timeout) {
  char* error = nullptr;
  PQconninfoOption* options = PQconninfoParse(conninfo.c_str(), &error);
  PQfreemem(error);
  auto is_set = [&](std::string_view key) {
    for (auto* option = options; option != nullptr && option->keyword != nullptr; ++option) {
      if (key == option->keyword && option->val != nullptr) return true;
    }
    return false;
  };
  std::string result = conninfo;
  if (!is_set("connect_timeout")) {
    // Whole seconds, rounded up; libpq treats anything below 2 as 2.
    const auto seconds = std::max<long long>(2, (acquire_timeout.count() + 999) / 1000);
    result += " connect_timeout=" + std::to_string(seconds);
  }
  if (!is_set("fallback_application_name")) result += " fallback_application_name=parley";
  PQconninfoFree(options);
  return result;
}

std::vector<detail::EmbeddedMigration> migrations_in_order() {
  const auto embedded = detail::embedded_migrations();
  std::vector<detail::EmbeddedMigration> migrations(embedded.begin(), embedded.end());
  std::ranges::sort(migrations, {}, &detail::EmbeddedMigration::version);
  return migrations;
}

bool migrations_table_exists(detail::Connection& connection) {
  auto& statement = connection.prepared(kMigrationsTableExists);
  statement.execute({});
  return statement.next() && statement.boolean(0);
}

std::set<int> applied_versions(detail::Connection& connection) {
  std::set<int> versions;
  if (!migrations_table_exists(connection)) return versions;
  auto& statement = connection.prepared(kSelectAppliedVersions);
  statement.execute({});
  while (statement.next())
    versions.insert(static_cast<int>(statement.int64(0)));
  return versions;
}

// Applies one migration unless already applied; true when it did.
bool apply(detail::Connection& connection, const detail::EmbeddedMigration& migration) {
  const std::string version = std::to_string(migration.version);
  detail::Transaction transaction(connection);
  // A migration may rewrite a large table, and waits below for instances migrating at once:
  // the pool's statement timeout is for API calls, not for it.
  connection.execute("SET LOCAL statement_timeout = 0");
  // Held until commit: whoever holds it sees every migration committed before it.
  connection.prepared(kTakeMigrationLock).execute({{"key", std::to_string(kMigrationLockKey)}});
  if (migrations_table_exists(connection)) {
    auto& applied = connection.prepared(kIsVersionApplied);
    applied.execute({{"version", version}});
    if (applied.next() && applied.boolean(0)) {
      transaction.commit();
      return false;
    }
  }
  connection.execute_script(migration.sql);
  connection.prepared(kRecordMigration).execute({{"version", version}});
  transaction.commit();
  return true;
}

}  // namespace

Database::Database(PostgresConfig config, std::unique_ptr<detail::ConnectionPool> pool)
    : config_(std::move(config)), pool_(std::move(pool)) {}

Database::~Database() = default;

PoolStats Database::pool_stats() const {
  PoolStats stats;
  stats.size = pool_->size();
  stats.in_use = pool_->in_use();
  stats.waits = pool_->waits();
  stats.wait_seconds = static_cast<double>(pool_->wait_nanoseconds()) / 1e9;
  return stats;
}

core::Result<std::unique_ptr<Database>> Database::open(const PostgresConfig& config) {
  if (config.pool_size == 0) return core::Error::invalid("pool_size", "must be at least 1");
  if (config.acquire_timeout.count() < 0)
    return core::Error::invalid("acquire_timeout", "must not be negative");
  if (config.statement_timeout.count() < 0)
    return core::Error::invalid("statement_timeout", "must not be negative");
  if (config.connection.find_first_not_of(" \t\r\n") == std::string::npos) {
    return core::Error::invalid("connection", "must not be empty");
  }
  // SOCI would read a URL's scheme as the name of a backend: convert it first. The reason is
  // kept generic, as libpq's would quote a piece of the string, possibly of the password.
  auto conninfo = to_libpq_conninfo(config.connection);
  if (!conninfo) {
    return core::Error::invalid("connection", "is not a valid libpq key=value string or postgresql:// URL");
  }
  try {
    auto pool = std::make_unique<detail::ConnectionPool>(with_defaults(*conninfo, config.acquire_timeout),
                                                         config.pool_size, config.acquire_timeout,
                                                         config.statement_timeout);
    pool->open_all();
    return std::unique_ptr<Database>(new Database(config, std::move(pool)));
  } catch (const std::exception& error) {
    return core::Error::unavailable("cannot open the PostgreSQL database: " + detail::describe(error));
  }
}

core::Result<int> Database::migrate() {
  return detail::run(*this, detail::Access::write, [&](detail::Connection& connection) -> core::Result<int> {
    int applied = 0;
    for (const auto& migration : migrations_in_order()) {
      try {
        if (apply(connection, migration)) ++applied;
      } catch (const std::exception& error) {
        if (!connection.is_open()) throw;  // run() reports the lost connection
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
  return detail::run(*this, detail::Access::read, [&](detail::Connection& connection) -> core::Result<int> {
    const auto applied = applied_versions(connection);
    const auto embedded = detail::embedded_migrations();
    return static_cast<int>(std::ranges::count_if(
        embedded, [&](const auto& migration) { return !applied.contains(migration.version); }));
  });
}

core::Status Database::ping() {
  return detail::run(*this, detail::Access::read, [&](detail::Connection& connection) -> core::Status {
    auto& statement = connection.prepared(kSelectOne);
    statement.execute({});
    if (!statement.next() || statement.int64(0) != 1)
      return core::Error::unavailable("postgres: ping returned no row");
    return {};
  });
}

}  // namespace parley::postgres
