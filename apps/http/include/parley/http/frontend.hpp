// A frontend: a further route table served by the same request pipeline as the native API
// (matching, authentication, rate groups, body checks, CORS, request ids, access log, metrics)
// but speaking its own wire format: its own Authorization schemes, success bodies and error
// bodies. apps/realworld is one. Frontends are mounted on the main listener only.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "parley/core/error.hpp"
#include "parley/http/handlers.hpp"
#include "parley/http/message.hpp"
#include "parley/http/rate_limit.hpp"

namespace parley::http {

// Whether a route needs a signed-in caller: `optional` authenticates a credential when one
// comes along, `required` answers 401 without one.
enum class RouteAuth { none, optional, required };
// `json`: the route takes a JSON object body (415 for another media type, invalid_input naming
// "body" for malformed JSON); `none`: any body is ignored.
enum class RouteBody { none, json };

using FrontendHandler = std::function<HandlerResult(const HandlerContext&)>;
// Answers some anonymous requests from what the frontend keeps without waiting on I/O, or
// nullopt (Api::answer_now; see Handlers::kept_posts_page). Must not throw.
using KeptHandler = std::function<std::optional<Reply>(const HandlerContext&)>;

struct FrontendRoute {
  std::string method;
  std::string path_template;  // "/api/articles/{slug}": {name} captures one segment
  RouteAuth auth = RouteAuth::none;
  RouteBody body = RouteBody::none;
  RateGroup rate = RateGroup::read;
  FrontendHandler handler;
  KeptHandler kept = nullptr;  // none: always answered by `handler` on a worker
};

struct Frontend {
  std::vector<FrontendRoute> routes;  // in match order; the native table is matched first
  // The Authorization schemes whose credential is an access token, compared ASCII
  // case-insensitively ("Token", "Bearer").
  std::vector<std::string> auth_schemes;
  // The body of a success that carries data (a Reply without data has an empty body).
  std::function<std::string(const Reply& reply)> render_success;
  // Every error these routes answer: the handlers' core errors, failed authentication, a
  // malformed body (invalid_input naming "body") and a spent rate budget (rate_limited; the
  // pipeline adds the RateLimit headers). Must log what error_response() logs.
  std::function<Response(const core::Error& error, std::string_view request_id)> render_error;
  // Errors of HTTP itself with their fixed status (405, 415), in this frontend's format.
  std::function<Response(unsigned status, std::string_view message, std::string_view request_id)>
      render_protocol_error;
};

}  // namespace parley::http
