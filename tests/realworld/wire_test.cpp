// RealWorld's shapes of core values: users, profiles, articles, comments and errors.
#include "parley/realworld/wire.hpp"

#include <regex>
#include <string>

#include <boost/json/parse.hpp>
#include <catch2/catch.hpp>

#include "parley/core/domain/social.hpp"

namespace parley::realworld {
namespace {

template <class T>
T must(core::Result<T> result) {
  REQUIRE(static_cast<bool>(result));
  return std::move(result).value();
}

core::Timestamp at(std::string_view text) {
  const auto parsed = core::parse_rfc3339(text);
  REQUIRE(parsed.has_value());
  return *parsed;
}

core::Profile author(std::string_view image, bool following) {
  return core::Profile{.id = *core::UserId::parse("0190c8e0-0000-7000-8000-000000000001"),
                       .username = must(core::Username::parse("jake")),
                       .bio = must(core::Bio::parse("I work at statefarm")),
                       .image = must(core::ImageUrl::parse(image)),
                       .following = following};
}

// What the Conduit collection checks of every timestamp: ISO 8601 with a fraction.
const std::regex kIsoWithFraction(
    R"(^\d{4,}-[01]\d-[0-3]\dT[0-2]\d:[0-5]\d:[0-5]\d.\d+(?:[+-][0-2]\d:[0-5]\d|Z)$)");

TEST_CASE("a profile's image is null when the user has none, and the URL otherwise", "[realworld][wire]") {
  const auto none = profile_json(author("", true));
  CHECK(none.at("username").as_string() == "jake");
  CHECK(none.at("bio").as_string() == "I work at statefarm");
  CHECK(none.at("image").is_null());
  CHECK(none.at("following").as_bool());

  const auto some = profile_json(author("https://example.com/jake.png", false));
  CHECK(some.at("image").as_string() == "https://example.com/jake.png");
  CHECK_FALSE(some.at("following").as_bool());
}

TEST_CASE("an article carries the post, its tags in core's order, its counts and its author",
          "[realworld][wire]") {
  const auto id = *core::PostId::parse("0190c8e0-0000-7000-8000-00000000abcd");
  const auto title = must(core::PostTitle::parse("How to train your dragon"));
  auto tags =
      must(core::normalize_tags({must(core::Tag::parse("training")), must(core::Tag::parse("Dragons"))}));
  core::Post post{.id = id,
                  .author_id = author("", false).id,
                  .slug = core::make_slug(title, id),
                  .title = title,
                  .description = must(core::PostDescription::parse("Ever wonder how?")),
                  .body = must(core::PostBody::parse("You have to believe")),
                  .tags = std::move(tags),
                  .is_published = true,
                  .created_at = at("2026-11-23T07:00:00Z"),
                  .updated_at = at("2026-11-23T07:05:30.250Z"),
                  .like_count = 3};
  const auto json = article_json(core::PostView{.post = post, .author = author("", false), .liked = true});

  CHECK(json.at("slug").as_string() == core::make_slug(title, id).str());
  CHECK(json.at("title").as_string() == "How to train your dragon");
  CHECK(json.at("description").as_string() == "Ever wonder how?");
  CHECK(json.at("body").as_string() == "You have to believe");
  REQUIRE(json.at("tagList").as_array().size() == 2);
  CHECK(json.at("tagList").as_array()[0].as_string() == "dragons");
  CHECK(json.at("tagList").as_array()[1].as_string() == "training");
  CHECK(json.at("createdAt").as_string() == "2026-11-23T07:00:00.000Z");
  CHECK(json.at("updatedAt").as_string() == "2026-11-23T07:05:30.250Z");
  CHECK(std::regex_match(std::string(json.at("createdAt").as_string()), kIsoWithFraction));
  CHECK(json.at("favorited").as_bool());
  CHECK(json.at("favoritesCount").is_int64());
  CHECK(json.at("favoritesCount").as_int64() == 3);
  CHECK(json.at("author").as_object().at("username").as_string() == "jake");
  CHECK_FALSE(json.contains("id"));
}

TEST_CASE("a comment's updatedAt is its createdAt, and its id the comment's UUID", "[realworld][wire]") {
  const auto id = *core::CommentId::parse("0190c8e0-0000-7000-8000-0000000000c1");
  const core::Comment comment{.id = id,
                              .post_id = *core::PostId::parse("0190c8e0-0000-7000-8000-00000000abcd"),
                              .author_id = author("", false).id,
                              .body = must(core::CommentBody::parse("It takes a Jacobian")),
                              .created_at = at("2026-11-23T07:10:00.007Z")};
  const auto json = comment_json(core::CommentView{.comment = comment, .author = author("", true)});
  CHECK(json.at("id").as_string() == id.to_string());
  CHECK(json.at("body").as_string() == "It takes a Jacobian");
  CHECK(json.at("createdAt").as_string() == "2026-11-23T07:10:00.007Z");
  CHECK(json.at("updatedAt") == json.at("createdAt"));
  CHECK(json.at("author").as_object().at("following").as_bool());
}

TEST_CASE("the user document carries the token it was asked with", "[realworld][wire]") {
  const core::User user{.id = author("", false).id,
                        .email = must(core::Email::parse("jake@jake.jake")),
                        .username = must(core::Username::parse("jake")),
                        .bio = must(core::Bio::parse("")),
                        .image = must(core::ImageUrl::parse("")),
                        .role = core::Role::user,
                        .blocked = false,
                        .password_hash = "secret-hash",
                        .created_at = at("2026-11-23T07:00:00Z"),
                        .updated_at = at("2026-11-23T07:00:00Z")};
  const auto json = user_json(user, "a.b.c");
  CHECK(json.at("email").as_string() == "jake@jake.jake");
  CHECK(json.at("token").as_string() == "a.b.c");
  CHECK(json.at("username").as_string() == "jake");
  CHECK(json.at("bio").as_string().empty());
  CHECK(json.at("image").is_null());
  CHECK(json.size() == 5);  // nothing else: no hash, no role, no id
}

TEST_CASE("core errors map to RealWorld's statuses", "[realworld][wire]") {
  CHECK(status_of(core::ErrorCode::invalid_input) == 422);
  CHECK(status_of(core::ErrorCode::conflict) == 422);
  CHECK(status_of(core::ErrorCode::unauthorized) == 401);
  CHECK(status_of(core::ErrorCode::forbidden) == 403);
  CHECK(status_of(core::ErrorCode::not_found) == 404);
  CHECK(status_of(core::ErrorCode::rate_limited) == 429);
  CHECK(status_of(core::ErrorCode::unavailable) == 503);
  CHECK(status_of(core::ErrorCode::internal) == 500);
}

TEST_CASE("an error body lists each field's reason, or names what went wrong", "[realworld][wire]") {
  core::Error invalid = core::Error::invalid("email", "must be a valid email address");
  invalid.details.emplace("username", "is required");
  const auto fields = errors_json(invalid, "invalid input");
  const auto& errors = fields.at("errors").as_object();
  CHECK(errors.size() == 2);
  CHECK(errors.at("email").as_array() == boost::json::array{"must be a valid email address"});
  CHECK(errors.at("username").as_array() == boost::json::array{"is required"});

  const auto missing = errors_json(core::Error::not_found("article not found"), "article not found");
  CHECK(missing.at("errors").as_object().at("resource").as_array() ==
        boost::json::array{"article not found"});
}

TEST_CASE("an internal error tells the client nothing of itself", "[realworld][wire]") {
  core::Error internal = core::Error::internal("SQLITE_CORRUPT in posts at /var/lib/parley");
  internal.details.emplace("sql", "SELECT secret FROM posts");
  const auto response = error_response(internal, "req-1");
  CHECK(response.status == 500);
  CHECK(response.body.find("SQLITE") == std::string::npos);
  CHECK(response.body.find("secret") == std::string::npos);
  const auto body = boost::json::parse(response.body.view());
  CHECK(body.at("errors").as_object().at("server").as_array() == boost::json::array{"internal error"});
}

TEST_CASE("a 401 asks for a Token", "[realworld][wire]") {
  const auto response = error_response(core::Error::unauthorized("missing bearer token"), "req-2");
  CHECK(response.status == 401);
  CHECK(response.headers.find("WWW-Authenticate") == std::optional<std::string_view>("Token"));
}

}  // namespace
}  // namespace parley::realworld
