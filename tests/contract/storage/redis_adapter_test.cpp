// The Redis adapter beyond the port contracts: URL parsing, credentials, key prefixes,
// database selection, real TTLs, several Parley instances on one server, the pool bound, and
// recovery when the server stops, hangs or restarts.
#include <array>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <latch>
#include <mutex>
#include <optional>
#include <set>
#include <signal.h>
#include <string>
#include <sys/types.h>
#include <thread>
#include <vector>

#include "contract_support.hpp"

using namespace parley;            // NOLINT(google-build-using-namespace): test brevity
using namespace parley::contract;  // NOLINT(google-build-using-namespace): shared helpers
using namespace std::chrono_literals;

namespace {

using SteadyClock = std::chrono::steady_clock;

redis::RedisConfig parsed(std::string_view url) {
  auto config = redis::parse_redis_url(url);
  INFO(url << ": " << (config.ok() ? std::string() : config.error().message));
  REQUIRE(config.ok());
  return std::move(config).value();
}

// The field an invalid_input error names, or "" when the result is anything else.
template <class T>
std::string invalid_field(const core::Result<T>& result) {
  if (result.ok() || result.error().code != core::ErrorCode::invalid_input) return "";
  if (result.error().details.size() != 1) return "";
  return result.error().details.begin()->first;
}

// Milliseconds left on a key, as Redis reports them (-1: no TTL, -2: no key).
long long pttl(redis::Client& client, const std::string& key) {
  auto reply = client.command({"PTTL", key});
  REQUIRE(reply.ok());
  REQUIRE(reply->kind == redis::Reply::Kind::integer);
  return reply->integer;
}

std::string read_file(const std::filesystem::path& file) {
  std::ifstream in(file);
  std::string text;
  std::getline(in, text);
  return text;
}

// A Redis server of the test's own, started with tests/services/redis.sh, for the cases that
// stop or pause it: the shared server must stay up for the others. Stopped on scope exit.
class OwnServer {
 public:
  static constexpr std::string_view kPassword = "own-server-secret";

  OwnServer() {
    start("");
    port_ = parsed(url_).port;
  }
  ~OwnServer() {
    // Best effort and no REQUIRE: a destructor must not throw. Stopping twice is harmless.
    static_cast<void>(std::system(stop_command().c_str()));  // NOLINT(concurrency-mt-unsafe,cert-env33-c)
  }
  OwnServer(const OwnServer&) = delete;
  OwnServer& operator=(const OwnServer&) = delete;
  OwnServer(OwnServer&&) = delete;
  OwnServer& operator=(OwnServer&&) = delete;

  // Short timeouts, so a failure shows quickly; a prefix of its own.
  [[nodiscard]] redis::RedisConfig config() const {
    auto config = parsed(url_);
    config.connect_timeout = 300ms;
    config.command_timeout = 300ms;
    config.key_prefix = "own:";
    return config;
  }

  // SHUTDOWN NOSAVE through redis-cli, and the directory removed.
  void stop() { run(stop_command()); }
  // On the port it had before, as after a restart.
  void restart() {
    start(" --port " + std::to_string(port_));
    CHECK(parsed(url_).port == port_);
  }
  [[nodiscard]] pid_t pid() const { return static_cast<pid_t>(std::stol(read_file(dir() / "redis.pid"))); }

 private:
  [[nodiscard]] std::filesystem::path dir() const { return temp_.path() / "redis"; }
  [[nodiscard]] std::string stop_command() const {
    return std::string(PARLEY_REDIS_SCRIPT) + " stop '" + dir().string() + "'";
  }

  static void run(const std::string& command) {
    const int status = std::system(command.c_str());  // NOLINT(concurrency-mt-unsafe,cert-env33-c)
    INFO(command);
    REQUIRE(status == 0);
  }

  void start(const std::string& options) {
    run(std::string(PARLEY_REDIS_SCRIPT) + " start '" + dir().string() + "' --password " +
        std::string(kPassword) + options + " >/dev/null");
    url_ = read_file(dir() / "url");
    REQUIRE_FALSE(url_.empty());
  }

  TempDir temp_;
  std::string url_;
  int port_ = 0;
};

// Resumes a paused server on scope exit, so a failing check cannot leave it stopped.
class Paused {
 public:
  explicit Paused(pid_t pid) : pid_(pid) { REQUIRE(::kill(pid_, SIGSTOP) == 0); }
  ~Paused() { resume(); }
  Paused(const Paused&) = delete;
  Paused& operator=(const Paused&) = delete;
  Paused(Paused&&) = delete;
  Paused& operator=(Paused&&) = delete;

  void resume() {
    if (pid_ != 0) ::kill(pid_, SIGCONT);
    pid_ = 0;
  }

