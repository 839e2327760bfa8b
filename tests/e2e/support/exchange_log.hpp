// Every HTTP exchange a test process makes, recorded as JSON lines so that main.cpp can have
// tests/conformance/validate.mjs check each one against api-spec/openapi.yaml.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>

#include "support/http_client.hpp"

namespace parley::e2e {

// Why exchanges made in a scope lie outside the documented operations on purpose. The
// validator still holds them to the spec's answer for such requests (see validate.mjs).
enum class Deliberate {
  none,
  unmatched_route,  // a path the spec does not have, or a method the path does not serve
  malformed_http,   // bytes that are not a valid HTTP request
  hidden_route,     // a documented route this server, as configured, does not serve on that
                    // listener (/metrics disabled or on the admin listener; the API on the
                    // admin listener): answered 404 like an unknown path
};

// Marks the exchanges this thread completes while the scope lives. Keep such scopes few and
// tight: an exchange marked without reason fails the check too.
class DeliberateExchanges {
 public:
  explicit DeliberateExchanges(Deliberate kind) noexcept;
  DeliberateExchanges(const DeliberateExchanges&) = delete;
  DeliberateExchanges& operator=(const DeliberateExchanges&) = delete;
  ~DeliberateExchanges();

 private:
  Deliberate previous_;
};

// Calls `exchanges()` with the exchanges it makes marked `kind`; returns what it returns.
template <typename F>
auto deliberately(Deliberate kind, F&& exchanges) {
  const DeliberateExchanges scope(kind);
  return exchanges();
}

// Starts appending exchanges to `path` (truncated first). Until then nothing is recorded.
void start_exchange_log(const std::filesystem::path& path);
std::size_t recorded_exchanges();

// The length of the first request in `sent` (head, then a Content-Length body, possibly not
// all sent yet): what one response answers. All of `sent` when it does not parse as a request.
std::size_t first_request_length(std::string_view sent);

// Records `request_bytes` (one request as sent, possibly cut short) and its response.
void record_exchange(std::string_view request_bytes, const Response& response);

struct ConformanceResult {
  bool conforms = false;
  std::string report;  // the validator's output, or why it could not run
};

// Runs tests/conformance/validate.mjs (PARLEY_CONFORMANCE_VALIDATOR, under
// PARLEY_NODE_EXECUTABLE, with the npm packages of PARLEY_NODE_TOOLS_DIR) on the log against
// PARLEY_OPENAPI_FILE. A missing node or package is a failure, not a pass.
ConformanceResult check_conformance(const std::filesystem::path& log_path);

}  // namespace parley::e2e
