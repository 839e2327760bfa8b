// What only the PostgreSQL adapter promises: migrations applied once by racing instances,
// state shared between instances, foreign keys, connections that break and come back, and
// faithful round trips of values that SQL text would mangle.
#include <atomic>
#include <latch>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "contract_support.hpp"

using namespace parley;            // NOLINT(google-build-using-namespace): test brevity
using namespace parley::contract;  // NOLINT(google-build-using-namespace): shared helpers
using namespace std::chrono_literals;

namespace {

// Backends of sessions whose application_name is `name`, as the server sees them.
std::vector<std::string> backends_of(PostgresClient& client, const std::string& name) {
  return client.query("SELECT pid FROM pg_stat_activity WHERE application_name = $1", {name});
}

// Terminates every session named `name`, as a server restart or a DBA would; returns how many.
std::size_t terminate_sessions(PostgresClient& client, const std::string& name) {
  const auto killed = client.query(
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1", {name});
  // pg_terminate_backend returns once the signal is sent; wait until the sessions are gone.
  for (int attempt = 0; attempt < 200 && !backends_of(client, name).empty(); ++attempt) {
    std::this_thread::sleep_for(10ms);
  }
  return killed.size();
}

std::string unique_application_name() {
  static std::atomic<unsigned> counter{0};
  return "parley-test-" + std::to_string(std::random_device{}()) + "-" + std::to_string(counter++);
}

std::unique_ptr<postgres::Database> open_with(const std::string& conninfo, std::size_t pool_size,
                                              std::chrono::milliseconds acquire_timeout = 5s,
                                              std::chrono::milliseconds statement_timeout = 0ms) {
  postgres::PostgresConfig config;
  config.connection = conninfo;
  config.pool_size = pool_size;
  config.acquire_timeout = acquire_timeout;
  config.statement_timeout = statement_timeout;
  auto database = postgres::Database::open(config);
  INFO((database.ok() ? std::string() : database.error().message));
  REQUIRE(database.ok());
  return std::move(database).value();
}

int embedded_migration_count() {
  PostgresSchema schema;
  return open_postgres(schema.conninfo(), /*migrate=*/false)->pending_migrations().value();
}

}  // namespace

TEST_CASE("PostgreSQL: migrate applies every embedded migration once", "[postgres]") {
  PostgresSchema schema;
  auto database = open_postgres(schema.conninfo(), /*migrate=*/false);

  auto pending = database->pending_migrations();
  REQUIRE(pending.ok());
  CHECK(*pending >= 1);

  auto applied = database->migrate();
  REQUIRE(applied.ok());
  CHECK(*applied == *pending);
  CHECK(database->pending_migrations().value() == 0);

  auto again = database->migrate();
  REQUIRE(again.ok());
  CHECK(*again == 0);
  CHECK(database->ping().ok());

  PostgresClient client(postgres_test_conninfo());
  const auto versions =
      client.query("SELECT count(*) FROM " + schema.name() + ".schema_migrations");  // name made by the test
  REQUIRE(versions.size() == 1);
  CHECK(versions[0] == std::to_string(*pending));
}

TEST_CASE("PostgreSQL: instances migrating at once apply each migration exactly once", "[postgres]") {
  const int migrations = embedded_migration_count();
  for (int round = 0; round < 3; ++round) {
    INFO("round " << round);
    PostgresSchema schema;
    constexpr int kInstances = 3;
    std::vector<std::unique_ptr<postgres::Database>> instances;
    instances.reserve(kInstances);
    for (int i = 0; i < kInstances; ++i)
      instances.push_back(open_postgres(schema.conninfo(), /*migrate=*/false, 1));

    std::latch start(kInstances);
    std::vector<std::optional<core::Result<int>>> results(kInstances);
    std::vector<std::thread> threads;
    threads.reserve(kInstances);
    for (int i = 0; i < kInstances; ++i) {
      threads.emplace_back([&, i] {
        start.arrive_and_wait();
        results[static_cast<std::size_t>(i)].emplace(instances[static_cast<std::size_t>(i)]->migrate());
      });
    }
    for (auto& thread : threads)
      thread.join();

    int applied = 0;
    for (const auto& result : results) {
      REQUIRE(result->ok());
      applied += result->value();
    }
    CHECK(applied == migrations);
    for (const auto& instance : instances)
      CHECK(instance->pending_migrations().value() == 0);
  }
}

TEST_CASE("PostgreSQL: the schema rejects what the contract forbids", "[postgres]") {
  PostgresSchema schema;
  auto database = open_postgres(schema.conninfo());
  postgres::PostgresUserRepository users(*database);
  postgres::PostgresPostRepository posts(*database);
  postgres::PostgresCommentRepository comments(*database);
  REQUIRE(users.create(make_user(1, "alice", "alice@example.com")).ok());
  REQUIRE(posts.create(make_post(post_id(1), user_id(1), 100)).ok());

  SECTION("foreign keys name what is missing") {
    auto orphan_post = posts.create(make_post(post_id(2), user_id(99), 100));
    REQUIRE_FALSE(orphan_post.ok());
    CHECK(orphan_post.error().code == core::ErrorCode::not_found);
    CHECK(orphan_post.error().message == "author not found");
    auto orphan_comment = comments.create(make_comment(comment_id(1), post_id(1), user_id(99), 100));
    REQUIRE_FALSE(orphan_comment.ok());
    CHECK(orphan_comment.error().code == core::ErrorCode::not_found);
    CHECK(orphan_comment.error().message == "author not found");
    auto missing_post = comments.create(make_comment(comment_id(2), post_id(99), user_id(1), 100));
    REQUIRE_FALSE(missing_post.ok());
    CHECK(missing_post.error().message == "post not found");
  }
  SECTION("a conflict's message quotes no stored value") {
    auto taken = users.create(make_user(2, "bob", "alice@example.com"));
    REQUIRE_FALSE(taken.ok());
    CHECK(taken.error().details.contains("email"));
    CHECK_THAT(taken.error().message, !Catch::Contains("alice@example.com"));
  }
  SECTION("the database itself refuses an unknown role and an email that is not lowercase") {
    // Another writer than the adapter, bypassing the value types.
    PostgresClient client(schema.conninfo());
    const std::string insert =
        "INSERT INTO users (id, email, username, role, password_hash, created_at, updated_at) "
        "VALUES ($1, $2, $3, $4, 'x', now(), now())";
    CHECK(client.failure_state(insert, {user_id(7).to_string(), "carol@example.com", "carol", "root"}) ==
          "23514");  // check_violation
    CHECK(client.failure_state(insert, {user_id(7).to_string(), "Carol@example.com", "carol", "user"}) ==
          "23514");
    CHECK(client.failure_state(insert, {user_id(7).to_string(), "carol@example.com", "carol", "admin"})
              .empty());
  }
}

TEST_CASE("PostgreSQL: values round-trip exactly, whatever characters they hold", "[postgres]") {
  PostgresSchema schema;
  auto database = open_postgres(schema.conninfo());
  postgres::PostgresUserRepository users(*database);
  postgres::PostgresPostRepository posts(*database);
  REQUIRE(users.create(make_user(1, "alice", "alice@example.com")).ok());

  // SQL, SOCI's :name placeholders, $n placeholders, quotes, backslashes and non-ASCII text.
  auto post = make_post(post_id(1), user_id(1), 100);
  post.title = valid<core::PostTitle>("Robert'); DROP TABLE posts; -- :title $1 \\x00 \"q\"");
  post.body =
      valid<core::PostBody>("line one\n\tline 'two' :body ::text $2 \\\\ \xC3\xA9t\xC3\xA9 \xF0\x9F\x98\x80");
  REQUIRE(posts.create(post).ok());
  auto found = posts.find_by_id(post.id);
  REQUIRE(found.ok());
  CHECK(*found == post);

  // Milliseconds survive around and far from the epoch, before it too.
  std::uint64_t next_id = 100;
  for (const std::int64_t millis :
       {-86'400'000LL * 365 * 30 - 1, -1LL, 0LL, 1LL, 999LL, 7'258'118'400'123LL}) {
    INFO("millis " << millis);
    auto dated = make_post(post_id(next_id++), user_id(1), 0);
    dated.created_at = core::Timestamp(std::chrono::milliseconds(millis));
    dated.updated_at = dated.created_at + 1ms;
    REQUIRE(posts.create(dated).ok());
    auto stored = posts.find_by_id(dated.id);
    REQUIRE(stored.ok());
    CHECK(stored->created_at == dated.created_at);
    CHECK(stored->updated_at == dated.updated_at);
    REQUIRE(posts.remove(dated.id).ok());
  }
}

TEST_CASE("PostgreSQL: two instances on one database share token state", "[postgres]") {
  // Several Parley instances on one database: what one revokes, the others see at once.
  PostgresSchema schema;
  testing::FakeClock clock;
  auto first_db = open_postgres(schema.conninfo());
  auto second_db = open_postgres(schema.conninfo(), /*migrate=*/false);
  postgres::PostgresTokenStore first(*first_db, clock);
  postgres::PostgresTokenStore second(*second_db, clock);
  const auto expires_at = clock.now() + 24h;

  REQUIRE(first.save_refresh_token(make_refresh("fp-1", session_id(1), user_id(1), expires_at)).ok());
  REQUIRE(second.revoke_user_families(user_id(1), std::nullopt).ok());
  CHECK(first.is_family_revoked(session_id(1)).value());
  CHECK(code_of(first.consume_refresh_token("fp-1")) == core::ErrorCode::not_found);
  REQUIRE(second.revoke_access_token("jti-1", expires_at).ok());
  CHECK(first.is_access_token_revoked("jti-1").value());

  // Refreshes racing through both instances: still exactly one winner per token.
  for (int round = 0; round < 10; ++round) {
    const std::string fingerprint = "fp-race-" + std::to_string(round);
    REQUIRE(first.save_refresh_token(make_refresh(fingerprint, session_id(2), user_id(2), expires_at)).ok());
    std::latch start(2);
    std::optional<core::Result<core::RefreshTokenRecord>> results[2];
    auto consume = [&](core::TokenStore& store, int slot) {
      start.arrive_and_wait();
      results[slot].emplace(store.consume_refresh_token(fingerprint));
    };
    std::thread one(consume, std::ref(first), 0);
    std::thread two(consume, std::ref(second), 1);
    one.join();
    two.join();
    INFO("round " << round);
    REQUIRE(results[0]->ok());
    REQUIRE(results[1]->ok());
    CHECK((results[0]->value().used ? 0 : 1) + (results[1]->value().used ? 0 : 1) == 1);
  }
}

TEST_CASE("PostgreSQL: a killed session is reopened: reads retry, writes report unavailable", "[postgres]") {
  PostgresSchema schema;
  const std::string name = unique_application_name();
  auto database = open_with(schema.conninfo() + " application_name=" + name, 1);
  REQUIRE(database->migrate().ok());
  postgres::PostgresUserRepository users(*database);
  PostgresClient client(postgres_test_conninfo());
  REQUIRE(users.create(make_user(1, "alice", "alice@example.com")).ok());
  REQUIRE(backends_of(client, name).size() == 1);

  SECTION("a read runs again on a new session, transparently") {
    REQUIRE(terminate_sessions(client, name) == 1);
    auto found = users.find_by_id(user_id(1));
    INFO((found.ok() ? std::string() : found.error().message));
    REQUIRE(found.ok());
    CHECK(found->username.str() == "alice");
    CHECK(database->ping().ok());
  }
  SECTION("a write is reported unavailable, never retried, and the next call works") {
    REQUIRE(terminate_sessions(client, name) == 1);
    auto created = users.create(make_user(2, "bob", "bob@example.com"));
    CHECK(code_of(created) == core::ErrorCode::unavailable);
    // The pool opened a new session for the next call.
    CHECK(code_of(users.find_by_id(user_id(2))) == core::ErrorCode::not_found);
    CHECK(users.create(make_user(2, "bob", "bob@example.com")).ok());
    CHECK(users.find_by_id(user_id(2)).ok());
  }
  SECTION("a token store keeps answering") {
    testing::FakeClock clock;
    postgres::PostgresTokenStore tokens(*database, clock);
    REQUIRE(tokens.revoke_access_token("jti-1", clock.now() + 1h).ok());
    REQUIRE(terminate_sessions(client, name) == 1);
    CHECK(tokens.is_access_token_revoked("jti-1").value());
    CHECK(tokens.ping().ok());
  }
  // Whatever happened, one session serves the pool again.
  CHECK(backends_of(client, name).size() == 1);
}

TEST_CASE("PostgreSQL: after every session is killed the pool recovers at once", "[postgres]") {
  // As after a server restart: every pooled session is dead, but only the call that finds out
  // first may fail; the pool then checks the other sessions before using them.
  PostgresSchema schema;
  const std::string name = unique_application_name();
  constexpr std::size_t kPoolSize = 4;
  auto database = open_with(schema.conninfo() + " application_name=" + name, kPoolSize);
  REQUIRE(database->migrate().ok());
  postgres::PostgresUserRepository users(*database);
  PostgresClient client(postgres_test_conninfo());
  REQUIRE(backends_of(client, name).size() == kPoolSize);

  REQUIRE(terminate_sessions(client, name) == kPoolSize);
  auto first = users.create(make_user(1, "user1", "user1@example.com"));
  CHECK((first.ok() || code_of(first) == core::ErrorCode::unavailable));
  for (std::uint64_t n = 2; n <= 8; ++n) {
    INFO("user " << n);
    const auto username = "user" + std::to_string(n);
    auto created = users.create(make_user(n, username, username + "@example.com"));
    INFO((created.ok() ? std::string() : created.error().message));
    CHECK(created.ok());
  }

  // Concurrent callers on the recovered pool.
  constexpr int kThreads = 8;
  std::vector<std::thread> threads;
  threads.reserve(kThreads);
  std::atomic<int> failures{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 20; ++i) {
        if (!users.find_by_id(user_id(2)).ok()) ++failures;
      }
    });
  }
  for (auto& thread : threads)
    thread.join();
  CHECK(failures == 0);
}

