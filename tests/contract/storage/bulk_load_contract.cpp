// The create_many contract of the three repositories, run against every adapter: a batch is
// stored whole, or not at all when any of it conflicts.
#include <vector>

#include "contract_support.hpp"

using namespace parley;            // NOLINT(google-build-using-namespace): test brevity
using namespace parley::contract;  // NOLINT(google-build-using-namespace): fixture names in test names

namespace {

std::vector<core::User> three_users() {
  return {make_user(1, "alice", "alice@example.com"), make_user(2, "bob", "bob@example.com"),
          make_user(3, "carol", "carol@example.com")};
}

template <class Fixture>
std::int64_t post_total(Fixture& fixture) {
  core::PostQuery query;
  query.drafts.all = true;
  query.page = page(1, 100);
  auto listed = fixture.posts().list(query);
  REQUIRE(listed.ok());
  return listed->total;
}

}  // namespace

TEMPLATE_TEST_CASE("create_many: a batch of users is stored whole", "[users][bulk]",
                   PARLEY_STORAGE_FIXTURES) {
  TestType fixture;
  const auto users = three_users();
  REQUIRE(fixture.users().create_many(users).ok());
  for (const auto& user : users) {
    auto found = fixture.users().find_by_id(user.id);
    REQUIRE(found.ok());
    CHECK(*found == user);
  }
  CHECK(fixture.users().create_many(std::span<const core::User>{}).ok());
}

TEMPLATE_TEST_CASE("create_many: a user batch with any taken email or username stores none of it",
                   "[users][bulk]", PARLEY_STORAGE_FIXTURES) {
  TestType fixture;
  REQUIRE(fixture.users().create(make_user(9, "stored", "stored@example.com")).ok());

  SECTION("taken by a stored user, case-insensitively") {
    auto users = three_users();
    users.back() = make_user(3, "carol", "STORED@example.com");
    const auto status = fixture.users().create_many(users);
    REQUIRE_FALSE(status.ok());
    CHECK(code_of(status) == core::ErrorCode::conflict);
  }
  SECTION("taken by another user of the same batch") {
    auto users = three_users();
    users.back() = make_user(3, "Alice", "carol@example.com");
    const auto status = fixture.users().create_many(users);
    REQUIRE_FALSE(status.ok());
    CHECK(code_of(status) == core::ErrorCode::conflict);
  }
  for (const auto& user : three_users())
    CHECK(code_of(fixture.users().find_by_id(user.id)) == core::ErrorCode::not_found);
}

TEMPLATE_TEST_CASE("create_many: posts are stored whole, or none when an id is taken", "[posts][bulk]",
                   PARLEY_STORAGE_FIXTURES) {
  TestType fixture;
  REQUIRE(fixture.users().create_many(three_users()).ok());
  const std::vector<core::Post> posts = {make_post(post_id(1), user_id(1), 100),
                                         make_post(post_id(2), user_id(2), 200, false),
                                         make_post(post_id(3), user_id(3), 300)};
  REQUIRE(fixture.posts().create_many(posts).ok());
  for (const auto& post : posts) {
    auto found = fixture.posts().find_by_id(post.id);
    REQUIRE(found.ok());
    CHECK(*found == post);
  }

  const std::vector<core::Post> clashing = {make_post(post_id(4), user_id(1), 400),
                                            make_post(post_id(2), user_id(1), 500)};
  const auto status = fixture.posts().create_many(clashing);
  REQUIRE_FALSE(status.ok());
  CHECK(code_of(status) == core::ErrorCode::conflict);
  CHECK(code_of(fixture.posts().find_by_id(post_id(4))) == core::ErrorCode::not_found);
  CHECK(post_total(fixture) == 3);
}

TEMPLATE_TEST_CASE("create_many: comments are stored whole, or none when a post is missing",
                   "[comments][bulk]", PARLEY_STORAGE_FIXTURES) {
  TestType fixture;
  REQUIRE(fixture.users().create_many(three_users()).ok());
  REQUIRE(fixture.posts().create(make_post(post_id(1), user_id(1), 100)).ok());
  const std::vector<core::Comment> comments = {make_comment(comment_id(1), post_id(1), user_id(2), 200),
                                               make_comment(comment_id(2), post_id(1), user_id(3), 300)};
  REQUIRE(fixture.comments().create_many(comments).ok());
  auto listed = fixture.comments().list_for_post(post_id(1), page(1, 20));
  REQUIRE(listed.ok());
  CHECK(item_ids(listed->items) == strings({comment_id(1), comment_id(2)}));

  const std::vector<core::Comment> orphaned = {make_comment(comment_id(3), post_id(1), user_id(2), 400),
                                               make_comment(comment_id(4), post_id(99), user_id(2), 500)};
  const auto status = fixture.comments().create_many(orphaned);
  REQUIRE_FALSE(status.ok());
  CHECK(code_of(status) == core::ErrorCode::not_found);
  CHECK(code_of(fixture.comments().find_by_id(comment_id(3))) == core::ErrorCode::not_found);
}
