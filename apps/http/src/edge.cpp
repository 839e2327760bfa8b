// Request id, trace context, security headers and CORS: the headers every Parley response carries.
#include "parley/http/edge.hpp"

#include <algorithm>
#include <cstdint>
#include <random>

namespace parley::http {

namespace {

constexpr std::string_view kAllowHeaders = "Authorization, Content-Type, X-Request-ID, traceparent";
// What a browser client may read beyond the safelisted headers: the id to quote in a report, the
// trace it joined, and when to retry (429 and 503) and how much of its rate budget is left.
constexpr std::string_view kExposeHeaders =
    "X-Request-ID, traceparent, Retry-After, RateLimit-Limit, RateLimit-Remaining, RateLimit-Reset";
constexpr std::string_view kPreflightMaxAge = "600";

std::string join(std::span<const std::string> items, std::string_view separator) {
  std::string out;
  for (const auto& item : items) {
    if (!out.empty()) out.append(separator);
    out.append(item);
  }
  return out;
}

bool is_lower_hex(std::string_view text) noexcept {
  return std::all_of(text.begin(), text.end(),
                     [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

bool all_zero(std::string_view text) noexcept {
  return std::all_of(text.begin(), text.end(), [](char c) { return c == '0'; });
}

// Span and trace ids need to be unique, not secret: a per-thread generator seeded once from
// the system's entropy is enough, and costs no system call per request.
std::string random_hex(std::size_t digits) {
  thread_local std::mt19937_64 engine{[] {
    std::random_device device;
    return (static_cast<std::uint64_t>(device()) << 32U) ^ device();
  }()};
  constexpr std::string_view kHex = "0123456789abcdef";
  std::string out;
  do {
    out.clear();
    while (out.size() < digits) {
      std::uint64_t bits = engine();
      for (int i = 0; i < 16 && out.size() < digits; ++i, bits >>= 4U)
        out.push_back(kHex[bits & 0xfU]);
    }
  } while (all_zero(out));  // an all-zero id is invalid
  return out;
}

}  // namespace

std::optional<TraceContext> parse_traceparent(std::string_view header) noexcept {
  // version "-" trace-id "-" parent-id "-" flags
  constexpr std::size_t kLength = 2 + 1 + 32 + 1 + 16 + 1 + 2;
  if (header.size() != kLength || header[2] != '-' || header[35] != '-' || header[52] != '-')
    return std::nullopt;
  const std::string_view version = header.substr(0, 2);
  const std::string_view trace_id = header.substr(3, 32);
  const std::string_view parent_id = header.substr(36, 16);
  const std::string_view flags = header.substr(53, 2);
  if (version != "00" || !is_lower_hex(trace_id) || !is_lower_hex(parent_id) || !is_lower_hex(flags) ||
      all_zero(trace_id) || all_zero(parent_id)) {
    return std::nullopt;
  }
  try {
    return TraceContext{std::string(trace_id), std::string(parent_id), std::string(flags)};
  } catch (...) {
    return std::nullopt;
  }
}

std::string format_traceparent(const TraceContext& context) {
  return "00-" + context.trace_id + "-" + context.parent_id + "-" + context.flags;
}

TraceContext continue_trace(const Request& request) {
  if (const auto header = request.headers.find(kTraceparentHeader)) {
    if (auto incoming = parse_traceparent(*header)) {
      incoming->parent_id = random_hex(16);
      return *std::move(incoming);
    }
  }
  return TraceContext{random_hex(32), random_hex(16), "00"};
}

bool is_acceptable_request_id(std::string_view id) noexcept {
  if (id.empty() || id.size() > 128) return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '_' || c == ':' || c == '-';
  });
}

std::string_view CorsPolicy::allowed_origin(const Request& request) const {
  const auto origin = request.headers.find("Origin");
  if (!origin || origin->empty()) return {};
  const bool allowed =
      std::any_of(origins_.begin(), origins_.end(), [&](const std::string& o) { return o == *origin; });
  return allowed ? *origin : std::string_view{};
}

Response CorsPolicy::preflight(const Request& request, std::span<const std::string> methods) const {
  std::vector<std::string> allowed(methods.begin(), methods.end());
  if (std::find(allowed.begin(), allowed.end(), "OPTIONS") == allowed.end()) allowed.emplace_back("OPTIONS");

  Response response;
  response.status = 204;
  response.headers.set("Allow", join(allowed, ", "));
  const bool is_preflight = request.headers.contains("Access-Control-Request-Method");
  if (is_preflight && !allowed_origin(request).empty()) {
    response.headers.set("Access-Control-Allow-Methods", join(allowed, ", "));
    response.headers.set("Access-Control-Allow-Headers", std::string(kAllowHeaders));
    response.headers.set("Access-Control-Max-Age", std::string(kPreflightMaxAge));
  }
  return response;
}

void decorate(Response& response, const Request& request, std::string_view request_id,
              const CorsPolicy& cors) {
  auto& h = response.headers;
  h.set(std::string(kRequestIdHeader), std::string(request_id));
  h.set("X-Content-Type-Options", "nosniff");
  h.set("Referrer-Policy", "no-referrer");
  // A document may bring a policy of its own (the /docs page); everything else gets none at all.
  if (!h.contains("Content-Security-Policy"))
    h.set("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'");
  h.set("X-Frame-Options", "DENY");
  h.set("Cache-Control", "no-store");
  if (!response.body.empty()) {
    // A document (the spec) brings its own media type; everything else is the JSON envelope.
    if (!h.contains("Content-Type")) h.set("Content-Type", "application/json");
  } else {
    h.erase("Content-Type");
  }
  if (const auto origin = cors.allowed_origin(request); !origin.empty()) {
    h.set("Access-Control-Allow-Origin", std::string(origin));
    h.set("Vary", "Origin");
    h.set("Access-Control-Expose-Headers", std::string(kExposeHeaders));
  }
}

}  // namespace parley::http
