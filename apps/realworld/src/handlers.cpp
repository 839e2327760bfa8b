// The RealWorld handlers: RealWorld JSON in, core value types, one service call (two where
// RealWorld names a post by slug and the service takes its id), RealWorld JSON out.
#include "handlers.hpp"

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include "parley/core/domain/paging.hpp"
#include "parley/core/domain/social.hpp"
#include "parley/http/dto.hpp"
#include "parley/realworld/wire.hpp"

namespace parley::realworld {

namespace {

using http::HandlerContext;
using http::HandlerResult;

// RealWorld returns every comment of an article at once; Parley reads them a page at a time
// and stops after this many pages, so one request stays bounded.
constexpr std::int64_t kMaxCommentPages = 10;

http::Reply reply(std::string_view key, boost::json::value value, unsigned status = 200) {
  boost::json::object document;
  document[key] = std::move(value);
  http::Reply out;
  out.status = status;
  out.data = std::move(document);
  return out;
}

http::Reply no_content() {
  http::Reply out;
  out.status = 204;
  return out;
}

// Routes that require authentication are only dispatched with a principal.
const core::Principal& actor(const HandlerContext& ctx) {
  return *ctx.principal;
}

// Core names its own fields ("tags"); RealWorld's body names some differently ("tagList").
core::Error renamed(core::Error error, std::string_view from, std::string_view to) {
  if (const auto it = error.details.find(from); it != error.details.end()) {
    std::string reason = std::move(it->second);
    error.details.erase(it);
    error.details.insert_or_assign(std::string(to), std::move(reason));
  }
  return error;
}

// The object RealWorld wraps every request body in: {"user": {...}}, {"article": {...}}.
core::Result<const boost::json::object*> inner(const HandlerContext& ctx, std::string_view key) {
  const auto* value = ctx.body->if_contains(key);
  if (value == nullptr) return core::Error::invalid(std::string(key), "is required");
  const auto* object = value->if_object();
  if (object == nullptr) return core::Error::invalid(std::string(key), "must be an object");
  return object;
}

// Collects every field-level problem of a query string, so a client learns of all at once.
class QueryErrors {
 public:
  void add(std::string_view field, const core::Error& error) {
    const std::string reason = error.details.empty() ? error.message : error.details.begin()->second;
    details_.try_emplace(std::string(field), reason);
  }
  [[nodiscard]] core::Status finish() const {
    if (details_.empty()) return {};
    core::Error error;
    error.code = core::ErrorCode::invalid_input;
    error.message = "invalid query";
    for (const auto& [field, reason] : details_)
      error.details.emplace(field, reason);
    return error;
  }

