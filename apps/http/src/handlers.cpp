// The handlers of the route table: input -> core value types -> one service call -> Reply.
#include "parley/http/handlers.hpp"

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <boost/json/array.hpp>

#include "parley/http/docs_page.hpp"
#include "parley/http/dto.hpp"
#include "parley/http/log.hpp"
#include "parley/http/openapi_document.hpp"

namespace parley::http {

namespace {

Reply ok(boost::json::value data, unsigned status = 200) {
  Reply reply;
  reply.status = status;
  reply.data = std::move(data);
  return reply;
}

Reply no_content() {
  Reply reply;
  reply.status = 204;
  return reply;
}

template <class T>
Reply page_reply(const core::Page<T>& page, const core::PageRequest& request) {
  boost::json::array items;
  items.reserve(page.items.size());
  for (const auto& item : page.items)
    items.emplace_back(to_json(item));
  Reply reply = ok(std::move(items));
  reply.meta = page_meta(request, page.total);
  return reply;
}

// Routes marked "required" are only dispatched with a principal; this reads it.
const core::Principal& actor(const HandlerContext& ctx) {
  return *ctx.principal;
}

bool sees_email(const HandlerContext& ctx, const core::UserId& id) {
  return ctx.principal != nullptr && (ctx.principal->is_user(id) || ctx.principal->role == core::Role::admin);
}

core::Result<core::PageRequest> read_page(const Params& query) {
  auto page = query_integer(query, "page");
  auto size = query_integer(query, "size");
  if (!page || !size) {
    core::Error error = core::Error::invalid("page", "must be an integer");
    error.details.clear();
    if (!page) error.details.insert(page.error().details.begin(), page.error().details.end());
    if (!size) error.details.insert(size.error().details.begin(), size.error().details.end());
    return error;
  }
  // Core caps an oversized `size` (meta.size then tells the client what it got).
  return core::PageRequest::make(*page, *size);
}

template <class IdType>
core::Result<IdType> path_id(const HandlerContext& ctx, std::string_view name) {
  return parse_id<IdType>(ctx.path.find(name).value_or(std::string_view{}), name);
}

// A list of posts: the page meta gains `next` when the service found a next page by cursor.
Reply post_page_reply(const core::PostPage& page, const core::PageRequest& request) {
  boost::json::array items;
  items.reserve(page.items.size());
  for (const auto& item : page.items)
    items.emplace_back(to_json(item));
  Reply reply = ok(std::move(items));
  reply.meta = page_meta(request, page.total, page.next);
  return reply;
}

// Core names the field of its own value type (a Tag is "tags"); the wire names the parameter
// the client sent. Every reason is kept, filed under `name`.
core::Error named(core::Error error, std::string_view name) {
  if (error.code != core::ErrorCode::invalid_input) return error;
  std::string reason = error.details.empty() ? std::string("is invalid") : error.details.begin()->second;
  error.details.clear();
  error.details.emplace(std::string(name), reason);
  error.message = std::string(name) + " " + reason;
  return error;
}

// A query parameter through T::parse(), its error filed under the parameter's name.
template <class T>
core::Result<std::optional<T>> query_value(const Params& query, std::string_view name) {
  const auto raw = query.find(name);
  if (!raw) return std::optional<T>{};
  auto parsed = T::parse(*raw);
  if (!parsed) return named(std::move(parsed).error(), name);
  return std::optional<T>{std::move(parsed).value()};
}

core::Result<std::optional<core::UserId>> query_user_id(const Params& query, std::string_view name) {
  const auto raw = query.find(name);
  if (!raw) return std::optional<core::UserId>{};
  auto id = parse_id<core::UserId>(*raw, name);
  if (!id) return std::move(id).error();
  return std::optional<core::UserId>{*id};
}

// `after`: the opaque cursor of a previous page's meta.next.
core::Result<std::optional<core::PostCursor>> query_cursor(const Params& query) {
  const auto raw = query.find("after");
  if (!raw) return std::optional<core::PostCursor>{};
  auto cursor = core::PostCursor::decode(*raw, "after");
  if (!cursor) return named(std::move(cursor).error(), "after");
  return std::optional<core::PostCursor>{*cursor};
}

}  // namespace

HandlerResult Handlers::healthz(const HandlerContext& /*ctx*/) const {
  boost::json::object data;
  data["status"] = "alive";
  return ok(std::move(data));
}

HandlerResult Handlers::readyz(const HandlerContext& ctx) const {
  boost::json::object data;
  core::Error failure = core::Error::unavailable("not ready");
  for (const auto& check : readiness_()) {
    if (check.status) {
      data[check.name] = "ok";
    } else {
      failure.details.emplace(check.name, "unavailable");
      log_event(LogLevel::warn, "dependency not ready",
                {{"request_id", ctx.request_id},
                 {"dependency", check.name},
                 {"error", check.status.error().message}});
    }
  }
  if (!failure.details.empty()) return failure;
  return ok(std::move(data));
}

HandlerResult Handlers::openapi(const HandlerContext& /*ctx*/) const {
  Reply reply;
  reply.document = Document{"application/yaml; charset=utf-8", std::string(openapi_document())};
  return reply;
}

HandlerResult Handlers::metrics(const HandlerContext& /*ctx*/) const {
  // The route is only reachable when metrics are enabled; a null registry is a wiring mistake.
  if (metrics_ == nullptr) return core::Error::not_found("no such endpoint");
  Reply reply;
  reply.document = Document{kPrometheusTextType, metrics_->render()};
  return reply;
}

HandlerResult Handlers::docs(const HandlerContext& /*ctx*/) const {
  // The page is Redoc, inline: its script and styles, a search worker it starts from a blob:
  // URL and data: images. Nothing else, and nothing from another origin.
  static constexpr std::string_view kPolicy =
      "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:; "
      "worker-src blob:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
  Reply reply;
  reply.document = Document{"text/html; charset=utf-8", std::string(docs_page()), kPolicy};
  return reply;
}

HandlerResult Handlers::sign_up(const HandlerContext& ctx) const {
  BodyReader body(*ctx.body);
  body.allow_only({"email", "username", "password"});
  auto email = body.parse_as<core::Email>("email", body.required_string("email"));
  auto username = body.parse_as<core::Username>("username", body.required_string("username"));
  auto password = body.parse_as<core::Password>("password", body.required_string("password"));
  if (auto checked = body.finish(); !checked) return checked.error();

  auto user =
      services_.auth.sign_up(core::SignUp{*std::move(email), *std::move(username), *std::move(password)});
  if (!user) return std::move(user).error();
  return ok(to_json(*user, true), 201);
}

HandlerResult Handlers::log_in(const HandlerContext& ctx) const {
  BodyReader body(*ctx.body);
  body.allow_only({"email", "password"});
  auto email = body.parse_as<core::Email>("email", body.required_string("email"));
  auto raw_password = body.required_string("password");
  if (auto checked = body.finish(); !checked) return checked.error();

  // A string that could never be a password cannot match one: same answer as a wrong one.
  auto password = core::Password::parse(*raw_password);
  if (!password) return core::Error::unauthorized("invalid email or password");
  auto session = services_.auth.log_in(*email, *password);
  if (!session) return std::move(session).error();
  return ok(to_json(*session));
}

HandlerResult Handlers::refresh(const HandlerContext& ctx) const {
  BodyReader body(*ctx.body);
  body.allow_only({"refresh_token"});
  auto token = body.required_string("refresh_token");
  if (auto checked = body.finish(); !checked) return checked.error();

  auto session = services_.auth.refresh(*token);
  if (!session) return std::move(session).error();
  return ok(to_json(*session));
}

HandlerResult Handlers::log_out(const HandlerContext& ctx) const {
  if (auto done = services_.auth.log_out(actor(ctx)); !done) return std::move(done).error();
  return no_content();
}

HandlerResult Handlers::get_me(const HandlerContext& ctx) const {
  auto user = services_.users.get(actor(ctx).user_id);
  if (!user) return std::move(user).error();
  return ok(to_json(*user, true));
}

HandlerResult Handlers::get_user(const HandlerContext& ctx) const {
  auto id = path_id<core::UserId>(ctx, "id");
  if (!id) return std::move(id).error();
  auto user = services_.users.get(*id);
  if (!user) return std::move(user).error();
  boost::json::object out = to_json(*user, sees_email(ctx, *id));
  // Anonymous readers follow nobody; only a signed-in reader costs the follow lookup.
  bool following = false;
  if (ctx.principal != nullptr) {
    auto profile = services_.profiles.get(ctx.principal, core::UserRef{*id});
    if (!profile) return std::move(profile).error();
    following = profile->following;
  }
  out["following"] = following;
  return ok(std::move(out));
}

HandlerResult Handlers::patch_user(const HandlerContext& ctx) const {
  auto id = path_id<core::UserId>(ctx, "id");
  if (!id) return std::move(id).error();
  BodyReader body(*ctx.body);
  body.allow_only({"username", "bio", "email", "image", "password", "current_password"});
  core::ProfilePatch patch;
  patch.username = body.parse_as<core::Username>("username", body.optional_string("username"));
  patch.bio = body.parse_as<core::Bio>("bio", body.optional_string("bio"));
  patch.email = body.parse_as<core::Email>("email", body.optional_string("email"));
  // null or "" removes the picture.
  patch.image = body.parse_as<core::ImageUrl>("image", body.optional_string_or_null("image"));
  patch.password = body.parse_as<core::Password>("password", body.optional_string("password"));
  if (auto current = body.optional_string("current_password"); current && body.has("password")) {
    // A value that could never have been a password cannot be the current one.
    auto parsed = core::Password::parse(*current);
    if (parsed) {
      patch.current_password = *std::move(parsed);
    } else {
      body.fail("current_password", "is incorrect");
    }
  }
  if (auto checked = body.finish(); !checked) return checked.error();

  auto user = services_.users.update(actor(ctx), *id, patch);
  if (!user) return std::move(user).error();
  return ok(to_json(*user, sees_email(ctx, *id)));
}

HandlerResult Handlers::get_profile(const HandlerContext& ctx) const {
  auto username = core::Username::parse(ctx.path.find("username").value_or(std::string_view{}));
  if (!username) return named(std::move(username).error(), "username");
  auto profile = services_.profiles.get(ctx.principal, core::UserRef{*std::move(username)});
  if (!profile) return std::move(profile).error();
  return ok(to_json(*profile));
}

HandlerResult Handlers::follow_user(const HandlerContext& ctx) const {
  auto id = path_id<core::UserId>(ctx, "id");
  if (!id) return std::move(id).error();
  auto profile = services_.profiles.follow(actor(ctx), core::UserRef{*id});
  // Core names the user it was given ("username"); here the client named them by `id`.
  if (!profile) return named(std::move(profile).error(), "id");
  return ok(to_json(*profile));
}

HandlerResult Handlers::unfollow_user(const HandlerContext& ctx) const {
  auto id = path_id<core::UserId>(ctx, "id");
  if (!id) return std::move(id).error();
  auto profile = services_.profiles.unfollow(actor(ctx), core::UserRef{*id});
  if (!profile) return named(std::move(profile).error(), "id");
  return ok(to_json(*profile));
}

namespace {

core::Result<core::PostListing> read_listing(const Params& query) {
  core::PostListing listing;
  auto author = query_user_id(query, "author");
  if (!author) return std::move(author).error();
  if (*author) listing.author = core::UserRef{**author};
  auto liked_by = query_user_id(query, "liked_by");
  if (!liked_by) return std::move(liked_by).error();
  if (*liked_by) listing.liked_by = core::UserRef{**liked_by};
  auto tag = query_value<core::Tag>(query, "tag");
  if (!tag) return std::move(tag).error();
  listing.tag = *std::move(tag);
  auto search = query_value<core::SearchQuery>(query, "q");
  if (!search) return std::move(search).error();
  listing.search = *std::move(search);
  auto after = query_cursor(query);
  if (!after) return std::move(after).error();
  listing.after = *after;
  auto page = read_page(query);
  if (!page) return std::move(page).error();
  listing.page = *page;
  return listing;
}

}  // namespace

HandlerResult Handlers::list_posts(const HandlerContext& ctx) const {
  auto listing = read_listing(ctx.query);
  if (!listing) return std::move(listing).error();
  // The version is read before the page, so a page read after a write is never kept under the
  // version from before it.
  const auto key = kept_pages_.key(*listing, ctx.principal, core::PublicReadVersion::Io::allowed);
  if (key) {
    if (auto kept = kept_pages_.find(*key)) return kept_reply(*std::move(kept));
  }
  auto posts = services_.posts.list(ctx.principal, *listing);
  if (!posts) return std::move(posts).error();
  Reply reply = post_page_reply(*posts, listing->page);
  if (!key) return reply;
  auto rendered = std::make_shared<const std::string>(render_envelope(reply));
  kept_pages_.keep(*key, rendered);
  return kept_reply(std::move(rendered));
}

std::optional<Reply> Handlers::kept_posts_page(const HandlerContext& ctx) const noexcept {
  try {
    auto listing = read_listing(ctx.query);
    if (!listing) return std::nullopt;
    const auto key = kept_pages_.key(*listing, ctx.principal, core::PublicReadVersion::Io::forbidden);
    if (!key) return std::nullopt;
    const auto kept = kept_pages_.find(*key);
    if (!kept) return std::nullopt;
    return kept_reply(*std::move(kept));
  } catch (...) {  // NOLINT(bugprone-empty-catch): list_posts then answers, and reports what failed
    return std::nullopt;
  }
}

// ---- kept pages -----------------------------------------------------------------------------

std::optional<std::string> KeptPages::key(const core::PostListing& listing, const core::Principal* principal,
                                          core::PublicReadVersion::Io io) const {
  const bool kept = principal == nullptr && !listing.author && !listing.liked_by && !listing.tag &&
                    !listing.search && !listing.after && listing.page.offset() >= 0 &&
                    listing.page.offset() < kPages * listing.page.size;
  if (!kept || options_.version == nullptr) return std::nullopt;
  const auto version = options_.version->current(io);
  if (!version) return std::nullopt;
  return "feed:" + *version + ":" + std::to_string(listing.page.offset()) + ":" +
         std::to_string(listing.page.size);
}

std::optional<std::shared_ptr<const std::string>> KeptPages::find(const std::string& key) const {
  return entries_.find(key);
}

void KeptPages::keep(const std::string& key, std::shared_ptr<const std::string> body) const {
  entries_.keep(key, body, options_.ttl);
}

std::optional<std::string> KeptPages::post_key(std::string_view name, const core::Principal* principal,
                                               core::PublicReadVersion::Io io) const {
  if (principal != nullptr || options_.version == nullptr) return std::nullopt;
  const auto version = options_.version->current(io);
  if (!version) return std::nullopt;
  return "post:" + *version + ":" + std::string(name);
}

std::optional<std::shared_ptr<const std::string>> KeptPages::find_post(const std::string& key) const {
  return posts_.find(key);
}

void KeptPages::keep_post(const std::string& key, std::shared_ptr<const std::string> body) const {
  posts_.keep(key, body, options_.ttl);
}

Reply kept_reply(std::shared_ptr<const std::string> body) {
  Reply reply;
  reply.document = Document{"application/json", Body(std::move(body))};
  return reply;
}

HandlerResult Handlers::feed(const HandlerContext& ctx) const {
  auto after = query_cursor(ctx.query);
  if (!after) return std::move(after).error();
  auto page = read_page(ctx.query);
  if (!page) return std::move(page).error();

  auto posts = services_.posts.feed(actor(ctx), *page, *after);
  if (!posts) return std::move(posts).error();
  return post_page_reply(*posts, *page);
}

HandlerResult Handlers::list_tags(const HandlerContext& /*ctx*/) const {
  auto tags = services_.posts.popular_tags();
  if (!tags) return std::move(tags).error();
  boost::json::array out;
  out.reserve(tags->size());
  for (const auto& tag : *tags)
    out.emplace_back(tag.str());
  return ok(std::move(out));
}

HandlerResult Handlers::create_post(const HandlerContext& ctx) const {
  BodyReader body(*ctx.body);
  body.allow_only({"title", "description", "body", "tags", "is_published"});
  auto title = body.parse_as<core::PostTitle>("title", body.required_string("title"));
  auto description = body.parse_as<core::PostDescription>("description", body.optional_string("description"));
  auto text = body.parse_as<core::PostBody>("body", body.required_string("body"));
  auto tags = body.parse_each_as<core::Tag>("tags", body.optional_string_array("tags"));
  auto is_published = body.optional_bool("is_published");
  if (auto checked = body.finish(); !checked) return checked.error();

  core::NewPost draft{*std::move(title), *std::move(text), is_published.value_or(true),
                      description.value_or(core::PostDescription::from_storage("")),
                      tags.value_or(std::vector<core::Tag>{})};
  auto post = services_.posts.create(actor(ctx), draft);
  if (!post) return std::move(post).error();
  return ok(to_json(*post), 201);
}

HandlerResult Handlers::get_post(const HandlerContext& ctx) const {
  auto id = path_id<core::PostId>(ctx, "id");
  if (!id) return std::move(id).error();
  // The version is read before the post, as for pages.
  const auto key = kept_pages_.post_key(id->to_string(), ctx.principal, core::PublicReadVersion::Io::allowed);
  if (key) {
    if (auto kept = kept_pages_.find_post(*key)) return kept_reply(*std::move(kept));
  }
  auto post = services_.posts.get(ctx.principal, *id);
  if (!post) return std::move(post).error();
  Reply reply = ok(to_json(*post));
  if (!key) return reply;
  auto rendered = std::make_shared<const std::string>(render_envelope(reply));
  kept_pages_.keep_post(*key, rendered);
  return kept_reply(std::move(rendered));
}

std::optional<Reply> Handlers::kept_post(const HandlerContext& ctx) const noexcept {
  try {
    auto id = path_id<core::PostId>(ctx, "id");
    if (!id) return std::nullopt;
    const auto key =
        kept_pages_.post_key(id->to_string(), ctx.principal, core::PublicReadVersion::Io::forbidden);
    if (!key) return std::nullopt;
    const auto kept = kept_pages_.find_post(*key);
    if (!kept) return std::nullopt;
    return kept_reply(*std::move(kept));
  } catch (...) {  // NOLINT(bugprone-empty-catch): get_post then answers, and reports what failed
    return std::nullopt;
  }
}

HandlerResult Handlers::patch_post(const HandlerContext& ctx) const {
  auto id = path_id<core::PostId>(ctx, "id");
  if (!id) return std::move(id).error();
  BodyReader body(*ctx.body);
  body.allow_only({"title", "description", "body", "tags", "is_published"});
  core::PostPatch patch;
  patch.title = body.parse_as<core::PostTitle>("title", body.optional_string("title"));
  patch.description =
      body.parse_as<core::PostDescription>("description", body.optional_string("description"));
  patch.body = body.parse_as<core::PostBody>("body", body.optional_string("body"));
  patch.tags = body.parse_each_as<core::Tag>("tags", body.optional_string_array("tags"));
  patch.is_published = body.optional_bool("is_published");
  if (auto checked = body.finish(); !checked) return checked.error();
  if (!patch.title && !patch.description && !patch.body && !patch.tags && !patch.is_published) {
    core::Error error;
    error.code = core::ErrorCode::invalid_input;
    error.message = "at least one of title, description, body, tags, is_published is required";
    return error;
  }

  auto post = services_.posts.update(actor(ctx), *id, patch);
  if (!post) return std::move(post).error();
  return ok(to_json(*post));
}

HandlerResult Handlers::delete_post(const HandlerContext& ctx) const {
  auto id = path_id<core::PostId>(ctx, "id");
  if (!id) return std::move(id).error();
  if (auto done = services_.posts.remove(actor(ctx), *id); !done) return std::move(done).error();
  return no_content();
}

HandlerResult Handlers::get_post_by_slug(const HandlerContext& ctx) const {
  auto slug = core::Slug::parse(ctx.path.find("slug").value_or(std::string_view{}));
  if (!slug) return named(std::move(slug).error(), "slug");
  auto post = services_.posts.get_by_slug(ctx.principal, *slug);
  if (!post) return std::move(post).error();
  return ok(to_json(*post));
}

HandlerResult Handlers::like_post(const HandlerContext& ctx) const {
  auto id = path_id<core::PostId>(ctx, "id");
  if (!id) return std::move(id).error();
  auto post = services_.posts.like(actor(ctx), *id);
  if (!post) return std::move(post).error();
  return ok(to_json(*post));
}

HandlerResult Handlers::unlike_post(const HandlerContext& ctx) const {
  auto id = path_id<core::PostId>(ctx, "id");
  if (!id) return std::move(id).error();
  auto post = services_.posts.unlike(actor(ctx), *id);
  if (!post) return std::move(post).error();
  return ok(to_json(*post));
}

HandlerResult Handlers::list_comments(const HandlerContext& ctx) const {
  auto id = path_id<core::PostId>(ctx, "id");
  if (!id) return std::move(id).error();
  auto page = read_page(ctx.query);
  if (!page) return std::move(page).error();

  auto comments = services_.comments.list(ctx.principal, *id, *page);
  if (!comments) return std::move(comments).error();
  return page_reply(*comments, *page);
}

HandlerResult Handlers::create_comment(const HandlerContext& ctx) const {
  auto id = path_id<core::PostId>(ctx, "id");
  if (!id) return std::move(id).error();
  BodyReader body(*ctx.body);
  body.allow_only({"body"});
  auto text = body.parse_as<core::CommentBody>("body", body.required_string("body"));
  if (auto checked = body.finish(); !checked) return checked.error();

  auto comment = services_.comments.create(actor(ctx), *id, *text);
  if (!comment) return std::move(comment).error();
  return ok(to_json(*comment), 201);
}

HandlerResult Handlers::delete_comment(const HandlerContext& ctx) const {
  auto post_id = path_id<core::PostId>(ctx, "id");
  if (!post_id) return std::move(post_id).error();
  auto comment_id = path_id<core::CommentId>(ctx, "comment_id");
  if (!comment_id) return std::move(comment_id).error();
  if (auto done = services_.comments.remove(actor(ctx), *post_id, *comment_id); !done) {
    return std::move(done).error();
  }
  return no_content();
}

HandlerResult Handlers::block_user(const HandlerContext& ctx) const {
  auto id = path_id<core::UserId>(ctx, "id");
  if (!id) return std::move(id).error();
  auto user = services_.admin.block(actor(ctx), *id, core::RequestContext{std::string(ctx.request_id)});
  if (!user) return std::move(user).error();
  return ok(to_json(*user, true));
}

HandlerResult Handlers::unblock_user(const HandlerContext& ctx) const {
  auto id = path_id<core::UserId>(ctx, "id");
  if (!id) return std::move(id).error();
  auto user = services_.admin.unblock(actor(ctx), *id, core::RequestContext{std::string(ctx.request_id)});
  if (!user) return std::move(user).error();
  return ok(to_json(*user, true));
}

HandlerResult Handlers::set_role(const HandlerContext& ctx) const {
  auto id = path_id<core::UserId>(ctx, "id");
  if (!id) return std::move(id).error();
  BodyReader body(*ctx.body);
  body.allow_only({"role"});
  auto raw_role = body.required_string("role");
  std::optional<core::Role> role;
  if (raw_role) {
    if (auto parsed = core::parse_role(*raw_role)) {
      role = *parsed;
    } else {
      body.reject("role", parsed.error());
    }
  }
  if (auto checked = body.finish(); !checked) return checked.error();

  auto user =
      services_.admin.set_role(actor(ctx), *id, *role, core::RequestContext{std::string(ctx.request_id)});
  if (!user) return std::move(user).error();
  return ok(to_json(*user, true));
}

HandlerResult Handlers::list_audit(const HandlerContext& ctx) const {
  auto page = read_page(ctx.query);
  if (!page) return std::move(page).error();
  auto entries = services_.admin.audit_trail(actor(ctx), *page);
  if (!entries) return std::move(entries).error();
  return page_reply(*entries, *page);
}

}  // namespace parley::http
