// GET /docs: the API reference page, served as built, and drawn by a real headless browser
// (Debian's chromium) with no network but the server: every operation of the spec must appear
// in the page it renders, and none in the page as served, scripts aside.
#include <filesystem>
#include <fstream>
#include <sstream>

#include <catch2/catch.hpp>

#include "support/fixture.hpp"

namespace parley::e2e {
namespace {

constexpr const char* kDocsPolicy =
    "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:; "
    "worker-src blob:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
constexpr std::chrono::seconds kBrowserTimeout{180};

std::string file_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  INFO("reading " << path);
  REQUIRE(in.good());
  std::ostringstream text;
  text << in.rdbuf();
  return std::move(text).str();
}

// The summary of every operation: the six-space-indented `summary:` lines of the spec's layout.
std::vector<std::string> operation_summaries() {
  std::vector<std::string> summaries;
  std::istringstream lines(file_text(PARLEY_OPENAPI_FILE));
  std::string line;
  const std::string key = "      summary: ";
  while (std::getline(lines, line)) {
    if (line.starts_with(key)) summaries.push_back(line.substr(key.size()));
  }
  return summaries;
}

// The DOM without <script> elements: the embedded spec there is not what the page shows.
// (Searched by hand: std::regex recurses per character and a script here is a megabyte.)
std::string without_scripts(const std::string& html) {
  std::string out;
  std::size_t at = 0;
  for (;;) {
    const std::size_t open = html.find("<script", at);
    out.append(html, at, open == std::string::npos ? std::string::npos : open - at);
    if (open == std::string::npos) return out;
    const std::size_t close = html.find("</script>", open);
    if (close == std::string::npos) return out;
    at = close + std::string_view("</script>").size();
  }
}

std::string unescape_html(std::string text) {
  for (const auto& [entity, character] : std::vector<std::pair<std::string, std::string>>{
           {"&#39;", "'"}, {"&quot;", "\""}, {"&lt;", "<"}, {"&gt;", ">"}, {"&amp;", "&"}}) {
    for (std::size_t at = text.find(entity); at != std::string::npos; at = text.find(entity, at + 1))
      text.replace(at, entity.size(), character);
  }
  return text;
}

struct BrowserRun {
  std::string dom;      // after the scripts ran, without <script> elements
  std::string console;  // the page's console messages, CSP reports included
};

// `chromium --headless --dump-dom url` with a fresh profile. (With JavaScript off, chromium
// dumps nothing: the page without its scripts is checked from the served bytes instead.)
BrowserRun render(const std::string& url) {
  const std::string chromium = PARLEY_CHROMIUM_EXECUTABLE;
  INFO(
      "chromium was not found when the build was configured: install it "
      "(deploy/scripts/install-deps.sh test) and configure again");
  REQUIRE_FALSE(chromium.empty());
  TempDir profile;
  std::vector<std::string> argv = {chromium,
                                   "--headless=new",
                                   "--no-sandbox",
                                   "--disable-gpu",
                                   "--no-first-run",
                                   "--disable-extensions",
                                   "--user-data-dir=" + profile.path().string(),
                                   "--enable-logging=stderr",
                                   "--v=0",
                                   "--virtual-time-budget=10000",
                                   "--dump-dom"};
  argv.push_back(url);
  const ProcessResult result = run_process(argv, {}, "", kBrowserTimeout);
  INFO(result.describe());
  REQUIRE(result.status.success());
  // Console messages (CSP reports among them); the rest is chromium's noise about D-Bus and GPUs.
  std::string console;
  std::istringstream lines(result.err);
  for (std::string line; std::getline(lines, line);) {
    if (line.find(":CONSOLE") != std::string::npos) console += line + "\n";
  }
  return {unescape_html(without_scripts(result.out)), console};
}

}  // namespace

TEST_CASE("GET /docs serves the rendered reference page as built, with a policy of its own",
          "[e2e][ops][spec][docs]") {
  const Api api = shared_api();
  const Response response = api.get("/docs", {}, {{"X-Request-ID", "docs-test.1"}});
  INFO(response.status << " " << response.reason);
  REQUIRE(response.status == 200);
  const auto content_type = response.header("Content-Type");
  REQUIRE(content_type.has_value());
  CHECK(*content_type == "text/html; charset=utf-8");
  // The exact bytes the build rendered (tests/docs checks that file fetches nothing elsewhere).
  const std::string built = file_text(PARLEY_DOCS_FILE);
  CHECK(response.body.size() == built.size());
  CHECK(response.body == built);
  CHECK(response.body.find("<title>Parley API</title>") != std::string::npos);

  CHECK(response.header("Content-Security-Policy") == std::optional<std::string>(kDocsPolicy));
  CHECK(response.header("X-Request-ID") == std::optional<std::string>("docs-test.1"));
  CHECK(response.header("X-Content-Type-Options") == std::optional<std::string>("nosniff"));
  CHECK(response.header("Referrer-Policy") == std::optional<std::string>("no-referrer"));
  CHECK(response.header("X-Frame-Options") == std::optional<std::string>("DENY"));
  CHECK(response.header("Cache-Control") == std::optional<std::string>("no-store"));

  INFO("every other response keeps the strict policy");
  check_security_headers(api.get("/healthz"));
  check_security_headers(api.get("/openapi.yaml"), "application/yaml");
}

TEST_CASE("/docs renders offline in headless chromium and lists every operation",
          "[e2e][ops][spec][docs][browser]") {
  const std::string url = "http://127.0.0.1:" + std::to_string(shared_server().port()) + "/docs";
  const std::vector<std::string> summaries = operation_summaries();
  REQUIRE(summaries.size() >= 20);

  const BrowserRun rendered = render(url);
  INFO("console of the page:\n" << rendered.console);
  for (const auto& summary : summaries) {
    INFO("operation summary: " << summary);
    CHECK(rendered.dom.find(summary) != std::string::npos);
  }
  // The policy lets the page do all it needs, and the page asks for nothing else.
  CHECK(rendered.console.find("Content Security Policy") == std::string::npos);
  CHECK(rendered.console.find("Uncaught") == std::string::npos);

  INFO("the page as served, scripts aside, lists nothing: what is found above is what Redoc drew");
  const Response page = shared_api().get("/docs");
  REQUIRE(page.status == 200);
  const std::string inert = unescape_html(without_scripts(page.body));
  for (const auto& summary : summaries) {
    INFO("operation summary: " << summary);
    CHECK(inert.find(summary) == std::string::npos);
  }
  CHECK(inert.find("This API reference is drawn by JavaScript") != std::string::npos);
}

}  // namespace parley::e2e
