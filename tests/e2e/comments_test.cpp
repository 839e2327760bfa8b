// Comments: who may comment where, who may delete, ordering, pagination and validation.
#include <chrono>
#include <thread>

#include <catch2/catch.hpp>

#include "support/fixture.hpp"

namespace parley::e2e {
namespace {

std::string comments_path(const std::string& post_id) {
  return "/api/v1/posts/" + post_id + "/comments";
}
std::string comment_path(const std::string& post_id, const std::string& comment_id) {
  return comments_path(post_id) + "/" + comment_id;
}

}  // namespace

TEST_CASE("comments: drafts, deletion rights and comments of another post", "[e2e][comments]") {
  ServerProcess& server = shared_server();
  const Api api = shared_api();
  const Account author = new_user(api, "poster");
  const Account commenter = new_user(api, "talker");
  const Account stranger = new_user(api, "stranger");
  const Account moderator = new_moderator(server, api);
  const std::string post = string_field(create_post(api, author, true, "Open for comments"), "id");
  const std::string other_post = string_field(create_post(api, author, true, "Another post"), "id");
  const std::string draft = string_field(create_post(api, author, false, "Draft"), "id");

  SECTION("nobody comments on a draft: its author gets 403, others do not see it") {
    expect_error(api.post(comments_path(draft), {{"body", "note to self"}}, author.token()), 403,
                 "FORBIDDEN");
    expect_error(api.post(comments_path(draft), {{"body", "hello?"}}, commenter.token()), 404, "NOT_FOUND");
    expect_error(api.get(comments_path(draft)), 404, "NOT_FOUND");
    expect_error(api.get(comments_path(draft), commenter.token()), 404, "NOT_FOUND");
    Meta meta;
    CHECK(expect_list(api.get(comments_path(draft), author.token()), &meta).empty());
    CHECK(meta.total == 0);
    CHECK(expect_list(api.get(comments_path(draft), moderator.token())).empty());
  }

  SECTION("a stranger cannot delete; the post's author can") {
    const std::string comment = string_field(create_comment(api, commenter, post, "first!"), "id");
    expect_error(api.del(comment_path(post, comment), stranger.token()), 403, "FORBIDDEN");
    expect_error(api.del(comment_path(post, comment)), 401, "UNAUTHORIZED");
    CHECK(contains_id(expect_list(api.get(comments_path(post))), comment));
    expect_no_content(api.del(comment_path(post, comment), author.token()));
    CHECK_FALSE(contains_id(expect_list(api.get(comments_path(post))), comment));
    expect_error(api.del(comment_path(post, comment), author.token()), 404, "NOT_FOUND");
  }

  SECTION("the comment's author and moderators can delete") {
    const std::string own = string_field(create_comment(api, commenter, post, "mine"), "id");
    const std::string moderated = string_field(create_comment(api, commenter, post, "spam"), "id");
    expect_no_content(api.del(comment_path(post, own), commenter.token()));
    expect_no_content(api.del(comment_path(post, moderated), moderator.token()));
    CHECK(expect_list(api.get(comments_path(post))).empty());
  }

  SECTION("a comment addressed through another post is not found") {
    const std::string comment = string_field(create_comment(api, commenter, post, "here"), "id");
    expect_error(api.del(comment_path(other_post, comment), commenter.token()), 404, "NOT_FOUND");
    expect_error(api.del(comment_path(other_post, comment), moderator.token()), 404, "NOT_FOUND");
    CHECK(contains_id(expect_list(api.get(comments_path(post))), comment));
  }

  SECTION("bad and unknown ids") {
    expect_error(api.del(comment_path(post, "not-a-uuid"), author.token()), 400, "INVALID_INPUT",
                 {{"comment_id", "must be a UUID"}});
    expect_error(api.del(comment_path(post, random_uuid()), author.token()), 404, "NOT_FOUND");
    expect_error(api.post(comments_path(random_uuid()), {{"body", "x"}}, commenter.token()), 404,
                 "NOT_FOUND");
    expect_error(api.get(comments_path(random_uuid())), 404, "NOT_FOUND");
    expect_error(api.get(comments_path("nope")), 400, "INVALID_INPUT", {{"id", "must be a UUID"}});
    expect_error(api.post(comments_path("nope"), {{"body", "x"}}, commenter.token()), 400, "INVALID_INPUT",
                 {{"id", "must be a UUID"}});
  }

  SECTION("anonymous users cannot comment") {
    expect_error(api.post(comments_path(post), {{"body", "drive-by"}}), 401, "UNAUTHORIZED");
  }
}

TEST_CASE("comments are listed oldest first with pagination, and validated", "[e2e][comments]") {
  const Api api = shared_api();
  const Account author = new_user(api, "thread");
  const Account commenter = new_user(api, "reply");
  const std::string post = string_field(create_post(api, author), "id");
  std::vector<std::string> created;
  for (int i = 1; i <= 3; ++i) {
    created.push_back(string_field(
        create_comment(api, i % 2 == 0 ? author : commenter, post, "comment " + std::to_string(i)), "id"));
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  Meta meta;
  json::array items = expect_list(api.get(comments_path(post)), &meta);
  CHECK(ids_of(items) == created);
  CHECK(meta.total == 3);
  for (const auto& item : items)
    check_comment_shape(item.as_object());
  items = expect_list(api.get(comments_path(post) + "?page=2&size=2"), &meta);
  CHECK(ids_of(items) == std::vector<std::string>{created[2]});
  CHECK(meta.page == 2);
  CHECK(meta.size == 2);
  CHECK(meta.total == 3);
  expect_list(api.get(comments_path(post) + "?size=500"), &meta);
  CHECK(meta.size == 100);
  expect_error(api.get(comments_path(post) + "?page=0"), 400, "INVALID_INPUT", {{"page", std::nullopt}});
  expect_error(api.get(comments_path(post) + "?size=x"), 400, "INVALID_INPUT",
               {{"size", "must be an integer"}});

  struct Case {
    const char* name;
    json::value body;
    Details details;
  };
  const std::vector<Case> cases = {
      {"empty body", {{"body", ""}}, {{"body", std::nullopt}}},
      {"long body", {{"body", std::string(5001, 'c')}}, {{"body", std::nullopt}}},
      {"missing body", json::object{}, {{"body", "is required"}}},
      {"body of the wrong JSON type", {{"body", json::array{"x"}}}, {{"body", "must be a string"}}},
      {"unknown field", {{"body", "x"}, {"post_id", post}}, {{"post_id", "unknown field"}}},
  };
  for (const auto& c : cases) {
    INFO("case: " << c.name);
    expect_error(api.post(comments_path(post), c.body, commenter.token()), 400, "INVALID_INPUT", c.details);
  }
  INFO("5000 bytes are fine");
  create_comment(api, commenter, post, std::string(5000, 'c'));
  CHECK(expect_list(api.get(comments_path(post)), &meta).size() == 4);
}

}  // namespace parley::e2e
