// The wire DTOs of the social surface: users, profiles, posts and comments as JSON, the list
// meta with its cursor, and the body reader's array and nullable fields.
#include "parley/http/dto.hpp"

#include <cstdint>
#include <limits>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <boost/json.hpp>
#include <catch2/catch.hpp>

#include "parley/http/handlers.hpp"

namespace parley::http {
namespace {

namespace json = boost::json;

core::UserId user_id(std::string_view text) {
  return *core::UserId::parse(text);
}
core::PostId post_id(std::string_view text) {
  return *core::PostId::parse(text);
}
core::Timestamp at(std::string_view text) {
  return *core::parse_rfc3339(text);
}

std::set<std::string> keys(const json::object& object) {
  std::set<std::string> out;
  for (const auto& member : object)
    out.emplace(member.key());
  return out;
}

core::User alice() {
  return core::User{.id = user_id("0190a8c4-5e2b-7d41-9c3a-6f1e2d3c4b5a"),
                    .email = core::Email::from_storage("alice@example.com"),
                    .username = core::Username::from_storage("alice"),
                    .bio = core::Bio::from_storage("I write."),
                    .image = core::ImageUrl::from_storage(""),
                    .role = core::Role::user,
                    .blocked = false,
                    .password_hash = "scrypt$never-on-the-wire",
                    .created_at = at("2026-11-23T10:15:30.123Z"),
                    .updated_at = at("2026-11-23T10:16:30.123Z")};
}

core::Profile alice_profile(bool following) {
  return core::Profile{user_id("0190a8c4-5e2b-7d41-9c3a-6f1e2d3c4b5a"), core::Username::from_storage("alice"),
                       core::Bio::from_storage("I write."),
                       core::ImageUrl::from_storage("https://example.com/a.png"), following};
}

core::PostView a_post_view() {
  core::Post post{.id = post_id("0190a8c5-0a1b-7c2d-8e3f-405162738495"),
                  .author_id = user_id("0190a8c4-5e2b-7d41-9c3a-6f1e2d3c4b5a"),
                  .slug = core::Slug::from_storage("hello-parley-62738495"),
                  .title = core::PostTitle::from_storage("Hello Parley"),
                  .description = core::PostDescription::from_storage("Why"),
                  .body = core::PostBody::from_storage("First post."),
                  .tags = {core::Tag::from_storage("intro"), core::Tag::from_storage("parley")},
                  .is_published = true,
                  .created_at = at("2026-11-23T10:16:00.000Z"),
                  .updated_at = at("2026-11-23T10:17:00.000Z"),
                  .like_count = 3};
  return core::PostView{std::move(post), alice_profile(true), true};
}

TEST_CASE("a user's image is null when there is none, the URL otherwise", "[dto][users]") {
  core::User user = alice();
  json::object out = to_json(user, false);
  CHECK(keys(out) == std::set<std::string>{"bio", "blocked", "created_at", "id", "image", "role",
                                           "updated_at", "username"});
  CHECK(out.at("image").is_null());

  user.image = core::ImageUrl::from_storage("https://example.com/a.png");
  out = to_json(user, true);
  CHECK(out.at("image") == json::value("https://example.com/a.png"));
  CHECK(out.at("email") == json::value("alice@example.com"));
}

TEST_CASE("a profile is id, username, bio, image and following - nothing private", "[dto][profiles]") {
  const json::object out = to_json(alice_profile(true));
  CHECK(out == json::parse(R"({"id":"0190a8c4-5e2b-7d41-9c3a-6f1e2d3c4b5a","username":"alice",
                               "bio":"I write.","image":"https://example.com/a.png","following":true})")
                   .as_object());
  core::Profile without = alice_profile(false);
  without.image = core::ImageUrl::from_storage("");
  const json::object bare = to_json(without);
  CHECK(bare.at("image").is_null());
  CHECK(bare.at("following") == json::value(false));
}

TEST_CASE("a post view carries slug, description, tags, likes and its author", "[dto][posts]") {
  const json::object out = to_json(a_post_view());
  CHECK(out == json::parse(R"({
    "id":"0190a8c5-0a1b-7c2d-8e3f-405162738495",
    "author_id":"0190a8c4-5e2b-7d41-9c3a-6f1e2d3c4b5a",
    "author":{"id":"0190a8c4-5e2b-7d41-9c3a-6f1e2d3c4b5a","username":"alice","bio":"I write.",
              "image":"https://example.com/a.png","following":true},
    "slug":"hello-parley-62738495",
    "title":"Hello Parley",
    "description":"Why",
    "body":"First post.",
    "tags":["intro","parley"],
    "is_published":true,
    "like_count":3,
    "liked":true,
    "created_at":"2026-11-23T10:16:00.000Z",
    "updated_at":"2026-11-23T10:17:00.000Z"})")
                   .as_object());