 private:
  pid_t pid_;
};

// Polls `condition` every 10 ms for up to `within`: for what another thread (a subscriber)
// makes true. Returns whether it became true.
template <class Condition>
bool eventually(Condition condition, std::chrono::milliseconds within = 5s) {
  const auto deadline = SteadyClock::now() + within;
  while (!condition()) {
    if (SteadyClock::now() > deadline) return false;
    std::this_thread::sleep_for(10ms);
  }
  return true;
}

// What a cache answers without a round trip for `key`: nullopt when it would need one.
std::optional<std::optional<std::string>> held(core::Cache& cache, std::string_view key) {
  auto now = cache.get_many_now(std::span<const std::string_view>(&key, 1));
  if (!now) return std::nullopt;
  REQUIRE(now->ok());
  return (*now)->front();
}

// Two instances of one deployment watching the same keys under `key_prefix`, each with its own
// pool as two processes have; both subscribed before the test goes on.
struct TwoWatching {
  TwoWatching(std::string key_prefix, const std::vector<std::string>& watched)
      : config([&] {
          auto prefixed = redis_test_config();
          prefixed.key_prefix = std::move(key_prefix);
          return prefixed;
        }()),
        client_1(open_redis(config)),
        client_2(open_redis(config)),
        first(*client_1, clock, watched),
        second(*client_2, clock, watched) {
    REQUIRE(eventually([&] { return first.watching() && second.watching(); }));
  }

  redis::RedisConfig config;
  testing::FakeClock clock;
  std::unique_ptr<redis::Client> client_1;
  std::unique_ptr<redis::Client> client_2;
  redis::RedisCache first;
  redis::RedisCache second;
};

}  // namespace

// ---- configuration -----------------------------------------------------------------------

TEST_CASE("Redis: parse_redis_url reads every part of the URL", "[redis]") {
  SECTION("host only: the defaults") {
    const auto config = parsed("redis://cache.internal");
    CHECK(config.host == "cache.internal");
    CHECK(config.port == 6379);
    CHECK(config.database == 0);
    CHECK(config.username.empty());
    CHECK(config.password.empty());
    CHECK(config.key_prefix == "parley:");
    CHECK(config.pool_size == 8);
  }
  SECTION("user, password, port and database") {
    const auto config = parsed("redis://parley:s3cret@10.0.0.7:6380/2");
    CHECK(config.host == "10.0.0.7");
    CHECK(config.port == 6380);
    CHECK(config.database == 2);
    CHECK(config.username == "parley");
    CHECK(config.password == "s3cret");
  }
  SECTION("a password without a user authenticates the default user") {
    const auto config = parsed("redis://:only-password@localhost/");
    CHECK(config.username.empty());
    CHECK(config.password == "only-password");
    CHECK(config.database == 0);
  }
  SECTION("percent-encoded user and password") {
    const auto config = parsed("redis://us%40er:p%3Aw%2Fd%20%25@h:1/0");
    CHECK(config.username == "us@er");
    CHECK(config.password == "p:w/d %");
  }
  SECTION("a bracketed IPv6 host") {
    const auto config = parsed("REDIS://[::1]:7000/15");
    CHECK(config.host == "::1");
    CHECK(config.port == 7000);
    CHECK(config.database == 15);
  }
}

TEST_CASE("Redis: parse_redis_url names the field at fault", "[redis]") {
  CHECK(invalid_field(redis::parse_redis_url("http://localhost")) == "url");
  CHECK(invalid_field(redis::parse_redis_url("rediss://localhost")) == "url");
  CHECK(invalid_field(redis::parse_redis_url("")) == "url");
  CHECK(invalid_field(redis::parse_redis_url("redis://")) == "host");
  CHECK(invalid_field(redis::parse_redis_url("redis://user:pw@:6379")) == "host");
  CHECK(invalid_field(redis::parse_redis_url("redis://[::1")) == "host");
  CHECK(invalid_field(redis::parse_redis_url("redis://h:")) == "port");
  CHECK(invalid_field(redis::parse_redis_url("redis://h:0")) == "port");
  CHECK(invalid_field(redis::parse_redis_url("redis://h:65536")) == "port");
  CHECK(invalid_field(redis::parse_redis_url("redis://h:63a9")) == "port");
  CHECK(invalid_field(redis::parse_redis_url("redis://h:-1")) == "port");
  CHECK(invalid_field(redis::parse_redis_url("redis://h/x")) == "database");
  CHECK(invalid_field(redis::parse_redis_url("redis://h/-1")) == "database");
  CHECK(invalid_field(redis::parse_redis_url("redis://h/0?timeout=1")) == "database");
  CHECK(invalid_field(redis::parse_redis_url("redis://%G1@h")) == "username");
  CHECK(invalid_field(redis::parse_redis_url("redis://u:secret%2@h")) == "password");

  // The message names the field, never the password.
  const auto bad = redis::parse_redis_url("redis://u:secret%zz@h");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().message.find("secret") == std::string::npos);
}

TEST_CASE("Redis: Client::open refuses a config it could never use", "[redis]") {
  redis::RedisConfig config;
  CHECK(redis::Client::open(config).ok());  // the defaults are fine; nothing connects yet

  auto with = [](auto change) {
    redis::RedisConfig changed;
    change(changed);
    return invalid_field(redis::Client::open(changed));
  };
  CHECK(with([](redis::RedisConfig& c) { c.host.clear(); }) == "host");
  CHECK(with([](redis::RedisConfig& c) { c.port = 0; }) == "port");
  CHECK(with([](redis::RedisConfig& c) { c.port = 70000; }) == "port");
  CHECK(with([](redis::RedisConfig& c) { c.database = -1; }) == "database");
  CHECK(with([](redis::RedisConfig& c) { c.pool_size = 0; }) == "pool_size");
  CHECK(with([](redis::RedisConfig& c) { c.connect_timeout = 0ms; }) == "connect_timeout");
  CHECK(with([](redis::RedisConfig& c) { c.command_timeout = -1ms; }) == "command_timeout");
}

