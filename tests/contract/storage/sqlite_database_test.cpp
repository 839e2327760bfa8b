// What only the SQLite adapter promises: migrations, persistence across reopening, sharing one
// file between processes (server and CLI), foreign keys, and busy databases as `unavailable`.
#include <fstream>
#include <latch>
#include <thread>

#include <sqlite3.h>

#include "contract_support.hpp"

using namespace parley;            // NOLINT(google-build-using-namespace): test brevity
using namespace parley::contract;  // NOLINT(google-build-using-namespace): shared helpers
using namespace std::chrono_literals;

namespace {

std::unique_ptr<sqlite::Database> open_with(const std::filesystem::path& file,
                                            std::chrono::milliseconds busy_timeout) {
  sqlite::SqliteConfig config;
  config.path = file.string();
  config.busy_timeout = busy_timeout;
  auto database = sqlite::Database::open(config);
  REQUIRE(database.ok());
  return std::move(database).value();
}

// A second, raw connection: another process as far as the adapter can tell.
class RawConnection {
 public:
  explicit RawConnection(const std::filesystem::path& file) {
    REQUIRE(sqlite3_open(file.string().c_str(), &handle_) == SQLITE_OK);
  }
  ~RawConnection() { sqlite3_close(handle_); }
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;

  int exec(const char* sql) { return sqlite3_exec(handle_, sql, nullptr, nullptr, nullptr); }

 private:
  sqlite3* handle_ = nullptr;
};

}  // namespace

TEST_CASE("SQLite: migrate applies every embedded migration once", "[sqlite]") {
  TempDir dir;
  auto database = open_sqlite(dir.path() / "parley.db", /*migrate=*/false);

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
}

TEST_CASE("SQLite: two processes migrating at once apply each migration exactly once", "[sqlite]") {
  TempDir dir;
  const auto file = dir.path() / "parley.db";
  auto server = open_with(file, 5s);
  auto cli = open_with(file, 5s);
  const int pending = server->pending_migrations().value();

  std::latch start(2);
  std::optional<core::Result<int>> results[2];
  auto migrate = [&](sqlite::Database& database, int slot) {
    start.arrive_and_wait();
    results[slot].emplace(database.migrate());
  };
  std::thread first(migrate, std::ref(*server), 0);
  std::thread second(migrate, std::ref(*cli), 1);
  first.join();
  second.join();

  REQUIRE(results[0]->ok());
  REQUIRE(results[1]->ok());
  CHECK(results[0]->value() + results[1]->value() == pending);
  CHECK(server->pending_migrations().value() == 0);
}

TEST_CASE("SQLite: data survives closing and reopening the database", "[sqlite]") {
  TempDir dir;
  const auto file = dir.path() / "parley.db";
  testing::FakeClock clock;
  const auto alice = make_user(1, "alice", "alice@example.com");
  const auto post = make_post(post_id(1), alice.id, 100);
  {
    auto database = open_sqlite(file);
    sqlite::SqliteUserRepository users(*database);
    sqlite::SqlitePostRepository posts(*database);
    sqlite::SqliteTokenStore tokens(*database, clock);
    REQUIRE(users.create(alice).ok());
    REQUIRE(posts.create(post).ok());
    REQUIRE(tokens.revoke_access_token("jti-1", clock.now() + 15min).ok());
    REQUIRE(tokens.revoke_family(session_id(1), alice.id).ok());
  }

  auto reopened = open_sqlite(file, /*migrate=*/false);
  CHECK(reopened->pending_migrations().value() == 0);
  sqlite::SqliteUserRepository users(*reopened);
  sqlite::SqlitePostRepository posts(*reopened);
  sqlite::SqliteTokenStore tokens(*reopened, clock);
  auto found = users.find_by_id(alice.id);
  REQUIRE(found.ok());
  CHECK(*found == alice);
  auto found_post = posts.find_by_id(post.id);
  REQUIRE(found_post.ok());
  CHECK(*found_post == post);
  // Logouts and revocations survive a restart.
  CHECK(tokens.is_access_token_revoked("jti-1").value());
  CHECK(tokens.is_family_revoked(session_id(1)).value());
}