TEST_CASE("PostgreSQL: while the server refuses connections calls are unavailable, then it recovers",
          "[postgres]") {
  // A role that may not log in plays a server that is down: the pool cannot reopen its killed
  // sessions until the role may log in again, as after a restart.
  PostgresSchema schema;
  open_postgres(schema.conninfo());  // migrated as the superuser
  PostgresClient admin(postgres_test_conninfo());
  const std::string role =
      "parley_role_" + std::to_string(std::random_device{}());  // made here: safe to splice
  admin.query("CREATE ROLE " + role + " LOGIN");
  admin.query("GRANT USAGE ON SCHEMA " + schema.name() + " TO " + role);
  admin.query("GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA " + schema.name() + " TO " +
              role);
  const std::string name = unique_application_name();
  {
    auto database = open_with(schema.conninfo() + " user=" + role + " application_name=" + name, 2);
    postgres::PostgresUserRepository users(*database);
    REQUIRE(users.create(make_user(1, "alice", "alice@example.com")).ok());

    admin.query("ALTER ROLE " + role + " NOLOGIN");
    REQUIRE(terminate_sessions(admin, name) == 2);
    CHECK(code_of(users.find_by_id(user_id(1))) == core::ErrorCode::unavailable);
    CHECK(code_of(users.create(make_user(2, "bob", "bob@example.com"))) == core::ErrorCode::unavailable);
    CHECK(code_of(database->ping()) == core::ErrorCode::unavailable);

    admin.query("ALTER ROLE " + role + " LOGIN");
    auto found = users.find_by_id(user_id(1));
    INFO((found.ok() ? std::string() : found.error().message));
    CHECK(found.ok());
    CHECK(users.create(make_user(2, "bob", "bob@example.com")).ok());
    CHECK(database->ping().ok());
  }
  admin.query("DROP OWNED BY " + role);
  admin.query("DROP ROLE " + role);
}

