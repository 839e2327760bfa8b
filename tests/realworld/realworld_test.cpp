// The RealWorld frontend through the real request pipeline (http::Api::handle) over the core
// services, the memory adapter and the fakes: the mapping of every route, the error format,
// and that the native API and the RealWorld one apply the very same rules of core.
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <catch2/catch.hpp>

#include "parley/core/domain/paging.hpp"
#include "parley/core/domain/social.hpp"
#include "parley/core/services/admin_service.hpp"
#include "parley/core/services/auth_service.hpp"
#include "parley/core/services/comment_service.hpp"
#include "parley/core/services/post_service.hpp"
#include "parley/core/services/profile_service.hpp"
#include "parley/core/services/user_service.hpp"
#include "parley/http/api.hpp"
#include "parley/http/rate_limit.hpp"
#include "parley/memory/memory_audit_log.hpp"
#include "parley/memory/memory_comment_repository.hpp"
#include "parley/memory/memory_follow_repository.hpp"
#include "parley/memory/memory_like_repository.hpp"
#include "parley/memory/memory_post_repository.hpp"
#include "parley/memory/memory_rate_limiter.hpp"
#include "parley/memory/memory_store.hpp"
#include "parley/memory/memory_token_store.hpp"
#include "parley/memory/memory_user_repository.hpp"
#include "parley/realworld/frontend.hpp"
#include "parley/testing/fakes.hpp"

namespace parley::realworld {
namespace {

using boost::json::array;
using boost::json::object;
using boost::json::value;

// The reason core gives for a value it refuses: what both APIs must repeat verbatim.
template <class T>
std::string core_reason(const core::Result<T>& result, std::string_view field) {
  REQUIRE_FALSE(static_cast<bool>(result));
  const auto it = result.error().details.find(field);
  REQUIRE(it != result.error().details.end());
  return it->second;
}

struct Answer {
  http::Response response;
  value json;  // null when the body is empty

  [[nodiscard]] unsigned status() const { return response.status; }
  [[nodiscard]] const object& doc() const { return json.as_object(); }
  // RealWorld's {"errors": {field: [reason]}}: the first reason of `field`.
  [[nodiscard]] std::string error(std::string_view field) const {
    const auto* errors = json.as_object().if_contains("errors");
    REQUIRE(errors != nullptr);
    const auto* reasons = errors->as_object().if_contains(field);
    INFO(boost::json::serialize(json));
    REQUIRE(reasons != nullptr);
    REQUIRE_FALSE(reasons->as_array().empty());
    return std::string(reasons->as_array().front().as_string());
  }
  // The native envelope's error.details[field].
  [[nodiscard]] std::string native_detail(std::string_view field) const {
    INFO(boost::json::serialize(json));
    const auto& details = json.at("error").at("details").as_object();
    REQUIRE(details.contains(field));
    return std::string(details.at(field).as_string());
  }
};

// Every service over the memory adapter, behind one Api with the RealWorld frontend mounted.
struct World {
  explicit World(std::optional<http::RateLimitSettings> limits = std::nullopt, bool mount = true) {
    if (limits) rate_limits = std::make_unique<http::RateLimits>(limiter, *limits);
    std::vector<http::Frontend> frontends;
    if (mount)
      frontends.push_back(make_frontend(Services{auth, user_service, profiles, post_service, comments}));
    api = std::make_unique<http::Api>(
        http::Services{auth, user_service, post_service, comments, admin, profiles}, ids,
        [] { return std::vector<http::DependencyCheck>{}; },
        http::ApiOptions{.cors_origins = {},
                         .rate_limits = rate_limits.get(),
                         .metrics = nullptr,
                         .metrics_on_admin_listener = false,
                         .frontends = std::move(frontends)});
  }

