// The e2e-pg run only: Redis stopped under a running server, then started again. Revocation
// checks fail closed (503 on authenticated routes), /readyz names the token store, anonymous
// reads go on, and the server recovers by itself once Redis is back.
#include <filesystem>
#include <fstream>
#include <thread>

#include <catch2/catch.hpp>

#include "support/backing_services.hpp"
#include "support/fixture.hpp"

#ifndef PARLEY_REDIS_SCRIPT
#error "PARLEY_REDIS_SCRIPT must be defined by the build"
#endif

namespace parley::e2e {
namespace {

std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::string text;
  std::getline(in, text);
  return text;
}

// A Redis server of this case's own: stopping the shared one would break the cases running
// alongside. Restarted on the same port with the same password, as a real restart would be.
class OwnRedis {
 public:
  explicit OwnRedis(std::filesystem::path dir) : dir_(std::move(dir)) {
    run({"start", dir_.string()});
    url_ = read_text(dir_ / "url");
    password_ = read_text(dir_ / "password");
    port_ = read_text(dir_ / "port");
    remember_secret(password_);
  }
  OwnRedis(const OwnRedis&) = delete;
  OwnRedis& operator=(const OwnRedis&) = delete;
  ~OwnRedis() {
    try {
      run({"stop", dir_.string()});
    } catch (...) {
      // Already reported by the failing assertion that brought us here.
    }
  }

  [[nodiscard]] const std::string& url() const noexcept { return url_; }
  void stop() { run({"stop", dir_.string()}); }
  void restart() { run({"start", dir_.string(), "--password", password_, "--port", port_}); }

 private:
  static void run(const std::vector<std::string>& args) { run_service_script(PARLEY_REDIS_SCRIPT, args); }

  std::filesystem::path dir_;
  std::string url_;
  std::string password_;
  std::string port_;
};

// Straight over a connection: Api::send flags every 5xx, and here a 503 is the point.
Response get(std::uint16_t port, const std::string& target, const std::string& token = {}) {
  Request request{"GET", target, {}, {}};
  if (!token.empty()) request.headers.push_back({"Authorization", "Bearer " + token});
  Connection connection(port);
  return connection.round_trip(request);
}

}  // namespace

TEST_CASE(
    "Redis down: authenticated routes fail closed with 503, /readyz names the token store, "
    "anonymous reads go on (rate limiting fails open), and it recovers by itself",
    "[.][e2e][redis-fault]") {
  INFO("runs only in the e2e-pg registration, where PARLEY_E2E_SERVICES_DIR is set");
  REQUIRE(on_backing_services());
  TempDir scratch;
  OwnRedis redis(scratch.path() / "redis");
  ServerProcess server({{"PARLEY_REDIS_URL", redis.url()}});
  const Api api(server.port());

  const Account account = new_user(api, "fault");
  const std::string post_id = string_field(
      expect_data(
          api.post("/api/v1/posts", {{"title", "survives"}, {"body", "a Redis outage"}}, account.token()),
          201),
      "id");
  expect_data(api.get("/api/v1/users/me", account.token()), 200);

  redis.stop();
  const Response me = get(server.port(), "/api/v1/users/me", account.token());
  INFO("GET /users/me with Redis down: " << me.describe());
  expect_error(me, 503, "UNAVAILABLE");
  const Response ready = get(server.port(), "/readyz");
  INFO("GET /readyz with Redis down: " << ready.describe());
  expect_error(ready, 503, "UNAVAILABLE", {{"token_store", "unavailable"}});
  // The rate limiter fails open: requests are served, without RateLimit headers.
  const Response read_while_down = api.get("/api/v1/posts/" + post_id);
  expect_data(read_while_down, 200);
  CHECK_FALSE(read_while_down.has_header("RateLimit-Limit"));
  expect_list(api.get("/api/v1/posts"));

  redis.restart();
  // The client reconnects on the next command; a few tries absorb the server's start-up.
  int status = 0;
  for (int attempt = 0; attempt < 50 && status != 200; ++attempt) {
    if (attempt > 0) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    status = get(server.port(), "/readyz").status;
  }
  CHECK(status == 200);
  const Response me_again = api.get("/api/v1/users/me", account.token());
  expect_data(me_again, 200);
  CHECK(me_again.has_header("RateLimit-Limit"));  // limiting resumed with Redis
  expect_data(api.post("/api/v1/posts", {{"title", "after"}, {"body", "the outage"}}, account.token()), 201);

  const ExitStatus stopped = server.stop();
  INFO("exit: " << stopped.describe());
  CHECK(stopped.success());
  const std::string log = server.read_log();
  INFO("server log:\n" << log);
  CHECK(audit_log(log, remembered_secrets()) == std::vector<std::string>{});
  CHECK(log.find("token_store") != std::string::npos);
  // One line when the limiter went away (not one per request), one when it came back.
  std::size_t unavailable_lines = 0;
  for (auto at = log.find("rate limiter unavailable"); at != std::string::npos;
       at = log.find("rate limiter unavailable", at + 1)) {
    ++unavailable_lines;
  }
  CHECK(unavailable_lines == 1);
  CHECK(log.find("rate limiter available again") != std::string::npos);
}

}  // namespace parley::e2e
