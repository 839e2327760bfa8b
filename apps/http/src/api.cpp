// The route table and the request pipeline: match, authenticate, check the body, call the
// handler, render the envelope, decorate. Every response passes through decorate() once.
#include "parley/http/api.hpp"

#include <array>
#include <exception>
#include <span>
#include <utility>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "parley/http/error_map.hpp"
#include "parley/http/http_metrics.hpp"
#include "parley/http/log.hpp"
#include "parley/http/rate_limit.hpp"
#include "parley/http/router.hpp"

namespace parley::http {

namespace detail {

enum class Auth { none, optional, required };
enum class Body { none, json };
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

    Route{"GET", "/api/v1/posts", Auth::optional, Body::none, &Handlers::list_posts, RateGroup::read},
    Route{"POST", "/api/v1/posts", Auth::required, Body::json, &Handlers::create_post, RateGroup::write},
    Route{"GET", "/api/v1/posts/{id}", Auth::optional, Body::none, &Handlers::get_post, RateGroup::read},
    Route{"PATCH", "/api/v1/posts/{id}", Auth::required, Body::json, &Handlers::patch_post, RateGroup::write},
    Route{"DELETE", "/api/v1/posts/{id}", Auth::required, Body::none, &Handlers::delete_post,
          RateGroup::write},

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

// "/api/v1/users/me" is listed before "/api/v1/users/{id}" so the literal wins; match_route
// takes the first route whose template fits the path with this method.

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

// The token of "Authorization: Bearer <token>" (scheme case-insensitive); nullopt when the
// header is absent, "" when it is present but not a well-formed bearer credential.
std::optional<std::string_view> bearer_token(const Request& request) noexcept {
  const auto header = request.headers.find("Authorization");
  if (!header) return std::nullopt;
  const std::string_view value = trim_ows(*header);
  constexpr std::string_view kScheme = "bearer";
  if (value.size() <= kScheme.size() || !iequals(value.substr(0, kScheme.size()), kScheme) ||
      (value[kScheme.size()] != ' ' && value[kScheme.size()] != '\t')) {
    return std::string_view{};
  }
  const std::string_view token = trim_ows(value.substr(kScheme.size()));
  if (token.find_first_of(" \t") != std::string_view::npos) return std::string_view{};
  return token;
}

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

std::string render_success(const Reply& reply) {
  boost::json::object envelope;
  envelope["status"] = "ok";
  envelope["data"] = *reply.data;
  if (reply.meta) envelope["meta"] = *reply.meta;
  return boost::json::serialize(envelope);
}

}  // namespace

std::vector<std::pair<std::string, std::string>> api_routes() {
  std::vector<std::pair<std::string, std::string>> routes;
  routes.reserve(kRoutes.size());
  for (const Route& route : kRoutes)
    routes.emplace_back(route.method, route.path_template);
  return routes;
}

Api::Api(Services services, core::IdGenerator& request_ids, ReadinessProbe readiness, ApiOptions options)
    : handlers_(services, std::move(readiness), options.metrics),
      request_ids_(request_ids),
      cors_(options.cors_origins),
      rate_limits_(options.rate_limits),
      main_routes_(routes_for(Listener::main, options)),
      admin_routes_(routes_for(Listener::admin, options)) {}

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
    // The access log names the client the rate limits see: X-Forwarded-For from trusted proxies.
    if (rate_limits_ != nullptr) {
      if (const auto client = client_address(request, rate_limits_->settings().trusted_proxies);
          client && client->to_string() != request.client_ip) {
        response.client_ip = client->to_string();
      }
    }
  } catch (const std::exception& e) {
    response =
        error_response(core::Error::internal(std::string("unhandled exception: ") + e.what()), request_id);
  } catch (...) {
    response = error_response(core::Error::internal("unhandled non-standard exception"), request_id);
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
      response = protocol_error(503, "UNAVAILABLE", "server busy; retry shortly", request_id);
      response.headers.set("Retry-After", "1");
      // A whole request: its route is known, so metrics and the access log name it.
      const std::vector<Route>& routes =
          (partial.listener == Listener::admin ? admin_routes_ : main_routes_)->routes;
      const RouteMatch match =
          match_route(std::span<const Route>(routes), partial.method, split_target(partial.target).path);
      if (match.kind == MatchKind::found) response.route = std::string(routes.at(match.index).path_template);
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
  const Target target = split_target(request.target);
  const std::vector<Route>& routes =
      (request.listener == Listener::admin ? admin_routes_ : main_routes_)->routes;
  const RouteMatch match = match_route(std::span<const Route>(routes), request.method, target.path);
  if (match.kind != MatchKind::found) return Lane::standard;
  return routes.at(match.index).rate == RateGroup::auth ? Lane::auth : Lane::standard;
}

