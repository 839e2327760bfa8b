// One handler per resource and verb. Each is thin: read the input into core value types,
// call one service, shape the result. Errors are returned, never rendered here.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "parley/core/caching/caching_repositories.hpp"
#include "parley/core/caching/public_read_version.hpp"
#include "parley/core/result.hpp"
#include "parley/core/services/post_service.hpp"
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
  // The access token `principal` was authenticated with; empty when anonymous.
  std::string_view access_token = {};
};

// A body served as is, not wrapped in the envelope: a document rather than API data.
struct Document {
  std::string_view content_type;
  Body body;
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

// The native API's envelope of a success: {"status":"ok","data":...,"meta":...}.
[[nodiscard]] std::string render_envelope(const Reply& reply);

// The first pages of the public feed (and single posts) as an anonymous reader gets them, kept
// rendered (the success body's bytes) under the version of public reads, so a page is rendered
// once per write rather than once per request; none are kept without a version (no cache
// configured).
struct KeptFeedOptions {
  core::PublicReadVersion* version = nullptr;
  std::chrono::seconds ttl{5};  // at most; a change made behind Parley's back shows after it
};

// One frontend's kept pages (each frontend renders its own bytes). Thread-safe.
class KeptPages {
 public:
  // Feed pages beyond this are never kept (the cached pages of CachingPostRepository).
  static constexpr std::int64_t kPages = core::CachingPostRepository::kCachedPages;
  // How many rendered pages are kept (a few versions' few pages).
  static constexpr std::size_t kEntries = 32;

  explicit KeptPages(KeptFeedOptions options = {}) : options_(options) {}

  // Where the page of `listing` read by `principal` is kept: only for an anonymous reader (whose
  // page says nothing of liked or following) of the public feed without filter or cursor within
  // its first pages, which depends on nothing but public reads of posts and authors; and only
  // while the version of public reads can be read (with `io`). nullopt: not kept.
  [[nodiscard]] std::optional<std::string> key(const core::PostListing& listing,
                                               const core::Principal* principal,
                                               core::PublicReadVersion::Io io) const;
  [[nodiscard]] std::optional<std::shared_ptr<const std::string>> find(const std::string& key) const;
  void keep(const std::string& key, std::shared_ptr<const std::string> body) const;

  // Single posts, the same way: where the post named `name` (its id, or "slug:" and its slug)
  // read by `principal` is kept (only for an anonymous reader, whose view of a post is its
  // public data and its author's), under the same version and for the same time. Kept only
  // when found: a draft or a missing post is answered by a worker every time.
  static constexpr std::size_t kPostEntries = 8192;
  [[nodiscard]] std::optional<std::string> post_key(std::string_view name, const core::Principal* principal,
                                                    core::PublicReadVersion::Io io) const;
  [[nodiscard]] std::optional<std::shared_ptr<const std::string>> find_post(const std::string& key) const;
  void keep_post(const std::string& key, std::shared_ptr<const std::string> body) const;

 private:
  KeptFeedOptions options_;
  mutable core::KeptEntries<std::shared_ptr<const std::string>> entries_{kEntries};
  mutable core::KeptEntries<std::shared_ptr<const std::string>> posts_{kPostEntries};
};

// A success whose body is the kept rendering `body` as is (shared, not copied), a JSON
// document: what a kept page is answered with.
[[nodiscard]] Reply kept_reply(std::shared_ptr<const std::string> body);

class Handlers {
 public:
  // `metrics` (may be null when metrics are disabled) is what GET /metrics renders.
  Handlers(Services services, ReadinessProbe readiness, const MetricsRegistry* metrics = nullptr,
           KeptFeedOptions kept_feed = {})
      : services_(services), readiness_(std::move(readiness)), metrics_(metrics), kept_pages_(kept_feed) {}

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
  // list_posts answered from the kept rendered pages only, reading the version without waiting
  // on I/O: nullopt when that cannot answer (not a kept page, no version without I/O, not kept
  // yet), and list_posts must run. Cheap enough for an I/O thread; never throws.
  [[nodiscard]] std::optional<Reply> kept_posts_page(const HandlerContext& ctx) const noexcept;
  HandlerResult create_post(const HandlerContext& ctx) const;
  HandlerResult get_post(const HandlerContext& ctx) const;
  // get_post answered from the kept rendered posts only, as kept_posts_page is for pages.
  [[nodiscard]] std::optional<Reply> kept_post(const HandlerContext& ctx) const noexcept;
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
  KeptPages kept_pages_;
};

}  // namespace parley::http
