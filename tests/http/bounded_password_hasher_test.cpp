// BoundedPasswordHasher: at most `concurrency` hashes at once, at most `queue` waiting, the rest
// refused at once with unavailable. Threads are coordinated by gates, never by timing.
#include "parley/app/bounded_password_hasher.hpp"

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

#include <catch2/catch.hpp>

#include "parley/app/config.hpp"

namespace {

using namespace parley;

// A hasher whose calls block until the test opens the gate; counts the calls that entered.
class GatedHasher final : public core::PasswordHasher {
 public:
  core::Result<std::string> hash(const core::Password& /*password*/) override {
    pass();
    return std::string("hashed");
  }
  core::Result<bool> verify(const core::Password& /*password*/, std::string_view encoded) override {
    pass();
    return encoded == "hashed";
  }
  bool needs_rehash(std::string_view encoded) override { return encoded != "hashed"; }

  void open() {
    {
      const std::lock_guard lock(mutex_);
      open_ = true;
    }
    opened_.notify_all();
  }
  [[nodiscard]] int entered() const { return entered_.load(); }

 private:
  void pass() {
    entered_.fetch_add(1);
    std::unique_lock lock(mutex_);
    opened_.wait(lock, [this] { return open_; });
  }

  std::mutex mutex_;
  std::condition_variable opened_;
  bool open_ = false;
  std::atomic<int> entered_{0};
};

core::Password password() {
  auto parsed = core::Password::parse("correct-horse");
  REQUIRE(parsed);
  return *parsed;
}

template <class Condition>
void wait_until(Condition condition) {
  while (!condition())
    std::this_thread::yield();
}

}  // namespace

TEST_CASE("hashing limits: one running, one waiting, the next refused at once", "[hashing]") {
  GatedHasher inner;
  app::BoundedPasswordHasher hasher(inner, app::HashingLimits{.concurrency = 1, .queue = 1});

  core::Result<bool> first = false;
  core::Result<std::string> second = std::string();
  std::thread running([&] { first = hasher.verify(password(), "hashed"); });
  wait_until([&] { return inner.entered() == 1; });
  std::thread queued([&] { second = hasher.hash(password()); });
  wait_until([&] { return hasher.waiting() == 1; });

  const auto refused = hasher.verify(password(), "hashed");
  REQUIRE_FALSE(refused);
  CHECK(refused.error().code == core::ErrorCode::unavailable);
  CHECK_FALSE(hasher.hash(password()));
  CHECK(hasher.rejections() == 2);
  CHECK(inner.entered() == 1);  // the refused calls never reached the KDF
  CHECK(hasher.running() == 1);

  inner.open();
  running.join();
  queued.join();
  REQUIRE(first);
  CHECK(*first);
  REQUIRE(second);
  CHECK(*second == "hashed");
  CHECK(inner.entered() == 2);
  CHECK(hasher.running() == 0);
  CHECK(hasher.waiting() == 0);
  // Free again: admitted at once.
  CHECK(hasher.verify(password(), "hashed"));
  CHECK(hasher.rejections() == 2);
}

TEST_CASE("hashing limits: without a queue, a second concurrent hash is refused", "[hashing]") {
  GatedHasher inner;
  app::BoundedPasswordHasher hasher(inner, app::HashingLimits{.concurrency = 1, .queue = 0});
  std::thread running([&] { static_cast<void>(hasher.hash(password())); });
  wait_until([&] { return inner.entered() == 1; });
  CHECK_FALSE(hasher.hash(password()));
  CHECK(hasher.rejections() == 1);
  inner.open();
  running.join();
  CHECK(hasher.hash(password()));
}

TEST_CASE("hashing limits: needs_rehash is never limited", "[hashing]") {
  GatedHasher inner;
  app::BoundedPasswordHasher hasher(inner, app::HashingLimits{.concurrency = 1, .queue = 0});
  std::thread running([&] { static_cast<void>(hasher.hash(password())); });
  wait_until([&] { return inner.entered() == 1; });
  CHECK(hasher.needs_rehash("weak"));
  CHECK_FALSE(hasher.needs_rehash("hashed"));
  CHECK(hasher.rejections() == 0);
  inner.open();
  running.join();
}

