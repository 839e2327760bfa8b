// Cross-cutting response steps applied in one place to every response: request id, trace
// context, security headers, content type and CORS.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "parley/http/message.hpp"

namespace parley::http {

inline constexpr std::string_view kRequestIdHeader = "X-Request-ID";

// True when an incoming X-Request-ID may be echoed: [A-Za-z0-9._:-]{1,128}.
[[nodiscard]] bool is_acceptable_request_id(std::string_view id) noexcept;

// W3C Trace Context (https://www.w3.org/TR/trace-context/): the `traceparent` header.
inline constexpr std::string_view kTraceparentHeader = "traceparent";

struct TraceContext {
  std::string trace_id;   // 32 lower-case hex digits, not all zero
  std::string parent_id;  // 16 lower-case hex digits, not all zero: the caller's span
  std::string flags;      // 2 lower-case hex digits; 01 = sampled
};

// Strict: "00-<trace-id>-<parent-id>-<flags>", exactly 55 characters, lower-case hex only,
// version 00 only, ids not all zero. nullopt for anything else.
[[nodiscard]] std::optional<TraceContext> parse_traceparent(std::string_view header) noexcept;
[[nodiscard]] std::string format_traceparent(const TraceContext& context);
// The context of this server's span: a valid incoming traceparent's trace id and flags with a
// fresh parent (span) id, or a fresh trace (flags 00) when it is absent or invalid.
[[nodiscard]] TraceContext continue_trace(const Request& request);

class CorsPolicy {
 public:
  CorsPolicy() = default;
  explicit CorsPolicy(std::vector<std::string> allowed_origins) : origins_(std::move(allowed_origins)) {}

  // The request's Origin when it is allowed (exact match), else "".
  [[nodiscard]] std::string_view allowed_origin(const Request& request) const;
  // A preflight answer: 204 with Allow, and the Access-Control-* headers when the origin is allowed.
  [[nodiscard]] Response preflight(const Request& request, std::span<const std::string> methods) const;

 private:
  std::vector<std::string> origins_;
};

// Adds X-Request-ID, the security headers (Content-Security-Policy unless already set),
// Content-Type for bodies (application/json unless already set) and the CORS response headers.
void decorate(Response& response, const Request& request, std::string_view request_id,
              const CorsPolicy& cors);

}  // namespace parley::http