  Answer call(std::string method, std::string target, std::string_view body = {},
              std::string_view authorization = {}, std::string content_type = "application/json") const {
    http::Request request;
    request.method = std::move(method);
    request.target = std::move(target);
    request.client_ip = "127.0.0.1";
    if (!body.empty()) {
      request.body = std::string(body);
      request.headers.add("Content-Type", std::move(content_type));
    }
    if (!authorization.empty()) request.headers.add("Authorization", std::string(authorization));
    Answer answer{api->handle(request), nullptr};
    if (!answer.response.body.empty()) answer.json = boost::json::parse(answer.response.body.view());
    return answer;
  }

  // Registers through RealWorld; the token of the answer.
  std::string register_user(std::string_view name) const {
    const Answer answer =
        call("POST", "/api/users",
             R"({"user":{"email":")" + std::string(name) + R"(@example.com","password":"password-)" +
                 std::string(name) + R"(","username":")" + std::string(name) + R"("}})");
    INFO(answer.response.body);
    REQUIRE(answer.status() == 201);
    return std::string(answer.doc().at("user").at("token").as_string());
  }

  testing::FakeClock clock;
  testing::SequentialIds ids;
  memory::MemoryStore store;
  memory::MemoryUserRepository users{store};
  memory::MemoryPostRepository posts{store};
  memory::MemoryCommentRepository comment_repository{store};
  memory::MemoryLikeRepository likes{store};
  memory::MemoryFollowRepository follows{store};
  memory::MemoryAuditLog audit{store};
  memory::MemoryTokenStore tokens{clock};
  memory::MemoryRateLimiter limiter{clock};
  testing::FakePasswordHasher hasher;
  testing::FakeTokenSigner signer;
  testing::FakeOpaqueTokens opaque;
  core::AuthService auth{core::AuthConfig{}, users, tokens, hasher, signer, opaque, clock, ids};
  core::UserService user_service{users, tokens, hasher, clock};
  core::PostService post_service{posts, users, likes, follows, clock, ids};
  core::CommentService comments{posts, comment_repository, users, follows, clock, ids};
  core::AdminService admin{users, tokens, audit, clock, ids};
  core::ProfileService profiles{users, follows};
  std::unique_ptr<http::RateLimits> rate_limits;
  std::unique_ptr<http::Api> api;
};

std::string token_header(const std::string& token) {
  return "Token " + token;
}

TEST_CASE("registering answers 201 with a signed-in user whose token works as Token and as Bearer",
          "[realworld]") {
  const World world;
  const Answer registered =
      world.call("POST", "/api/users",
                 R"({"user":{"email":"Jake@Jake.jake","password":"jakejakejake","username":"jake"}})");
  REQUIRE(registered.status() == 201);
  const auto& user = registered.doc().at("user").as_object();
  CHECK(user.at("email").as_string() == "jake@jake.jake");  // core lowercases emails
  CHECK(user.at("username").as_string() == "jake");
  CHECK(user.at("bio").as_string().empty());
  CHECK(user.at("image").is_null());
  const std::string token(user.at("token").as_string());
  REQUIRE_FALSE(token.empty());

  for (const std::string scheme : {"Token ", "Bearer ", "token "}) {
    const Answer me = world.call("GET", "/api/user", {}, scheme + token);
    INFO(scheme);
    REQUIRE(me.status() == 200);
    CHECK(me.doc().at("user").at("username").as_string() == "jake");
    CHECK(me.doc().at("user").at("token").as_string() == token);
  }

  const Answer anonymous = world.call("GET", "/api/user");
  CHECK(anonymous.status() == 401);
  CHECK_FALSE(anonymous.error("credentials").empty());
  CHECK(anonymous.response.headers.find("WWW-Authenticate") == std::optional<std::string_view>("Token"));
  CHECK(world.call("GET", "/api/user", {}, "Basic " + token).status() == 401);
  CHECK(world.call("GET", "/api/user", {}, "Token not-a-token").status() == 401);

  const Answer login = world.call("POST", "/api/users/login",
                                  R"({"user":{"email":"jake@jake.jake","password":"jakejakejake"}})");
  REQUIRE(login.status() == 200);
  CHECK(world
            .call("GET", "/api/user", {},
                  token_header(std::string(login.doc().at("user").at("token").as_string())))
            .status() == 200);
  const Answer wrong = world.call("POST", "/api/users/login",
                                  R"({"user":{"email":"jake@jake.jake","password":"wrong-password"}})");
  CHECK(wrong.status() == 401);
  CHECK_FALSE(wrong.error("credentials").empty());
}

