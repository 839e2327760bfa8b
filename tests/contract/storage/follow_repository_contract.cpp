// The FollowRepository contract, run against every adapter: idempotent follows and unfollows,
// not_found for unknown users, and following_among in one call.
#include <algorithm>

#include "contract_support.hpp"

using namespace parley;            // NOLINT(google-build-using-namespace): test brevity
using namespace parley::contract;  // NOLINT(google-build-using-namespace): fixture names in test names

namespace {

template <class Fixture>
void add_users(Fixture& fixture) {
  REQUIRE(fixture.users().create(make_user(1, "alice", "alice@example.com")).ok());
  REQUIRE(fixture.users().create(make_user(2, "bob", "bob@example.com")).ok());
  REQUIRE(fixture.users().create(make_user(3, "carol", "carol@example.com")).ok());
  REQUIRE(fixture.users().create(make_user(4, "dave", "dave@example.com")).ok());
}

std::vector<std::string> sorted(const std::vector<core::UserId>& ids) {
  std::vector<std::string> result;
  for (const auto& id : ids)
    result.push_back(id.to_string());
  std::sort(result.begin(), result.end());
  return result;
}

}  // namespace

TEMPLATE_TEST_CASE("FollowRepository: follows are one-way, idempotent and undone by unfollow",
                   "[follows][social]", PARLEY_STORAGE_FIXTURES) {
  TestType fixture;
  add_users(fixture);
  auto& follows = fixture.follows();
  const std::vector<core::UserId> everyone{user_id(1), user_id(2), user_id(3), user_id(4)};

  REQUIRE(follows.follow(user_id(1), user_id(2)).ok());
  REQUIRE(follows.follow(user_id(1), user_id(2)).ok());  // again: still one follow
  REQUIRE(follows.follow(user_id(1), user_id(3)).ok());
  REQUIRE(follows.follow(user_id(2), user_id(1)).ok());

  auto following = follows.following_among(user_id(1), everyone);
  REQUIRE(following.ok());
  CHECK(sorted(*following) == sorted({user_id(2), user_id(3)}));
  following = follows.following_among(user_id(2), everyone);
  REQUIRE(following.ok());
  CHECK(sorted(*following) == sorted({user_id(1)}));
  following = follows.following_among(user_id(3), everyone);  // followed, but follows nobody
  REQUIRE(following.ok());
  CHECK(following->empty());

  REQUIRE(follows.unfollow(user_id(1), user_id(2)).ok());
  REQUIRE(follows.unfollow(user_id(1), user_id(2)).ok());  // again: nothing to remove, no error
  REQUIRE(follows.unfollow(user_id(4), user_id(1)).ok());  // never followed
  following = follows.following_among(user_id(1), everyone);
  REQUIRE(following.ok());
  CHECK(sorted(*following) == sorted({user_id(3)}));
  following = follows.following_among(user_id(2), everyone);  // the other direction is untouched
  REQUIRE(following.ok());
  CHECK(sorted(*following) == sorted({user_id(1)}));

  // The single-follow check a profile page makes, and an empty candidate list.
  const std::vector<core::UserId> carol{user_id(3)};
  CHECK(sorted(follows.following_among(user_id(1), carol).value()) == sorted({user_id(3)}));
  CHECK(follows.following_among(user_id(1), std::span<const core::UserId>()).value().empty());
}

TEMPLATE_TEST_CASE("FollowRepository: following an unknown user, or as one, is not_found",
                   "[follows][social]", PARLEY_STORAGE_FIXTURES) {
  TestType fixture;
  add_users(fixture);
  auto& follows = fixture.follows();

  CHECK(code_of(follows.follow(user_id(1), user_id(99))) == core::ErrorCode::not_found);
  CHECK(code_of(follows.follow(user_id(99), user_id(1))) == core::ErrorCode::not_found);
  const std::vector<core::UserId> candidates{user_id(1), user_id(99)};
  CHECK(follows.following_among(user_id(99), candidates).value().empty());
  CHECK(follows.following_among(user_id(1), candidates).value().empty());
  REQUIRE(follows.unfollow(user_id(1), user_id(99)).ok());  // nothing there: fine
}
