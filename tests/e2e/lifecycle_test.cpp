// A server's whole life in one test: startup line, generated JWT secret, access log lines,
// secrets kept out of the log, graceful SIGTERM. And configuration errors that stop startup.
#include <cctype>
#include <fstream>
#include <sstream>
#include <sys/stat.h>

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