TEST_CASE("invalid input is a 422 that names the field with core's own reason", "[realworld]") {
  const World world;
  const Answer bad_email =
      world.call("POST", "/api/users",
                 R"({"user":{"email":"not-an-email","password":"jakejakejake","username":"jake"}})");
  CHECK(bad_email.status() == 422);
  CHECK(bad_email.error("email") == core_reason(core::Email::parse("not-an-email"), "email"));

  const Answer short_password = world.call(
      "POST", "/api/users", R"({"user":{"email":"a@b.example","password":"short","username":"jake"}})");
  CHECK(short_password.status() == 422);
  CHECK(short_password.error("password") == core_reason(core::Password::parse("short"), "password"));

  const Answer missing =
      world.call("POST", "/api/users", R"({"user":{"email":"a@b.example","username":"jake"}})");
  CHECK(missing.status() == 422);
  CHECK(missing.error("password") == "is required");

  const Answer unwrapped = world.call(
      "POST", "/api/users", R"({"email":"a@b.example","password":"jakejakejake","username":"jake"})");
  CHECK(unwrapped.status() == 422);
  CHECK(unwrapped.error("user") == "is required");

  world.register_user("jake");
  const Answer taken =
      world.call("POST", "/api/users",
                 R"({"user":{"email":"other@example.com","password":"jakejakejake","username":"JAKE"}})");
  CHECK(taken.status() == 422);  // core's conflict, as RealWorld reports it
  CHECK_FALSE(taken.error("username").empty());

  const Answer malformed = world.call("POST", "/api/users", R"({"user":)");
  CHECK(malformed.status() == 422);
  CHECK_FALSE(malformed.error("body").empty());

  const Answer text = world.call("POST", "/api/users", "user=jake", {}, "text/plain");
  CHECK(text.status() == 415);
  CHECK_FALSE(text.error("request").empty());

  const Answer patch = world.call("PATCH", "/api/user", R"({"user":{}})");
  CHECK(patch.status() == 405);
  CHECK(patch.response.headers.find("Allow") == std::optional<std::string_view>("GET, PUT, OPTIONS"));
  CHECK_FALSE(patch.error("request").empty());

  const Answer bad_limit = world.call("GET", "/api/articles?limit=0");
  CHECK(bad_limit.status() == 422);
  CHECK(bad_limit.error("limit") == core_reason(core::PageRequest::at_offset(0, 0), "limit"));
  const Answer bad_offset =
      world.call("GET", "/api/articles/feed?offset=-1", {}, token_header(world.register_user("amy")));
  CHECK(bad_offset.status() == 422);
  CHECK(bad_offset.error("offset") == core_reason(core::PageRequest::at_offset(-1, 10), "offset"));
  CHECK(world.call("GET", "/api/articles?limit=ten").error("limit") == "must be an integer");
}

