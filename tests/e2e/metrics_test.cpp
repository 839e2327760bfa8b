// GET /metrics against a live server: route templates (never raw ids) in labels, histograms,
// build info, and `promtool check metrics` finding nothing to say; metrics disabled and on an
// admin listener; and W3C traceparent propagation.
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "support/exchange_log.hpp"
#include "support/fixture.hpp"

namespace parley::e2e {
namespace {

// The value of the sample whose name and labels are exactly `series`; nullopt when absent.
std::optional<double> sample(const std::string& text, const std::string& series) {
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    if (line.size() > series.size() && line.compare(0, series.size(), series) == 0 &&
        line[series.size()] == ' ') {
      return std::stod(line.substr(series.size() + 1));
    }
  }
  return std::nullopt;
}

// promtool prints nothing and exits 0 for a clean exposition; errors and lint warnings both
// print, and both fail here.
void check_with_promtool(const std::string& text) {
  REQUIRE(std::string(PARLEY_PROMTOOL_EXECUTABLE) != "");
  const ProcessResult result =
      run_process({PARLEY_PROMTOOL_EXECUTABLE, "check", "metrics"}, {}, text, std::chrono::seconds(60));
  INFO("promtool: " << result.describe());
  CHECK(result.status.success());
  CHECK(result.out.empty());
  CHECK(result.err.empty());
}

std::string scrape(const Api& api) {
  const Response response = api.get("/metrics");
  INFO(response.describe());
  REQUIRE(response.status == 200);
  check_security_headers(response, "text/plain");
  CHECK(response.header("Content-Type") ==
        std::optional<std::string>("text/plain; version=0.0.4; charset=utf-8"));
  return response.body;
}

std::optional<std::string> header_trace_id(const Response& response) {
  const auto header = response.header("traceparent");
  if (!header || header->size() != 55) return std::nullopt;
  return header->substr(3, 32);
}

bool is_hex_id(const std::string& text, std::size_t length) {
  return text.size() == length && text.find_first_not_of("0123456789abcdef") == std::string::npos &&
         text.find_first_not_of('0') != std::string::npos;
}

TEST_CASE("GET /metrics counts requests by route template, times them and passes promtool",
          "[e2e][metrics]") {
  const Api api = shared_api();
  const Account author = new_user(api, "metrics");
  const json::object post = create_post(api, author);
  const std::string post_id = std::string(post.at("id").as_string());
  expect_data(api.get("/api/v1/posts/" + post_id), 200);
  const std::string unknown_path = "/no-such-path-" + unique_suffix();
  expect_error(deliberately(Deliberate::unmatched_route, [&] { return api.get(unknown_path); }), 404,
               "NOT_FOUND");

  const std::string first = scrape(api);
  INFO(first);
  const std::string get_post = R"(http_requests_total{method="GET",route="/api/v1/posts/{id}",status="200"})";
  const auto got_posts = sample(first, get_post);
  REQUIRE(got_posts);
  CHECK(*got_posts == 1);
  CHECK(sample(first, R"(http_requests_total{method="POST",route="/api/v1/posts",status="201"})") >= 1.0);
  CHECK(sample(first, R"(http_requests_total{method="POST",route="/api/v1/auth/signup",status="201"})") >=
        1.0);
  CHECK(sample(first, R"(http_requests_total{method="GET",route="unmatched",status="404"})") >= 1.0);
  // Labels carry templates, never what the client sent.
  CHECK(first.find(post_id) == std::string::npos);
  CHECK(first.find(unknown_path) == std::string::npos);

  const std::string duration =
      R"(http_request_duration_seconds_bucket{method="GET",route="/api/v1/posts/{id}",le=)";
  CHECK(sample(first, duration + R"("+Inf"})") == 1.0);
  CHECK(sample(first, duration + R"("0.005"})") <= 1.0);  // cumulative: never above +Inf
  CHECK(sample(first, R"(http_request_duration_seconds_count{method="GET",route="/api/v1/posts/{id}"})") ==
        1.0);
  CHECK(sample(first, R"(http_request_duration_seconds_sum{method="GET",route="/api/v1/posts/{id}"})") > 0.0);
  CHECK(sample(first, R"(db_query_duration_seconds_count{operation="post.create"})") >= 1.0);
  CHECK(sample(first, R"(db_query_duration_seconds_count{operation="post.find_by_id"})") >= 1.0);
  CHECK(sample(first, R"(db_query_duration_seconds_count{operation="token.is_access_token_revoked"})") >=
        1.0);

  CHECK(first.find("\nparley_build_info{version=\"" PARLEY_VERSION "\",revision=\"") != std::string::npos);
  CHECK(first.find("# TYPE http_request_duration_seconds histogram\n") != std::string::npos);
  CHECK(first.find("# TYPE http_requests_total counter\n") != std::string::npos);
  CHECK(sample(first, "http_requests_in_flight") >= 1.0);  // this scrape
  CHECK(sample(first, "http_open_connections") >= 1.0);
  CHECK(sample(first, R"(dependency_up{dependency="database"})") == 1.0);
  CHECK(sample(first, R"(dependency_up{dependency="token_store"})") == 1.0);
  // The cache (in process on SQLite, Redis in the e2e-pg run) and the rate limiter.
  CHECK(sample(first, R"(dependency_up{dependency="cache"})") == 1.0);
  CHECK(sample(first, R"(dependency_up{dependency="rate_limiter"})") == 1.0);
  CHECK(sample(first, R"(cache_misses_total{cache="post"})") >= 1.0);  // the first GET of the post
  CHECK(sample(first, R"(cache_hits_total{cache="post_list"})") >= 0.0);
  CHECK(sample(first, R"(cache_errors_total{cache="user"})") == 0.0);
  CHECK(sample(first, R"(rate_limit_rejections_total{group="auth"})") == 0.0);
  CHECK(sample(first, R"(rate_limit_rejections_total{group="write"})") == 0.0);
  CHECK(sample(first, R"(db_pool_connections{state="in_use"})") >= 0.0);
  CHECK(sample(first, R"(db_pool_connections{state="idle"})") >= 0.0);
  CHECK(sample(first, "db_pool_waits_total") >= 0.0);
  CHECK(sample(first, "db_pool_wait_seconds_total") >= 0.0);
  CHECK(sample(first, "process_resident_memory_bytes") > 0.0);
  CHECK(sample(first, "process_virtual_memory_bytes") > 0.0);
  CHECK(sample(first, "process_open_fds") > 0.0);
  CHECK(sample(first, "process_cpu_seconds_total") >= 0.0);
  CHECK(sample(first, "process_start_time_seconds") > 1.7e9);
  check_with_promtool(first);

  // Counters move by exactly what happened in between.
  expect_data(api.get("/api/v1/posts/" + post_id), 200);
  const std::string second = scrape(api);
  CHECK(sample(second, get_post) == *got_posts + 1);
  CHECK(sample(second, R"(http_requests_total{method="GET",route="/metrics",status="200"})") == 1.0);
}

TEST_CASE("with metrics disabled, /metrics is an unknown path", "[e2e][metrics]") {
  ServerProcess server(Environment{{"PARLEY_METRICS_ENABLED", "false"}});
  const Api api(server.port());
  const DeliberateExchanges hidden(Deliberate::hidden_route);  // /metrics does not exist here
  expect_error(api.get("/metrics"), 404, "NOT_FOUND");
  expect_error(api.post_empty("/metrics"), 404, "NOT_FOUND");  // not a 405: the path does not exist
  expect_data(deliberately(Deliberate::none, [&] { return api.get("/healthz"); }), 200);
  CHECK(server.stop().success());
}

TEST_CASE("with an admin listener, /metrics is served there only", "[e2e][metrics]") {
  ServerProcess server(Environment{{"PARLEY_ADMIN_LISTEN", "127.0.0.1:0"}});
  REQUIRE(server.admin_port() != 0);
  REQUIRE(server.admin_port() != server.port());
  const Api main(server.port());
  const Api admin(server.admin_port());

  expect_error(deliberately(Deliberate::hidden_route, [&] { return main.get("/metrics"); }), 404,
               "NOT_FOUND");
  expect_data(main.get("/healthz"), 200);
  // The admin listener serves the probes and the metrics, not the API.
  expect_data(admin.get("/healthz"), 200);
  expect_data(admin.get("/readyz"), 200);
  expect_error(deliberately(Deliberate::hidden_route, [&] { return admin.get("/api/v1/posts"); }), 404,
               "NOT_FOUND");
  expect_error(deliberately(Deliberate::hidden_route, [&] { return admin.get("/openapi.yaml"); }), 404,
               "NOT_FOUND");

  const std::string text = scrape(admin);
  INFO(text);
  CHECK(sample(text, R"(http_requests_total{method="GET",route="unmatched",status="404"})") >= 1.0);
  CHECK(sample(text, R"(http_requests_total{method="GET",route="/healthz",status="200"})") == 2.0);
  check_with_promtool(text);
  CHECK(server.stop().success());
}

TEST_CASE("traceparent: a valid one is continued, a malformed one replaced by a fresh trace",
          "[e2e][trace]") {
  const Api api = shared_api();
  const std::string incoming_trace = "0af7651916cd43dd8448eb211c80319c";
  const std::string incoming_parent = "b7ad6b7169203331";
  const std::string request_id = "trace-test-" + unique_suffix();

  const Response continued = api.get("/healthz", {},
                                     {{"traceparent", "00-" + incoming_trace + "-" + incoming_parent + "-01"},
                                      {"X-Request-ID", request_id}});
  INFO(continued.describe());
  const auto header = continued.header("traceparent");
  REQUIRE(header);
  REQUIRE(header->size() == 55);
  CHECK(header->substr(0, 3) == "00-");
  CHECK(header->substr(3, 32) == incoming_trace);
  const std::string parent = header->substr(36, 16);
  CHECK(is_hex_id(parent, 16));
  CHECK(parent != incoming_parent);
  CHECK(header->substr(52) == "-01");

  // The access line of that request carries the trace id.
  bool logged = false;
  std::istringstream lines(shared_server().read_log());
  for (std::string line; std::getline(lines, line);) {
    if (line.find("\"request_id\":\"" + request_id + "\"") == std::string::npos) continue;
    logged = true;
    CHECK(line.find("\"trace_id\":\"" + incoming_trace + "\"") != std::string::npos);
  }
  CHECK(logged);

  for (const std::string& malformed : {"00-" + incoming_trace + "-" + incoming_parent,
                                       "00-" + std::string(32, '0') + "-" + incoming_parent + "-01",
                                       "00-" + incoming_trace + "-0000000000000000-01",
                                       "ff-" + incoming_trace + "-" + incoming_parent + "-01",
                                       "00-0AF7651916CD43DD8448EB211C80319C-" + incoming_parent + "-01"}) {
    INFO("sent traceparent: " << malformed);
    const Response fresh = api.get("/healthz", {}, {{"traceparent", malformed}});
    const auto trace = header_trace_id(fresh);
    REQUIRE(trace);
    CHECK(is_hex_id(*trace, 32));
    CHECK(*trace != incoming_trace);
    CHECK(*trace != "0af7651916cd43dd8448eb211c80319c");
  }

  // Without one, each response starts its own trace.
  const auto a = header_trace_id(api.get("/healthz"));
  const auto b = header_trace_id(api.get("/healthz"));
  REQUIRE(a);
  REQUIRE(b);
  CHECK(is_hex_id(*a, 32));
  CHECK(*a != *b);
}

}  // namespace
}  // namespace parley::e2e
