// One handler per resource and verb. Each is thin: read the input into core value types,
// call one service, shape the result. Errors are returned, never rendered here.
#pragma once

#include <optional>
#include <string_view>
#include <utility>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "parley/core/result.hpp"
#include "parley/core/services/principal.hpp"
#include "parley/http/message.hpp"
#include "parley/http/metrics.hpp"
#include "parley/http/router.hpp"
#include "parley/http/services.hpp"

namespace parley::http {

struct HandlerContext {
  const Request& request;
  const Params& path;
  const Params& query;
  const boost::json::object* body = nullptr;   // set when the route takes a JSON body
  const core::Principal* principal = nullptr;  // set when a valid bearer token came along
  std::string_view request_id;
};

// A body served as is, not wrapped in the envelope: a document rather than API data.
struct Document {
  std::string_view content_type;
  std::string body;
  // Replaces the default Content-Security-Policy when set: a page that must run its own
  // inline script and styles says exactly what it needs.
  std::string_view content_security_policy = {};
};

// A success: the status and the "data" (and "meta" for lists) of the envelope, or a document.
struct Reply {
  unsigned status = 200;
  std::optional<boost::json::value> data;  // none for 204
  std::optional<boost::json::object> meta;
  std::optional<Document> document;  // set instead of data
};

using HandlerResult = core::Result<Reply>;

class Handlers {
 public:
  // `metrics` (may be null when metrics are disabled) is what GET /metrics renders.
  Handlers(Services services, ReadinessProbe readiness, const MetricsRegistry* metrics = nullptr)
      : services_(services), readiness_(std::move(readiness)), metrics_(metrics) {}

  // The bearer-token step every authenticated route shares.
  core::Result<core::Principal> authenticate(std::string_view access_token) const {
    return services_.auth.authenticate(access_token);
  }

  HandlerResult healthz(const HandlerContext& ctx) const;
  HandlerResult readyz(const HandlerContext& ctx) const;
  HandlerResult openapi(const HandlerContext& ctx) const;
  HandlerResult metrics(const HandlerContext& ctx) const;
  HandlerResult docs(const HandlerContext& ctx) const;

  HandlerResult sign_up(const HandlerContext& ctx) const;
  HandlerResult log_in(const HandlerContext& ctx) const;
  HandlerResult refresh(const HandlerContext& ctx) const;
  HandlerResult log_out(const HandlerContext& ctx) const;

  HandlerResult get_me(const HandlerContext& ctx) const;
  HandlerResult get_user(const HandlerContext& ctx) const;
  HandlerResult patch_user(const HandlerContext& ctx) const;
  HandlerResult get_profile(const HandlerContext& ctx) const;
  HandlerResult follow_user(const HandlerContext& ctx) const;
  HandlerResult unfollow_user(const HandlerContext& ctx) const;

  HandlerResult list_posts(const HandlerContext& ctx) const;
  HandlerResult create_post(const HandlerContext& ctx) const;
  HandlerResult get_post(const HandlerContext& ctx) const;
  HandlerResult patch_post(const HandlerContext& ctx) const;
  HandlerResult delete_post(const HandlerContext& ctx) const;
  HandlerResult get_post_by_slug(const HandlerContext& ctx) const;
  HandlerResult like_post(const HandlerContext& ctx) const;
  HandlerResult unlike_post(const HandlerContext& ctx) const;
  HandlerResult feed(const HandlerContext& ctx) const;
  HandlerResult list_tags(const HandlerContext& ctx) const;

  HandlerResult list_comments(const HandlerContext& ctx) const;
  HandlerResult create_comment(const HandlerContext& ctx) const;
  HandlerResult delete_comment(const HandlerContext& ctx) const;

  HandlerResult block_user(const HandlerContext& ctx) const;
  HandlerResult unblock_user(const HandlerContext& ctx) const;
  HandlerResult set_role(const HandlerContext& ctx) const;
  HandlerResult list_audit(const HandlerContext& ctx) const;

 private:
  Services services_;
  ReadinessProbe readiness_;
  const MetricsRegistry* metrics_;
};

}  // namespace parley::http
