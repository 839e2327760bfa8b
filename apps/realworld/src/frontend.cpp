// The RealWorld route table and its wire format, assembled into an http::Frontend.
#include "parley/realworld/frontend.hpp"

#include <memory>
#include <utility>

#include "parley/realworld/wire.hpp"

#include "handlers.hpp"

namespace parley::realworld {

namespace {

using http::RateGroup;
using http::RouteAuth;
using http::RouteBody;

using Method = http::HandlerResult (Handlers::*)(const http::HandlerContext&) const;

struct Entry {
  const char* method;
  const char* path_template;
  RouteAuth auth;
  RouteBody body;
  Method handler;
  RateGroup rate;
};

// Every RealWorld endpoint. Rate groups as on the native API: auth (register, log in; by
// client IP), write (every other change), read (GET). "/api/articles/feed" comes before
// "/api/articles/{slug}" so the literal wins.
constexpr Entry kRoutes[] = {
    {"POST", "/api/users", RouteAuth::none, RouteBody::json, &Handlers::register_user, RateGroup::auth},
    {"POST", "/api/users/login", RouteAuth::none, RouteBody::json, &Handlers::log_in, RateGroup::auth},
    {"GET", "/api/user", RouteAuth::required, RouteBody::none, &Handlers::current_user, RateGroup::read},
    {"PUT", "/api/user", RouteAuth::required, RouteBody::json, &Handlers::update_user, RateGroup::write},

    {"GET", "/api/profiles/{username}", RouteAuth::optional, RouteBody::none, &Handlers::get_profile,
     RateGroup::read},
    {"POST", "/api/profiles/{username}/follow", RouteAuth::required, RouteBody::none, &Handlers::follow,
     RateGroup::write},
    {"DELETE", "/api/profiles/{username}/follow", RouteAuth::required, RouteBody::none, &Handlers::unfollow,
     RateGroup::write},

    {"GET", "/api/articles", RouteAuth::optional, RouteBody::none, &Handlers::list_articles, RateGroup::read},
    {"POST", "/api/articles", RouteAuth::required, RouteBody::json, &Handlers::create_article,
     RateGroup::write},
    {"GET", "/api/articles/feed", RouteAuth::required, RouteBody::none, &Handlers::feed, RateGroup::read},
    {"GET", "/api/articles/{slug}", RouteAuth::optional, RouteBody::none, &Handlers::get_article,
     RateGroup::read},
    {"PUT", "/api/articles/{slug}", RouteAuth::required, RouteBody::json, &Handlers::update_article,
     RateGroup::write},
    {"DELETE", "/api/articles/{slug}", RouteAuth::required, RouteBody::none, &Handlers::delete_article,
     RateGroup::write},
    {"POST", "/api/articles/{slug}/favorite", RouteAuth::required, RouteBody::none, &Handlers::favorite,
     RateGroup::write},
    {"DELETE", "/api/articles/{slug}/favorite", RouteAuth::required, RouteBody::none, &Handlers::unfavorite,
     RateGroup::write},
    {"GET", "/api/articles/{slug}/comments", RouteAuth::optional, RouteBody::none, &Handlers::list_comments,
     RateGroup::read},
    {"POST", "/api/articles/{slug}/comments", RouteAuth::required, RouteBody::json, &Handlers::add_comment,
     RateGroup::write},
    {"DELETE", "/api/articles/{slug}/comments/{id}", RouteAuth::required, RouteBody::none,
     &Handlers::delete_comment, RateGroup::write},

    {"GET", "/api/tags", RouteAuth::none, RouteBody::none, &Handlers::tags, RateGroup::read},
};

}  // namespace

http::Frontend make_frontend(Services services, http::KeptFeedOptions kept_feed) {
  // Shared by the route closures, so the Frontend can be copied or moved freely.
  auto handlers = std::make_shared<const Handlers>(services, kept_feed);
  http::Frontend frontend;
  for (const Entry& entry : kRoutes) {
    frontend.routes.push_back(
        http::FrontendRoute{.method = entry.method,
                            .path_template = entry.path_template,
                            .auth = entry.auth,
                            .body = entry.body,
                            .rate = entry.rate,
                            .handler = [handlers, method = entry.handler](const http::HandlerContext& ctx) {
                              return ((*handlers).*method)(ctx);
                            }});
    if (entry.handler == &Handlers::list_articles) {
      frontend.routes.back().kept = [handlers](const http::HandlerContext& ctx) {
        return handlers->kept_articles(ctx);
      };
    } else if (entry.handler == &Handlers::get_article) {
      frontend.routes.back().kept = [handlers](const http::HandlerContext& ctx) {
        return handlers->kept_article(ctx);
      };
    }
  }
  frontend.auth_schemes = {"Token", "Bearer"};
  // RealWorld documents are bare: {"user": ...}, {"articles": [...], "articlesCount": n}.
  frontend.render_success = [](const http::Reply& reply) { return render_document(reply); };
  frontend.render_error = [](const core::Error& error, std::string_view request_id) {
    return error_response(error, request_id);
  };
  frontend.render_protocol_error = [](unsigned status, std::string_view message,
                                      std::string_view /*request_id*/) {
    return protocol_error_response(status, message);
  };
  return frontend;
}

}  // namespace parley::realworld