TEST_CASE("one rule, two APIs: what core refuses, both frontends refuse with core's reason",
          "[realworld][shared]") {
  const World world;
  const std::string token = world.register_user("jake");

  // Titles core refuses: too long, and blank. Neither frontend knows the limits.
  for (const std::string& title : {std::string(201, 'x'), std::string("   ")}) {
    const std::string reason = core_reason(core::PostTitle::parse(title), "title");
    const Answer native =
        world.call("POST", "/api/v1/posts", R"({"title":")" + title + R"(","body":"Very carefully."})",
                   "Bearer " + token);
    CHECK(native.status() == 400);
    CHECK(native.native_detail("title") == reason);
    const Answer conduit = world.call("POST", "/api/articles",
                                      R"({"article":{"title":")" + title + R"(","body":"Very carefully."}})",
                                      token_header(token));
    CHECK(conduit.status() == 422);
    CHECK(conduit.error("title") == reason);
  }

  // More distinct tags than a post may have: core's normalize_tags decides, in the service.
  std::vector<core::Tag> many;
  std::string list;
  for (std::size_t i = 0; i <= core::kMaxTags; ++i) {
    many.push_back(*core::Tag::parse("tag" + std::to_string(i)));
    list += (i == 0 ? "\"tag" : ",\"tag") + std::to_string(i) + "\"";
  }
  const std::string reason = core_reason(core::normalize_tags(many), "tags");
  const Answer native = world.call("POST", "/api/v1/posts",
                                   R"({"title":"Tags","body":"b","tags":[)" + list + "]}", "Bearer " + token);
  CHECK(native.status() == 400);
  CHECK(native.native_detail("tags") == reason);
  const Answer conduit =
      world.call("POST", "/api/articles",
                 R"({"article":{"title":"Tags","body":"b","tagList":[)" + list + "]}}", token_header(token));
  CHECK(conduit.status() == 422);
  CHECK(conduit.error("tagList") == reason);

  // And a tag core refuses on its own (a comma).
  const std::string bad_tag_reason = core_reason(core::Tag::parse("a,b"), "tags");
  CHECK(world
            .call("POST", "/api/articles", R"({"article":{"title":"T","body":"b","tagList":["a,b"]}})",
                  token_header(token))
            .error("tagList") == bad_tag_reason);
  CHECK(world.call("POST", "/api/v1/posts", R"({"title":"T","body":"b","tags":["a,b"]})", "Bearer " + token)
            .native_detail("tags") == bad_tag_reason);
}