  core::PostView untagged = a_post_view();
  untagged.post.tags.clear();
  untagged.liked = false;
  const json::object plain = to_json(untagged);
  CHECK(plain.at("tags") == json::array{});
  CHECK(plain.at("liked") == json::value(false));
}

TEST_CASE("a comment view carries its author's profile", "[dto][comments]") {
  const core::Comment comment{*core::CommentId::parse("0190a8c5-3c4d-7e5f-a061-728394a5b6c7"),
                              post_id("0190a8c5-0a1b-7c2d-8e3f-405162738495"),
                              user_id("0190a8c4-5e2b-7d41-9c3a-6f1e2d3c4b5a"),
                              core::CommentBody::from_storage("Nice."), at("2026-11-23T10:17:00.000Z")};
  const json::object out = to_json(core::CommentView{comment, alice_profile(false)});
  CHECK(keys(out) == std::set<std::string>{"author", "author_id", "body", "created_at", "id", "post_id"});
  CHECK(out.at("author").as_object() == to_json(alice_profile(false)));
}

TEST_CASE("the list meta has next only when there is a next page", "[dto][paging]") {
  const auto page = core::PageRequest::make(2, 10);
  REQUIRE(page);
  const json::object plain = page_meta(*page, 57);
  CHECK(plain == json::parse(R"({"page":2,"size":10,"total":57})").as_object());

  const core::PostCursor cursor{at("2026-11-23T10:16:00.000Z"),
                                post_id("0190a8c5-0a1b-7c2d-8e3f-405162738495")};
  const json::object with_next = page_meta(*page, 57, cursor);
  CHECK(keys(with_next) == std::set<std::string>{"next", "page", "size", "total"});
  const std::string next(with_next.at("next").as_string());
  CHECK(next == cursor.encode());
  INFO("the cursor on the wire reads back as the same place");
  const auto decoded = core::PostCursor::decode(next);
  REQUIRE(decoded);
  CHECK(*decoded == cursor);
}

TEST_CASE("string arrays: absent is fine, anything but strings is refused by name", "[dto][body]") {
  const json::object body =
      json::parse(R"({"tags":["a","b"],"bad":"x","mixed":["a",1],"empty":[]})").as_object();
  BodyReader reader(body);
  CHECK(reader.optional_string_array("absent") == std::nullopt);
  CHECK(reader.optional_string_array("tags") == std::vector<std::string>{"a", "b"});
  CHECK(reader.optional_string_array("empty") == std::vector<std::string>{});
  CHECK(reader.ok());
  CHECK(reader.optional_string_array("bad") == std::nullopt);
  CHECK(reader.optional_string_array("mixed") == std::nullopt);
  const auto status = reader.finish();
  REQUIRE_FALSE(status);
  CHECK(status.error().code == core::ErrorCode::invalid_input);
  CHECK(status.error().details.size() == 2);
  CHECK(status.error().details.at("bad") == "must be an array of strings");
  CHECK(status.error().details.at("mixed") == "must be an array of strings");
}

TEST_CASE("tags are parsed one by one and a bad one names the field", "[dto][body]") {
  const json::object body = json::parse(R"({"tags":[" Rust ","cpp"],"bad":["ok","a,b"]})").as_object();
  BodyReader reader(body);
  const auto tags = reader.parse_each_as<core::Tag>("tags", reader.optional_string_array("tags"));
  REQUIRE(tags);
  REQUIRE(tags->size() == 2);
  CHECK((*tags)[0].str() == "rust");
  CHECK((*tags)[1].str() == "cpp");
  CHECK(reader.ok());
  CHECK_FALSE(reader.parse_each_as<core::Tag>("bad", reader.optional_string_array("bad")));
  const auto status = reader.finish();
  REQUIRE_FALSE(status);
  CHECK(status.error().details.size() == 1);
  CHECK(status.error().details.contains("bad"));
}

