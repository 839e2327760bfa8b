// The LikeRepository contract, run against every adapter: idempotent likes and unlikes that keep
// Post::like_count equal to the number of likers, not_found for unknown posts and users, and
// liked_among in one call.
#include <algorithm>
#include <cstddef>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "contract_support.hpp"

using namespace parley;            // NOLINT(google-build-using-namespace): test brevity
using namespace parley::contract;  // NOLINT(google-build-using-namespace): fixture names in test names

namespace {

// Three users and two posts by the first.
template <class Fixture>
void add_users_and_posts(Fixture& fixture) {
  REQUIRE(fixture.users().create(make_user(1, "alice", "alice@example.com")).ok());
  REQUIRE(fixture.users().create(make_user(2, "bob", "bob@example.com")).ok());
  REQUIRE(fixture.users().create(make_user(3, "carol", "carol@example.com")).ok());
  REQUIRE(fixture.posts().create(make_post(post_id(1), user_id(1), 100)).ok());
  REQUIRE(fixture.posts().create(make_post(post_id(2), user_id(1), 200)).ok());
}

template <class Fixture>
std::int64_t stored_count(Fixture& fixture, const core::PostId& post) {
  auto found = fixture.posts().find_by_id(post);
  REQUIRE(found.ok());
  return found->like_count;
}

std::vector<std::string> sorted(const std::vector<core::PostId>& ids) {
  std::vector<std::string> result;
  for (const auto& id : ids)
    result.push_back(id.to_string());
  std::sort(result.begin(), result.end());
  return result;
}

}  // namespace

TEMPLATE_TEST_CASE("LikeRepository: likes count once per user and unlikes take them back", "[likes][social]",
                   PARLEY_STORAGE_FIXTURES) {
  TestType fixture;
  add_users_and_posts(fixture);
  auto& likes = fixture.likes();

  CHECK(likes.like(user_id(2), post_id(1)).value() == 1);
  CHECK(likes.like(user_id(2), post_id(1)).value() == 1);  // again: no change
  CHECK(likes.like(user_id(3), post_id(1)).value() == 2);
  CHECK(likes.like(user_id(1), post_id(1)).value() == 3);  // authors may like their own posts
  CHECK(stored_count(fixture, post_id(1)) == 3);
  CHECK(stored_count(fixture, post_id(2)) == 0);

  // The count is read with the post everywhere: by id, by slug and in lists.
  auto by_slug = fixture.posts().find_by_slug(slug_for(post_id(1)));
  REQUIRE(by_slug.ok());
  CHECK(by_slug->like_count == 3);
  core::PostQuery query;
  query.page = page(1, 20);
  auto listed = fixture.posts().list(query);
  REQUIRE(listed.ok());
  REQUIRE(listed->items.size() == 2);
  CHECK(listed->items[1].id == post_id(1));
  CHECK(listed->items[1].like_count == 3);

  CHECK(likes.unlike(user_id(3), post_id(1)).value() == 2);
  CHECK(likes.unlike(user_id(3), post_id(1)).value() == 2);  // again: no change
  CHECK(likes.unlike(user_id(2), post_id(2)).value() == 0);  // never liked: nothing to take back
  CHECK(stored_count(fixture, post_id(1)) == 2);
  CHECK(stored_count(fixture, post_id(2)) == 0);

  // A like after an unlike counts again.
  CHECK(likes.like(user_id(3), post_id(1)).value() == 3);
  CHECK(stored_count(fixture, post_id(1)) == 3);
}

TEMPLATE_TEST_CASE("LikeRepository: unknown posts and users are not_found and change nothing",
                   "[likes][social]", PARLEY_STORAGE_FIXTURES) {
  TestType fixture;
  add_users_and_posts(fixture);
  auto& likes = fixture.likes();
  REQUIRE(likes.like(user_id(2), post_id(1)).ok());

  CHECK(code_of(likes.like(user_id(2), post_id(99))) == core::ErrorCode::not_found);
  CHECK(code_of(likes.like(user_id(99), post_id(1))) == core::ErrorCode::not_found);
  CHECK(code_of(likes.unlike(user_id(2), post_id(99))) == core::ErrorCode::not_found);
  CHECK(stored_count(fixture, post_id(1)) == 1);
  const std::vector<core::PostId> posts{post_id(1)};
  CHECK(likes.liked_among(user_id(99), posts).value().empty());
}

TEMPLATE_TEST_CASE("LikeRepository: liked_among answers which of the posts the user likes", "[likes][social]",
                   PARLEY_STORAGE_FIXTURES) {
  TestType fixture;
  add_users_and_posts(fixture);
  REQUIRE(fixture.posts().create(make_post(post_id(3), user_id(2), 300)).ok());
  auto& likes = fixture.likes();
  REQUIRE(likes.like(user_id(2), post_id(1)).ok());
  REQUIRE(likes.like(user_id(2), post_id(3)).ok());
  REQUIRE(likes.like(user_id(3), post_id(2)).ok());  // another user's like

  const std::vector<core::PostId> candidates{post_id(3), post_id(2), post_id(99), post_id(1)};
  auto liked = likes.liked_among(user_id(2), candidates);
  REQUIRE(liked.ok());
  CHECK(sorted(*liked) == sorted({post_id(1), post_id(3)}));

  const std::vector<core::PostId> some{post_id(2), post_id(3)};
  liked = likes.liked_among(user_id(2), some);
  REQUIRE(liked.ok());
  CHECK(sorted(*liked) == sorted({post_id(3)}));

  liked = likes.liked_among(user_id(2), std::span<const core::PostId>());
  REQUIRE(liked.ok());
  CHECK(liked->empty());
  liked = likes.liked_among(user_id(1), candidates);  // likes nothing
  REQUIRE(liked.ok());
  CHECK(liked->empty());
}

TEMPLATE_TEST_CASE("LikeRepository: concurrent likes and unlikes keep the count equal to the likers",
                   "[likes][social]", PARLEY_STORAGE_FIXTURES) {
  TestType fixture;
  add_users_and_posts(fixture);
  constexpr int kUsers = 8;
  for (int n = 4; n < 4 + kUsers; ++n) {
    const auto index = static_cast<std::uint64_t>(n);
    REQUIRE(
        fixture.users()
            .create(make_user(index, "user" + std::to_string(n), "user" + std::to_string(n) + "@example.com"))
            .ok());
  }
  auto& likes = fixture.likes();
  // Every thread likes post 1 as its own user and as bob (the same pair from every thread), and
  // likes then unlikes post 2 as its own user.
  std::vector<std::optional<core::ErrorCode>> failures(kUsers);
  {
    std::vector<std::thread> threads;
    for (int n = 0; n < kUsers; ++n) {
      threads.emplace_back([&likes, &failures, n] {
        const auto me = user_id(static_cast<std::uint64_t>(4 + n));
        for (auto result : {likes.like(me, post_id(1)), likes.like(user_id(2), post_id(1)),
                            likes.like(me, post_id(2)), likes.unlike(me, post_id(2))}) {
          if (!result.ok() && !failures[static_cast<std::size_t>(n)])
            failures[static_cast<std::size_t>(n)] = result.error().code;
        }
      });
    }
    for (auto& thread : threads)
      thread.join();
  }
  for (const auto& failure : failures)
    CHECK(failure == std::nullopt);
  CHECK(stored_count(fixture, post_id(1)) == kUsers + 1);
  CHECK(stored_count(fixture, post_id(2)) == 0);
}
