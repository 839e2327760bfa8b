// The route table and the request pipeline: match, authenticate, check the body, call the
// handler, render the envelope, decorate. Every response passes through decorate() once.
#include "parley/http/api.hpp"

#include <algorithm>
#include <array>
#include <exception>
#include <functional>
#include <iterator>
#include <span>
#include <utility>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/serializer.hpp>

#include "parley/http/error_map.hpp"
#include "parley/http/http_metrics.hpp"
#include "parley/http/json_keys.hpp"
#include "parley/http/log.hpp"
#include "parley/http/rate_limit.hpp"
#include "parley/http/router.hpp"

namespace parley::http {

namespace detail {

using Auth = RouteAuth;
using Body = RouteBody;
// Which listeners serve a route: the API on the main one only, the probes on both, /metrics
// on exactly one of them (or none) as configured.
enum class Surface { api, probe, metrics };

struct Route {
  std::string_view method;
  std::string_view path_template;
  Auth auth;
  Body body;
  HandlerResult (Handlers::*handler)(const HandlerContext&) const;
  RateGroup rate = RateGroup::none;  // whose budget a request spends; none: not limited
  Surface surface = Surface::api;
  // Answers some anonymous requests from what is kept, without waiting on I/O (Api::answer_now).
  std::optional<Reply> (Handlers::*kept)(const HandlerContext&) const noexcept = nullptr;
};

struct RouteTable {
  std::vector<Route> routes;
};

}  // namespace detail

namespace {

using detail::Auth;
using detail::Body;
using detail::Route;
using detail::RouteTable;
using detail::Surface;

// The whole public surface of the API, in one place. Rate groups: auth (sign-up, login, refresh;
// by client IP), write (every other change), read (GET); operational routes are not limited.
constexpr std::array kRoutes{
    Route{"GET", "/healthz", Auth::none, Body::none, &Handlers::healthz, RateGroup::none, Surface::probe},
    Route{"GET", "/readyz", Auth::none, Body::none, &Handlers::readyz, RateGroup::none, Surface::probe},
    Route{"GET", "/metrics", Auth::none, Body::none, &Handlers::metrics, RateGroup::none, Surface::metrics},
    Route{"GET", "/openapi.yaml", Auth::none, Body::none, &Handlers::openapi},
    Route{"GET", "/docs", Auth::none, Body::none, &Handlers::docs},

    Route{"POST", "/api/v1/auth/signup", Auth::none, Body::json, &Handlers::sign_up, RateGroup::auth},
    Route{"POST", "/api/v1/auth/login", Auth::none, Body::json, &Handlers::log_in, RateGroup::auth},
    Route{"POST", "/api/v1/auth/refresh", Auth::none, Body::json, &Handlers::refresh, RateGroup::auth},
    Route{"POST", "/api/v1/auth/logout", Auth::required, Body::none, &Handlers::log_out, RateGroup::write},

    Route{"GET", "/api/v1/users/me", Auth::required, Body::none, &Handlers::get_me, RateGroup::read},
    Route{"GET", "/api/v1/users/{id}", Auth::optional, Body::none, &Handlers::get_user, RateGroup::read},
    Route{"PATCH", "/api/v1/users/{id}", Auth::required, Body::json, &Handlers::patch_user, RateGroup::write},
    Route{"POST", "/api/v1/users/{id}/follow", Auth::required, Body::none, &Handlers::follow_user,
          RateGroup::write},
    Route{"DELETE", "/api/v1/users/{id}/follow", Auth::required, Body::none, &Handlers::unfollow_user,
          RateGroup::write},
    Route{"GET", "/api/v1/profiles/{username}", Auth::optional, Body::none, &Handlers::get_profile,
          RateGroup::read},

    Route{"GET", "/api/v1/posts", Auth::optional, Body::none, &Handlers::list_posts, RateGroup::read,
          Surface::api, &Handlers::kept_posts_page},
    Route{"POST", "/api/v1/posts", Auth::required, Body::json, &Handlers::create_post, RateGroup::write},
    Route{"GET", "/api/v1/posts/by-slug/{slug}", Auth::optional, Body::none, &Handlers::get_post_by_slug,
          RateGroup::read},
    Route{"GET", "/api/v1/posts/{id}", Auth::optional, Body::none, &Handlers::get_post, RateGroup::read,
          Surface::api, &Handlers::kept_post},
    Route{"PATCH", "/api/v1/posts/{id}", Auth::required, Body::json, &Handlers::patch_post, RateGroup::write},
    Route{"DELETE", "/api/v1/posts/{id}", Auth::required, Body::none, &Handlers::delete_post,
          RateGroup::write},

    Route{"POST", "/api/v1/posts/{id}/like", Auth::required, Body::none, &Handlers::like_post,
          RateGroup::write},
    Route{"DELETE", "/api/v1/posts/{id}/like", Auth::required, Body::none, &Handlers::unlike_post,
          RateGroup::write},
    Route{"GET", "/api/v1/feed", Auth::required, Body::none, &Handlers::feed, RateGroup::read},
    Route{"GET", "/api/v1/tags", Auth::optional, Body::none, &Handlers::list_tags, RateGroup::read},

    Route{"GET", "/api/v1/posts/{id}/comments", Auth::optional, Body::none, &Handlers::list_comments,
          RateGroup::read},
    Route{"POST", "/api/v1/posts/{id}/comments", Auth::required, Body::json, &Handlers::create_comment,
          RateGroup::write},
    Route{"DELETE", "/api/v1/posts/{id}/comments/{comment_id}", Auth::required, Body::none,
          &Handlers::delete_comment, RateGroup::write},

    Route{"POST", "/api/v1/admin/users/{id}/block", Auth::required, Body::none, &Handlers::block_user,
          RateGroup::write},
    Route{"POST", "/api/v1/admin/users/{id}/unblock", Auth::required, Body::none, &Handlers::unblock_user,
          RateGroup::write},
    Route{"PUT", "/api/v1/admin/users/{id}/role", Auth::required, Body::json, &Handlers::set_role,
          RateGroup::write},
    Route{"GET", "/api/v1/admin/audit", Auth::required, Body::none, &Handlers::list_audit, RateGroup::read},
};

// "/api/v1/users/me" is listed before "/api/v1/users/{id}" so the literal wins, and
// "/api/v1/posts/by-slug/{slug}" before "/api/v1/posts/{id}/..." likewise; match_route takes
// the first route whose template fits the path with this method.

// The Allow header of a 405: the path's methods plus OPTIONS, which every known path answers.
std::string allow_header(const std::vector<std::string>& methods) {
  std::string out;
  for (const auto& method : methods) {
    out.append(method);
    out.append(", ");
  }
  return out + "OPTIONS";
}

// "application/json" with optional parameters such as "; charset=utf-8".
bool is_json_media_type(std::optional<std::string_view> content_type) noexcept {
  if (!content_type) return false;
  const std::string_view media = trim_ows(content_type->substr(0, content_type->find(';')));
  return iequals(media, "application/json");
}

// The token of "Authorization: <scheme> <token>" for one of the accepted schemes (compared
// case-insensitively); nullopt when the header is absent, "" when it is present but not a
// well-formed credential of an accepted scheme.
template <class Schemes>
std::optional<std::string_view> access_token(const Request& request, const Schemes& schemes) noexcept {
  const auto header = request.headers.find("Authorization");
  if (!header) return std::nullopt;
  const std::string_view value = trim_ows(*header);
  const std::size_t gap = value.find_first_of(" \t");
  if (gap == std::string_view::npos) return std::string_view{};
  const std::string_view scheme = value.substr(0, gap);
  if (std::none_of(std::begin(schemes), std::end(schemes),
                   [&](std::string_view accepted) { return iequals(scheme, accepted); })) {
    return std::string_view{};
  }
  const std::string_view token = trim_ows(value.substr(gap));
  if (token.empty() || token.find_first_of(" \t") != std::string_view::npos) return std::string_view{};
  return token;
}

constexpr std::array<std::string_view, 1> kNativeSchemes{"Bearer"};

// How a route table speaks: the native envelope, or a mounted frontend's own format.
struct Dialect {
  const Frontend* frontend = nullptr;  // null: the native API

