// A server's whole life in one test: startup line, generated JWT secret, access log lines,
// secrets kept out of the log, graceful SIGTERM (also with a request in flight). And
// configuration errors that stop startup.
#include <algorithm>
#include <cctype>
#include <chrono>
#include <fstream>
#include <future>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <sys/stat.h>
#include <thread>

#include <catch2/catch.hpp>

#include "support/fixture.hpp"

namespace parley::e2e {
namespace {

std::vector<json::object> log_objects(const std::string& text) {
  std::vector<json::object> objects;
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    boost::system::error_code ec;
    json::value value = json::parse(line, ec);
    if (!ec && value.is_object()) objects.push_back(value.as_object());
  }
  return objects;
}

const json::object* find_request_line(const std::vector<json::object>& lines, const std::string& request_id) {
  for (const auto& line : lines) {
    if (line.contains("msg") && line.at("msg") == "request" && line.contains("request_id") &&
        line.at("request_id") == request_id.c_str()) {
      return &line;
    }
  }
  return nullptr;
}

// Bytes the server's end of the connection from `client_port` has received but not read yet,
// from Linux's /proc/net/tcp; nullopt while no such socket is listed.
std::optional<unsigned long> server_unread_bytes(std::uint16_t server_port, std::uint16_t client_port) {
  std::ifstream table("/proc/net/tcp");
  std::string line;
  std::getline(table, line);  // the column titles
  while (std::getline(table, line)) {
    // "sl: local_ip:port remote_ip:port state tx_queue:rx_queue ...", all hexadecimal.
    std::istringstream fields(line);
    std::string slot, local, remote, state, queues;
    if (!(fields >> slot >> local >> remote >> state >> queues)) continue;
    const auto port_of = [](const std::string& address) {
      return std::stoul(address.substr(address.find(':') + 1), nullptr, 16);
    };
    if (port_of(local) != server_port || port_of(remote) != client_port) continue;
    return std::stoul(queues.substr(queues.find(':') + 1), nullptr, 16);
  }
  return std::nullopt;
}

// Until the server has read everything sent on the connection from `client_port`.
bool wait_until_read(std::uint16_t server_port, std::uint16_t client_port,
                     std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (server_unread_bytes(server_port, client_port) == 0UL) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return false;
}

std::string lowercase(std::string text) {
  for (auto& c : text)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

}  // namespace

TEST_CASE("a server's life: listening line, generated JWT secret, access log, no secrets, clean SIGTERM",
          "[e2e][lifecycle][logs]") {
  ServerProcess server;
  const Api api(server.port());

  INFO("listening line: " << server.listening_line());
  const json::value listening = json::parse(server.listening_line());
  CHECK(string_field(listening.as_object(), "level") == "info");
  CHECK(string_field(listening.as_object(), "address") == "127.0.0.1");
  CHECK(is_timestamp(string_field(listening.as_object(), "time")));

  // Traffic that carries every kind of secret the log must never show.
  const Account account = new_user(api, "logged");
  const Session refreshed =
      expect_session(api.post("/api/v1/auth/refresh", {{"refresh_token", account.session.refresh_token}}));
  const std::string wrong_password = new_password();
  expect_error(api.post("/api/v1/auth/login", {{"email", account.email}, {"password", wrong_password}}), 401,
               "UNAUTHORIZED");
  const std::string malformed_secret = new_password();
  expect_error(api.raw("POST", "/api/v1/auth/login", "{\"password\":\"" + malformed_secret + "\",",
                       {{"Content-Type", "application/json"}}),
               400, "INVALID_INPUT", {{"body", "malformed JSON"}});
  const std::string cookie = "session=e2e-cookie-" + unique_suffix();
  const std::string bogus = "Bearer e2e-bogus-token-" + unique_suffix();
  expect_error(api.get("/api/v1/users/me", {}, {{"Authorization", bogus}, {"Cookie", cookie}}), 401,
               "UNAUTHORIZED");
  const std::string changed = new_password();
  expect_data(
      api.patch("/api/v1/users/" + account.id,
                {{"password", changed}, {"current_password", account.password}}, refreshed.access_token),
      200);

  const std::string anonymous_probe = "e2e-log-anon-" + unique_suffix();
  expect_error(api.get("/api/v1/posts/" + random_uuid(), {}, {{"X-Request-ID", anonymous_probe}}), 404,
               "NOT_FOUND");
  const std::string user_probe = "e2e-log-user-" + unique_suffix();
  expect_data(api.get("/api/v1/users/me", refreshed.access_token, {{"X-Request-ID", user_probe}}), 200);
  expect_no_content(api.post_empty("/api/v1/auth/logout", refreshed.access_token));

  INFO("the JWT secret was generated into the data directory, owner-only");
  const auto secret_path = server.data_dir() / "jwt-secret";
  struct stat info {};
  REQUIRE(::stat(secret_path.c_str(), &info) == 0);
  CHECK((info.st_mode & 0777) == 0600);
  std::ifstream secret_file(secret_path, std::ios::binary);
  std::ostringstream secret_text;
  secret_text << secret_file.rdbuf();
  std::string secret = secret_text.str();
  while (!secret.empty() && (secret.back() == '\n' || secret.back() == '\r'))
    secret.pop_back();
  CHECK(secret.size() >= 32);
  remember_secret(secret);

  INFO("an idle keep-alive connection must not prevent a graceful shutdown");
  Connection idle(server.port());
  CHECK(idle.round_trip(Request{"GET", "/healthz", {}, {}}).status == 200);

  const ExitStatus status = server.stop();
  INFO("exit: " << status.describe());
  CHECK(status.success());

  const std::string log = server.read_log();
  INFO("server log:\n" << log);
  CHECK(audit_log(log, remembered_secrets()) == std::vector<std::string>{});
  CHECK(log.find(account.password) == std::string::npos);
  CHECK(log.find(changed) == std::string::npos);
  CHECK(log.find(refreshed.refresh_token) == std::string::npos);
  CHECK(log.find(cookie) == std::string::npos);

  const auto lines = log_objects(log);
  bool mentions_secret_generation = false;
  for (const auto& line : lines) {
    if (lowercase(json::serialize(line)).find("jwt") != std::string::npos) mentions_secret_generation = true;
  }
  CHECK(mentions_secret_generation);

  const json::object* anonymous = find_request_line(lines, anonymous_probe);
  REQUIRE(anonymous != nullptr);
  CHECK(string_field(*anonymous, "level") == "info");
  CHECK(string_field(*anonymous, "method") == "GET");
  CHECK(string_field(*anonymous, "route") == "/api/v1/posts/{id}");
  CHECK(int_field(*anonymous, "status") == 404);
  CHECK(int_field(*anonymous, "bytes_out") > 0);
  CHECK(string_field(*anonymous, "client_ip") == "127.0.0.1");
  CHECK_FALSE(anonymous->contains("user_id"));

  const json::object* authenticated = find_request_line(lines, user_probe);
  REQUIRE(authenticated != nullptr);
  CHECK(string_field(*authenticated, "route") == "/api/v1/users/me");
  CHECK(int_field(*authenticated, "status") == 200);
  CHECK(string_field(*authenticated, "user_id") == account.id);
}

TEST_CASE("SIGTERM with a request in flight: it still gets its response, new connections do not, exit 0",
          "[e2e][lifecycle][shutdown]") {
  constexpr int kGraceSeconds = 20;
  // scrypt at 2^17 keeps the login on a worker for a good while after its bytes are read. The
  // auth threads keep Parley's own priority: at the default nice value a 2^17 KDF on a machine
  // busy with other tests takes more than the client's 15 s (this test is about shutdown).
  ServerProcess server({{"PARLEY_SCRYPT_LOG2N", "17"},
                        {"PARLEY_AUTH_THREAD_NICE", "0"},
                        {"PARLEY_SHUTDOWN_GRACE_SECONDS", std::to_string(kGraceSeconds)}});
  const Api api(server.port());
  const Account account = new_user(api, "inflight");

  const std::string request_id = "e2e-inflight-" + unique_suffix();
  const std::string body =
      json::serialize(json::object{{"email", account.email}, {"password", account.password}});
  Connection in_flight(server.port());
  REQUIRE(in_flight.send_raw(
      serialize(Request{"POST",
                        "/api/v1/auth/login",
                        {{"Content-Type", "application/json"}, {"X-Request-ID", request_id}},
                        body},
                server.port())));
  // Until the server has read them, the bytes sit in its socket and the connection counts as
  // idle, which a shutdown closes at once: signal only after that, however long it takes.
  REQUIRE(wait_until_read(server.port(), in_flight.local_port(), std::chrono::seconds(15)));

  const auto signalled = std::chrono::steady_clock::now();
  std::future<ExitStatus> stopped =
      std::async(std::launch::async, [&server, grace = std::chrono::seconds(kGraceSeconds)] {
        return server.stop(grace);  // SIGTERM, then waits for the exit
      });

  const std::optional<Response> response = in_flight.read_response(std::chrono::seconds(kGraceSeconds));
  REQUIRE(response.has_value());
  INFO(response->describe());
  const Session session = expect_session(*response);
  CHECK(string_field(session.user, "id") == account.id);
  CHECK(iequals(response->header("Connection").value_or(""), "close"));
  CHECK(in_flight.closed_by_peer(std::chrono::seconds(5)));

  INFO("the response said Connection: close, so shutdown had begun and the listener is closed");
  std::optional<Connection> late;
  try {
    late.emplace(server.port());
  } catch (const std::runtime_error& refused) {
    INFO("refused: " << refused.what());
  }
  if (late) {
    late->send_raw(serialize(Request{"GET", "/healthz", {}, {}}, server.port()));
    const std::optional<Response> answer = late->read_response(std::chrono::seconds(5));
    CHECK_FALSE(answer.has_value());
  }

  const ExitStatus status = stopped.get();
  const auto elapsed = std::chrono::steady_clock::now() - signalled;
  INFO("exit: " << status.describe());
  CHECK(status.success());
  CHECK(elapsed < std::chrono::seconds(kGraceSeconds));

  const std::string log = server.read_log();
  INFO("server log:\n" << log);
  CHECK(audit_log(log, remembered_secrets()) == std::vector<std::string>{});
  const auto lines = log_objects(log);
  const auto shutting_down = std::find_if(lines.begin(), lines.end(), [](const json::object& line) {
    return line.contains("msg") && line.at("msg") == "shutting down";
  });
  REQUIRE(shutting_down != lines.end());
  CHECK(string_field(*shutting_down, "reason") == "SIGTERM");
  CHECK(int_field(*shutting_down, "open_connections") >= 1);
  const json::object* login = find_request_line(lines, request_id);
  REQUIRE(login != nullptr);
  CHECK(int_field(*login, "status") == 200);
  CHECK(login > &*shutting_down);  // logged once done, after the shutdown had begun
  CHECK(log.find("grace period over") == std::string::npos);
}

TEST_CASE("an unknown PARLEY_FOO or a malformed value stop startup with exit code 2 and a message",
          "[e2e][lifecycle][config]") {
  struct Case {
    const char* variable;
    const char* value;
  };
  const std::vector<Case> cases = {
      {"PARLEY_FOO", "1"},
      {"PARLEY_LISTEN", "not-an-address"},
      {"PARLEY_LISTEN", "127.0.0.1:99999"},
      {"PARLEY_SCRYPT_LOG2N", "9"},
      {"PARLEY_LOG_LEVEL", "chatty"},
      {"PARLEY_IO_THREADS", "many"},
      {"PARLEY_MAX_BODY_BYTES", "-5"},
      {"PARLEY_MIGRATE_ON_START", "maybe"},
      {"PARLEY_JWT_SECRET", "too-short"},
      {"PARLEY_REDIS_KEY_PREFIX", "parley prod:"},
      {"PARLEY_REDIS_KEY_PREFIX", ""},
      {"PARLEY_RATE_LIMIT_ENABLED", "yes"},
      {"PARLEY_RATE_LIMIT_AUTH", "10/60"},
      {"PARLEY_RATE_LIMIT_WRITE", "0/60s"},
      {"PARLEY_RATE_LIMIT_READ", "ten/60s"},
      {"PARLEY_RATE_LIMIT_READ", "10/-60s"},
      {"PARLEY_TRUSTED_PROXIES", "10.0.0.1/8"},
      {"PARLEY_TRUSTED_PROXIES", "proxy.internal"},
      {"PARLEY_METRICS_ENABLED", "yes"},
      {"PARLEY_ADMIN_LISTEN", "not-an-address"},
      {"PARLEY_CACHE_ENABLED", "maybe"},
      {"PARLEY_REALWORLD_ENABLED", "on"},
      {"PARLEY_CACHE_LIST_TTL_SECONDS", "0"},
      {"PARLEY_CACHE_ENTITY_TTL_SECONDS", "five"},
  };
  for (const auto& c : cases) {
    TempDir dir;
    Environment environment = {{"PARLEY_LISTEN", "127.0.0.1:0"},
                               {"PARLEY_DATA_DIR", dir.path().string()},
                               {"PARLEY_SCRYPT_LOG2N", "12"},
                               {"PARLEY_LOG_LEVEL", "info"}};
    std::erase_if(environment, [&](const auto& variable) { return variable.first == c.variable; });
    environment.emplace_back(c.variable, c.value);
    const ProcessResult result =
        run_process({parley_executable(), "serve"}, environment, {}, std::chrono::seconds(15));
    INFO(c.variable << "=" << c.value << " -> " << result.describe());
    CHECK(result.status.exited);
    CHECK(result.status.code == 2);
    CHECK(result.elapsed < std::chrono::seconds(10));
    CHECK((result.out + result.err).find(c.variable) != std::string::npos);
  }
}

}  // namespace parley::e2e
