// Rate limiting over HTTP: RateLimit-* headers, 429 RATE_LIMITED with Retry-After, per-user
// and per-IP budgets, and X-Forwarded-For believed only from a trusted proxy. Each case boots a
// server of its own with tight limits; windows of an hour make every count exact whatever the
// test's speed (one hit's share of the window is far longer than a run).
#include <catch2/catch.hpp>

#include "support/backing_services.hpp"
#include "support/fixture.hpp"

namespace parley::e2e {
namespace {

constexpr const char* kLogin = "/api/v1/auth/login";

// A login that is refused (no such user), but spends an auth hit like any other.
Response failed_login(const Api& api, const Headers& headers = {}) {
  return api.post(kLogin,
                  {{"email", "nobody-" + unique_suffix() + "@example.com"}, {"password", "wrong-pw-1234"}},
                  {}, headers);
}

std::int64_t header_number(const Response& response, std::string_view name) {
  const auto value = response.header(name);
  INFO(name << " on " << response.describe());
  REQUIRE(value.has_value());
  REQUIRE(!value->empty());
  REQUIRE(value->find_first_not_of("0123456789") == std::string::npos);
  return std::stoll(*value);
}

void expect_rate_limited(const Response& response, std::int64_t limit) {
  INFO(response.describe());
  expect_error(response, 429, "RATE_LIMITED");
  CHECK(header_number(response, "RateLimit-Limit") == limit);
  CHECK(header_number(response, "RateLimit-Remaining") == 0);
  CHECK(header_number(response, "RateLimit-Reset") > 0);
  const std::int64_t retry = header_number(response, "Retry-After");
  CHECK(retry > 0);
  CHECK(retry <= 3600);
}

void stop_cleanly(ServerProcess& server) {
  const ExitStatus status = server.stop();
  INFO("exit: " << status.describe());
  CHECK(status.success());
  CHECK(audit_log(server.read_log(), remembered_secrets()) == std::vector<std::string>{});
}

}  // namespace

TEST_CASE("limited routes carry RateLimit headers that count down, operational routes carry none",
          "[e2e][rate-limit]") {
  ServerProcess server(Environment{{"PARLEY_RATE_LIMIT_READ", "5/3600s"}});
  const Api api(server.port());

  std::vector<std::int64_t> remaining;
  for (int i = 0; i < 3; ++i) {
    const Response list = api.get("/api/v1/posts");
    expect_list(list);
    CHECK(header_number(list, "RateLimit-Limit") == 5);
    const std::int64_t reset = header_number(list, "RateLimit-Reset");
    CHECK(reset > 0);
    CHECK(reset <= 3600);
    CHECK_FALSE(list.has_header("Retry-After"));
    remaining.push_back(header_number(list, "RateLimit-Remaining"));
  }
  CHECK(remaining == std::vector<std::int64_t>{4, 3, 2});

  // Errors of a limited route spend budget and say so too.
  const Response missing = api.get("/api/v1/posts/" + random_uuid());
  expect_error(missing, 404, "NOT_FOUND");
  CHECK(header_number(missing, "RateLimit-Remaining") == 1);

  for (const char* path : {"/healthz", "/readyz", "/openapi.yaml"}) {
    for (int i = 0; i < 3; ++i) {
      const Response ops = api.get(path);
      INFO(path << ": " << ops.describe());
      CHECK(ops.status == 200);
      CHECK_FALSE(ops.has_header("RateLimit-Limit"));
      CHECK_FALSE(ops.has_header("RateLimit-Remaining"));
      CHECK_FALSE(ops.has_header("RateLimit-Reset"));
    }
  }
  stop_cleanly(server);
  // In the e2e-pg run the budgets live in Redis, shared by instances; otherwise in process.
  const std::string log = server.read_log();
  INFO(log);
  CHECK(log.find(on_backing_services() ? "\"rate_limiter\":\"redis " : "\"rate_limiter\":\"memory\"") !=
        std::string::npos);
}

TEST_CASE("over the limit: 429 RATE_LIMITED with Retry-After - auth by IP, writes per user",
          "[e2e][rate-limit]") {
  ServerProcess server({{"PARLEY_RATE_LIMIT_AUTH", "5/3600s"}, {"PARLEY_RATE_LIMIT_WRITE", "2/3600s"}});
  const Api api(server.port());

  // Two accounts: a sign-up and a login each, 4 of the 5 auth hits.
  const Account alice = new_user(api, "rl-alice");
  const Account bob = new_user(api, "rl-bob");
  const Response fifth = failed_login(api);
  expect_error(fifth, 401, "UNAUTHORIZED");
  CHECK(header_number(fifth, "RateLimit-Remaining") == 0);
  expect_rate_limited(failed_login(api), 5);
  // A correct password does not get around it, nor does a sign-up: same group, same IP.
  expect_rate_limited(api.post(kLogin, {{"email", alice.email}, {"password", alice.password}}), 5);
  expect_rate_limited(api.post("/api/v1/auth/signup", {{"email", unique_email("rl")},
                                                       {"username", unique_username("rl")},
                                                       {"password", new_password()}}),
                      5);

  // Writes are counted per user: Alice's budget runs out, Bob's is untouched.
  for (int i = 0; i < 2; ++i) {
    const Response created = api.post("/api/v1/posts", {{"title", "rl"}, {"body", "post"}}, alice.token());
    expect_data(created, 201);
    CHECK(header_number(created, "RateLimit-Limit") == 2);
  }
  expect_rate_limited(api.post("/api/v1/posts", {{"title", "rl"}, {"body", "one too many"}}, alice.token()),
                      2);
  expect_data(api.post("/api/v1/posts", {{"title", "rl"}, {"body", "bob's"}}, bob.token()), 201);
  // Reads are a group of their own.
  expect_data(api.get("/api/v1/users/me", alice.token()), 200);

  // Every 429 is counted for /metrics, by group: three auth refusals and one write.
  const Response metrics = api.get("/metrics");
  REQUIRE(metrics.status == 200);
  INFO(metrics.body);
  CHECK(metrics.body.find("\nrate_limit_rejections_total{group=\"auth\"} 3\n") != std::string::npos);
  CHECK(metrics.body.find("\nrate_limit_rejections_total{group=\"write\"} 1\n") != std::string::npos);
  CHECK(metrics.body.find("\nrate_limit_rejections_total{group=\"read\"} 0\n") != std::string::npos);

  stop_cleanly(server);
  const std::string log = server.read_log();
  CHECK(log.find("\"status\":429") != std::string::npos);
}

TEST_CASE("X-Forwarded-For from an untrusted peer is ignored", "[e2e][rate-limit]") {
  ServerProcess server(Environment{{"PARLEY_RATE_LIMIT_AUTH", "1/3600s"}});
  const Api api(server.port());
  expect_error(failed_login(api, {{"X-Forwarded-For", "203.0.113.1"}}), 401, "UNAUTHORIZED");
  // Another forwarded address, same peer (127.0.0.1): the same, spent budget.
  expect_rate_limited(failed_login(api, {{"X-Forwarded-For", "203.0.113.2"}}), 1);
  expect_rate_limited(failed_login(api), 1);
  stop_cleanly(server);
  CHECK(server.read_log().find(R"("client_ip":"203.0.113.)") == std::string::npos);  // the peer is logged
}

TEST_CASE("X-Forwarded-For from a trusted proxy - each forwarded client has its own budget",
          "[e2e][rate-limit]") {
  ServerProcess server(
      {{"PARLEY_RATE_LIMIT_AUTH", "1/3600s"}, {"PARLEY_TRUSTED_PROXIES", "127.0.0.1, 10.0.0.0/8"}});
  const Api api(server.port());
  expect_error(failed_login(api, {{"X-Forwarded-For", "203.0.113.1"}}), 401, "UNAUTHORIZED");
  expect_rate_limited(failed_login(api, {{"X-Forwarded-For", "203.0.113.1"}}), 1);
  // A second client behind the proxy, also via a trusted inner hop and in another spelling.
  expect_error(failed_login(api, {{"X-Forwarded-For", "203.0.113.2"}}), 401, "UNAUTHORIZED");
  expect_rate_limited(failed_login(api, {{"X-Forwarded-For", "203.0.113.2, 10.1.2.3"}}), 1);
  expect_rate_limited(failed_login(api, {{"X-Forwarded-For", "::ffff:203.0.113.2"}}), 1);
  // A forged leftmost entry does not buy a fresh budget: the proxy appended the real client.
  expect_rate_limited(failed_login(api, {{"X-Forwarded-For", "198.51.100.9, 203.0.113.1"}}), 1);
  // The proxy's own requests (no header) are its own client.
  expect_error(failed_login(api), 401, "UNAUTHORIZED");
  stop_cleanly(server);
  // The access log names the same client as the rate limits.
  const std::string log = server.read_log();
  CHECK(log.find(R"("client_ip":"203.0.113.2")") != std::string::npos);
  CHECK(log.find(R"("client_ip":"198.51.100.9")") == std::string::npos);
}

TEST_CASE("X-Forwarded-For from a trusted proxy names the client in the access log without rate limiting",
          "[e2e][rate-limit]") {
  ServerProcess server({{"PARLEY_RATE_LIMIT_ENABLED", "false"}, {"PARLEY_TRUSTED_PROXIES", "127.0.0.1"}});
  const Api api(server.port());
  expect_error(failed_login(api, {{"X-Forwarded-For", "203.0.113.7"}}), 401, "UNAUTHORIZED");
  expect_list(api.get("/api/v1/posts", {}, {{"X-Forwarded-For", "198.51.100.4, 127.0.0.1"}}));
  stop_cleanly(server);
  const std::string log = server.read_log();
  CHECK(log.find(R"("client_ip":"203.0.113.7")") != std::string::npos);
  CHECK(log.find(R"("client_ip":"198.51.100.4")") != std::string::npos);
}

TEST_CASE("PARLEY_RATE_LIMIT_ENABLED=false - no RateLimit headers and no 429", "[e2e][rate-limit]") {
  ServerProcess server({{"PARLEY_RATE_LIMIT_ENABLED", "false"}, {"PARLEY_RATE_LIMIT_AUTH", "1/3600s"}});
  const Api api(server.port());
  for (int i = 0; i < 3; ++i) {
    const Response refused = failed_login(api);
    expect_error(refused, 401, "UNAUTHORIZED");
    CHECK_FALSE(refused.has_header("RateLimit-Limit"));
  }
  CHECK_FALSE(api.get("/api/v1/posts").has_header("RateLimit-Limit"));
  stop_cleanly(server);
  CHECK(server.read_log().find("\"rate_limiter\":\"off\"") != std::string::npos);
}

}  // namespace parley::e2e