TEST_CASE("a nullable string reads null as empty and refuses other types", "[dto][body]") {
  const json::object body =
      json::parse(R"({"image":null,"url":"https://example.com/a.png","number":5,"list":[]})").as_object();
  BodyReader reader(body);
  CHECK(reader.optional_string_or_null("absent") == std::nullopt);
  CHECK(reader.optional_string_or_null("image") == std::string());
  CHECK(reader.optional_string_or_null("url") == std::string("https://example.com/a.png"));
  CHECK(reader.ok());
  CHECK(reader.optional_string_or_null("number") == std::nullopt);
  CHECK(reader.optional_string_or_null("list") == std::nullopt);
  const auto status = reader.finish();
  REQUIRE_FALSE(status);
  CHECK(status.error().details.at("number") == "must be a string or null");
  CHECK(status.error().details.at("list") == "must be a string or null");
}

}  // namespace
TEST_CASE("integer query parameters: absent, decimal, saturated, or refused by name", "[dto][query]") {
  const Params query =
      parse_query("page=3&size=-2&huge=99999999999999999999&tiny=-99999999999999999999&bad=3x&empty=");
  CHECK_FALSE(query_integer(query, "offset").value().has_value());
  CHECK(query_integer(query, "page").value() == std::optional<std::int64_t>{3});
  CHECK(query_integer(query, "size").value() == std::optional<std::int64_t>{-2});
  CHECK(query_integer(query, "huge").value() ==
        std::optional<std::int64_t>{std::numeric_limits<std::int64_t>::max()});
  CHECK(query_integer(query, "tiny").value() ==
        std::optional<std::int64_t>{std::numeric_limits<std::int64_t>::min()});
  for (const char* name : {"bad", "empty"}) {
    const auto refused = query_integer(query, name);
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.error().details.at(name) == "must be an integer");
  }
}

// The envelope is written piece by piece; its bytes must be those of serializing the whole
// object {"status","data","meta"}, also for bodies longer than one serializer buffer.
TEST_CASE("render_envelope gives the bytes of the serialized envelope object", "[dto][envelope]") {
  std::string long_text;
  for (int i = 0; i < 2000; ++i)
    long_text += "line \"" + std::to_string(i) + "\"\\\n\t\xC3\xA9 \xF0\x9F\x98\x80 ";
  json::array items;
  for (int i = 0; i < 3; ++i)
    items.push_back(
        json::object{{"id", i}, {"body", long_text}, {"tags", json::array{"a", "b"}}, {"x", nullptr}});
  const auto expected = [](const Reply& reply) {
    json::object envelope;
    envelope["status"] = "ok";
    envelope["data"] = reply.data ? *reply.data : json::value(nullptr);
    if (reply.meta) envelope["meta"] = *reply.meta;
    return json::serialize(envelope);
  };

  SECTION("a long page with meta") {
    Reply reply;
    reply.data = items;
    reply.meta = json::object{{"page", 2}, {"size", 20}, {"total", 41}, {"next", "c\"ursor"}};
    const std::string rendered = render_envelope(reply);
    CHECK(rendered.size() > 3 * long_text.size());
    CHECK(rendered == expected(reply));
    CHECK(json::parse(rendered).as_object().at("data").as_array().size() == 3);
  }
  SECTION("a small object without meta") {
    Reply reply;
    reply.data = json::object{{"a", "\x01"}, {"b", 1.5}, {"c", false}};
    CHECK(render_envelope(reply) == expected(reply));
  }
  SECTION("an empty array, an empty meta") {
    Reply reply;
    reply.data = json::array{};
    reply.meta = json::object{};
    CHECK(render_envelope(reply) == R"({"status":"ok","data":[],"meta":{}})");
    CHECK(render_envelope(reply) == expected(reply));
  }
  SECTION("no data is null") {
    Reply reply;
    CHECK(render_envelope(reply) == R"({"status":"ok","data":null})");
  }
}

}  // namespace parley::http
