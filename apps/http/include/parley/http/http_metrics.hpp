// The HTTP edge's own metrics: requests by route template, latency, requests in flight and open
// connections. The server records into it; the registry renders it.
#pragma once

#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "parley/http/metrics.hpp"

namespace parley::http {

class HttpMetrics {
 public:
  // Registers http_requests_total, http_request_duration_seconds, http_requests_in_flight and
  // http_open_connections. `routes` (method, path template) get their latency series made
  // here, so recording those takes no lock at all.
  HttpMetrics(MetricsRegistry& registry, const std::vector<std::pair<std::string, std::string>>& routes);

  void connection_opened() noexcept { open_connections_.inc(); }
  void connection_closed() noexcept { open_connections_.dec(); }
  void request_started() noexcept { in_flight_.inc(); }
  void request_ended() noexcept { in_flight_.dec(); }
  // One finished response. `route` is the matched template ("" when none: `unmatched`); methods
  // outside the standard ones are counted as `other`, so a client cannot mint label values.
  void record(std::string_view method, std::string_view route, unsigned status, double seconds) noexcept;

 private:
  CounterFamily& requests_;
  HistogramFamily& durations_;
  Gauge& in_flight_;
  Gauge& open_connections_;
  std::unordered_map<std::string, Histogram*>
      known_;  // "METHOD route" -> series; read-only after construction
};

// Every route of the API's table as (method, path template): what HttpMetrics pre-builds.
[[nodiscard]] std::vector<std::pair<std::string, std::string>> api_routes();

}  // namespace parley::http