 private:
  std::map<std::string, std::string, std::less<>> details_;
};

// `limit` and `offset` (RealWorld's defaults and bounds are core's: PageRequest::at_offset).
core::Result<core::PageRequest> read_page(const http::Params& query) {
  QueryErrors errors;
  auto offset = query_integer(query, "offset");
  auto limit = query_integer(query, "limit");
  if (!offset) errors.add("offset", offset.error());
  if (!limit) errors.add("limit", limit.error());
  if (auto checked = errors.finish(); !checked) return std::move(checked).error();
  return core::PageRequest::at_offset(*offset, *limit);
}

// Parses an optional query parameter as a core value type, filing its reason under `field`.
template <class T>
std::optional<T> query_value(const http::Params& query, std::string_view field, QueryErrors& errors) {
  const auto raw = query.find(field);
  if (!raw) return std::nullopt;
  auto parsed = T::parse(*raw);
  if (!parsed) {
    errors.add(field, parsed.error());
    return std::nullopt;
  }
  return std::move(parsed).value();
}

// A path segment that is not even a well-formed name cannot name anything: 404, as for one
// that names nothing.
core::Result<core::Username> path_username(const HandlerContext& ctx) {
  auto username = core::Username::parse(ctx.path.find("username").value_or(std::string_view{}));
  if (!username) return core::Error::not_found("profile not found");
  return std::move(username).value();
}

// Tags of a request body as core value types; the service orders and de-duplicates them.
std::optional<std::vector<core::Tag>> read_tags(http::BodyReader& body) {
  return body.parse_each_as<core::Tag>("tagList", body.optional_string_array("tagList"));
}

boost::json::array article_list(const std::vector<core::PostView>& views) {
  boost::json::array articles;
  articles.reserve(views.size());
  for (const auto& view : views)
    articles.emplace_back(article_json(view));
  return articles;
}

http::Reply article_page(const core::PostPage& page) {
  http::Reply out = reply("articles", article_list(page.items));
  out.data->as_object()["articlesCount"] = page.total;
  return out;
}

}  // namespace

// Registration answers with a signed-in user, as RealWorld clients expect: sign up, then log in.
HandlerResult Handlers::register_user(const HandlerContext& ctx) const {
  auto user = inner(ctx, "user");
  if (!user) return std::move(user).error();
  http::BodyReader body(**user);
  auto email = body.parse_as<core::Email>("email", body.required_string("email"));
  auto username = body.parse_as<core::Username>("username", body.required_string("username"));
  auto password = body.parse_as<core::Password>("password", body.required_string("password"));
  if (auto checked = body.finish(); !checked) return std::move(checked).error();

  auto created = services_.auth.sign_up(core::SignUp{*email, *std::move(username), *password});
  if (!created) return std::move(created).error();
  auto session = services_.auth.log_in(*email, *password);
  if (!session) return std::move(session).error();
  return reply("user", user_json(session->user, session->access_token), 201);
}

HandlerResult Handlers::log_in(const HandlerContext& ctx) const {
  auto user = inner(ctx, "user");
  if (!user) return std::move(user).error();
  http::BodyReader body(**user);
  auto email = body.parse_as<core::Email>("email", body.required_string("email"));
  auto raw_password = body.required_string("password");
  if (auto checked = body.finish(); !checked) return std::move(checked).error();

  // A string that could never be a password cannot match one: same answer as a wrong one.
  auto password = core::Password::parse(*raw_password);
  if (!password) return core::Error::unauthorized("invalid email or password");
  auto session = services_.auth.log_in(*email, *password);
  if (!session) return std::move(session).error();
  return reply("user", user_json(session->user, session->access_token));
}

HandlerResult Handlers::current_user(const HandlerContext& ctx) const {
  auto user = services_.users.get(actor(ctx).user_id);
  if (!user) return std::move(user).error();
  return reply("user", user_json(*user, ctx.access_token));
}

// RealWorld sends a new password alone; core asks for the current one with it, which this
// frontend takes as the extra member "current_password" (core's 422 names it when missing).
HandlerResult Handlers::update_user(const HandlerContext& ctx) const {
  auto user = inner(ctx, "user");
  if (!user) return std::move(user).error();
  http::BodyReader body(**user);
  core::ProfilePatch patch;
  patch.email = body.parse_as<core::Email>("email", body.optional_string("email"));
  patch.username = body.parse_as<core::Username>("username", body.optional_string("username"));
  patch.bio = body.parse_as<core::Bio>("bio", body.optional_string_or_null("bio"));
  patch.image = body.parse_as<core::ImageUrl>("image", body.optional_string_or_null("image"));
  patch.password = body.parse_as<core::Password>("password", body.optional_string("password"));
  patch.current_password =
      body.parse_as<core::Password>("current_password", body.optional_string("current_password"));
  if (auto checked = body.finish(); !checked) return std::move(checked).error();

  auto updated = services_.users.update(actor(ctx), actor(ctx).user_id, patch);
  if (!updated) return std::move(updated).error();
  return reply("user", user_json(*updated, ctx.access_token));
}

HandlerResult Handlers::get_profile(const HandlerContext& ctx) const {
  auto username = path_username(ctx);
  if (!username) return std::move(username).error();
  auto profile = services_.profiles.get(ctx.principal, core::UserRef{*std::move(username)});
  if (!profile) return std::move(profile).error();
  return reply("profile", profile_json(*profile));
}

HandlerResult Handlers::follow(const HandlerContext& ctx) const {
  auto username = path_username(ctx);
  if (!username) return std::move(username).error();
  auto profile = services_.profiles.follow(actor(ctx), core::UserRef{*std::move(username)});
  if (!profile) return std::move(profile).error();
  return reply("profile", profile_json(*profile));
}

HandlerResult Handlers::unfollow(const HandlerContext& ctx) const {
  auto username = path_username(ctx);
  if (!username) return std::move(username).error();
  auto profile = services_.profiles.unfollow(actor(ctx), core::UserRef{*std::move(username)});
  if (!profile) return std::move(profile).error();
  return reply("profile", profile_json(*profile));
}

namespace {

core::Result<core::PostListing> read_listing(const http::Params& query) {
  auto page = read_page(query);
  if (!page) return std::move(page).error();
  QueryErrors errors;
  core::PostListing listing;
  listing.page = *page;
  if (auto author = query_value<core::Username>(query, "author", errors)) listing.author = *std::move(author);
  if (auto fan = query_value<core::Username>(query, "favorited", errors)) listing.liked_by = *std::move(fan);
  listing.tag = query_value<core::Tag>(query, "tag", errors);
  if (auto checked = errors.finish(); !checked) return std::move(checked).error();
  return listing;
}

}  // namespace

std::string render_document(const http::Reply& reply) {
  return boost::json::serialize(*reply.data);
}

HandlerResult Handlers::list_articles(const HandlerContext& ctx) const {
  auto listing = read_listing(ctx.query);
  if (!listing) return std::move(listing).error();
  // As the native feed's (http::Handlers::list_posts): the version first, then the page.
  const auto key = kept_pages_.key(*listing, ctx.principal, core::PublicReadVersion::Io::allowed);
  if (key) {
    if (auto kept = kept_pages_.find(*key)) return http::kept_reply(*std::move(kept));
  }
  auto found = services_.posts.list(ctx.principal, *listing);
  if (!found) return std::move(found).error();
  http::Reply reply = article_page(*found);
  if (!key) return reply;
  auto rendered = std::make_shared<const std::string>(render_document(reply));
  kept_pages_.keep(*key, rendered);
  return http::kept_reply(std::move(rendered));
}

std::optional<http::Reply> Handlers::kept_articles(const HandlerContext& ctx) const noexcept {
  try {
    auto listing = read_listing(ctx.query);
    if (!listing) return std::nullopt;
    const auto key = kept_pages_.key(*listing, ctx.principal, core::PublicReadVersion::Io::forbidden);
    if (!key) return std::nullopt;
    const auto kept = kept_pages_.find(*key);
    if (!kept) return std::nullopt;
    return http::kept_reply(*std::move(kept));
  } catch (...) {  // NOLINT(bugprone-empty-catch): list_articles then answers, and reports what failed
    return std::nullopt;
  }
}

HandlerResult Handlers::feed(const HandlerContext& ctx) const {
  auto page = read_page(ctx.query);
  if (!page) return std::move(page).error();
  auto found = services_.posts.feed(actor(ctx), *page, std::nullopt);
  if (!found) return std::move(found).error();
  return article_page(*found);
}

namespace {

// The article a path's {slug} names, as `viewer` may see it; not_found for a malformed slug.
core::Result<core::PostView> find_article(core::PostService& posts, const HandlerContext& ctx) {
  auto slug = core::Slug::parse(ctx.path.find("slug").value_or(std::string_view{}));
  if (!slug) return core::Error::not_found("article not found");
  return posts.get_by_slug(ctx.principal, *slug);
}

}  // namespace

HandlerResult Handlers::create_article(const HandlerContext& ctx) const {
  auto article = inner(ctx, "article");
  if (!article) return std::move(article).error();
  http::BodyReader body(**article);
  auto title = body.parse_as<core::PostTitle>("title", body.required_string("title"));
  auto description = body.parse_as<core::PostDescription>("description", body.optional_string("description"));
  auto text = body.parse_as<core::PostBody>("body", body.required_string("body"));
  auto tags = read_tags(body);
  if (auto checked = body.finish(); !checked) return std::move(checked).error();

  const core::NewPost post{.title = *std::move(title),
                           .body = *std::move(text),
                           .is_published = true,
                           .description = description.value_or(core::PostDescription::from_storage("")),
                           .tags = tags.value_or(std::vector<core::Tag>{})};
  auto created = services_.posts.create(actor(ctx), post);
  if (!created) return renamed(std::move(created).error(), "tags", "tagList");
  return reply("article", article_json(*created), 201);
}

HandlerResult Handlers::get_article(const HandlerContext& ctx) const {
  // As the native post's (http::Handlers::get_post): the version first, then the article.
  const auto key = article_key(ctx, core::PublicReadVersion::Io::allowed);
  if (key) {
    if (auto kept = kept_pages_.find_post(*key)) return http::kept_reply(*std::move(kept));
  }
  auto found = find_article(services_.posts, ctx);
  if (!found) return std::move(found).error();
  http::Reply answer = reply("article", article_json(*found));
  if (!key) return answer;
  auto rendered = std::make_shared<const std::string>(render_document(answer));
  kept_pages_.keep_post(*key, rendered);
  return http::kept_reply(std::move(rendered));
}

std::optional<http::Reply> Handlers::kept_article(const HandlerContext& ctx) const noexcept {
  try {
    const auto key = article_key(ctx, core::PublicReadVersion::Io::forbidden);
    if (!key) return std::nullopt;
    const auto kept = kept_pages_.find_post(*key);
    if (!kept) return std::nullopt;
    return http::kept_reply(*std::move(kept));
  } catch (...) {  // NOLINT(bugprone-empty-catch): get_article then answers, and reports what failed
    return std::nullopt;
  }
}

std::optional<std::string> Handlers::article_key(const HandlerContext& ctx,
                                                 core::PublicReadVersion::Io io) const {
  auto slug = core::Slug::parse(ctx.path.find("slug").value_or(std::string_view{}));
  if (!slug) return std::nullopt;
  return kept_pages_.post_key("slug:" + slug->str(), ctx.principal, io);
}

HandlerResult Handlers::update_article(const HandlerContext& ctx) const {
  auto article = inner(ctx, "article");
  if (!article) return std::move(article).error();
  http::BodyReader body(**article);
  core::PostPatch patch;
  patch.title = body.parse_as<core::PostTitle>("title", body.optional_string("title"));
  patch.description =
      body.parse_as<core::PostDescription>("description", body.optional_string("description"));
  patch.body = body.parse_as<core::PostBody>("body", body.optional_string("body"));
  patch.tags = read_tags(body);
  if (auto checked = body.finish(); !checked) return std::move(checked).error();

  auto found = find_article(services_.posts, ctx);
  if (!found) return std::move(found).error();
  auto updated = services_.posts.update(actor(ctx), found->post.id, patch);
  if (!updated) return renamed(std::move(updated).error(), "tags", "tagList");
  return reply("article", article_json(*updated));
}

HandlerResult Handlers::delete_article(const HandlerContext& ctx) const {
  auto found = find_article(services_.posts, ctx);
  if (!found) return std::move(found).error();
  if (auto removed = services_.posts.remove(actor(ctx), found->post.id); !removed) {
    return std::move(removed).error();
  }
  return no_content();
}

HandlerResult Handlers::favorite(const HandlerContext& ctx) const {
  auto found = find_article(services_.posts, ctx);
  if (!found) return std::move(found).error();
  auto liked = services_.posts.like(actor(ctx), found->post.id);
  if (!liked) return std::move(liked).error();
  return reply("article", article_json(*liked));
}

HandlerResult Handlers::unfavorite(const HandlerContext& ctx) const {
  auto found = find_article(services_.posts, ctx);
  if (!found) return std::move(found).error();
  auto unliked = services_.posts.unlike(actor(ctx), found->post.id);
  if (!unliked) return std::move(unliked).error();
  return reply("article", article_json(*unliked));
}

HandlerResult Handlers::list_comments(const HandlerContext& ctx) const {
  auto found = find_article(services_.posts, ctx);
  if (!found) return std::move(found).error();
  boost::json::array comments;
  for (std::int64_t number = 1; number <= kMaxCommentPages; ++number) {
    auto page = core::PageRequest::make(number, core::PageRequest::kMaxSize);
    if (!page) return std::move(page).error();
    auto listed = services_.comments.list(ctx.principal, found->post.id, *page);
    if (!listed) return std::move(listed).error();
    for (const auto& view : listed->items)
      comments.emplace_back(comment_json(view));
    if (listed->items.empty() || static_cast<std::int64_t>(comments.size()) >= listed->total) break;
  }
  return reply("comments", std::move(comments));
}

HandlerResult Handlers::add_comment(const HandlerContext& ctx) const {
  auto comment = inner(ctx, "comment");
  if (!comment) return std::move(comment).error();
  http::BodyReader body(**comment);
  auto text = body.parse_as<core::CommentBody>("body", body.required_string("body"));
  if (auto checked = body.finish(); !checked) return std::move(checked).error();

  auto found = find_article(services_.posts, ctx);
  if (!found) return std::move(found).error();
  auto created = services_.comments.create(actor(ctx), found->post.id, *text);
  if (!created) return std::move(created).error();
  return reply("comment", comment_json(*created));
}

HandlerResult Handlers::delete_comment(const HandlerContext& ctx) const {
  const auto id = core::CommentId::parse(ctx.path.find("id").value_or(std::string_view{}));
  if (!id) return core::Error::not_found("comment not found");
  auto found = find_article(services_.posts, ctx);
  if (!found) return std::move(found).error();
  if (auto removed = services_.comments.remove(actor(ctx), found->post.id, *id); !removed) {
    return std::move(removed).error();
  }
  return no_content();
}

HandlerResult Handlers::tags(const HandlerContext& /*ctx*/) const {
  auto popular = services_.posts.popular_tags();
  if (!popular) return std::move(popular).error();
  boost::json::array names;
  names.reserve(popular->size());
  for (const auto& tag : *popular)
    names.emplace_back(tag.str());
  return reply("tags", std::move(names));
}

}  // namespace parley::realworld
