// GET /openapi.yaml: the contract served byte for byte from the binary, and documenting
// every route the server has, so an undocumented route fails here.
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <utility>

#include <catch2/catch.hpp>

#include "support/fixture.hpp"

namespace parley::e2e {
namespace {

using Operations = std::map<std::string, std::set<std::string>>;  // path template -> methods

// Every route of kRoutes in apps/http/src/api.cpp: keep the two lists in step.
const Operations& served_operations() {
  static const Operations operations = {
      {"/healthz", {"get"}},
      {"/readyz", {"get"}},
      {"/metrics", {"get"}},
      {"/openapi.yaml", {"get"}},
      {"/docs", {"get"}},
      {"/api/v1/auth/signup", {"post"}},
      {"/api/v1/auth/login", {"post"}},
      {"/api/v1/auth/refresh", {"post"}},
      {"/api/v1/auth/logout", {"post"}},
      {"/api/v1/users/me", {"get"}},
      {"/api/v1/users/{id}", {"get", "patch"}},
      {"/api/v1/users/{id}/follow", {"post", "delete"}},
      {"/api/v1/profiles/{username}", {"get"}},
      {"/api/v1/posts", {"get", "post"}},
      {"/api/v1/posts/by-slug/{slug}", {"get"}},
      {"/api/v1/posts/{id}", {"get", "patch", "delete"}},
      {"/api/v1/posts/{id}/like", {"post", "delete"}},
      {"/api/v1/feed", {"get"}},
      {"/api/v1/tags", {"get"}},
      {"/api/v1/posts/{id}/comments", {"get", "post"}},
      {"/api/v1/posts/{id}/comments/{comment_id}", {"delete"}},
      {"/api/v1/admin/users/{id}/block", {"post"}},
      {"/api/v1/admin/users/{id}/unblock", {"post"}},
      {"/api/v1/admin/users/{id}/role", {"put"}},
      {"/api/v1/admin/audit", {"get"}},
  };
  return operations;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  REQUIRE(in.good());
  std::ostringstream text;
  text << in.rdbuf();
  return std::move(text).str();
}

// The operations under the top-level `paths:` key, read from the spec's fixed layout: a path
// is a two-space-indented key starting with '/', its operations four-space-indented method
// keys. Not a YAML parser, but enough to see a route missing from the document.
Operations documented_operations(const std::string& spec) {
  static const std::set<std::string> kMethods = {"get", "put", "post", "delete", "options", "head", "patch"};
  Operations operations;
  std::istringstream lines(spec);
  std::string line;
  bool in_paths = false;
  std::string path;
  while (std::getline(lines, line)) {
    if (!line.empty() && line.front() != ' ' && line.front() != '#') {
      in_paths = line == "paths:";
      path.clear();
      continue;
    }
    if (!in_paths) continue;
    if (line.size() > 4 && line.starts_with("  /") && line.back() == ':') {
      path = line.substr(2, line.size() - 3);
      operations[path];
    } else if (!path.empty() && line.starts_with("    ") && line[4] != ' ' && line.back() == ':') {
      const std::string key = line.substr(4, line.size() - 5);
      if (kMethods.contains(key)) operations[path].insert(key);
    }
  }
  return operations;
}

}  // namespace

TEST_CASE("GET /openapi.yaml serves the embedded spec as YAML", "[e2e][ops][spec]") {
  const Api api = shared_api();
  const Response response = api.get("/openapi.yaml", {}, {{"X-Request-ID", "spec-test.1"}});
  INFO(response.status << " " << response.reason);
  REQUIRE(response.status == 200);

  const auto content_type = response.header("Content-Type");
  REQUIRE(content_type.has_value());
  CHECK(std::string(media_type(*content_type)) == "application/yaml");
  // The exact bytes of the file the binary was built from: compared whole, not parsed.
  const std::string source = read_file(PARLEY_OPENAPI_FILE);
  CHECK(response.body.size() == source.size());
  CHECK(response.body == source);

  CHECK(response.header("X-Request-ID") == std::optional<std::string>("spec-test.1"));
  check_security_headers(response, "application/yaml");
}

TEST_CASE("/openapi.yaml answers only GET", "[e2e][ops][spec]") {
  const Api api = shared_api();
  const Response response =
      deliberately(Deliberate::unmatched_route, [&] { return api.post_empty("/openapi.yaml"); });
  expect_error(response, 405, "METHOD_NOT_ALLOWED");
  CHECK(response.header("Allow") == std::optional<std::string>("GET, OPTIONS"));
}

TEST_CASE("the served spec documents exactly the routes the server has", "[e2e][ops][spec]") {
  const Api api = shared_api();
  const Response response = api.get("/openapi.yaml");
  REQUIRE(response.status == 200);
  const Operations documented = documented_operations(response.body);
  REQUIRE_FALSE(documented.empty());
  for (const auto& [path, methods] : served_operations()) {
    INFO("route " << path);
    REQUIRE(documented.contains(path));
    CHECK(documented.at(path) == methods);
  }
  for (const auto& [path, methods] : documented) {
    INFO("documented path " << path);
    CHECK(served_operations().contains(path));
  }
}

}  // namespace parley::e2e
