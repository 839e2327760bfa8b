// Temporary directories and SQLite databases for the contract fixtures.
#include "contract_support.hpp"

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <random>
#include <system_error>

#ifdef PARLEY_CONTRACT_POSTGRES
#include <libpq-fe.h>
#endif

namespace parley::contract {

TempDir::TempDir() {
  // Random name plus a counter: parallel ctest processes and repeated runs never collide.
  static std::atomic<unsigned> counter{0};
  std::random_device random;
  const auto base = std::filesystem::temp_directory_path();
  for (int attempt = 0; attempt < 100; ++attempt) {
    auto candidate = base / ("parley-contract-" + std::to_string(random()) + "-" + std::to_string(counter++));
    std::error_code error;
    if (std::filesystem::create_directory(candidate, error)) {
      path_ = std::move(candidate);
      return;
    }
  }
  FAIL("cannot create a temporary directory under " << base);
}

TempDir::~TempDir() {
  std::error_code ignored;  // best effort: a leftover temp dir must not fail the test
  std::filesystem::remove_all(path_, ignored);
}

#ifdef PARLEY_CONTRACT_SQLITE
std::unique_ptr<sqlite::Database> open_sqlite(const std::filesystem::path& file, bool migrate) {
  sqlite::SqliteConfig config;
  config.path = file.string();
  auto database = sqlite::Database::open(config);
  INFO((database.ok() ? std::string() : database.error().message));
  REQUIRE(database.ok());
  if (migrate) {
    auto applied = (*database)->migrate();
    INFO((applied.ok() ? std::string() : applied.error().message));
    REQUIRE(applied.ok());
  }
  return std::move(database).value();
}
#endif

#ifdef PARLEY_CONTRACT_POSTGRES
std::string postgres_test_conninfo() {
  const char* file = std::getenv("PARLEY_TEST_POSTGRES_CONNINFO_FILE");  // NOLINT(concurrency-mt-unsafe)
  if (file == nullptr || *file == '\0') {
    FAIL(
        "PARLEY_TEST_POSTGRES_CONNINFO_FILE is not set: run the PostgreSQL cases through ctest, whose "
        "fixture storage/postgres-start starts a server with tests/services/postgres.sh");
  }
  std::ifstream in(file);
  std::string conninfo;
  if (!in || !std::getline(in, conninfo) || conninfo.empty()) {
    FAIL("no PostgreSQL conninfo in " << file
                                      << ": did storage/postgres-start (tests/services/postgres.sh) run?");
  }
  return conninfo;
}

PostgresClient::PostgresClient(const std::string& conninfo) : connection_(PQconnectdb(conninfo.c_str())) {
  if (PQstatus(connection_) != CONNECTION_OK) {
    const std::string reason = PQerrorMessage(connection_);
    PQfinish(connection_);
    connection_ = nullptr;
    FAIL("cannot connect to the test PostgreSQL server: " << reason);
  }
}

PostgresClient::~PostgresClient() {
  PQfinish(connection_);
}

std::vector<std::string> PostgresClient::query(const std::string& sql,
                                               const std::vector<std::string>& params) {
  std::vector<const char*> values;
  values.reserve(params.size());
  for (const auto& param : params)
    values.push_back(param.c_str());
  PGresult* result = PQexecParams(connection_, sql.c_str(), static_cast<int>(values.size()), nullptr,
                                  values.data(), nullptr, nullptr, 0);
  const auto status = PQresultStatus(result);
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
    const std::string reason = PQresultErrorMessage(result);
    PQclear(result);
    FAIL(sql << ": " << reason);
  }
  std::vector<std::string> rows;
  if (status == PGRES_TUPLES_OK && PQnfields(result) > 0) {
    for (int row = 0; row < PQntuples(result); ++row)
      rows.emplace_back(PQgetvalue(result, row, 0));
  }
  PQclear(result);
  return rows;
}

std::string PostgresClient::failure_state(const std::string& sql, const std::vector<std::string>& params) {
  std::vector<const char*> values;
  values.reserve(params.size());
  for (const auto& param : params)
    values.push_back(param.c_str());
  PGresult* result = PQexecParams(connection_, sql.c_str(), static_cast<int>(values.size()), nullptr,
                                  values.data(), nullptr, nullptr, 0);
  const auto status = PQresultStatus(result);
  std::string state;
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
    const char* field = PQresultErrorField(result, PG_DIAG_SQLSTATE);
    state = field != nullptr ? field : "?????";
  }
  PQclear(result);
  return state;
}

PostgresSchema::PostgresSchema() {
  // Random plus a counter, like TempDir: parallel ctest processes never collide.
  static std::atomic<unsigned> counter{0};
  std::random_device random;
  name_ = "parley_test_" + std::to_string(random()) + "_" + std::to_string(counter++);
  server_ = postgres_test_conninfo();
  // Identifiers cannot be bound; the name is made just above of letters, digits and '_'.
  PostgresClient(server_).query("CREATE SCHEMA " + name_);
  conninfo_ = server_ + " options='-c search_path=" + name_ + "'";
}

PostgresSchema::~PostgresSchema() {
  // Best effort and without FAIL, which would throw from a destructor: a leftover schema
  // disappears with the throwaway cluster anyway.
  PGconn* connection = PQconnectdb(server_.c_str());
  if (PQstatus(connection) == CONNECTION_OK) {
    // Without the NOTICE listing every dropped table.
    PQclear(
        PQexec(connection, ("SET client_min_messages = warning; DROP SCHEMA " + name_ + " CASCADE").c_str()));
  }
  PQfinish(connection);
}

std::unique_ptr<postgres::Database> open_postgres(const std::string& conninfo, bool migrate,
                                                  std::size_t pool_size) {
  postgres::PostgresConfig config;
  config.connection = conninfo;
  config.pool_size = pool_size;
  auto database = postgres::Database::open(config);
  INFO((database.ok() ? std::string() : database.error().message));
  REQUIRE(database.ok());
  if (migrate) {
    auto applied = (*database)->migrate();
    INFO((applied.ok() ? std::string() : applied.error().message));
    REQUIRE(applied.ok());
  }
  return std::move(database).value();
}
#endif

#ifdef PARLEY_CONTRACT_REDIS
redis::RedisConfig redis_test_config() {
  const char* file = std::getenv("PARLEY_TEST_REDIS_URL_FILE");  // NOLINT(concurrency-mt-unsafe)
  if (file == nullptr || *file == '\0') {
    FAIL(
        "PARLEY_TEST_REDIS_URL_FILE is not set: run the Redis cases through ctest, whose fixture "
        "storage/redis-start starts a server with tests/services/redis.sh");
  }
  std::ifstream in(file);
  std::string url;
  if (!in || !std::getline(in, url) || url.empty()) {
    FAIL("no Redis URL in " << file << ": did storage/redis-start (tests/services/redis.sh) run?");
  }
  auto config = redis::parse_redis_url(url);
  INFO((config.ok() ? std::string() : config.error().message));
  REQUIRE(config.ok());
  // Random plus a counter, like TempDir: parallel ctest processes never share keys.
  static std::atomic<unsigned> counter{0};
  std::random_device random;
  config->key_prefix = "parley-test:" + std::to_string(random()) + "-" + std::to_string(counter++) + ":";
  return std::move(config).value();
}

std::unique_ptr<redis::Client> open_redis(const redis::RedisConfig& config) {
  auto client = redis::Client::open(config);
  INFO((client.ok() ? std::string() : client.error().message));
  REQUIRE(client.ok());
  return std::move(client).value();
}
#endif

}  // namespace parley::contract