TEST_CASE("SQLite: two databases on one file share token state", "[sqlite]") {
  // The server and the `parley` CLI each open the file: what one revokes, the other sees.
  TempDir dir;
  const auto file = dir.path() / "parley.db";
  testing::FakeClock clock;
  auto server_db = open_sqlite(file);
  auto cli_db = open_sqlite(file, /*migrate=*/false);
  sqlite::SqliteTokenStore server(*server_db, clock);
  sqlite::SqliteTokenStore cli(*cli_db, clock);
  const auto expires_at = clock.now() + 24h;

  REQUIRE(server.save_refresh_token(make_refresh("fp-1", session_id(1), user_id(1), expires_at)).ok());
  REQUIRE(cli.revoke_user_families(user_id(1), std::nullopt).ok());
  CHECK(server.is_family_revoked(session_id(1)).value());
  CHECK(code_of(server.consume_refresh_token("fp-1")) == core::ErrorCode::not_found);

  // Refreshes racing through both processes: still exactly one winner per token.
  for (int round = 0; round < 10; ++round) {
    const std::string fingerprint = "fp-race-" + std::to_string(round);
    REQUIRE(server.save_refresh_token(make_refresh(fingerprint, session_id(2), user_id(2), expires_at)).ok());
    std::latch start(2);
    std::optional<core::Result<core::RefreshTokenRecord>> results[2];
    auto consume = [&](core::TokenStore& store, int slot) {
      start.arrive_and_wait();
      results[slot].emplace(store.consume_refresh_token(fingerprint));
    };
    std::thread first(consume, std::ref(server), 0);
    std::thread second(consume, std::ref(cli), 1);
    first.join();
    second.join();
    INFO("round " << round);
    REQUIRE(results[0]->ok());
    REQUIRE(results[1]->ok());
    CHECK((results[0]->value().used ? 0 : 1) + (results[1]->value().used ? 0 : 1) == 1);
  }
}

TEST_CASE("SQLite: foreign keys are enforced", "[sqlite]") {
  TempDir dir;
  auto database = open_sqlite(dir.path() / "parley.db");
  sqlite::SqliteUserRepository users(*database);
  sqlite::SqlitePostRepository posts(*database);
  sqlite::SqliteCommentRepository comments(*database);
  REQUIRE(users.create(make_user(1, "alice", "alice@example.com")).ok());
  REQUIRE(posts.create(make_post(post_id(1), user_id(1), 100)).ok());

  auto orphan_post = posts.create(make_post(post_id(2), user_id(99), 100));
  CHECK(code_of(orphan_post) == core::ErrorCode::not_found);
  auto orphan_comment = comments.create(make_comment(comment_id(1), post_id(1), user_id(99), 100));
  REQUIRE_FALSE(orphan_comment.ok());
  CHECK(orphan_comment.error().code == core::ErrorCode::not_found);
  CHECK(orphan_comment.error().message == "author not found");
  auto missing_post = comments.create(make_comment(comment_id(2), post_id(99), user_id(1), 100));
  REQUIRE_FALSE(missing_post.ok());
  CHECK(missing_post.error().message == "post not found");
}

TEST_CASE("SQLite: a database locked by another process is unavailable, not an error", "[sqlite]") {
  TempDir dir;
  const auto file = dir.path() / "parley.db";
  open_sqlite(file);  // create and migrate
  auto database = open_with(file, 100ms);
  sqlite::SqliteUserRepository users(*database);
  testing::FakeClock clock;
  sqlite::SqliteTokenStore tokens(*database, clock);

  RawConnection other(file);
  REQUIRE(other.exec("BEGIN EXCLUSIVE") == SQLITE_OK);
  auto created = users.create(make_user(1, "alice", "alice@example.com"));
  CHECK(code_of(created) == core::ErrorCode::unavailable);
  CHECK(code_of(tokens.save_refresh_token(make_refresh("fp-1", session_id(1), user_id(1),
                                                       clock.now() + 1h))) == core::ErrorCode::unavailable);
  CHECK(code_of(tokens.consume_refresh_token("fp-1")) == core::ErrorCode::unavailable);
  // WAL readers are not blocked by a writer.
  CHECK(code_of(users.find_by_id(user_id(1))) == core::ErrorCode::not_found);
  REQUIRE(other.exec("ROLLBACK") == SQLITE_OK);

  // Once the lock is gone the same connections work again.
  CHECK(users.create(make_user(1, "alice", "alice@example.com")).ok());
}