// ---- credentials and reachability --------------------------------------------------------

TEST_CASE("Redis: wrong credentials are an unavailable error value, not a crash", "[redis]") {
  auto config = redis_test_config();
  REQUIRE_FALSE(config.password.empty());  // the test server requires AUTH

  SECTION("a wrong password") {
    config.password = "not-the-password";
  }
  SECTION("no user: the default user is disabled") {
    config.username.clear();
  }
  SECTION("no credentials at all") {
    config.username.clear();
    config.password.clear();
  }
  auto client = open_redis(config);
  testing::FakeClock clock;
  redis::RedisTokenStore tokens(*client, clock);
  redis::RedisCache cache(*client, clock);

  const auto ping = client->ping();
  REQUIRE_FALSE(ping.ok());
  CHECK(ping.error().code == core::ErrorCode::unavailable);
  CHECK(ping.error().message.find("not-the-password") == std::string::npos);
  CHECK(code_of(tokens.is_access_token_revoked("jti")) == core::ErrorCode::unavailable);
  CHECK(code_of(tokens.consume_refresh_token("fp")) == core::ErrorCode::unavailable);
  CHECK(code_of(cache.get("k")) == core::ErrorCode::unavailable);
  CHECK(code_of(cache.set("k", "v", 60s)) == core::ErrorCode::unavailable);
}

TEST_CASE("Redis: nothing listening is unavailable within the connect timeout", "[redis]") {
  OwnServer server;
  auto config = server.config();
  server.stop();  // its port is now closed
  auto client = open_redis(config);
  testing::FakeClock clock;
  redis::RedisCache cache(*client, clock);

  const auto started = SteadyClock::now();
  CHECK(code_of(client->ping()) == core::ErrorCode::unavailable);
  CHECK(code_of(cache.get("k")) == core::ErrorCode::unavailable);
  CHECK(SteadyClock::now() - started < 2 * config.connect_timeout + 1s);
}

// ---- keys --------------------------------------------------------------------------------

TEST_CASE("Redis: stores with different key prefixes do not see each other", "[redis]") {
  testing::FakeClock clock;
  auto client_a = open_redis(redis_test_config());
  auto client_b = open_redis(redis_test_config());
  REQUIRE(client_a->config().key_prefix != client_b->config().key_prefix);
  redis::RedisCache cache_a(*client_a, clock);
  redis::RedisCache cache_b(*client_b, clock);
  redis::RedisTokenStore tokens_a(*client_a, clock);
  redis::RedisTokenStore tokens_b(*client_b, clock);

  REQUIRE(cache_a.set("post:1", "from a", 60s).ok());
  CHECK_FALSE(cache_b.get("post:1").value().has_value());
  REQUIRE(cache_b.set("post:1", "from b", 60s).ok());
  CHECK(cache_a.get("post:1").value() == std::optional<std::string>("from a"));
  REQUIRE(cache_b.remove("post:1").ok());
  CHECK(cache_a.get("post:1").value() == std::optional<std::string>("from a"));

  REQUIRE(tokens_a.revoke_access_token("jti-isolated", clock.now() + 15min).ok());
  CHECK(tokens_a.is_access_token_revoked("jti-isolated").value());
  CHECK_FALSE(tokens_b.is_access_token_revoked("jti-isolated").value());
  REQUIRE(
      tokens_a.save_refresh_token(make_refresh("fp-1", session_id(1), user_id(1), clock.now() + 1h)).ok());
  CHECK(code_of(tokens_b.consume_refresh_token("fp-1")) == core::ErrorCode::not_found);
  REQUIRE(tokens_b.revoke_family(session_id(1), user_id(1)).ok());
  CHECK_FALSE(tokens_a.is_family_revoked(session_id(1)).value());
  CHECK(tokens_a.consume_refresh_token("fp-1").ok());

  // The revocation's key is under A's prefix, and no key of it exists without a prefix.
  auto under_a = client_a->command({"EXISTS", client_a->key("tokens:access:jti-isolated")});
  REQUIRE(under_a.ok());
  CHECK(under_a->integer == 1);
  auto anywhere = client_a->command({"KEYS", "*tokens:access:jti-isolated"});
  REQUIRE(anywhere.ok());
  REQUIRE_FALSE(anywhere->elements.empty());
  for (const auto& key : anywhere->elements)
    CHECK(key.text.starts_with("parley-test:"));
}

