// Author profiles for pages of posts and comments, in one round trip per port.
#include "authors.hpp"

#include <algorithm>
#include <iterator>
#include <unordered_set>
#include <utility>
#include <variant>

namespace parley::core::detail {

Result<User> find_user(UserRepository& users, const UserRef& ref) {
  if (const auto* id = std::get_if<UserId>(&ref)) return users.find_by_id(*id);
  return users.find_by_username(std::get<Username>(ref));
}

const UserId* reader_id(const Principal* viewer) noexcept {
  if (viewer == nullptr || viewer->is_operator) return nullptr;
  return &viewer->user_id;
}

Result<Profiles> author_profiles(UserRepository& users, FollowRepository& follows, const Principal* viewer,
                                 std::vector<UserId> authors) {
  // Each author once, in the order of first appearance.
  std::unordered_set<UserId, UuidHash> seen;
  std::erase_if(authors, [&](const UserId& id) { return !seen.insert(id).second; });
  Profiles profiles;
  if (authors.empty()) return profiles;

  auto found = users.find_many(authors);
  if (!found) return std::move(found).error();

  std::vector<UserId> followed;
  if (const UserId* reader = reader_id(viewer)) {
    // Nobody follows themself: only the other authors are asked about.
    std::vector<UserId> others;
    others.reserve(authors.size());
    std::copy_if(authors.begin(), authors.end(), std::back_inserter(others),
                 [&](const UserId& id) { return id != *reader; });
    if (!others.empty()) {
      auto among = follows.following_among(*reader, others);
      if (!among) return std::move(among).error();
      followed = std::move(among).value();
    }
  }
  const std::unordered_set<UserId, UuidHash> followed_set(followed.begin(), followed.end());
  for (const User& user : *found) {
    const bool following = followed_set.contains(user.id);
    profiles.insert_or_assign(user.id, profile_of(user, following));
  }
  return profiles;
}

Error missing_author() {
  return Error::internal("the author of an item is missing");
}

}  // namespace parley::core::detail
