// The CommentRepository contract, run against every adapter.
#include "contract_support.hpp"

using namespace parley;            // NOLINT(google-build-using-namespace): test brevity
using namespace parley::contract;  // NOLINT(google-build-using-namespace): fixture names in test names

namespace {

// Two users and two published posts by alice.
template <class Fixture>
void add_posts(Fixture& fixture) {
  REQUIRE(fixture.users().create(make_user(1, "alice", "alice@example.com")).ok());
  REQUIRE(fixture.users().create(make_user(2, "bob", "bob@example.com")).ok());
  REQUIRE(fixture.posts().create(make_post(post_id(1), user_id(1), 100)).ok());
  REQUIRE(fixture.posts().create(make_post(post_id(2), user_id(1), 200)).ok());
}

}  // namespace

TEMPLATE_TEST_CASE("CommentRepository: a created comment is found by id", "[comments]",
                   PARLEY_STORAGE_FIXTURES) {
  TestType fixture;
  add_posts(fixture);
  auto& comments = fixture.comments();
  const auto comment = make_comment(comment_id(1), post_id(1), user_id(2), 150);
  REQUIRE(comments.create(comment).ok());

  auto found = comments.find_by_id(comment.id);
  REQUIRE(found.ok());
  CHECK(*found == comment);
}

TEMPLATE_TEST_CASE("CommentRepository: a comment on a missing post is not_found", "[comments]",
                   PARLEY_STORAGE_FIXTURES) {
  TestType fixture;
  add_posts(fixture);
  auto& comments = fixture.comments();

  auto status = comments.create(make_comment(comment_id(1), post_id(99), user_id(2), 150));
  REQUIRE_FALSE(status.ok());
  CHECK(code_of(status) == core::ErrorCode::not_found);
  CHECK(code_of(comments.find_by_id(comment_id(1))) == core::ErrorCode::not_found);
  auto listed = comments.list_for_post(post_id(99), page(1, 20));
  REQUIRE(listed.ok());
  CHECK(listed->total == 0);
}

TEMPLATE_TEST_CASE("CommentRepository: a taken id is a conflict", "[comments]", PARLEY_STORAGE_FIXTURES) {
  TestType fixture;
  add_posts(fixture);
  auto& comments = fixture.comments();
  const auto first = make_comment(comment_id(1), post_id(1), user_id(2), 150);
  REQUIRE(comments.create(first).ok());

  auto status = comments.create(make_comment(comment_id(1), post_id(2), user_id(1), 250));
  REQUIRE_FALSE(status.ok());
  CHECK(code_of(status) == core::ErrorCode::conflict);
  auto stored = comments.find_by_id(first.id);
  REQUIRE(stored.ok());
  CHECK(*stored == first);
}

TEMPLATE_TEST_CASE("CommentRepository: unknown comments are not_found", "[comments]",
                   PARLEY_STORAGE_FIXTURES) {
  TestType fixture;
  add_posts(fixture);
  auto& comments = fixture.comments();
  REQUIRE(comments.create(make_comment(comment_id(1), post_id(1), user_id(2), 150)).ok());

  CHECK(code_of(comments.find_by_id(comment_id(99))) == core::ErrorCode::not_found);
  CHECK(code_of(comments.remove(comment_id(99))) == core::ErrorCode::not_found);
  CHECK(comments.find_by_id(comment_id(1)).ok());
}

TEMPLATE_TEST_CASE("CommentRepository: remove deletes one comment", "[comments]", PARLEY_STORAGE_FIXTURES) {
  TestType fixture;
  add_posts(fixture);
  auto& comments = fixture.comments();
  REQUIRE(comments.create(make_comment(comment_id(1), post_id(1), user_id(2), 150)).ok());
  REQUIRE(comments.create(make_comment(comment_id(2), post_id(1), user_id(1), 160)).ok());

  REQUIRE(comments.remove(comment_id(1)).ok());
  CHECK(code_of(comments.find_by_id(comment_id(1))) == core::ErrorCode::not_found);
  CHECK(code_of(comments.remove(comment_id(1))) == core::ErrorCode::not_found);
  auto listed = comments.list_for_post(post_id(1), page(1, 20));
  REQUIRE(listed.ok());
  CHECK(item_ids(listed->items) == strings({comment_id(2)}));
  CHECK(listed->total == 1);
  CHECK(fixture.posts().find_by_id(post_id(1)).ok());  // the post stays
}

TEMPLATE_TEST_CASE("CommentRepository: a post's comments are oldest first, ties by id, with totals",
                   "[comments]", PARLEY_STORAGE_FIXTURES) {
  TestType fixture;
  add_posts(fixture);
  auto& comments = fixture.comments();
  const auto tie_low = id_from<core::CommentId>("0c000000-0000-7000-8000-000000000000");
  const auto tie_high = id_from<core::CommentId>("c0000000-0000-7000-8000-000000000000");
  REQUIRE(comments.create(make_comment(comment_id(1), post_id(1), user_id(2), 400)).ok());
  REQUIRE(comments.create(make_comment(tie_high, post_id(1), user_id(1), 300)).ok());
  REQUIRE(comments.create(make_comment(comment_id(3), post_id(1), user_id(2), 100)).ok());
  REQUIRE(comments.create(make_comment(tie_low, post_id(1), user_id(2), 300)).ok());
  REQUIRE(comments.create(make_comment(comment_id(5), post_id(2), user_id(2), 50)).ok());  // another post
  const auto oldest_first = strings({comment_id(3), tie_low, tie_high, comment_id(1)});

  auto all = comments.list_for_post(post_id(1), page(1, 20));
  REQUIRE(all.ok());
  CHECK(item_ids(all->items) == oldest_first);
  CHECK(all->total == 4);

  auto first = comments.list_for_post(post_id(1), page(1, 3));
  auto second = comments.list_for_post(post_id(1), page(2, 3));
  auto beyond = comments.list_for_post(post_id(1), page(3, 3));
  REQUIRE(first.ok());
  REQUIRE(second.ok());
  REQUIRE(beyond.ok());
  CHECK(item_ids(first->items) == std::vector<std::string>(oldest_first.begin(), oldest_first.begin() + 3));
  CHECK(item_ids(second->items) == std::vector<std::string>(oldest_first.begin() + 3, oldest_first.end()));
  CHECK(beyond->items.empty());
  CHECK(first->total == 4);
  CHECK(second->total == 4);
  CHECK(beyond->total == 4);

  auto other = comments.list_for_post(post_id(2), page(1, 20));
  REQUIRE(other.ok());
  CHECK(item_ids(other->items) == strings({comment_id(5)}));
  CHECK(other->total == 1);
}

TEMPLATE_TEST_CASE("CommentRepository: an unknown post gives an empty page", "[comments]",
                   PARLEY_STORAGE_FIXTURES) {
  TestType fixture;
  add_posts(fixture);
  REQUIRE(fixture.comments().create(make_comment(comment_id(1), post_id(1), user_id(2), 150)).ok());

  auto listed = fixture.comments().list_for_post(post_id(99), page(1, 20));
  REQUIRE(listed.ok());
  CHECK(listed->items.empty());
  CHECK(listed->total == 0);
}