TEST_CASE("PostgreSQL: a busy pool gives up after the acquire timeout", "[postgres]") {
  PostgresSchema schema;
  auto database = open_with(schema.conninfo(), 1, 200ms);
  REQUIRE(database->migrate().ok());
  postgres::PostgresUserRepository users(*database);
  REQUIRE(users.create(make_user(1, "alice", "alice@example.com")).ok());

  // Another client locks the table, so a read holds the only pooled connection while it waits.
  PostgresClient locker(schema.conninfo());
  locker.query("BEGIN");
  locker.query("LOCK TABLE users IN ACCESS EXCLUSIVE MODE");
  std::optional<core::Result<core::User>> blocked;
  std::thread reader([&] { blocked.emplace(users.find_by_id(user_id(1))); });
  PostgresClient observer(postgres_test_conninfo());
  for (int attempt = 0; attempt < 200; ++attempt) {
    const auto waiting = observer.query(
        "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%FROM users%'");
    if (waiting == std::vector<std::string>{"1"}) break;
    std::this_thread::sleep_for(10ms);
  }

  CHECK(database->pool_stats().in_use == 1);  // the blocked reader's
  CHECK(database->pool_stats().waits == 0);

  const auto started = std::chrono::steady_clock::now();
  auto status = database->ping();
  const auto waited = std::chrono::steady_clock::now() - started;
  CHECK(code_of(status) == core::ErrorCode::unavailable);
  CHECK(waited >= 200ms);
  CHECK(waited < 5s);
  // The timed-out borrow is one wait of at least the acquire timeout.
  const postgres::PoolStats during = database->pool_stats();
  CHECK(during.size == 1);
  CHECK(during.waits == 1);
  CHECK(during.wait_seconds >= 0.2);

  locker.query("COMMIT");
  reader.join();
  REQUIRE(blocked->ok());
  CHECK(blocked->value().id == user_id(1));
  CHECK(database->ping().ok());
  CHECK(database->pool_stats().in_use == 0);
  CHECK(database->pool_stats().waits == 1);  // the pool was free: no wait
}