Response Api::dispatch(const Request& request, std::string_view request_id) const {
  const Target target = split_target(request.target);
  const std::vector<Route>& routes =
      (request.listener == Listener::admin ? admin_routes_ : main_routes_)->routes;
  RouteMatch match = match_route(std::span<const Route>(routes), request.method, target.path);

  if (match.kind == MatchKind::not_found) {
    return error_response(core::Error::not_found("no such endpoint"), request_id);
  }
  if (match.kind == MatchKind::method_not_allowed) {
    Response response;
    if (request.method == "OPTIONS") {
      response = cors_.preflight(request, match.allowed);
    } else {
      response = protocol_error(405, "METHOD_NOT_ALLOWED", "method not allowed", request_id);
      response.headers.set("Allow", allow_header(match.allowed));
    }
    response.route = std::string(match.path_template);
    return response;
  }

  const Route& route = routes.at(match.index);
  std::optional<core::RateDecision> rate;  // set once the request has spent its rate budget
  const auto finish = [&](Response response, const core::Principal* principal) {
    response.route = std::string(route.path_template);
    if (principal != nullptr && !principal->is_operator) response.user_id = principal->user_id.to_string();
    if (rate) add_rate_limit_headers(response, *rate);
    return response;
  };

  // A failed authentication is answered after the rate check, so guessing tokens costs budget.
  std::optional<core::Principal> principal;
  std::optional<core::Error> auth_failure;
  if (route.auth != Auth::none) {
    const auto token = bearer_token(request);
    if (token && token->empty()) {
      auth_failure = core::Error::unauthorized("malformed Authorization header");
    } else if (token) {
      auto authenticated = handlers_.authenticate(*token);
      if (authenticated) {
        principal = std::move(authenticated).value();
      } else {
        auth_failure = std::move(authenticated).error();
      }
    } else if (route.auth == Auth::required) {
      auth_failure = core::Error::unauthorized("missing bearer token");
    }
  }
  const core::Principal* principal_ptr = principal ? &*principal : nullptr;
  if (rate_limits_ != nullptr) {
    rate = rate_limits_->check(route.rate, request, principal_ptr);
    if (rate && !rate->allowed) return finish(rate_limited_response(*rate, request_id), principal_ptr);
  }
  if (auth_failure) return finish(error_response(*auth_failure, request_id), nullptr);

  boost::json::object body;
  if (route.body == Body::json) {
    if (!is_json_media_type(request.headers.find("Content-Type"))) {
      return finish(
          protocol_error(415, "UNSUPPORTED_MEDIA_TYPE", "Content-Type must be application/json", request_id),
          principal_ptr);
    }
    boost::system::error_code ec;
    boost::json::value parsed = boost::json::parse(request.body, ec);
    if (ec)
      return finish(
          error_response(invalid_body("request body is not valid JSON", "malformed JSON"), request_id),
          principal_ptr);
    if (!parsed.is_object()) {
      return finish(
          error_response(invalid_body("request body must be a JSON object", "must be a JSON object"),
                         request_id),
          principal_ptr);
    }
    body = std::move(parsed.as_object());
  }

  const Params query = parse_query(target.query);
  const HandlerContext context{request,       match.params, query, route.body == Body::json ? &body : nullptr,
                               principal_ptr, request_id};
  HandlerResult result = (handlers_.*route.handler)(context);
  if (!result) return finish(error_response(result.error(), request_id), principal_ptr);

  Response response;
  response.status = result->status;
  if (result->document) {
    response.body = std::string(result->document->body);
    response.headers.set("Content-Type", std::string(result->document->content_type));
    if (!result->document->content_security_policy.empty()) {
      response.headers.set("Content-Security-Policy", std::string(result->document->content_security_policy));
    }
  } else if (result->data) {
    response.body = render_success(*result);
  }
  return finish(std::move(response), principal_ptr);
}

}  // namespace parley::http
