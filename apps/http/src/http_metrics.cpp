// Recording of the HTTP edge's metrics.
#include "parley/http/http_metrics.hpp"

#include <array>
#include <charconv>

namespace parley::http {

namespace {

constexpr std::string_view kUnmatched = "unmatched";

std::string_view method_label(std::string_view method) noexcept {
  static constexpr std::array<std::string_view, 9> kKnown = {"GET",    "HEAD",    "POST",  "PUT",    "PATCH",
                                                             "DELETE", "OPTIONS", "TRACE", "CONNECT"};
  for (const std::string_view known : kKnown) {
    if (known == method) return known;
  }
  return "other";
}

}  // namespace

HttpMetrics::HttpMetrics(MetricsRegistry& registry,
                         const std::vector<std::pair<std::string, std::string>>& routes)
    : requests_(registry.counter("http_requests_total",
                                 "HTTP responses sent, by method, route template and status code.",
                                 {"method", "route", "status"})),
      durations_(registry.histogram("http_request_duration_seconds",
                                    "Time from a request's first byte to its response, by method and route "
                                    "template.",
                                    {"method", "route"}, default_latency_buckets())),
      in_flight_(registry.gauge("http_requests_in_flight", "HTTP requests being handled right now.").with()),
      open_connections_(registry.gauge("http_open_connections", "Open client connections.").with()) {
  for (const auto& [method, route] : routes) {
    known_.emplace(method + " " + route, &durations_.with({method, route}));
  }
}

void HttpMetrics::record(std::string_view method, std::string_view route, unsigned status,
                         double seconds) noexcept {
  try {
    const std::string_view method_name = method_label(method);
    const std::string_view route_name = route.empty() ? kUnmatched : route;
    std::string key;
    key.reserve(method_name.size() + 1 + route_name.size());
    key.append(method_name).append(" ").append(route_name);
    if (const auto it = known_.find(key); it != known_.end()) {
      it->second->observe(seconds);
    } else {
      durations_.with({method_name, route_name}).observe(seconds);
    }
    std::array<char, 8> status_text{};
    const auto end = std::to_chars(status_text.data(), status_text.data() + status_text.size(), status).ptr;
    requests_
        .with({method_name, route_name,
               std::string_view(status_text.data(), static_cast<std::size_t>(end - status_text.data()))})
        .inc();
  } catch (...) {  // NOLINT(bugprone-empty-catch): metrics must never take a request down
  }
}

}  // namespace parley::http