TEST_CASE("PostgreSQL: a statement past the statement timeout is cancelled, and the pool stays usable",
          "[postgres]") {
  PostgresSchema schema;
  auto database = open_with(schema.conninfo(), 1, 5s, 300ms);
  REQUIRE(database->migrate().ok());
  postgres::PostgresUserRepository users(*database);
  REQUIRE(users.create(make_user(1, "alice", "alice@example.com")).ok());

  // Another client locks the table: without the timeout the read below would wait for COMMIT.
  PostgresClient locker(schema.conninfo());
  locker.query("BEGIN");
  locker.query("LOCK TABLE users IN ACCESS EXCLUSIVE MODE");
  std::atomic<bool> done{false};
  std::optional<core::Result<core::User>> read;
  std::thread reader([&] {
    read.emplace(users.find_by_id(user_id(1)));
    done = true;
  });
  // A safety net, not a measurement: far beyond the timeout, the lock is let go so a failing
  // build ends the test instead of hanging it.
  for (int attempt = 0; attempt < 1000 && !done; ++attempt) {
    std::this_thread::sleep_for(10ms);
  }
  const bool cancelled_while_locked = done;
  locker.query("COMMIT");
  reader.join();
  CHECK(cancelled_while_locked);
  REQUIRE(read.has_value());
  CHECK(code_of(*read) == core::ErrorCode::unavailable);

  // The session is still good: the next call on the only connection succeeds.
  auto again = users.find_by_id(user_id(1));
  REQUIRE(again.ok());
  CHECK(again->id == user_id(1));
  CHECK(database->ping().ok());
}

