// Cross-cutting response steps applied in one place to every response: request id,
// security headers, content type and CORS.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "parley/http/message.hpp"

namespace parley::http {

inline constexpr std::string_view kRequestIdHeader = "X-Request-ID";

// True when an incoming X-Request-ID may be echoed: [A-Za-z0-9._:-]{1,128}.
[[nodiscard]] bool is_acceptable_request_id(std::string_view id) noexcept;

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