TEST_CASE("Redis: keys and values are binary-safe, never parsed as commands", "[redis]") {
  testing::FakeClock clock;
  auto client = open_redis(redis_test_config());
  redis::RedisCache cache(*client, clock);
  redis::RedisTokenStore tokens(*client, clock);

  // CRLF and RESP framing, quotes, printf conversions and a NUL byte.
  constexpr char kHostile[] = "k\r\n*1\r\n$8\r\nFLUSHALL\r\n \"' %s %b\0end";
  const std::string hostile(kHostile, sizeof(kHostile) - 1);
  REQUIRE(hostile.size() == 34);
  REQUIRE(cache.set("other", "kept", 60s).ok());
  REQUIRE(cache.set(hostile, hostile, 60s).ok());
  CHECK(cache.get(hostile).value() == std::optional<std::string>(hostile));
  CHECK(cache.get("other").value() == std::optional<std::string>("kept"));

  REQUIRE(tokens.revoke_access_token(hostile, clock.now() + 1min).ok());
  CHECK(tokens.is_access_token_revoked(hostile).value());
  CHECK_FALSE(tokens.is_access_token_revoked("k").value());
  REQUIRE(tokens.save_refresh_token(make_refresh(hostile, session_id(1), user_id(1), clock.now() + 1h)).ok());
  auto consumed = tokens.consume_refresh_token(hostile);
  REQUIRE(consumed.ok());
  CHECK(consumed->fingerprint == hostile);
  CHECK(cache.get("other").value() == std::optional<std::string>("kept"));
}

TEST_CASE("Redis: the configured database is selected on connect", "[redis]") {
  testing::FakeClock clock;
  auto config_zero = redis_test_config();
  auto config_one = config_zero;
  config_one.database = 1;
  auto client_zero = open_redis(config_zero);
  auto client_one = open_redis(config_one);
  redis::RedisCache cache_zero(*client_zero, clock);
  redis::RedisCache cache_one(*client_one, clock);

  REQUIRE(cache_one.set("k", "in db 1", 60s).ok());
  CHECK(cache_one.get("k").value() == std::optional<std::string>("in db 1"));
  CHECK_FALSE(cache_zero.get("k").value().has_value());

  config_one.database = 4096;  // more than the server has
  auto client_none = open_redis(config_one);
  CHECK(code_of(client_none->ping()) == core::ErrorCode::unavailable);
}

// ---- expiry ------------------------------------------------------------------------------

TEST_CASE("Redis: every key gets a Redis TTL equal to the remaining lifetime", "[redis]") {
  testing::FakeClock clock;  // far from the real time: TTLs are relative, so that does not matter
  auto client = open_redis(redis_test_config());
  redis::RedisTokenStore tokens(*client, clock);
  redis::RedisCache cache(*client, clock);
  const auto near = [](long long actual, std::chrono::milliseconds expected) {
    INFO("pttl " << actual << " expected about " << expected.count());
    return actual <= expected.count() && actual > (expected - 10s).count();
  };
  const std::string family = session_id(1).to_string();
  const std::string user = user_id(1).to_string();

  REQUIRE(cache.set("k", "v", 60s).ok());
  CHECK(near(pttl(*client, client->key("cache:k")), 60s));

  REQUIRE(tokens.revoke_access_token("jti-1", clock.now() + 15min).ok());
  CHECK(near(pttl(*client, client->key("tokens:access:jti-1")), 15min));
  // An already dead token is not remembered at all.
  REQUIRE(tokens.revoke_access_token("jti-dead", clock.now()).ok());
  CHECK(pttl(*client, client->key("tokens:access:jti-dead")) == -2);

  REQUIRE(tokens.save_refresh_token(make_refresh("fp-1", session_id(1), user_id(1), clock.now() + 24h)).ok());
  CHECK(near(pttl(*client, client->key("tokens:refresh:fp-1")), 24h));
  CHECK(near(pttl(*client, client->key("tokens:family:" + family)), 24h));
  CHECK(near(pttl(*client, client->key("tokens:family-tokens:" + family)), 24h));
  CHECK(near(pttl(*client, client->key("tokens:user-families:" + user)), 24h));

  // A longer-lived token extends its family; a shorter one never shortens it.
  REQUIRE(tokens.save_refresh_token(make_refresh("fp-2", session_id(1), user_id(1), clock.now() + 48h)).ok());
  REQUIRE(tokens.save_refresh_token(make_refresh("fp-3", session_id(1), user_id(1), clock.now() + 1h)).ok());
  CHECK(near(pttl(*client, client->key("tokens:refresh:fp-3")), 1h));
  CHECK(near(pttl(*client, client->key("tokens:family:" + family)), 48h));
  CHECK(near(pttl(*client, client->key("tokens:family-tokens:" + family)), 48h));
  CHECK(near(pttl(*client, client->key("tokens:user-families:" + user)), 48h));

  // Revoking keeps the family's lifetime and drops its tokens.
  REQUIRE(tokens.revoke_family(session_id(1), user_id(1)).ok());
  CHECK(near(pttl(*client, client->key("tokens:family:" + family)), 48h));
  CHECK(pttl(*client, client->key("tokens:refresh:fp-1")) == -2);
  CHECK(pttl(*client, client->key("tokens:family-tokens:" + family)) == -2);

  // A family never seen has no known expiry: it is kept for good, failing closed.
  const std::string unknown = session_id(9).to_string();
  REQUIRE(tokens.revoke_family(session_id(9), user_id(1)).ok());
  CHECK(pttl(*client, client->key("tokens:family:" + unknown)) == -1);
  CHECK(pttl(*client, client->key("tokens:user-families:" + user)) == -1);
}