TEST_CASE("PostgreSQL: migrations wait past the statement timeout", "[postgres]") {
  PostgresSchema schema;
  auto database = open_with(schema.conninfo(), 1, 5s, 200ms);

  // Another instance is migrating: it holds the migrations' advisory lock (Database's key).
  PostgresClient other(schema.conninfo());
  other.query("SELECT pg_advisory_lock(8097879414873353575)");
  std::atomic<bool> done{false};
  std::optional<core::Result<int>> migrated;
  std::thread migrator([&] {
    migrated.emplace(database->migrate());
    done = true;
  });
  PostgresClient observer(postgres_test_conninfo());
  bool waiting = false;
  for (int attempt = 0; attempt < 500 && !waiting && !done; ++attempt) {
    waiting = observer.query(
                  "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query "
                  "LIKE '%pg_advisory_xact_lock%'") == std::vector<std::string>{"1"};
    if (!waiting) std::this_thread::sleep_for(10ms);
  }
  CHECK(waiting);
  // Well past the statement timeout, the migration is still waiting for the lock, not cancelled.
  std::this_thread::sleep_for(600ms);
  CHECK_FALSE(done);
  other.query("SELECT pg_advisory_unlock(8097879414873353575)");
  migrator.join();
  REQUIRE(migrated.has_value());
  INFO((migrated->ok() ? std::string() : migrated->error().message));
  REQUIRE(migrated->ok());
  CHECK(migrated->value() == embedded_migration_count());
}

