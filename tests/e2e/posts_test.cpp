// Posts: drafts visibility, listing with filters and pagination, edit and delete rules, validation.
#include <chrono>
#include <thread>

#include <catch2/catch.hpp>

#include "support/fixture.hpp"

namespace parley::e2e {
namespace {

constexpr const char* kPosts = "/api/v1/posts";

std::string post_path(const std::string& id) {
  return std::string(kPosts) + "/" + id;
}
std::string by_author(const Account& author, const std::string& extra = {}) {
  return std::string(kPosts) + "?author=" + author.id + extra;
}

// Timestamps have millisecond precision: keep creations apart so "newest first" is well defined.
void tick() {
  std::this_thread::sleep_for(std::chrono::milliseconds(5));
}

}  // namespace

TEST_CASE("drafts are visible to their author and to moderators and admins only", "[e2e][posts][drafts]") {
  ServerProcess& server = shared_server();
  const Api api = shared_api();
  const Account author = new_user(api, "author");
  const Account other = new_user(api, "other");
  const Account moderator = new_moderator(server, api);
  const Account admin = new_admin(server, api);

  const json::object published = create_post(api, author, true, "Published one");
  tick();
  const json::object draft = create_post(api, author, false, "Secret draft");
  const std::string published_id = string_field(published, "id");
  const std::string draft_id = string_field(draft, "id");

  SECTION("GET of the draft") {
    expect_error(api.get(post_path(draft_id)), 404, "NOT_FOUND");
    expect_error(api.get(post_path(draft_id), other.token()), 404, "NOT_FOUND");
    CHECK(expect_data(api.get(post_path(draft_id), author.token()), 200) == draft);
    CHECK(expect_data(api.get(post_path(draft_id), moderator.token()), 200) == draft);
    CHECK(expect_data(api.get(post_path(draft_id), admin.token()), 200) == draft);
    CHECK(expect_data(api.get(post_path(published_id)), 200) == published);
  }

  SECTION("lists filtered by author") {
    Meta meta;
    json::array items = expect_list(api.get(by_author(author)), &meta);
    CHECK(ids_of(items) == std::vector<std::string>{published_id});
    CHECK(meta.total == 1);

    items = expect_list(api.get(by_author(author), other.token()), &meta);
    CHECK(ids_of(items) == std::vector<std::string>{published_id});
    CHECK(meta.total == 1);

    const std::vector<std::string> newest_first{draft_id, published_id};
    items = expect_list(api.get(by_author(author), author.token()), &meta);
    CHECK(ids_of(items) == newest_first);
    CHECK(meta.total == 2);
    items = expect_list(api.get(by_author(author), moderator.token()), &meta);
    CHECK(ids_of(items) == newest_first);
    CHECK(meta.total == 2);
    items = expect_list(api.get(by_author(author), admin.token()), &meta);
    CHECK(ids_of(items) == newest_first);

    items = expect_list(api.get(by_author(other)), &meta);
    CHECK(items.empty());
    CHECK(meta.total == 0);
  }

  SECTION("the unfiltered list hides the draft from anonymous and other users") {
    json::array items = expect_list(api.get(std::string(kPosts) + "?size=100"));
    CHECK(contains_id(items, published_id));
    CHECK_FALSE(contains_id(items, draft_id));
    items = expect_list(api.get(std::string(kPosts) + "?size=100", other.token()));
    CHECK_FALSE(contains_id(items, draft_id));
    items = expect_list(api.get(std::string(kPosts) + "?size=100", author.token()));
    CHECK(contains_id(items, draft_id));
    items = expect_list(api.get(std::string(kPosts) + "?size=100", moderator.token()));
    CHECK(contains_id(items, draft_id));
    for (const auto& item : items)
      check_post_shape(item.as_object());
  }

  SECTION("others cannot edit a draft they cannot see; the author publishes it") {
    expect_error(api.patch(post_path(draft_id), {{"title", "mine now"}}, other.token()), 404, "NOT_FOUND");
    expect_error(api.del(post_path(draft_id), other.token()), 404, "NOT_FOUND");
    const json::object now_public =
        expect_data(api.patch(post_path(draft_id), {{"is_published", true}}, author.token()), 200);
    CHECK(bool_field(now_public, "is_published"));
    CHECK(string_field(now_public, "title") == "Secret draft");
    CHECK(expect_data(api.get(post_path(draft_id)), 200) == now_public);
    CHECK(contains_id(expect_list(api.get(by_author(author))), draft_id));
  }
}

TEST_CASE("post lists are paginated with page, size and total", "[e2e][posts][pagination]") {
  const Api api = shared_api();
  const Account author = new_user(api, "pager");
  std::vector<std::string> created;
  for (int i = 1; i <= 3; ++i) {
    created.push_back(string_field(create_post(api, author, true, "Post " + std::to_string(i)), "id"));
    tick();
  }

  Meta meta;
  json::array items = expect_list(api.get(by_author(author, "&page=1&size=2")), &meta);
  CHECK(ids_of(items) == std::vector<std::string>{created[2], created[1]});
  CHECK(meta.page == 1);
  CHECK(meta.size == 2);
  CHECK(meta.total == 3);

  items = expect_list(api.get(by_author(author, "&page=2&size=2")), &meta);
  CHECK(ids_of(items) == std::vector<std::string>{created[0]});
  CHECK(meta.page == 2);
  CHECK(meta.size == 2);
  CHECK(meta.total == 3);

  items = expect_list(api.get(by_author(author, "&page=3&size=2")), &meta);
  CHECK(items.empty());
  CHECK(meta.page == 3);
  CHECK(meta.total == 3);

  items = expect_list(api.get(by_author(author)), &meta);
  CHECK(ids_of(items) == std::vector<std::string>{created[2], created[1], created[0]});
  CHECK(meta.page == 1);
  CHECK(meta.size == 20);

  items = expect_list(api.get(by_author(author, "&size=1000")), &meta);
  CHECK(meta.size == 100);
  CHECK(items.size() == 3);
  expect_list(api.get(std::string(kPosts) + "?size=1000"), &meta);
  CHECK(meta.size == 100);
  expect_list(api.get(std::string(kPosts) + "?size=100&page=1"), &meta);
  CHECK(meta.size == 100);

  expect_error(api.get(std::string(kPosts) + "?page=0"), 400, "INVALID_INPUT", {{"page", std::nullopt}});
  expect_error(api.get(std::string(kPosts) + "?page=-1"), 400, "INVALID_INPUT", {{"page", std::nullopt}});
  expect_error(api.get(std::string(kPosts) + "?page=abc"), 400, "INVALID_INPUT",
               {{"page", "must be an integer"}});
  expect_error(api.get(std::string(kPosts) + "?page=1.5"), 400, "INVALID_INPUT",
               {{"page", "must be an integer"}});
  expect_error(api.get(std::string(kPosts) + "?size=0"), 400, "INVALID_INPUT", {{"size", std::nullopt}});
  expect_error(api.get(std::string(kPosts) + "?size=ten"), 400, "INVALID_INPUT",
               {{"size", "must be an integer"}});
  expect_error(api.get(std::string(kPosts) + "?author=not-a-uuid"), 400, "INVALID_INPUT", kAnyDetails);
}

TEST_CASE("only the author edits a post - the author, moderators and admins delete it", "[e2e][posts]") {
  ServerProcess& server = shared_server();
  const Api api = shared_api();
  const Account author = new_user(api, "owner");
  const Account other = new_user(api, "other");
  const Account moderator = new_moderator(server, api);
  const Account admin = new_admin(server, api);

  const std::string first = string_field(create_post(api, author), "id");
  const std::string second = string_field(create_post(api, author), "id");
  const std::string third = string_field(create_post(api, author), "id");

  expect_error(api.patch(post_path(first), {{"title", "not yours"}}, other.token()), 403, "FORBIDDEN");
  expect_error(api.patch(post_path(first), {{"title", "not yours"}}, moderator.token()), 403, "FORBIDDEN");
  expect_error(api.patch(post_path(first), {{"title", "not yours"}}, admin.token()), 403, "FORBIDDEN");
  expect_error(api.patch(post_path(first), {{"title", "anonymous"}}), 401, "UNAUTHORIZED");
  expect_error(api.del(post_path(first), other.token()), 403, "FORBIDDEN");
  expect_error(api.del(post_path(first)), 401, "UNAUTHORIZED");
  CHECK(string_field(expect_data(api.get(post_path(first)), 200), "title") == "A post");

  const json::object edited = expect_data(
      api.patch(post_path(first), {{"body", "New body"}, {"is_published", false}}, author.token()), 200);
  CHECK(string_field(edited, "body") == "New body");
  CHECK_FALSE(bool_field(edited, "is_published"));
  CHECK(string_field(edited, "title") == "A post");

  expect_no_content(api.del(post_path(first), moderator.token()));
  expect_error(api.get(post_path(first), author.token()), 404, "NOT_FOUND");
  expect_no_content(api.del(post_path(second), admin.token()));
  expect_error(api.get(post_path(second)), 404, "NOT_FOUND");
  // DELETE takes no body, so a Content-Type of any kind is ignored.
  expect_no_content(
      api.raw("DELETE", post_path(third), "", {{"Content-Type", "text/plain"}}, author.token()));
  expect_error(api.get(post_path(third)), 404, "NOT_FOUND");

  expect_error(api.del(post_path(random_uuid()), author.token()), 404, "NOT_FOUND");
  expect_error(api.patch(post_path(random_uuid()), {{"title", "x"}}, author.token()), 404, "NOT_FOUND");
  expect_error(api.get(post_path(random_uuid())), 404, "NOT_FOUND");
  expect_error(api.get(post_path("not-a-uuid")), 400, "INVALID_INPUT", {{"id", "must be a UUID"}});
  expect_error(api.del(post_path("1234"), author.token()), 400, "INVALID_INPUT", {{"id", "must be a UUID"}});
  expect_error(api.patch(post_path("zzzz"), {{"title", "x"}}, author.token()), 400, "INVALID_INPUT",
               {{"id", "must be a UUID"}});
}

TEST_CASE("post fields are validated", "[e2e][posts][validation]") {
  const Api api = shared_api();
  const Account author = new_user(api, "valid");
  const std::string post = string_field(create_post(api, author), "id");
  struct Case {
    const char* name;
    json::value body;
    Details details;
  };
  const std::vector<Case> create_cases = {
      {"long title", {{"title", std::string(201, 't')}, {"body", "b"}}, {{"title", std::nullopt}}},
      {"empty title", {{"title", ""}, {"body", "b"}}, {{"title", std::nullopt}}},
      {"blank title", {{"title", "   "}, {"body", "b"}}, {{"title", std::nullopt}}},
      {"title with a control character", {{"title", "bell\x07"}, {"body", "b"}}, {{"title", std::nullopt}}},
      {"empty body", {{"title", "t"}, {"body", ""}}, {{"body", std::nullopt}}},
      {"long body", {{"title", "t"}, {"body", std::string(50'001, 'b')}}, {{"body", std::nullopt}}},
      {"missing title", {{"body", "b"}}, {{"title", "is required"}}},
      {"missing body", {{"title", "t"}}, {{"body", "is required"}}},
      {"title of the wrong JSON type", {{"title", 5}, {"body", "b"}}, {{"title", "must be a string"}}},
      {"is_published of the wrong JSON type",
       {{"title", "t"}, {"body", "b"}, {"is_published", "yes"}},
       {{"is_published", "must be a boolean"}}},
      {"unknown field",
       {{"title", "t"}, {"body", "b"}, {"author_id", author.id}},
       {{"author_id", "unknown field"}}},
      {"not an object", json::array{}, {{"body", "must be a JSON object"}}},
  };
  for (const auto& c : create_cases) {
    INFO("create case: " << c.name);
    expect_error(api.post(kPosts, c.body, author.token()), 400, "INVALID_INPUT", c.details);
  }
  INFO("a title of exactly 200 bytes is fine");
  CHECK(string_field(
            expect_data(api.post(kPosts, {{"title", std::string(200, 't')}, {"body", "b"}}, author.token()),
                        201),
            "title") == std::string(200, 't'));

  const std::vector<Case> patch_cases = {
      {"long title", {{"title", std::string(201, 't')}}, {{"title", std::nullopt}}},
      {"empty body", {{"body", ""}}, {{"body", std::nullopt}}},
      {"is_published null", {{"is_published", nullptr}}, {{"is_published", "must be a boolean"}}},
      {"unknown field", {{"created_at", "2026-01-01T00:00:00.000Z"}}, {{"created_at", "unknown field"}}},
  };
  for (const auto& c : patch_cases) {
    INFO("patch case: " << c.name);
    expect_error(api.patch(post_path(post), c.body, author.token()), 400, "INVALID_INPUT", c.details);
  }
  INFO("a PATCH needs at least one field");
  expect_error(api.patch(post_path(post), json::object{}, author.token()), 400, "INVALID_INPUT", kAnyDetails);
  INFO("malformed JSON");
  expect_error(api.raw("PATCH", post_path(post), "{\"title\":", {{"Content-Type", "application/json"}},
                       author.token()),
               400, "INVALID_INPUT", {{"body", "malformed JSON"}});
  CHECK(string_field(expect_data(api.get(post_path(post)), 200), "title") == "A post");
}

}  // namespace parley::e2e
