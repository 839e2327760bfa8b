// The HTTP API as a plain function from Request to Response: routing, authentication,
// body checks, handlers and the error map. Knows nothing of sockets, so tests need none.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "parley/core/ports/id_generator.hpp"
#include "parley/http/client_ip.hpp"
#include "parley/http/edge.hpp"
#include "parley/http/frontend.hpp"
#include "parley/http/handlers.hpp"
#include "parley/http/message.hpp"
#include "parley/http/metrics.hpp"
#include "parley/http/services.hpp"

namespace parley::http {

class RateLimits;

struct ApiOptions {
  std::vector<std::string> cors_origins;
  // Limits the routes of each rate group; nullptr: no rate limiting. Must outlive the Api.
  RateLimits* rate_limits = nullptr;
  // The reverse proxies whose X-Forwarded-For names the client in the access log, with rate
  // limiting on or off (RateLimits counts per-IP budgets by its own copy of the same list).
  TrustedProxies trusted_proxies = {};
  // What GET /metrics renders; null: metrics are disabled and /metrics is an unknown path.
  const MetricsRegistry* metrics = nullptr;
  // With an admin listener, /metrics is served there only (the main listener answers 404); the
  // admin listener serves /metrics, /healthz and /readyz and nothing else.
  bool metrics_on_admin_listener = false;
  // Further route tables in their own wire formats (apps/realworld), served on the main
  // listener by the same pipeline when no native route fits the path.
  std::vector<Frontend> frontends = {};
  // The public feed's first pages kept rendered for anonymous readers; off without a version.
  KeptFeedOptions kept_feed = {};
};

namespace detail {
struct RouteTable;  // the routes one listener serves, defined in api.cpp
}  // namespace detail

// Why the server could not hand a request to handle(). overloaded: the request was read whole
// but its worker pool's queue is full (503 + Retry-After; the connection stays usable).
enum class Rejection { malformed_request, body_too_large, headers_too_large, overloaded };

// Which worker pool runs a request: sign-up, login and refresh (the auth rate group, where the
// password KDF runs) have their own small pool, so a login flood never queues ahead of reads
// and probes on the standard one.
enum class Lane { standard, auth };

class Api {
 public:
  // `request_ids` makes ids for requests that bring no acceptable X-Request-ID.
  Api(Services services, core::IdGenerator& request_ids, ReadinessProbe readiness, ApiOptions options);

  // Never throws. Safe to call from many threads at once (the services must be too).
  // Blocking: it calls the services, so servers run it off their I/O threads.
  [[nodiscard]] Response handle(const Request& request) const;
  // The answer handle() would give, when it can be given at once without waiting on I/O: an
  // anonymous GET that a route answers from what it keeps (the public feed's first pages,
  // rendered), with the rate budget in process. nullopt otherwise (nothing is spent then), and
  // the request goes to handle() on a worker. Non-blocking and cheap, for the I/O threads.
  [[nodiscard]] std::optional<Response> answer_now(const Request& request) const;
  // The answer to a request that could not be read; `partial` holds whatever was parsed.
  // Cheap and non-blocking.
  [[nodiscard]] Response reject(const Request& partial, Rejection why) const;
  // The (method, path template) of every mounted frontend's routes, as api_routes() lists the
  // native table's: what HttpMetrics pre-builds series for.
  [[nodiscard]] std::vector<std::pair<std::string, std::string>> frontend_routes() const;
  // The pool a request belongs to, from the route table. Cheap and non-blocking.
  [[nodiscard]] Lane lane(const Request& request) const;

 private:
  [[nodiscard]] Response dispatch(const Request& request, std::string_view request_id) const;
  [[nodiscard]] std::string request_id_for(const Request& request) const;
  // What every handled request's answer gets last: the client the access log names, the edge
  // headers (decorate) and the trace.
  [[nodiscard]] Response completed(Response response, const Request& request, const std::string& request_id,
                                   TraceContext trace) const;

  Handlers handlers_;
  core::IdGenerator& request_ids_;
  CorsPolicy cors_;
  RateLimits* rate_limits_;
  TrustedProxies trusted_proxies_;
  std::shared_ptr<const detail::RouteTable> main_routes_;
  std::shared_ptr<const detail::RouteTable> admin_routes_;
  std::vector<Frontend> frontends_;
};

}  // namespace parley::http
