// HTTP-level behaviour: operational endpoints, status codes the router and parser produce,
// limits, hostile input, pipelining and keep-alive, request ids, security and CORS headers.
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include "support/fixture.hpp"

namespace parley::e2e {
namespace {

constexpr std::size_t kMaxBody = 1'048'576;
constexpr const char* kOrigin = "https://app.example";

void expect_alive(const Api& api) {
  const json::object data = expect_data(api.get("/healthz"), 200);
  CHECK(data == json::object{{"status", "alive"}});
}

std::set<std::string> list_items(const std::string& header) {
  std::set<std::string> items;
  std::size_t start = 0;
  while (start <= header.size()) {
    const std::size_t end = std::min(header.find(',', start), header.size());
    std::string item = header.substr(start, end - start);
    item.erase(0, item.find_first_not_of(' '));
    item.erase(item.find_last_not_of(' ') + 1);
    for (auto& c : item)
      c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    if (!item.empty()) items.insert(item);
    start = end + 1;
  }
  return items;
}

bool has_cors_headers(const Response& response) {
  for (const auto& header : response.headers) {
    if (header.name.size() >= 12 && iequals(header.name.substr(0, 12), "Access-Contr")) return true;
  }
  return false;
}

// A response to raw bytes: 400, or the connection closed without an answer. Never a crash.
void expect_rejected_or_closed(std::uint16_t port, const std::string& bytes) {
  INFO("raw request bytes: " << bytes.substr(0, 200));
  const DeliberateExchanges malformed(Deliberate::malformed_http);
  Connection connection(port);
  connection.send_raw(bytes);
  const std::optional<Response> response = connection.read_response();
  if (response) {
    INFO(response->describe());
    CHECK(response->status == 400);
    if (!response->body.empty()) expect_error(*response, 400, "INVALID_INPUT", kAnyDetails);
  }
}

}  // namespace

TEST_CASE("healthz and readyz", "[e2e][ops]") {
  const Api api = shared_api();
  const Response health = api.get("/healthz");
  CHECK(body_json(health) == json::parse(R"({"status":"ok","data":{"status":"alive"}})"));
  check_security_headers(health);
  const Response ready = api.get("/readyz");
  CHECK(body_json(ready) == json::parse(R"({"status":"ok","data":{"database":"ok","token_store":"ok"}})"));
  CHECK(ready.status == 200);
  expect_error(deliberately(Deliberate::unmatched_route, [&] { return api.get("/api/v1/healthz"); }), 404,
               "NOT_FOUND");
}

TEST_CASE("unknown paths are 404 and known paths with a wrong method are 405 with Allow", "[e2e][routing]") {
  const Api api = shared_api();
  const DeliberateExchanges unmatched(Deliberate::unmatched_route);  // every exchange of this case
  expect_error(api.get("/api/v1/nothing-here"), 404, "NOT_FOUND");
  expect_error(api.get("/nothing"), 404, "NOT_FOUND");
  expect_error(api.get("/api/v2/posts"), 404, "NOT_FOUND");
  expect_error(api.get("/api/v1/posts/" + random_uuid() + "/unknown"), 404, "NOT_FOUND");

  struct Case {
    const char* method;
    std::string target;
    std::set<std::string> allowed;  // must all be in Allow
  };
  const std::vector<Case> cases = {
      {"DELETE", "/api/v1/auth/login", {"POST"}},
      {"GET", "/api/v1/auth/signup", {"POST"}},
      {"PUT", "/api/v1/posts", {"GET", "POST"}},
      {"POST", "/api/v1/posts/" + random_uuid(), {"GET", "PATCH", "DELETE"}},
      {"PATCH", "/api/v1/posts/" + random_uuid() + "/comments", {"GET", "POST"}},
      {"GET", "/api/v1/admin/users/" + random_uuid() + "/block", {"POST"}},
      {"DELETE", "/api/v1/users/me", {"GET"}},
      {"POST", "/healthz", {"GET"}},
  };
  for (const auto& c : cases) {
    INFO("case: " << c.method << " " << c.target);
    Request request{c.method, c.target, {}, {}};
    if (std::string(c.method) != "GET" && std::string(c.method) != "DELETE") {
      request.headers.push_back({"Content-Type", "application/json"});
      request.body = "{}";
    }
    const Response response = api.send(request);
    expect_error(response, 405, "METHOD_NOT_ALLOWED");
    const std::set<std::string> allow = list_items(response.header("Allow").value_or(""));
    for (const auto& method : c.allowed) {
      INFO("Allow: " << response.header("Allow").value_or("<none>") << " should list " << method);
      CHECK(allow.count(method) == 1);
    }
    CHECK(allow.count(c.method) == 0);
  }
}

TEST_CASE("bodies: 415 without application/json, 413 just over the limit, malformed JSON is 400",
          "[e2e][limits]") {
  const Api api = shared_api();
  const std::string signup = R"({"email":"x@example.com","username":"nobody_x","password":"long-enough-1"})";
  expect_error(api.raw("POST", "/api/v1/auth/signup", signup, {{"Content-Type", "text/plain"}}), 415,
               "UNSUPPORTED_MEDIA_TYPE");
  expect_error(api.raw("POST", "/api/v1/auth/signup", signup, {}), 415, "UNSUPPORTED_MEDIA_TYPE");
  expect_error(
      api.raw("POST", "/api/v1/auth/login", signup, {{"Content-Type", "application/x-www-form-urlencoded"}}),
      415, "UNSUPPORTED_MEDIA_TYPE");
  const Account account = new_user(api, "bodies");
  expect_error(api.raw("POST", "/api/v1/posts", R"({"title":"t","body":"b"})",
                       {{"Content-Type", "text/plain"}}, account.token()),
               415, "UNSUPPORTED_MEDIA_TYPE");
  INFO("parameters such as charset are allowed");
  const std::string email = unique_email("charset");
  const std::string password = new_password();
  const Response charset =
      api.raw("POST", "/api/v1/auth/signup",
              json::serialize(json::object{
                  {"email", email}, {"username", unique_username("cs")}, {"password", password}}),
              {{"Content-Type", "application/json; charset=utf-8"}});
  CHECK(string_field(expect_data(charset, 201), "email") == email);

  INFO("a body of exactly the limit is read (and then judged by its content)");
  const std::string at_limit = "{\"title\":\"t\",\"body\":\"" + std::string(kMaxBody - 23, 'x') + "\"}";
  REQUIRE(at_limit.size() == kMaxBody);
  expect_error(
      api.raw("POST", "/api/v1/posts", at_limit, {{"Content-Type", "application/json"}}, account.token()),
      400, "INVALID_INPUT", {{"body", std::nullopt}});

  INFO("one byte more is 413");
  const std::string over_limit = "{\"title\":\"t\",\"body\":\"" + std::string(kMaxBody - 22, 'x') + "\"}";
  REQUIRE(over_limit.size() == kMaxBody + 1);
  Connection connection(api.port());
  connection.send_until_answered(serialize(
      Request{"POST",
              "/api/v1/posts",
              {{"Content-Type", "application/json"}, {"Authorization", auth_value(account.token())}},
              over_limit},
      api.port()));
  const std::optional<Response> too_large = connection.read_response();
  REQUIRE(too_large.has_value());
  check_sane(*too_large);
  expect_error(*too_large, 413, "PAYLOAD_TOO_LARGE");
  check_security_headers(*too_large);
  CHECK(expect_list(api.get("/api/v1/posts?author=" + account.id)).empty());
  expect_alive(api);
}

TEST_CASE("headers over the limit get 431 or a closed connection, and the server lives on", "[e2e][limits]") {
  const Api api = shared_api();
  Connection connection(api.port());
  const std::string huge(32 * 1024, 'h');
  connection.send_until_answered(
      serialize(Request{"GET", "/healthz", {{"X-Padding", huge}, {"X-More-Padding", huge}}, {}}, api.port()));
  const std::optional<Response> response = connection.read_response();
  if (response) {
    check_sane(*response);
    expect_error(*response, 431, "PAYLOAD_TOO_LARGE");
  }
  expect_alive(api);
}

TEST_CASE(
    "timeouts: a silent connection, a trickled request, an idle keep-alive and a lingering one are closed",
    "[e2e][limits][timeouts]") {
  using namespace std::chrono_literals;
  using Clock = std::chrono::steady_clock;
  // Short limits so the test waits little; the bounds below are generous, a slow machine only
  // makes a close later, never earlier.
  ServerProcess server(
      Environment{{"PARLEY_READ_TIMEOUT_SECONDS", "1"}, {"PARLEY_KEEPALIVE_TIMEOUT_SECONDS", "2"}});

  INFO("a connection that never sends a byte is closed after the read timeout");
  Connection silent(server.port());
  CHECK_FALSE(silent.closed_by_peer(500ms));
  CHECK(silent.closed_by_peer(10s));

  INFO("a request trickled byte by byte is closed after the read timeout, counted from its start");
  Connection trickle(server.port());
  REQUIRE(trickle.send_raw("GET /healthz HTTP/1.1\r\nHost: parley\r\n"));
  const auto trickle_started = Clock::now();
  bool trickle_closed = false;
  while (!trickle_closed && Clock::now() - trickle_started < 10s) {
    // A header line every 200 ms: each byte is well within the timeout, the request is not.
    trickle_closed = !trickle.send_raw("X-Slow: 1\r\n") || trickle.closed_by_peer(200ms);
  }
  CHECK(trickle_closed);

  INFO("an idle kept-alive connection is closed after the keep-alive timeout, not the read timeout");
  Connection idle(server.port());
  CHECK(idle.round_trip(Request{"GET", "/healthz", {}, {}}).status == 200);
  CHECK_FALSE(idle.closed_by_peer(1500ms));  // past the read timeout, before the keep-alive one
  CHECK(idle.closed_by_peer(10s));

  INFO("a refused request's connection lingers to let the answer be read, then is closed");
  Connection refused(server.port());
  // A body over the limit is refused on its headers; the client then sends nothing more.
  REQUIRE(
      refused.send_raw("POST /api/v1/auth/login HTTP/1.1\r\nHost: parley\r\n"
                       "Content-Type: application/json\r\nContent-Length: 104857600\r\n\r\n"));
  const auto too_large = refused.read_response();
  REQUIRE(too_large.has_value());
  CHECK(too_large->status == 413);
  // Half-closed at once (our end has nothing more to read); what the client still sends is read
  // and dropped until the linger ends, then the socket is closed and a send is reset.
  const auto linger_started = Clock::now();
  bool reset = false;
  while (!reset && Clock::now() - linger_started < 10s) {
    reset = !refused.send_raw("x");
    std::this_thread::sleep_for(200ms);
  }
  CHECK(reset);

  INFO("the server lives on");
  Connection fresh(server.port());
  CHECK(fresh.round_trip(Request{"GET", "/healthz", {}, {}}).status == 200);
  CHECK(server.stop().success());
}

TEST_CASE("garbage on the wire is answered with 400 or a closed connection, never a crash",
          "[e2e][robustness]") {
  const Api api = shared_api();
  const std::vector<std::string> garbage = {
      "GARBAGE\r\n\r\n",
      "GET\r\n\r\n",
      "GET /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n",
      "POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 7\r\n\r\nhello",
      "GET /healthz HTTP/1.1\r\nBad Header Line\r\n\r\n",
      std::string("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", 11) + std::string(64, '\0') + "\r\n\r\n",
  };
  for (const auto& bytes : garbage) {
    expect_rejected_or_closed(api.port(), bytes);
    expect_alive(api);
  }
  INFO("half a request, then the client goes away");
  {
    Connection connection(api.port());
    connection.send_raw(
        "POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{\"email\":");
  }
  expect_alive(api);

  INFO("JSON bombs and odd JSON stay 400");
  expect_error(api.raw("POST", "/api/v1/auth/login", std::string(10'000, '[') + std::string(10'000, ']'),
                       {{"Content-Type", "application/json"}}),
               400, "INVALID_INPUT", kAnyDetails);
  expect_error(api.raw("POST", "/api/v1/auth/login", "null", {{"Content-Type", "application/json"}}), 400,
               "INVALID_INPUT", {{"body", "must be a JSON object"}});
  expect_error(api.raw("POST", "/api/v1/auth/login", "{\"email\":\"a@b.co\"} trailing",
                       {{"Content-Type", "application/json"}}),
               400, "INVALID_INPUT", {{"body", "malformed JSON"}});
  expect_error(api.raw("POST", "/api/v1/auth/login", "", {{"Content-Type", "application/json"}}), 400,
               "INVALID_INPUT", kAnyDetails);
  INFO("a member name given twice is refused, not silently resolved");
  expect_error(api.raw("POST", "/api/v1/auth/login",
                       R"({"email":"a@b.co","password":"long-enough-1","email":"c@d.co"})",
                       {{"Content-Type", "application/json"}}),
               400, "INVALID_INPUT", {{"email", "is given more than once"}});
  expect_alive(api);
}

TEST_CASE("path ids that are not UUIDs are 400 naming the parameter", "[e2e][routing]") {
  const Api api = shared_api();
  const std::string post = random_uuid();
  expect_error(api.get("/api/v1/posts/123"), 400, "INVALID_INPUT", {{"id", "must be a UUID"}});
  expect_error(api.get("/api/v1/posts/" + post.substr(0, 35)), 400, "INVALID_INPUT",
               {{"id", "must be a UUID"}});
  expect_error(api.get("/api/v1/posts/" + post + "0"), 400, "INVALID_INPUT", {{"id", "must be a UUID"}});
  expect_error(api.get("/api/v1/users/%27%20OR%201=1"), 400, "INVALID_INPUT", {{"id", "must be a UUID"}});
  expect_error(api.get("/api/v1/posts/xyz/comments"), 400, "INVALID_INPUT", {{"id", "must be a UUID"}});
  const Account account = new_user(api, "ids");
  expect_error(api.del("/api/v1/posts/" + post + "/comments/xyz", account.token()), 400, "INVALID_INPUT",
               {{"comment_id", "must be a UUID"}});
}

TEST_CASE("pipelined requests are answered in order on one connection", "[e2e][http]") {
  const Api api = shared_api();
  const std::string missing = random_uuid();
  const std::string first_id = "pipe-1-" + unique_suffix();
  const std::string second_id = "pipe-2-" + unique_suffix();
  const std::string third_id = "pipe-3-" + unique_suffix();
  const std::string bytes =
      serialize(Request{"GET", "/healthz", {{"X-Request-ID", first_id}}, {}}, api.port()) +
      serialize(Request{"GET", "/api/v1/users/" + missing, {{"X-Request-ID", second_id}}, {}}, api.port()) +
      serialize(Request{"POST",
                        "/api/v1/auth/login",
                        {{"X-Request-ID", third_id}, {"Content-Type", "application/json"}},
                        R"({"email":"pipelined@example.com"})"},
                api.port());
  Connection connection(api.port());
  REQUIRE(connection.send_raw(bytes));  // one write, three requests

  const auto first = connection.read_response();
  REQUIRE(first.has_value());
  check_sane(*first);
  CHECK(first->header("X-Request-ID") == std::optional<std::string>(first_id));
  expect_data(*first, 200);

  const auto second = connection.read_response();
  REQUIRE(second.has_value());
  check_sane(*second);
  CHECK(second->header("X-Request-ID") == std::optional<std::string>(second_id));
  expect_error(*second, 404, "NOT_FOUND");

  const auto third = connection.read_response();
  REQUIRE(third.has_value());
  check_sane(*third);
  CHECK(third->header("X-Request-ID") == std::optional<std::string>(third_id));
  expect_error(*third, 400, "INVALID_INPUT", {{"password", "is required"}});
}

TEST_CASE("several I/O threads: concurrent connections each get their own answers, in order",
          "[e2e][http][threads]") {
  // With more than one I/O thread each connection runs on a strand of its own; with one, on the
  // io_context itself. The shared server covers one thread, this one several.
  ServerProcess server(Environment{{"PARLEY_IO_THREADS", "4"}});
  constexpr std::size_t kClients = 8;
  constexpr std::size_t kRounds = 25;
  // Catch2's assertions are not thread-safe: each client notes its first mismatch, checked after.
  std::vector<std::string> mismatches(kClients);
  std::vector<std::string> missing_users;  // made here: the test's random engine is not thread-safe
  for (std::size_t i = 0; i < kClients * kRounds; ++i)
    missing_users.push_back(random_uuid());
  std::vector<std::thread> clients;
  for (std::size_t client = 0; client < kClients; ++client) {
    clients.emplace_back([&, client] {
      try {
        Connection connection(server.port());
        for (std::size_t round = 0; round < kRounds && mismatches[client].empty(); ++round) {
          // Two requests in one write: one the I/O thread answers, one a worker answers.
          const std::string tag = std::to_string(client) + "-" + std::to_string(round);
          connection.send_raw(
              serialize(Request{"GET",
                                "/api/v1/users/" + missing_users[client * kRounds + round],
                                {{"X-Request-ID", "user-" + tag}},
                                {}},
                        server.port()) +
              serialize(Request{"GET", "/healthz", {{"X-Request-ID", "health-" + tag}}, {}}, server.port()));
          const auto user = connection.read_response();
          const auto health = connection.read_response();
          if (!user || user->status != 404 || user->header("X-Request-ID") != "user-" + tag) {
            mismatches[client] = "user-" + tag + ": " + (user ? user->describe() : "closed");
          } else if (!health || health->status != 200 || health->header("X-Request-ID") != "health-" + tag) {
            mismatches[client] = "health-" + tag + ": " + (health ? health->describe() : "closed");
          }
        }
      } catch (const std::exception& e) {
        mismatches[client] = e.what();
      }
    });
  }
  for (auto& thread : clients)
    thread.join();
  for (const auto& mismatch : mismatches)
    CHECK(mismatch.empty());
  CHECK(server.stop().success());
}

TEST_CASE("keep-alive: one connection serves many requests - Connection: close closes it", "[e2e][http]") {
  const Api api = shared_api();
  Connection connection(api.port());
  for (int i = 0; i < 5; ++i) {
    const Response response =
        connection.round_trip(Request{"GET", i % 2 == 0 ? "/healthz" : "/readyz", {}, {}});
    check_sane(response);
    CHECK(response.status == 200);
    CHECK_FALSE(iequals(response.header("Connection").value_or(""), "close"));
  }
  const Response error = connection.round_trip(Request{"GET", "/api/v1/users/" + random_uuid(), {}, {}});
  expect_error(error, 404, "NOT_FOUND");
  const Response after_error = connection.round_trip(Request{"GET", "/healthz", {}, {}});
  CHECK(after_error.status == 200);

  const Response last = connection.round_trip(Request{"GET", "/healthz", {{"Connection", "close"}}, {}});
  CHECK(last.status == 200);
  CHECK(connection.closed_by_peer(std::chrono::seconds(5)));

  INFO("HTTP/1.0 without keep-alive is closed after the response");
  Connection old(api.port());
  old.send_raw("GET /healthz HTTP/1.0\r\n\r\n");
  const auto response = old.read_response();
  REQUIRE(response.has_value());
  CHECK(response->status == 200);
  CHECK(old.closed_by_peer(std::chrono::seconds(5)));
}

TEST_CASE("X-Request-ID is echoed when valid and generated otherwise - errors carry it as trace_id",
          "[e2e][http][request-id]") {
  const Api api = shared_api();
  const std::string mine = "Ab0._:-" + unique_suffix();
  const Response echoed = api.get("/healthz", {}, {{"X-Request-ID", mine}});
  CHECK(echoed.header("X-Request-ID") == std::optional<std::string>(mine));
  const std::string longest(128, 'r');
  CHECK(api.get("/healthz", {}, {{"X-Request-ID", longest}}).header("X-Request-ID") ==
        std::optional<std::string>(longest));

  const json::object error =
      expect_error(deliberately(Deliberate::unmatched_route,
                                [&] {
                                  return api.get("/api/v1/nope", {}, {{"X-Request-ID", mine}});
                                }),
                   404, "NOT_FOUND");
  CHECK(string_field(error, "trace_id") == mine);

  std::set<std::string> generated;
  const std::vector<std::string> invalid = {"has space", std::string(129, 'a'), "semi;colon", "quote\"d", ""};
  for (const auto& id : invalid) {
    INFO("sent X-Request-ID: '" << id << "'");
    const Response response = api.get("/healthz", {}, {{"X-Request-ID", id}});
    const auto got = response.header("X-Request-ID");
    REQUIRE(got.has_value());
    CHECK(*got != id);
    CHECK(is_request_id(*got));
    generated.insert(*got);
  }
  for (int i = 0; i < 3; ++i) {
    const auto got = api.get("/healthz").header("X-Request-ID");
    REQUIRE(got.has_value());
    CHECK(is_request_id(*got));
    generated.insert(*got);
  }
  CHECK(generated.size() == invalid.size() + 3);

  const Response generated_error = api.get("/api/v1/users/" + random_uuid());
  const json::object body = expect_error(generated_error, 404, "NOT_FOUND");
  CHECK(string_field(body, "trace_id") == generated_error.header("X-Request-ID").value_or(""));
}

TEST_CASE("security headers are on successes, errors and empty responses", "[e2e][http][headers]") {
  const Api api = shared_api();
  const Account account = new_user(api, "headers");
  const Session spare = log_in(api, account.email, account.password);
  struct Case {
    int status;
    const char* name;
    Response response;
  };
  const std::vector<Case> cases = {
      {200, "healthz", api.get("/healthz")},
      {200, "post list", api.get("/api/v1/posts")},
      {201, "new post", api.post("/api/v1/posts", {{"title", "t"}, {"body", "b"}}, account.token())},
      {204, "logout", api.post_empty("/api/v1/auth/logout", spare.access_token)},
      {204, "preflight",
       api.send(Request{"OPTIONS",
                        "/api/v1/posts",
                        {{"Origin", kOrigin}, {"Access-Control-Request-Method", "POST"}},
                        {}})},
      {400, "bad page", api.get("/api/v1/posts?page=abc")},
      {401, "no token", api.get("/api/v1/users/me")},
      {403, "not an admin", api.post_empty("/api/v1/admin/users/" + account.id + "/block", account.token())},
      {404, "unknown path",
       deliberately(Deliberate::unmatched_route, [&] { return api.get("/api/v1/does-not-exist"); })},
      {405, "wrong method",
       deliberately(Deliberate::unmatched_route,
                    [&] {
                      return api.raw("PUT", "/api/v1/posts", "{}", {{"Content-Type", "application/json"}});
                    })},
      {415, "text body", api.raw("POST", "/api/v1/auth/login", "{}", {{"Content-Type", "text/plain"}})},
  };
  for (const auto& c : cases) {
    INFO("case: " << c.name << "\n" << c.response.describe());
    CHECK(c.response.status == c.status);
    check_security_headers(c.response);
  }
}

TEST_CASE("CORS: the allowed origin gets exact headers, any other origin gets none", "[e2e][http][cors]") {
  const Api api = shared_api();
  SECTION("preflight from the allowed origin") {
    const Response preflight =
        api.send(Request{"OPTIONS",
                         "/api/v1/posts",
                         {{"Origin", kOrigin},
                          {"Access-Control-Request-Method", "POST"},
                          {"Access-Control-Request-Headers", "authorization, content-type"}},
                         {}});
    INFO(preflight.describe());
    CHECK(preflight.status == 204);
    CHECK(preflight.body.empty());
    CHECK(preflight.header("Access-Control-Allow-Origin") == std::optional<std::string>(kOrigin));
    CHECK(list_items(preflight.header("Vary").value_or("")).count("ORIGIN") == 1);
    const auto methods = list_items(preflight.header("Access-Control-Allow-Methods").value_or(""));
    CHECK(methods.count("POST") == 1);
    CHECK(methods.count("GET") == 1);
    CHECK(list_items(preflight.header("Access-Control-Allow-Headers").value_or("")) ==
          std::set<std::string>{"AUTHORIZATION", "CONTENT-TYPE", "X-REQUEST-ID", "TRACEPARENT"});
    CHECK(preflight.header("Access-Control-Max-Age") == std::optional<std::string>("600"));
    CHECK_FALSE(preflight.has_header("Access-Control-Allow-Credentials"));
    check_security_headers(preflight);
  }
  SECTION("simple requests from the allowed origin") {
    for (const std::string& target :
         std::vector<std::string>{"/healthz", "/api/v1/posts", "/api/v1/posts/" + random_uuid()}) {
      const Response response = api.get(target, {}, {{"Origin", kOrigin}});
      INFO(response.describe());
      CHECK(response.header("Access-Control-Allow-Origin") == std::optional<std::string>(kOrigin));
      CHECK(list_items(response.header("Vary").value_or("")).count("ORIGIN") == 1);
      CHECK_FALSE(response.has_header("Access-Control-Allow-Credentials"));
      CHECK(list_items(response.header("Access-Control-Expose-Headers").value_or("")) ==
            std::set<std::string>{"X-REQUEST-ID", "TRACEPARENT", "RETRY-AFTER", "RATELIMIT-LIMIT",
                                  "RATELIMIT-REMAINING", "RATELIMIT-RESET"});
    }
  }
  SECTION("another origin gets no CORS headers at all") {
    const Response simple = api.get("/api/v1/posts", {}, {{"Origin", "https://evil.example"}});
    INFO(simple.describe());
    CHECK(simple.status == 200);
    CHECK_FALSE(has_cors_headers(simple));
    const Response preflight =
        api.send(Request{"OPTIONS",
                         "/api/v1/posts",
                         {{"Origin", "https://evil.example"}, {"Access-Control-Request-Method", "POST"}},
                         {}});
    INFO(preflight.describe());
    CHECK_FALSE(has_cors_headers(preflight));
    const Response lookalike = api.get("/healthz", {}, {{"Origin", "https://app.example.evil.example"}});
    CHECK_FALSE(has_cors_headers(lookalike));
    const Response no_origin = api.get("/healthz");
    CHECK_FALSE(no_origin.has_header("Access-Control-Allow-Origin"));
  }
}

}  // namespace parley::e2e
