// Staleness probes: every read right after a write shows the write, whatever the cache held
// (PARLEY_CACHE_ENABLED defaults to true; each read below first warms the cache).
#include <string>

#include <catch2/catch.hpp>

#include "support/fixture.hpp"

namespace parley::e2e {
namespace {

constexpr const char* kFeed = "/api/v1/posts?page=1&size=100";

std::string post_path(const std::string& id) {
  return "/api/v1/posts/" + id;
}
std::string user_path(const std::string& id) {
  return "/api/v1/users/" + id;
}

}  // namespace

TEST_CASE("the feed and posts are never stale after a create, edit or delete", "[e2e][cache]") {
  const Api api = shared_api();
  const Account author = new_user(api, "cached");
  const Account other = new_user(api, "cachedreader");

  // Warm the feed (twice: the second read is served from the cache), then create.
  expect_list(api.get(kFeed));
  expect_list(api.get(kFeed));
  const std::string id = string_field(create_post(api, author, true, "Fresh post"), "id");
  Meta meta;
  json::array feed = expect_list(api.get(kFeed), &meta);
  CHECK(contains_id(feed, id));
  const auto total_with_post = meta.total;
  // Page 1 of the default size, as another client would ask for it.
  CHECK(contains_id(expect_list(api.get("/api/v1/posts")), id));

  // Warm the post, then edit: the next read shows the edit, in the post and in the feed.
  CHECK(string_field(expect_data(api.get(post_path(id)), 200), "title") == "Fresh post");
  CHECK(string_field(expect_data(api.get(post_path(id), other.token()), 200), "title") == "Fresh post");
  expect_data(api.patch(post_path(id), {{"title", "Edited post"}, {"body", "Edited body"}}, author.token()),
              200);
  const json::object edited = expect_data(api.get(post_path(id)), 200);
  CHECK(string_field(edited, "title") == "Edited post");
  CHECK(string_field(edited, "body") == "Edited body");
  bool found = false;
  for (const auto& item : expect_list(api.get(kFeed))) {
    if (string_field(item.as_object(), "id") == id) {
      found = true;
      CHECK(string_field(item.as_object(), "title") == "Edited post");
    }
  }
  CHECK(found);

  // Unpublish: gone for anonymous readers at once.
  expect_data(api.patch(post_path(id), {{"is_published", false}}, author.token()), 200);
  expect_error(api.get(post_path(id)), 404, "NOT_FOUND");
  CHECK_FALSE(contains_id(expect_list(api.get(kFeed)), id));
  expect_data(api.patch(post_path(id), {{"is_published", true}}, author.token()), 200);
  CHECK(contains_id(expect_list(api.get(kFeed)), id));
  CHECK(string_field(expect_data(api.get(post_path(id)), 200), "title") == "Edited post");

  // Delete: 404 at once, and the feed lacks it with a total one smaller.
  expect_no_content(api.del(post_path(id), author.token()));
  expect_error(api.get(post_path(id)), 404, "NOT_FOUND");
  feed = expect_list(api.get(kFeed), &meta);
  CHECK_FALSE(contains_id(feed, id));
  CHECK(meta.total == total_with_post - 1);
}

TEST_CASE("profiles are never stale after an edit, a block, an unblock or a role change", "[e2e][cache]") {
  ServerProcess& server = shared_server();
  const Api api = shared_api();
  const Account user = new_user(api, "profile");
  const Account admin = new_admin(server, api);

  // Warm the profile (and the user record every authenticated request reads).
  expect_data(api.get(user_path(user.id)), 200);
  expect_data(api.get(user_path(user.id)), 200);
  expect_data(api.get("/api/v1/users/me", user.token()), 200);

  expect_data(api.patch(user_path(user.id), {{"bio", "A fresh bio"}}, user.token()), 200);
  CHECK(string_field(expect_data(api.get(user_path(user.id)), 200), "bio") == "A fresh bio");
  CHECK(string_field(expect_data(api.get("/api/v1/users/me", user.token()), 200), "bio") == "A fresh bio");

  expect_data(api.put("/api/v1/admin/users/" + user.id + "/role", {{"role", "moderator"}}, admin.token()),
              200);
  CHECK(string_field(expect_data(api.get(user_path(user.id)), 200), "role") == "moderator");

  expect_data(api.post_empty("/api/v1/admin/users/" + user.id + "/block", admin.token()), 200);
  CHECK(bool_field(expect_data(api.get(user_path(user.id)), 200), "blocked"));
  // The blocked user's token is refused at once.
  const Response refused = api.get("/api/v1/users/me", user.token());
  CHECK(refused.status >= 400);
  CHECK(refused.status < 500);

  expect_data(api.post_empty("/api/v1/admin/users/" + user.id + "/unblock", admin.token()), 200);
  CHECK_FALSE(bool_field(expect_data(api.get(user_path(user.id)), 200), "blocked"));

  // The operator CLI writes from another process: the server still shows the change at once.
  expect_data(api.get(user_path(user.id)), 200);
  const ProcessResult demoted = server.cli({"user", "grant-role", "--email", user.email, "--role", "user"});
  INFO(demoted.describe());
  REQUIRE(demoted.status.success());
  CHECK(string_field(expect_data(api.get(user_path(user.id)), 200), "role") == "user");
  const ProcessResult blocked = server.cli({"user", "block", "--email", user.email});
  INFO(blocked.describe());
  REQUIRE(blocked.status.success());
  CHECK(bool_field(expect_data(api.get(user_path(user.id)), 200), "blocked"));
}

}  // namespace parley::e2e