TEST_CASE("a Conduit session: articles, tags, favorites, follows, the feed and comments", "[realworld]") {
  World world;
  const std::string jake = world.register_user("jake");
  const std::string celeb = world.register_user("celeb");

  const Answer created = world.call(
      "POST", "/api/articles",
      R"({"article":{"title":"How to train your dragon","description":"Ever wonder how?","body":"Very carefully.","tagList":["training","dragons","Dragons"]}})",
      token_header(celeb));
  REQUIRE(created.status() == 201);
  const auto& article = created.doc().at("article").as_object();
  const std::string slug(article.at("slug").as_string());
  CHECK(slug.rfind("how-to-train-your-dragon-", 0) == 0);
  CHECK(article.at("tagList").as_array() == array{"dragons", "training"});
  CHECK(article.at("description").as_string() == "Ever wonder how?");
  CHECK(article.at("favorited") == false);
  CHECK(article.at("favoritesCount") == 0);
  CHECK(article.at("author").at("username").as_string() == "celeb");

  const Answer anonymous = world.call("GET", "/api/articles/" + slug);
  REQUIRE(anonymous.status() == 200);
  CHECK(anonymous.doc().at("article").at("body").as_string() == "Very carefully.");

  const Answer favorited = world.call("POST", "/api/articles/" + slug + "/favorite", {}, token_header(jake));
  REQUIRE(favorited.status() == 200);
  CHECK(favorited.doc().at("article").at("favorited") == true);
  CHECK(favorited.doc().at("article").at("favoritesCount") == 1);
  const Answer by_fan = world.call("GET", "/api/articles?favorited=jake", {}, token_header(jake));
  CHECK(by_fan.doc().at("articlesCount") == 1);
  CHECK(by_fan.doc().at("articles").at(0).at("favorited") == true);
  CHECK(world.call("GET", "/api/articles?tag=dragons").doc().at("articles").at(0).at("tagList").at(0) ==
        "dragons");
  CHECK(world.call("GET", "/api/articles?author=celeb").doc().at("articlesCount") == 1);
  CHECK(world.call("GET", "/api/articles?author=nobody").doc().at("articlesCount") == 0);
  CHECK(world.call("GET", "/api/articles?tag=cooking").doc().at("articlesCount") == 0);
  CHECK(world.call("GET", "/api/articles?limit=1&offset=1").doc().at("articles").as_array().empty());

  CHECK(world.call("GET", "/api/articles/feed", {}, token_header(jake)).doc().at("articlesCount") == 0);
  const Answer followed = world.call("POST", "/api/profiles/celeb/follow", {}, token_header(jake));
  REQUIRE(followed.status() == 200);
  CHECK(followed.doc().at("profile").at("following") == true);
  const Answer feed = world.call("GET", "/api/articles/feed", {}, token_header(jake));
  CHECK(feed.doc().at("articlesCount") == 1);
  CHECK(feed.doc().at("articles").at(0).at("author").at("following") == true);
  CHECK(world.call("GET", "/api/profiles/celeb").doc().at("profile").at("following") == false);
  CHECK(
      world.call("GET", "/api/profiles/celeb", {}, token_header(jake)).doc().at("profile").at("following") ==
      true);
  CHECK(world.call("GET", "/api/profiles/nobody").status() == 404);
  CHECK(world.call("GET", "/api/articles/feed").status() == 401);
  const Answer self = world.call("POST", "/api/profiles/jake/follow", {}, token_header(jake));
  CHECK(self.status() == 422);  // core's rule: nobody follows themself
  CHECK_FALSE(self.error("username").empty());

  const Answer commented = world.call("POST", "/api/articles/" + slug + "/comments",
                                      R"({"comment":{"body":"Thank you so much!"}})", token_header(jake));
  REQUIRE(commented.status() == 200);
  const std::string comment_id(commented.doc().at("comment").at("id").as_string());
  CHECK(commented.doc().at("comment").at("author").at("username").as_string() == "jake");
  const Answer listed = world.call("GET", "/api/articles/" + slug + "/comments");
  REQUIRE(listed.status() == 200);
  REQUIRE(listed.doc().at("comments").as_array().size() == 1);
  CHECK(listed.doc().at("comments").at(0).at("body").as_string() == "Thank you so much!");
  const Answer not_yours = world.call("DELETE", "/api/articles/" + slug + "/comments/" + comment_id, {},
                                      token_header(world.register_user("eve")));
  CHECK(not_yours.status() == 403);
  CHECK_FALSE(not_yours.error("permission").empty());
  const Answer removed =
      world.call("DELETE", "/api/articles/" + slug + "/comments/" + comment_id, {}, token_header(jake));
  CHECK(removed.status() == 204);
  CHECK(removed.response.body.empty());
  CHECK(world.call("GET", "/api/articles/" + slug + "/comments").doc().at("comments").as_array().empty());
  CHECK(world.call("DELETE", "/api/articles/" + slug + "/comments/42", {}, token_header(jake)).status() ==
        404);

  const Answer hijack =
      world.call("PUT", "/api/articles/" + slug, R"({"article":{"body":"Mine now"}})", token_header(jake));
  CHECK(hijack.status() == 403);
  const Answer edited = world.call("PUT", "/api/articles/" + slug, R"({"article":{"body":"With two hands"}})",
                                   token_header(celeb));
  REQUIRE(edited.status() == 200);
  CHECK(edited.doc().at("article").at("slug").as_string() == slug);  // the body does not move the slug
  CHECK(edited.doc().at("article").at("body").as_string() == "With two hands");
  const Answer renamed =
      world.call("PUT", "/api/articles/" + slug, R"({"article":{"title":"Did you train your dragon?"}})",
                 token_header(celeb));
  REQUIRE(renamed.status() == 200);
  const std::string new_slug(renamed.doc().at("article").at("slug").as_string());
  CHECK(new_slug.rfind("did-you-train-your-dragon-", 0) == 0);
  CHECK(world.call("GET", "/api/articles/" + slug).status() == 404);

  const Answer unfavorited =
      world.call("DELETE", "/api/articles/" + new_slug + "/favorite", {}, token_header(jake));
  CHECK(unfavorited.doc().at("article").at("favorited") == false);
  CHECK(unfavorited.doc().at("article").at("favoritesCount") == 0);

  const Answer tags = world.call("GET", "/api/tags");
  REQUIRE(tags.status() == 200);
  CHECK(tags.doc().at("tags").as_array().size() == 2);

  CHECK(world.call("DELETE", "/api/articles/" + new_slug, {}, token_header(jake)).status() == 403);
  const Answer deleted = world.call("DELETE", "/api/articles/" + new_slug, {}, token_header(celeb));
  CHECK(deleted.status() == 204);
  const Answer gone = world.call("GET", "/api/articles/" + new_slug);
  CHECK(gone.status() == 404);
  CHECK_FALSE(gone.error("resource").empty());
  CHECK(world.call("GET", "/api/articles/Not_A_Slug!").status() == 404);

  const Answer unfollowed = world.call("DELETE", "/api/profiles/celeb/follow", {}, token_header(jake));
  CHECK(unfollowed.doc().at("profile").at("following") == false);
}