TEST_CASE("PostgreSQL: open reports bad configuration and unreachable servers", "[postgres]") {
  postgres::PostgresConfig config;
  config.connection = postgres_test_conninfo();

  SECTION("a server nobody listens on is unavailable, and the password is not in the message") {
    // Port 1 on loopback: refused at once.
    config.connection = "host=127.0.0.1 port=1 dbname=parley user=parley password=hunter2-secret";
    auto database = postgres::Database::open(config);
    REQUIRE_FALSE(database.ok());
    CHECK(database.error().code == core::ErrorCode::unavailable);
    CHECK_THAT(database.error().message, !Catch::Contains("hunter2-secret"));
  }
  SECTION("a malformed connection string is invalid, and the password is not in the message") {
    config.connection = "host=127.0.0.1 password='hunter2-secret";
    auto database = postgres::Database::open(config);
    REQUIRE_FALSE(database.ok());
    CHECK(database.error().code == core::ErrorCode::invalid_input);
    CHECK(database.error().details.contains("connection"));
    CHECK_THAT(database.error().message + database.error().details.at("connection"),
               !Catch::Contains("hunter2-secret"));
  }
  SECTION("an unknown key is invalid") {
    config.connection += " no_such_option=1";
    CHECK(code_of(postgres::Database::open(config)) == core::ErrorCode::invalid_input);
  }
  SECTION("an empty connection string is invalid") {
    config.connection = " ";
    auto database = postgres::Database::open(config);
    REQUIRE_FALSE(database.ok());
    CHECK(database.error().details.contains("connection"));
  }
  SECTION("an empty pool is invalid") {
    config.pool_size = 0;
    auto database = postgres::Database::open(config);
    REQUIRE_FALSE(database.ok());
    CHECK(database.error().code == core::ErrorCode::invalid_input);
    CHECK(database.error().details.contains("pool_size"));
  }
  SECTION("a negative acquire timeout is invalid") {
    config.acquire_timeout = -1ms;
    auto database = postgres::Database::open(config);
    REQUIRE_FALSE(database.ok());
    CHECK(database.error().details.contains("acquire_timeout"));
  }
}

TEST_CASE("PostgreSQL: open accepts a postgresql:// URL", "[postgres]") {
  // The test server's conninfo, as the URL an operator would put in PARLEY_DATABASE_URL.
  PostgresClient client(postgres_test_conninfo());
  const auto port = client.query("SELECT current_setting('port')");
  const auto database_name = client.query("SELECT current_database()");
  REQUIRE(port.size() == 1);
  REQUIRE(database_name.size() == 1);
  postgres::PostgresConfig config;
  config.connection =
      "postgresql://postgres@127.0.0.1:" + port[0] + "/" + database_name[0] + "?sslmode=disable";
  auto database = postgres::Database::open(config);
  INFO((database.ok() ? std::string() : database.error().message));
  REQUIRE(database.ok());
  CHECK((*database)->ping().ok());
}