TEST_CASE("PARLEY_HASH_*: defaults leave worker threads free and size the auth pool", "[hashing][config]") {
  auto defaults = app::parse_config({});
  REQUIRE(defaults);
  CHECK(defaults->hashing.concurrency == 1);
  CHECK(defaults->hashing.queue == 1);
  CHECK(defaults->server.auth_threads == 1);
  CHECK(defaults->server.auth_queue == 1);

  auto wider = app::parse_config({{"PARLEY_WORKER_THREADS", "8"}, {"PARLEY_HASH_CONCURRENCY", "3"}});
  REQUIRE(wider);
  CHECK(wider->hashing.concurrency == 3);
  CHECK(wider->hashing.queue == 1);
  CHECK(wider->server.auth_threads == 3);
}

TEST_CASE("PARLEY_HASH_*: limits that could hold every worker thread are refused", "[hashing][config]") {
  auto too_many = app::parse_config({{"PARLEY_HASH_CONCURRENCY", "2"}, {"PARLEY_HASH_QUEUE", "2"}});
  REQUIRE_FALSE(too_many);
  CHECK(too_many.error().details.contains("PARLEY_HASH_QUEUE"));
  auto malformed = app::parse_config({{"PARLEY_HASH_CONCURRENCY", "0"}});
  REQUIRE_FALSE(malformed);
  CHECK(malformed.error().details.contains("PARLEY_HASH_CONCURRENCY"));
}

TEST_CASE("PARLEY_AUTH_THREAD_NICE: 10 by default, 0 turns it off, out of range is refused",
          "[hashing][config]") {
  auto defaults = app::parse_config({});
  REQUIRE(defaults);
  CHECK(defaults->server.auth_nice == 10);
  auto off = app::parse_config({{"PARLEY_AUTH_THREAD_NICE", "0"}});
  REQUIRE(off);
  CHECK(off->server.auth_nice == 0);
  for (const char* bad : {"-1", "20", "high"}) {
    auto refused = app::parse_config({{"PARLEY_AUTH_THREAD_NICE", bad}});
    REQUIRE_FALSE(refused);
    CHECK(refused.error().details.contains("PARLEY_AUTH_THREAD_NICE"));
  }
}

TEST_CASE(
    "PARLEY_DB_STATEMENT_TIMEOUT_SECONDS: 10 s by default for PostgreSQL, 0 turns it off, out of range is "
    "refused",
    "[config]") {
  const std::string url = "postgresql://parley@127.0.0.1:5432/parley";
  auto defaults = app::parse_config({{"PARLEY_DATABASE_URL", url}});
  REQUIRE(defaults);
  REQUIRE(defaults->postgres);
  CHECK(defaults->postgres->statement_timeout == std::chrono::seconds(10));
  auto off = app::parse_config({{"PARLEY_DATABASE_URL", url}, {"PARLEY_DB_STATEMENT_TIMEOUT_SECONDS", "0"}});
  REQUIRE(off);
  CHECK(off->postgres->statement_timeout == std::chrono::milliseconds::zero());
  auto longer =
      app::parse_config({{"PARLEY_DATABASE_URL", url}, {"PARLEY_DB_STATEMENT_TIMEOUT_SECONDS", "90"}});
  REQUIRE(longer);
  CHECK(longer->postgres->statement_timeout == std::chrono::seconds(90));
  for (const char* bad : {"-1", "3601", "ten"}) {
    auto refused = app::parse_config({{"PARLEY_DB_STATEMENT_TIMEOUT_SECONDS", bad}});
    REQUIRE_FALSE(refused);
    CHECK(refused.error().details.contains("PARLEY_DB_STATEMENT_TIMEOUT_SECONDS"));
  }
}