  [[nodiscard]] std::optional<std::string_view> token(const Request& request) const noexcept {
    return frontend != nullptr ? access_token(request, frontend->auth_schemes)
                               : access_token(request, kNativeSchemes);
  }
  [[nodiscard]] Response error(const core::Error& error, std::string_view request_id) const {
    return frontend != nullptr ? frontend->render_error(error, request_id)
                               : error_response(error, request_id);
  }
  [[nodiscard]] Response protocol(unsigned status, std::string_view code, std::string_view message,
                                  std::string_view request_id) const {
    return frontend != nullptr ? frontend->render_protocol_error(status, message, request_id)
                               : protocol_error(status, code, message, request_id);
  }
  [[nodiscard]] Response rate_limited(const core::RateDecision& decision, std::string_view request_id) const {
    if (frontend == nullptr) return rate_limited_response(decision, request_id);
    core::Error error;
    error.code = core::ErrorCode::rate_limited;
    error.message = "too many requests; retry after " + std::to_string(decision.retry_after.count()) + " s";
    Response response = frontend->render_error(error, request_id);
    add_rate_limit_headers(response, decision);
    return response;
  }
  [[nodiscard]] std::string success(const Reply& reply) const;
};

// What the pipeline needs of a matched route, whichever table it came from.
struct RouteSpec {
  std::string_view path_template;
  Auth auth = Auth::none;
  Body body = Body::none;
  RateGroup rate = RateGroup::none;
};

core::Error invalid_body(std::string message, std::string reason) {
  core::Error error;
  error.code = core::ErrorCode::invalid_input;
  error.message = std::move(message);
  error.details.emplace("body", std::move(reason));
  return error;
}

std::shared_ptr<const RouteTable> routes_for(Listener listener, const ApiOptions& options) {
  auto table = std::make_shared<RouteTable>();
  for (const Route& route : kRoutes) {
    bool served = false;
    switch (route.surface) {
      case Surface::api:
        served = listener == Listener::main;
        break;
      case Surface::probe:
        served = true;
        break;
      case Surface::metrics:
        served =
            options.metrics != nullptr && (listener == Listener::admin) == options.metrics_on_admin_listener;
        break;
    }
    if (served) table->routes.push_back(route);
  }
  return table;
}

std::string Dialect::success(const Reply& reply) const {
  return frontend != nullptr ? frontend->render_success(reply) : render_envelope(reply);
}

// What every answer of a matched route carries: its route, its user, its rate budget.
Response finished(Response response, const RouteSpec& route, const core::Principal* principal,
                  const std::optional<core::RateDecision>& rate) {
  response.route = std::string(route.path_template);
  if (principal != nullptr && !principal->is_operator) response.user_id = principal->user_id.to_string();
  if (rate) add_rate_limit_headers(response, *rate);
  return response;
}

// A handler's success as a response: its document as is, or its data in the dialect's envelope.
Response success_response(Reply reply, const Dialect& dialect) {
  Response response;
  response.status = reply.status;
  if (reply.document) {
    response.body = std::move(reply.document->body);
    response.headers.set("Content-Type", std::string(reply.document->content_type));
    if (!reply.document->content_security_policy.empty()) {
      response.headers.set("Content-Security-Policy", std::string(reply.document->content_security_policy));
    }
  } else if (reply.data) {
    response.body = dialect.success(reply);
  }
  return response;
}

// A path that is known but not with this method: the CORS preflight for OPTIONS, else 405.
Response method_not_allowed(const Request& request, std::string_view request_id, const RouteMatch& match,
                            const Dialect& dialect, const CorsPolicy& cors) {
  Response response;
  if (request.method == "OPTIONS") {
    response = cors.preflight(request, match.allowed);
  } else {
    response = dialect.protocol(405, "METHOD_NOT_ALLOWED", "method not allowed", request_id);
    response.headers.set("Allow", allow_header(match.allowed));
  }
  response.route = std::string(match.path_template);
  return response;
}

// The pipeline from a matched route on: authenticate, spend the rate budget, check the body,
// call the handler, render its result in the route's dialect.
template <class Call>
Response run_route(const Request& request, std::string_view request_id, std::string_view query_text,
                   const Params& path_params, const RouteSpec& route, const Dialect& dialect,
                   const Handlers& handlers, RateLimits* rate_limits, const Call& call) {
  std::optional<core::RateDecision> rate;  // set once the request has spent its rate budget
  const auto finish = [&](Response response, const core::Principal* principal) {
    return finished(std::move(response), route, principal, rate);
  };

  // A failed authentication is answered after the rate check, so guessing tokens costs budget.
  std::optional<core::Principal> principal;
  std::optional<core::Error> auth_failure;
  std::string_view token_used;
  if (route.auth != Auth::none) {
    const auto token = dialect.token(request);
    if (token && token->empty()) {
      auth_failure = core::Error::unauthorized("malformed Authorization header");
    } else if (token) {
      auto authenticated = handlers.authenticate(*token);
      if (authenticated) {
        principal = std::move(authenticated).value();
        token_used = *token;
      } else {
        auth_failure = std::move(authenticated).error();
      }
    } else if (route.auth == Auth::required) {
      auth_failure = core::Error::unauthorized("missing bearer token");
    }
  }
  const core::Principal* principal_ptr = principal ? &*principal : nullptr;
  if (rate_limits != nullptr) {
    rate = rate_limits->check(route.rate, request, principal_ptr);
    if (rate && !rate->allowed) return finish(dialect.rate_limited(*rate, request_id), principal_ptr);
  }
  if (auth_failure) return finish(dialect.error(*auth_failure, request_id), nullptr);

  boost::json::object body;
  if (route.body == Body::json) {
    if (!is_json_media_type(request.headers.find("Content-Type"))) {
      return finish(dialect.protocol(415, "UNSUPPORTED_MEDIA_TYPE", "Content-Type must be application/json",
                                     request_id),
                    principal_ptr);
    }
    boost::system::error_code ec;
    boost::json::value parsed = boost::json::parse(request.body, ec);
    if (ec)
      return finish(
          dialect.error(invalid_body("request body is not valid JSON", "malformed JSON"), request_id),
          principal_ptr);
    if (!parsed.is_object()) {
      return finish(dialect.error(invalid_body("request body must be a JSON object", "must be a JSON object"),
                                  request_id),
                    principal_ptr);
    }
    if (auto repeated = first_duplicate_key(request.body)) {
      return finish(
          dialect.error(core::Error::invalid(*std::move(repeated), "is given more than once"), request_id),
          principal_ptr);
    }
    body = std::move(parsed.as_object());
  }

  const Params query = parse_query(query_text);
  const HandlerContext context{
      request,       path_params, query,     route.body == Body::json ? &body : nullptr,
      principal_ptr, request_id,  token_used};
  HandlerResult result = call(context);
  if (!result) return finish(dialect.error(result.error(), request_id), principal_ptr);
  return finish(success_response(std::move(*result), dialect), principal_ptr);
}

// Which route of which table a whole request would be dispatched to, in dispatch's order: the
// native table, then (main listener only, for paths the native table does not know) each
// mounted frontend. For the server's decisions before dispatch: its lane, and the dialect and
// route of an overloaded answer.
struct Located {
  bool found = false;
  const Frontend* frontend = nullptr;  // null: the native API
  std::string_view path_template;
  RateGroup rate = RateGroup::none;
};

Located locate(const std::vector<Route>& routes, const std::vector<Frontend>& frontends,
               const Request& request) {
  const std::string_view path = split_target(request.target).path;
  const RouteMatch match = match_route(std::span<const Route>(routes), request.method, path);
  if (match.kind == MatchKind::found) {
    const Route& route = routes.at(match.index);
    return Located{true, nullptr, route.path_template, route.rate};
  }
  if (match.kind == MatchKind::not_found && request.listener == Listener::main) {
    for (const Frontend& frontend : frontends) {
      const RouteMatch mounted =
          match_route(std::span<const FrontendRoute>(frontend.routes), request.method, path);
      if (mounted.kind == MatchKind::not_found) continue;
      if (mounted.kind != MatchKind::found) return Located{false, &frontend, {}, RateGroup::none};
      const FrontendRoute& route = frontend.routes.at(mounted.index);
      return Located{true, &frontend, route.path_template, route.rate};
    }
  }
  return {};
}

}  // namespace

namespace {

// Serializes `value` (a value or an object) onto the end of `out`, straight into its buffer.
template <class Json>
void append_json(std::string& out, const Json& value) {
  boost::json::serializer serializer;
  serializer.reset(&value);
  while (!serializer.done()) {
    const std::size_t used = out.size();
    out.resize(std::max(used + 4096, out.capacity()));
    const auto written = serializer.read(out.data() + used, out.size() - used);
    out.resize(used + written.size());
  }
}

}  // namespace

std::string render_envelope(const Reply& reply) {
  // The bytes boost::json::serialize gives for the object {"status","data","meta"} in that
  // order, written piece by piece: the page's tree is not copied into an envelope first.
  std::string out = R"({"status":"ok","data":)";
  if (reply.data) {
    append_json(out, *reply.data);
  } else {
    out += "null";
  }
  if (reply.meta) {
    out += R"(,"meta":)";
    append_json(out, *reply.meta);
  }
  out += '}';
  return out;
}

std::vector<std::pair<std::string, std::string>> api_routes() {
  std::vector<std::pair<std::string, std::string>> routes;
  routes.reserve(kRoutes.size());
  for (const Route& route : kRoutes)
    routes.emplace_back(route.method, route.path_template);
  return routes;
}

Api::Api(Services services, core::IdGenerator& request_ids, ReadinessProbe readiness, ApiOptions options)
    : handlers_(services, std::move(readiness), options.metrics, options.kept_feed),
      request_ids_(request_ids),
      cors_(options.cors_origins),
      rate_limits_(options.rate_limits),
      trusted_proxies_(std::move(options.trusted_proxies)),
      main_routes_(routes_for(Listener::main, options)),
      admin_routes_(routes_for(Listener::admin, options)),
      frontends_(std::move(options.frontends)) {}

std::vector<std::pair<std::string, std::string>> Api::frontend_routes() const {
  std::vector<std::pair<std::string, std::string>> routes;
  for (const Frontend& frontend : frontends_) {
    for (const FrontendRoute& route : frontend.routes)
      routes.emplace_back(route.method, route.path_template);
  }
  return routes;
}

std::string Api::request_id_for(const Request& request) const {
  if (const auto incoming = request.headers.find(kRequestIdHeader);
      incoming && is_acceptable_request_id(*incoming)) {
    return std::string(*incoming);
  }
  return request_ids_.next().to_string();
}

Response Api::handle(const Request& request) const {
  std::string request_id;
  TraceContext trace;
  Response response;
  try {
    request_id = request_id_for(request);
    trace = continue_trace(request);
    response = dispatch(request, request_id);
  } catch (const std::exception& e) {
    response =
        error_response(core::Error::internal(std::string("unhandled exception: ") + e.what()), request_id);
  } catch (...) {
    response = error_response(core::Error::internal("unhandled non-standard exception"), request_id);
  }
  return completed(std::move(response), request, request_id, std::move(trace));
}

std::optional<Response> Api::answer_now(const Request& request) const {
  // Authenticating may read the token store.
  if (request.listener != Listener::main || request.method != "GET" ||
      request.headers.find("Authorization").has_value()) {
    return std::nullopt;
  }
  try {
    const Target target = split_target(request.target);
    const std::vector<Route>& routes = main_routes_->routes;
    // The route dispatch() would run, when it keeps anything: native first, then the frontends.
    const RouteMatch match = match_route(std::span<const Route>(routes), request.method, target.path);
    RouteSpec spec;
    Params params;
    const Frontend* frontend = nullptr;
    std::function<std::optional<Reply>(const HandlerContext&)> kept;
    if (match.kind == MatchKind::found) {
      const Route& route = routes.at(match.index);
      if (route.kept == nullptr) return std::nullopt;
      spec = RouteSpec{route.path_template, route.auth, route.body, route.rate};
      params = match.params;
      kept = [this, &route](const HandlerContext& context) { return (handlers_.*route.kept)(context); };
    } else if (match.kind == MatchKind::not_found) {
      for (const Frontend& mounted : frontends_) {
        const RouteMatch found =
            match_route(std::span<const FrontendRoute>(mounted.routes), request.method, target.path);
        if (found.kind == MatchKind::not_found) continue;
        if (found.kind != MatchKind::found) return std::nullopt;
        const FrontendRoute& route = mounted.routes.at(found.index);
        if (!route.kept) return std::nullopt;
        spec = RouteSpec{route.path_template, route.auth, route.body, route.rate};
        params = found.params;
        frontend = &mounted;
        kept = route.kept;
        break;
      }
    }
    if (!kept || spec.auth == Auth::required) return std::nullopt;

    std::string request_id = request_id_for(request);
    const Params query = parse_query(target.query);
    const HandlerContext context{request, params, query, nullptr, nullptr, request_id};
    std::optional<Reply> reply = kept(context);
    if (!reply) return std::nullopt;
    // Spent only once the request is known to be answered here, so never twice; a limiter
    // that would wait on I/O (a lease to renew) leaves the request to a worker.
    const Dialect dialect{frontend};
    std::optional<core::RateDecision> rate;
    if (rate_limits_ != nullptr) {
      auto now = rate_limits_->check_now(spec.rate, request);
      if (!now) return std::nullopt;
      rate = *std::move(now);
    }
    Response response = rate && !rate->allowed ? dialect.rate_limited(*rate, request_id)
                                               : success_response(*std::move(reply), dialect);
    return completed(finished(std::move(response), spec, nullptr, rate), request, request_id,
                     continue_trace(request));
  } catch (...) {  // NOLINT(bugprone-empty-catch): handle() then answers, and reports what failed
    return std::nullopt;
  }
}

Response Api::completed(Response response, const Request& request, const std::string& request_id,
                        TraceContext trace) const {
  // The access log names the client the rate limits see: X-Forwarded-For from trusted proxies.
  if (!trusted_proxies_.empty()) {
    if (const auto client = client_address(request, trusted_proxies_);
        client && client->to_string() != request.client_ip) {
      response.client_ip = client->to_string();
    }
  }
  decorate(response, request, request_id, cors_);
  if (!trace.trace_id.empty()) {
    response.headers.set(std::string(kTraceparentHeader), format_traceparent(trace));
    response.trace_id = std::move(trace.trace_id);
  }
  return response;
}

Response Api::reject(const Request& partial, Rejection why) const {
  const std::string request_id = request_id_for(partial);
  Response response;
  switch (why) {
    case Rejection::body_too_large:
      response = protocol_error(413, "PAYLOAD_TOO_LARGE", "request body too large", request_id);
      break;
    case Rejection::headers_too_large:
      response = protocol_error(431, "PAYLOAD_TOO_LARGE", "request headers too large", request_id);
      break;
    case Rejection::malformed_request:
      response = protocol_error(400, "INVALID_INPUT", "malformed HTTP request", request_id);
      break;
    case Rejection::overloaded: {
      // A whole request: its route is known, so the answer speaks its frontend's dialect, and
      // metrics and the access log name the route.
      const Located located = locate(
          (partial.listener == Listener::admin ? admin_routes_ : main_routes_)->routes, frontends_, partial);
      response =
          Dialect{located.frontend}.protocol(503, "UNAVAILABLE", "server busy; retry shortly", request_id);
      response.headers.set("Retry-After", "1");
      if (located.found) response.route = std::string(located.path_template);
      break;
    }
  }
  decorate(response, partial, request_id, cors_);
  TraceContext trace = continue_trace(partial);
  response.headers.set(std::string(kTraceparentHeader), format_traceparent(trace));
  response.trace_id = std::move(trace.trace_id);
  return response;
}

Lane Api::lane(const Request& request) const {
  const Located located = locate((request.listener == Listener::admin ? admin_routes_ : main_routes_)->routes,
                                 frontends_, request);
  // Sign-up and log-in (of any frontend) hash passwords: they queue apart from everything else.
  return located.found && located.rate == RateGroup::auth ? Lane::auth : Lane::standard;
}

Response Api::dispatch(const Request& request, std::string_view request_id) const {
  const Target target = split_target(request.target);
  const std::vector<Route>& routes =
      (request.listener == Listener::admin ? admin_routes_ : main_routes_)->routes;
  const RouteMatch match = match_route(std::span<const Route>(routes), request.method, target.path);

  // A path the native table does not know may belong to a mounted frontend (main listener only).
  if (match.kind == MatchKind::not_found && request.listener == Listener::main) {
    for (const Frontend& frontend : frontends_) {
      const RouteMatch mounted =
          match_route(std::span<const FrontendRoute>(frontend.routes), request.method, target.path);
      if (mounted.kind == MatchKind::not_found) continue;
      const Dialect dialect{&frontend};
      if (mounted.kind == MatchKind::method_not_allowed) {
        return method_not_allowed(request, request_id, mounted, dialect, cors_);
      }
      const FrontendRoute& route = frontend.routes.at(mounted.index);
      return run_route(request, request_id, target.query, mounted.params,
                       RouteSpec{route.path_template, route.auth, route.body, route.rate}, dialect, handlers_,
                       rate_limits_, route.handler);
    }
  }

  if (match.kind == MatchKind::not_found) {
    return error_response(core::Error::not_found("no such endpoint"), request_id);
  }
  if (match.kind == MatchKind::method_not_allowed) {
    return method_not_allowed(request, request_id, match, Dialect{}, cors_);
  }
  const Route& route = routes.at(match.index);
  return run_route(request, request_id, target.query, match.params,
                   RouteSpec{route.path_template, route.auth, route.body, route.rate}, Dialect{}, handlers_,
                   rate_limits_,
                   [&](const HandlerContext& context) { return (handlers_.*route.handler)(context); });
}

}  // namespace parley::http