TEST_CASE("SQLite: pool statistics count borrowed connections and waits for a free one", "[sqlite]") {
  TempDir dir;
  const auto file = dir.path() / "stats.db";
  sqlite::SqliteConfig config;
  config.path = file.string();
  config.pool_size = 1;
  config.busy_timeout = 10s;
  auto opened = sqlite::Database::open(config);
  REQUIRE(opened.ok());
  auto database = std::move(opened).value();
  REQUIRE(database->migrate().ok());
  sqlite::SqliteUserRepository users(*database);

  sqlite::PoolStats idle = database->pool_stats();
  CHECK(idle.size == 1);
  CHECK(idle.in_use == 0);
  CHECK(idle.waits == 0);
  CHECK(idle.wait_seconds == 0.0);

  // Another process holds the write lock, so a write holds the only pooled connection while it
  // waits for that lock; a ping then has to wait for the connection.
  RawConnection other(file);
  REQUIRE(other.exec("BEGIN IMMEDIATE") == SQLITE_OK);
  std::thread writer([&] { CHECK(users.create(make_user(1, "alice", "alice@example.com")).ok()); });
  for (int i = 0; i < 1000 && database->pool_stats().in_use == 0; ++i)
    std::this_thread::sleep_for(5ms);
  REQUIRE(database->pool_stats().in_use == 1);
  std::thread pinger([&] { CHECK(database->ping().ok()); });
  for (int i = 0; i < 1000 && database->pool_stats().waits == 0; ++i)
    std::this_thread::sleep_for(5ms);
  CHECK(database->pool_stats().waits == 1);
  REQUIRE(other.exec("COMMIT") == SQLITE_OK);
  writer.join();
  pinger.join();

  const sqlite::PoolStats after = database->pool_stats();
  CHECK(after.in_use == 0);
  CHECK(after.waits == 1);
  CHECK(after.wait_seconds > 0.0);
}

TEST_CASE("SQLite: open reports bad configuration and unreachable files", "[sqlite]") {
  TempDir dir;
  sqlite::SqliteConfig config;

  SECTION("a missing directory is unavailable, naming the path") {
    config.path = (dir.path() / "missing" / "parley.db").string();
    auto database = sqlite::Database::open(config);
    REQUIRE_FALSE(database.ok());
    CHECK(database.error().code == core::ErrorCode::unavailable);
    CHECK_THAT(database.error().message, Catch::Contains(config.path));
  }
  SECTION("a file that is not a database is unavailable") {
    const auto file = dir.path() / "not-a-database";
    std::ofstream(file)
        << "this is not an SQLite file, just some text that is long enough to read a header from";
    config.path = file.string();
    auto database = sqlite::Database::open(config);
    REQUIRE_FALSE(database.ok());
    CHECK(database.error().code == core::ErrorCode::unavailable);
  }
  SECTION("an empty path is invalid") {
    CHECK(code_of(sqlite::Database::open(config)) == core::ErrorCode::invalid_input);
  }
  SECTION("an empty pool is invalid") {
    config.path = (dir.path() / "parley.db").string();
    config.pool_size = 0;
    auto database = sqlite::Database::open(config);
    REQUIRE_FALSE(database.ok());
    CHECK(database.error().code == core::ErrorCode::invalid_input);
    CHECK(database.error().details.contains("pool_size"));
  }
}

TEST_CASE("SQLite: a path with spaces is a plain file name", "[sqlite]") {
  TempDir dir;
  const auto file = dir.path() / "my data" / "parley db.sqlite";
  std::filesystem::create_directories(file.parent_path());
  auto database = open_sqlite(file);
  sqlite::SqliteUserRepository users(*database);
  REQUIRE(users.create(make_user(1, "alice", "alice@example.com")).ok());
  CHECK(std::filesystem::exists(file));
}