TEST_CASE("updating the user maps RealWorld's fields onto core's profile patch", "[realworld]") {
  const World world;
  const std::string token = world.register_user("jake");
  const Answer updated = world.call(
      "PUT", "/api/user",
      R"({"user":{"email":"jake@new.example","bio":"I like to skateboard","image":"https://i.example/j.png"}})",
      token_header(token));
  REQUIRE(updated.status() == 200);
  const auto& user = updated.doc().at("user").as_object();
  CHECK(user.at("email").as_string() == "jake@new.example");
  CHECK(user.at("bio").as_string() == "I like to skateboard");
  CHECK(user.at("image").as_string() == "https://i.example/j.png");
  CHECK(user.at("token").as_string() == token);

  const Answer cleared = world.call("PUT", "/api/user", R"({"user":{"image":null}})", token_header(token));
  CHECK(cleared.doc().at("user").at("image").is_null());
  const Answer bad_image =
      world.call("PUT", "/api/user", R"({"user":{"image":"ftp://x"}})", token_header(token));
  CHECK(bad_image.status() == 422);
  CHECK(bad_image.error("image") == core_reason(core::ImageUrl::parse("ftp://x"), "image"));

  // Core asks for the current password with a new one.
  const Answer no_current =
      world.call("PUT", "/api/user", R"({"user":{"password":"new-password-1"}})", token_header(token));
  CHECK(no_current.status() == 422);
  CHECK_FALSE(no_current.error("current_password").empty());
  const Answer changed = world.call(
      "PUT", "/api/user", R"({"user":{"password":"new-password-1","current_password":"password-jake"}})",
      token_header(token));
  CHECK(changed.status() == 200);
  CHECK(world
            .call("POST", "/api/users/login",
                  R"({"user":{"email":"jake@new.example","password":"new-password-1"}})")
            .status() == 200);
}

TEST_CASE("both APIs share one store and one set of rules: what one writes, the other reads",
          "[realworld][shared]") {
  const World world;
  const std::string token = world.register_user("jake");
  const Answer native = world.call(
      "POST", "/api/v1/posts", R"({"title":"Native post","body":"b","tags":["Rust"]})", "Bearer " + token);
  REQUIRE(native.status() == 201);
  const std::string id(native.doc().at("data").at("id").as_string());
  const std::string slug(native.doc().at("data").at("slug").as_string());

  const Answer conduit = world.call("GET", "/api/articles/" + slug);
  REQUIRE(conduit.status() == 200);
  CHECK(conduit.doc().at("article").at("title").as_string() == "Native post");
  CHECK(conduit.doc().at("article").at("tagList").as_array() == array{"rust"});

  REQUIRE(world.call("POST", "/api/articles/" + slug + "/favorite", {}, token_header(token)).status() == 200);
  const Answer read_back = world.call("GET", "/api/v1/posts/" + id, {}, "Bearer " + token);
  CHECK(read_back.doc().at("data").at("like_count") == 1);
  CHECK(read_back.doc().at("data").at("liked") == true);

  // The native API keeps its own scheme and envelope.
  CHECK(world.call("GET", "/api/v1/users/me", {}, "Token " + token).status() == 401);
  CHECK(world.call("GET", "/api/v1/users/me", {}, "Bearer " + token).doc().at("status") == "ok");
}

TEST_CASE("RealWorld routes spend the same rate budgets as the native ones", "[realworld]") {
  http::RateLimitSettings limits;
  limits.auth = core::RatePolicy{2, std::chrono::seconds(60)};
  const World world(limits);
  const std::string wrong = R"({"user":{"email":"nobody@example.com","password":"wrong-password"}})";
  CHECK(world.call("POST", "/api/users/login", wrong).status() == 401);
  CHECK(
      world
          .call("POST", "/api/v1/auth/login", R"({"email":"nobody@example.com","password":"wrong-password"})")
          .status() == 401);
  const Answer limited = world.call("POST", "/api/users/login", wrong);
  CHECK(limited.status() == 429);
  CHECK_FALSE(limited.error("rate").empty());
  CHECK(limited.response.headers.contains("Retry-After"));
  CHECK(limited.response.route == "/api/users/login");
}

TEST_CASE("RealWorld's sign-up and log-in run on the auth lane, as the native ones do", "[realworld]") {
  const World world;
  const auto lane = [&](std::string method, std::string target) {
    http::Request request;
    request.method = std::move(method);
    request.target = std::move(target);
    return world.api->lane(request);
  };
  CHECK(lane("POST", "/api/users/login") == http::Lane::auth);
  CHECK(lane("POST", "/api/users") == http::Lane::auth);
  CHECK(lane("POST", "/api/v1/auth/login") == http::Lane::auth);
  CHECK(lane("GET", "/api/articles") == http::Lane::standard);
  CHECK(lane("GET", "/api/users/login") == http::Lane::standard);  // 405: no hashing
  CHECK(lane("GET", "/nowhere") == http::Lane::standard);
}

TEST_CASE("a sign-up or log-in shed while the auth lane is full answers in its frontend's format",
          "[realworld]") {
  const World world;
  const auto shed = [&](std::string target) {
    http::Request request;
    request.method = "POST";
    request.target = std::move(target);
    request.client_ip = "127.0.0.1";
    return world.api->reject(request, http::Rejection::overloaded);
  };
  const http::Response conduit = shed("/api/users/login");
  CHECK(conduit.status == 503);
  CHECK(conduit.route == "/api/users/login");
  CHECK(conduit.headers.contains("Retry-After"));
  const auto conduit_body = boost::json::parse(conduit.body.view());
  CHECK(conduit_body.as_object().contains("errors"));  // RealWorld's error document
  const http::Response native = shed("/api/v1/auth/login");
  CHECK(native.status == 503);
  CHECK(native.route == "/api/v1/auth/login");
  CHECK(boost::json::parse(native.body.view()).at("status") == "error");  // the native envelope
}

TEST_CASE("without the frontend mounted, RealWorld's paths are unknown", "[realworld]") {
  const World world(std::nullopt, /*mount=*/false);
  const Answer answer = world.call("GET", "/api/tags");
  CHECK(answer.status() == 404);
  CHECK(answer.doc().at("status") == "error");  // the native envelope
  CHECK(world.call("GET", "/api/v1/tags").status() == 200);
}

}  // namespace
}  // namespace parley::realworld