TEST_CASE("Redis: a rate-limit key lives until its allowance is full again", "[redis]") {
  testing::FakeClock clock;
  auto client = open_redis(redis_test_config());
  redis::RedisRateLimiter limiter(*client, clock);
  const core::RatePolicy policy{3, 60s};
  REQUIRE(limiter.hit("ip:192.0.2.7", policy).ok());
  const std::string key = client->key("ratelimit:ip:192.0.2.7");
  const long long one = pttl(*client, key);
  CHECK(one <= 20'000);
  CHECK(one > 10'000);
  REQUIRE(limiter.hit("ip:192.0.2.7", policy).ok());
  const long long two = pttl(*client, key);
  CHECK(two <= 40'000);
  CHECK(two > 30'000);
  // A rejected hit changes nothing.
  REQUIRE(limiter.hit("ip:192.0.2.7", policy)->allowed);
  REQUIRE_FALSE(limiter.hit("ip:192.0.2.7", policy)->allowed);
  CHECK(pttl(*client, key) <= 60'000);
}

TEST_CASE("Redis: the rate limiter keeps its budget after the server forgets its script", "[redis]") {
  testing::FakeClock clock;
  auto client = open_redis(redis_test_config());
  redis::RedisRateLimiter limiter(*client, clock);
  const core::RatePolicy policy{2, 60s};
  REQUIRE(limiter.hit("ip:192.0.2.9", policy)->allowed);  // loads the script, runs it by digest
  // As after a restart without persistence of scripts: EVALSHA now answers NOSCRIPT.
  REQUIRE(client->command({"SCRIPT", "FLUSH"}).ok());
  auto second = limiter.hit("ip:192.0.2.9", policy);
  REQUIRE(second.ok());
  CHECK(second->allowed);
  CHECK(second->remaining == 0);
  CHECK_FALSE(limiter.hit("ip:192.0.2.9", policy)->allowed);  // and by digest again
}

TEST_CASE("Redis: a key past its real TTL is gone whatever the clock says", "[redis]") {
  testing::FakeClock clock;
  auto client = open_redis(redis_test_config());
  redis::RedisTokenStore tokens(*client, clock);
  REQUIRE(tokens.revoke_access_token("jti-short", clock.now() + 50ms).ok());
  CHECK(tokens.is_access_token_revoked("jti-short").value());
  std::this_thread::sleep_for(200ms);  // the fake clock stands still; Redis's does not
  CHECK(pttl(*client, client->key("tokens:access:jti-short")) == -2);
  CHECK_FALSE(tokens.is_access_token_revoked("jti-short").value());
}

// ---- several Parley instances ------------------------------------------------------------

TEST_CASE("Redis: a second instance on the same server sees the first one's revocations", "[redis]") {
  const auto config = redis_test_config();
  testing::FakeClock clock_1;
  testing::FakeClock clock_2;
  auto client_1 = open_redis(config);
  auto client_2 = open_redis(config);  // its own pool, as another process would have
  redis::RedisTokenStore first(*client_1, clock_1);
  redis::RedisTokenStore second(*client_2, clock_2);
  const auto expires_at = clock_1.now() + 24h;

  REQUIRE(first.revoke_access_token("jti-1", clock_1.now() + 15min).ok());
  CHECK(second.is_access_token_revoked("jti-1").value());

  REQUIRE(first.save_refresh_token(make_refresh("fp-1", session_id(1), user_id(1), expires_at)).ok());
  REQUIRE(first.save_refresh_token(make_refresh("fp-2", session_id(2), user_id(1), expires_at)).ok());
  REQUIRE(first.save_refresh_token(make_refresh("fp-3", session_id(3), user_id(1), expires_at)).ok());
  auto rotated = second.consume_refresh_token("fp-1");
  REQUIRE(rotated.ok());
  CHECK_FALSE(rotated->used);
  auto replayed = first.consume_refresh_token("fp-1");  // the replay reaches the other instance
  REQUIRE(replayed.ok());
  CHECK(replayed->used);

  REQUIRE(second.revoke_family(session_id(1), user_id(1)).ok());
  CHECK(first.is_family_revoked(session_id(1)).value());
  REQUIRE(first.revoke_user_families(user_id(1), session_id(3)).ok());
  CHECK(second.is_family_revoked(session_id(2)).value());
  CHECK_FALSE(second.is_family_revoked(session_id(3)).value());
  CHECK(code_of(second.consume_refresh_token("fp-2")) == core::ErrorCode::not_found);
  CHECK(second.consume_refresh_token("fp-3").ok());
}

TEST_CASE("Redis: two instances share one rate-limit budget per key", "[redis]") {
  const auto config = redis_test_config();
  testing::FakeClock clock;
  auto client_1 = open_redis(config);
  auto client_2 = open_redis(config);  // its own pool, as another process would have
  redis::RedisRateLimiter limiter_1(*client_1, clock);
  redis::RedisRateLimiter limiter_2(*client_2, clock);
  const core::RatePolicy policy{3, 60s};
  CHECK(limiter_1.hit("auth:ip:192.0.2.9", policy)->remaining == 2);
  CHECK(limiter_2.hit("auth:ip:192.0.2.9", policy)->remaining == 1);
  CHECK(limiter_1.hit("auth:ip:192.0.2.9", policy)->allowed);
  const auto rejected = limiter_2.hit("auth:ip:192.0.2.9", policy);
  REQUIRE(rejected.ok());
  CHECK_FALSE(rejected->allowed);
  CHECK(rejected->retry_after == 20s);
}

TEST_CASE("Redis: two instances consuming one refresh token: exactly one sees it unused", "[redis]") {
  const auto config = redis_test_config();
  testing::FakeClock clock;
  auto client_1 = open_redis(config);
  auto client_2 = open_redis(config);
  redis::RedisTokenStore first(*client_1, clock);
  redis::RedisTokenStore second(*client_2, clock);
  constexpr int kRounds = 50;
  for (int round = 0; round < kRounds; ++round) {
    const std::string fingerprint = "fp-race-" + std::to_string(round);
    REQUIRE(first.save_refresh_token(make_refresh(fingerprint, session_id(1), user_id(1), clock.now() + 1h))
                .ok());
    std::latch start(2);
    std::optional<core::Result<core::RefreshTokenRecord>> results[2];
    std::thread a([&] {
      start.arrive_and_wait();
      results[0].emplace(first.consume_refresh_token(fingerprint));
    });
    std::thread b([&] {
      start.arrive_and_wait();
      results[1].emplace(second.consume_refresh_token(fingerprint));
    });
    a.join();
    b.join();
    INFO("round " << round);
    REQUIRE(results[0]->ok());
    REQUIRE(results[1]->ok());
    CHECK((results[0]->value().used ? 0 : 1) + (results[1]->value().used ? 0 : 1) == 1);
  }
}

// ---- the pool ----------------------------------------------------------------------------

TEST_CASE("Redis: the pool never opens more than pool_size connections", "[redis]") {
  auto config = redis_test_config();
  config.pool_size = 2;
  auto client = open_redis(config);
  constexpr int kThreads = 8;
  constexpr int kCalls = 40;
  std::mutex mutex;
  std::set<long long> connection_ids;
  int failures = 0;
  std::latch start(kThreads);
  std::vector<std::thread> threads;
  threads.reserve(kThreads);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      start.arrive_and_wait();
      for (int call = 0; call < kCalls; ++call) {
        auto id = client->command({"CLIENT", "ID"});
        const std::lock_guard lock(mutex);
        if (id.ok() && id->kind == redis::Reply::Kind::integer) {
          connection_ids.insert(id->integer);
        } else {
          ++failures;
        }
      }
    });
  }
  for (auto& thread : threads)
    thread.join();
  CHECK(failures == 0);
  CHECK(connection_ids.size() <= 2);
  CHECK_FALSE(connection_ids.empty());
}

TEST_CASE("Redis: an error reply is an error value and leaves the connection usable", "[redis]") {
  auto config = redis_test_config();
  config.pool_size = 1;
  auto client = open_redis(config);
  auto before = client->command({"CLIENT", "ID"});
  REQUIRE(before.ok());

  auto wrong = client->command({"NO-SUCH-COMMAND", "x"});
  REQUIRE_FALSE(wrong.ok());
  CHECK(wrong.error().code == core::ErrorCode::internal);
  CHECK(code_of(client->command({})) == core::ErrorCode::internal);

  auto after = client->command({"CLIENT", "ID"});
  REQUIRE(after.ok());
  CHECK(after->integer == before->integer);  // the same connection, not a reconnect
}

// ---- outages -----------------------------------------------------------------------------

TEST_CASE("Redis: after the server restarts, the same stores work again by themselves", "[redis]") {
  OwnServer server;
  const auto config = server.config();
  auto client = open_redis(config);
  testing::FakeClock clock;
  redis::RedisTokenStore tokens(*client, clock);
  redis::RedisCache cache(*client, clock);
  REQUIRE(tokens.ping().ok());
  REQUIRE(tokens.revoke_access_token("jti-1", clock.now() + 15min).ok());
  REQUIRE(cache.set("k", "v", 60s).ok());

  server.stop();
  // Each call fails fast with an error value: no hang, no crash, no exception.
  for (int call = 0; call < 3; ++call) {
    const auto started = SteadyClock::now();
    CHECK(code_of(tokens.is_access_token_revoked("jti-1")) == core::ErrorCode::unavailable);
    CHECK(code_of(cache.get("k")) == core::ErrorCode::unavailable);
    CHECK(code_of(tokens.ping()) == core::ErrorCode::unavailable);
    CHECK(SteadyClock::now() - started < config.command_timeout + config.connect_timeout + 1s);
  }

  server.restart();
  // The server kept nothing (no persistence), but the same objects serve again.
  CHECK(tokens.ping().ok());
  CHECK(cache.ping().ok());
  CHECK_FALSE(tokens.is_access_token_revoked("jti-1").value());
  REQUIRE(tokens.revoke_access_token("jti-2", clock.now() + 15min).ok());
  CHECK(tokens.is_access_token_revoked("jti-2").value());
  REQUIRE(cache.set("k", "again", 60s).ok());
  CHECK(cache.get("k").value() == std::optional<std::string>("again"));
}

TEST_CASE("Redis: a hung server costs a caller about command_timeout, then recovery", "[redis]") {
  OwnServer server;
  const auto config = server.config();
  auto client = open_redis(config);
  testing::FakeClock clock;
  redis::RedisTokenStore tokens(*client, clock);
  REQUIRE(tokens.revoke_access_token("jti-1", clock.now() + 15min).ok());  // a pooled connection

  {
    Paused paused(server.pid());
    // First on the pooled connection (the read times out), then on a new one (AUTH does).
    for (int call = 0; call < 2; ++call) {
      const auto started = SteadyClock::now();
      CHECK(code_of(tokens.is_access_token_revoked("jti-1")) == core::ErrorCode::unavailable);
      const auto elapsed = SteadyClock::now() - started;
      CHECK(elapsed >= config.command_timeout - 50ms);
      CHECK(elapsed < config.command_timeout + config.connect_timeout + 1s);
    }
    paused.resume();
  }
  CHECK(tokens.is_access_token_revoked("jti-1").value());
  CHECK(tokens.ping().ok());
}

TEST_CASE("Redis: a pipeline answers each command in order, an error reply being that command's own",
          "[redis]") {
  auto config = redis_test_config();
  config.key_prefix = "pipeline-test:";
  config.pool_size = 1;  // the one connection must stay usable after the error reply
  auto client = open_redis(config);
  const std::string key = client->key("k");
  const std::array<std::vector<std::string_view>, 4> commands{
      std::vector<std::string_view>{"SET", key, "v"}, std::vector<std::string_view>{"GET", key},
      std::vector<std::string_view>{"INCR", key},  // not an integer: an error reply
      std::vector<std::string_view>{"STRLEN", key}};
  auto replies = client->pipeline(commands);
  REQUIRE(replies.ok());
  REQUIRE(replies->size() == 4);
  REQUIRE((*replies)[0].ok());
  CHECK((*replies)[0]->kind == redis::Reply::Kind::status);
  REQUIRE((*replies)[1].ok());
  CHECK((*replies)[1]->text == "v");
  CHECK(code_of((*replies)[2]) == core::ErrorCode::internal);
  REQUIRE((*replies)[3].ok());
  CHECK((*replies)[3]->integer == 1);
  CHECK(client->ping().ok());
  CHECK(client->pipeline(std::span<const std::vector<std::string_view>>{}).value().empty());
}

// ---- watched keys ----------------------------------------------------------------------------

TEST_CASE("Redis: watched keys are held in process and dropped on every instance when one writes",
          "[redis]") {
  TwoWatching instances("watch-test:", {"gen"});
  redis::RedisCache& first = instances.first;
  redis::RedisCache& second = instances.second;
  testing::FakeClock& clock = instances.clock;

  REQUIRE(first.set("gen", "v1", 60s).ok());
  CHECK_FALSE(held(second, "gen").has_value());  // never read yet: a round trip is needed
  CHECK(second.get("gen").value() == std::optional<std::string>("v1"));
  // Held once read (again, if the write's own message dropped the first copy on its way).
  CHECK(eventually([&] {
    return second.get("gen").value() == std::optional<std::string>("v1") &&
           held(second, "gen") == std::optional<std::optional<std::string>>("v1");
  }));

  // A write on the first instance reaches the second's copy by pub/sub: well within the
  // second a copy is held at most, which alone would also end it.
  static_assert(redis::RedisCache::kHeldFor == 1s);
  REQUIRE(first.set("gen", "v2", 60s).ok());
  CHECK(eventually([&] { return held(second, "gen") != std::optional<std::optional<std::string>>("v1"); },
                   500ms));
  CHECK(second.get("gen").value() == std::optional<std::string>("v2"));

  // The writer reads its own write at once, without waiting for its own message.
  CHECK(first.get("gen").value() == std::optional<std::string>("v2"));
  REQUIRE(first.set("gen", "v3", 60s).ok());
  CHECK(held(first, "gen") != std::optional<std::optional<std::string>>("v2"));
  CHECK(first.get("gen").value() == std::optional<std::string>("v3"));
  REQUIRE(second.remove("gen").ok());
  CHECK(second.get("gen").value() == std::nullopt);
  CHECK(eventually([&] { return first.get("gen").value() == std::nullopt; }));

  // The held copy still honours the entry's own expiry.
  REQUIRE(first.set("gen", "v4", 60s).ok());
  CHECK(eventually([&] {
    return second.get("gen").value() == std::optional<std::string>("v4") &&
           held(second, "gen") == std::optional<std::optional<std::string>>("v4");
  }));
  clock.advance(61s);
  CHECK_FALSE(held(second, "gen").has_value());
  CHECK(second.get("gen").value() == std::nullopt);

  // Keys not watched are never held; get_many_now is all or nothing.
  REQUIRE(first.set("other", "x", 60s).ok());
  CHECK(first.get("other").value() == std::optional<std::string>("x"));
  CHECK_FALSE(held(first, "other").has_value());
  REQUIRE(first.set("gen", "v5", 60s).ok());
  const std::array<std::string_view, 2> both{"gen", "other"};
  REQUIRE(first.get_many(both).ok());
  CHECK_FALSE(first.get_many_now(both).has_value());
}

TEST_CASE("Redis: nothing watched is held while the subscription is down, and it comes back by itself",
          "[redis]") {
  OwnServer server;
  const auto config = server.config();
  testing::FakeClock clock;
  auto client = open_redis(config);
  redis::RedisCache cache(*client, clock, {"gen"});
  REQUIRE(eventually([&] { return cache.watching(); }));
  REQUIRE(cache.set("gen", "before", 60s).ok());
  REQUIRE(eventually([&] {
    return cache.get("gen").ok() && held(cache, "gen") == std::optional<std::optional<std::string>>("before");
  }));

  server.stop();
  // The copy goes with the subscription: a stopped cache is never answered from memory.
  CHECK(eventually([&] { return !cache.watching(); }));
  CHECK_FALSE(held(cache, "gen").has_value());
  CHECK(code_of(cache.get("gen")) == core::ErrorCode::unavailable);

  server.restart();
  CHECK(eventually([&] { return cache.watching(); }));
  CHECK(cache.get("gen").value() == std::nullopt);  // the server kept nothing
  REQUIRE(cache.set("gen", "after", 60s).ok());
  CHECK(eventually([&] {
    return cache.get("gen").value() == std::optional<std::string>("after") &&
           held(cache, "gen") == std::optional<std::optional<std::string>>("after");
  }));
}

TEST_CASE("Redis: keys under a watched prefix are held one by one, absent ones too, and dropped one by one",
          "[redis]") {
  TwoWatching instances("watch-prefix-test:", {"user:*"});
  redis::RedisCache& first = instances.first;
  redis::RedisCache& second = instances.second;
  using Held = std::optional<std::optional<std::string>>;
  const Held absent{std::optional<std::string>{}};

  // Written without an announcement (a cache that watches nothing), so that no message for
  // these keys is still on its way to the second instance when it holds them.
  redis::RedisCache unannounced(*instances.client_1, instances.clock);
  REQUIRE(unannounced.remove("user:b").ok());
  REQUIRE(unannounced.set("user:a", "A", 60s).ok());
  const std::array<std::string_view, 2> both{"user:a", "user:b"};
  // One read holds what it found: a value, and that a key is absent.
  CHECK(eventually([&] {
    auto values = second.get_many(both);
    return values.ok() && (*values)[0] == std::optional<std::string>("A") && !(*values)[1] &&
           held(second, "user:a") == Held("A") && held(second, "user:b") == absent;
  }));
  auto now = second.get_many_now(both);
  REQUIRE(now.has_value());
  REQUIRE(now->ok());
  CHECK((**now)[0] == std::optional<std::string>("A"));
  CHECK_FALSE((**now)[1].has_value());

  // Only a set makes an absent key present, and it tells every instance: the copy of the
  // absence goes, the other key's copy stays.
  REQUIRE(first.set("user:b", "B", 60s).ok());
  CHECK(eventually([&] { return held(second, "user:b") != absent; }, 500ms));
  CHECK(held(second, "user:a") == Held("A"));
  CHECK(second.get("user:b").value() == std::optional<std::string>("B"));
  CHECK(eventually([&] { return held(second, "user:b") == Held("B"); }));

  // A remove is announced the same way; keys outside the prefix are never held.
  REQUIRE(first.remove("user:a").ok());
  CHECK(eventually([&] { return held(second, "user:a") != Held("A"); }, 500ms));
  CHECK(second.get("user:a").value() == std::nullopt);
  REQUIRE(first.set("post:1", "P", 60s).ok());
  CHECK(second.get("post:1").value() == std::optional<std::string>("P"));
  CHECK_FALSE(held(second, "post:1").has_value());
  CHECK_FALSE(held(second, "use").has_value());
}

TEST_CASE("Redis: at most kMaxHeld copies are held, and room comes back as copies age out", "[redis]") {
  auto config = redis_test_config();
  config.key_prefix = "watch-bound-test:";
  testing::FakeClock clock;
  auto client = open_redis(config);
  redis::RedisCache cache(*client, clock, {"k:*"});
  REQUIRE(eventually([&] { return cache.watching(); }));

  // Absent keys, read a thousand at a time: each read holds what it found.
  constexpr std::size_t kBatch = 1000;
  std::vector<std::string> names;
  for (std::size_t i = 0; i < redis::RedisCache::kMaxHeld; ++i)
    names.push_back("k:" + std::to_string(i));
  for (std::size_t start = 0; start < names.size(); start += kBatch) {
    std::vector<std::string_view> batch(
        names.begin() + static_cast<std::ptrdiff_t>(start),
        names.begin() + static_cast<std::ptrdiff_t>(std::min(start + kBatch, names.size())));
    REQUIRE(cache.get_many(batch).ok());
  }
  CHECK(held(cache, "k:0").has_value());
  CHECK(held(cache, names.back()).has_value());
  // Full: one more key is read but not held, however often.
  REQUIRE(cache.get("k:more").ok());
  REQUIRE(cache.get("k:more").ok());
  CHECK_FALSE(held(cache, "k:more").has_value());
  // Once the copies are past kHeldFor, they make room.
  std::this_thread::sleep_for(redis::RedisCache::kHeldFor + 100ms);
  CHECK_FALSE(held(cache, "k:0").has_value());
  REQUIRE(cache.get("k:more").ok());
  CHECK(held(cache, "k:more").has_value());
}
