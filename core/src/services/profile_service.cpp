// Profile use cases: what others see of a user, and following them.
#include "parley/core/services/profile_service.hpp"

#include <algorithm>
#include <utility>
#include <vector>

#include "authors.hpp"

namespace parley::core {

ProfileService::ProfileService(UserRepository& users, FollowRepository& follows)
    : users_(users), follows_(follows) {}

Result<Profile> ProfileService::get(const Principal* viewer, const UserRef& user) {
  auto found = detail::find_user(users_, user);
  if (!found) return std::move(found).error();
  const UserId* reader = detail::reader_id(viewer);
  // Nobody follows themself, and anonymous readers follow nobody: no need to ask.
  if (reader == nullptr || *reader == found->id) return profile_of(*found, false);
  const std::vector<UserId> candidates{found->id};
  auto followed = follows_.following_among(*reader, candidates);
  if (!followed) return std::move(followed).error();
  const bool following = std::find(followed->begin(), followed->end(), found->id) != followed->end();
  return profile_of(*found, following);
}

Result<Profile> ProfileService::follow(const Principal& actor, const UserRef& user) {
  if (actor.is_operator) return Error::forbidden("the operator cannot follow users");
  auto found = detail::find_user(users_, user);
  if (!found) return std::move(found).error();
  if (found->id == actor.user_id) return Error::invalid("username", "cannot follow yourself");
  if (auto status = follows_.follow(actor.user_id, found->id); !status) return std::move(status).error();
  return profile_of(*found, true);
}

Result<Profile> ProfileService::unfollow(const Principal& actor, const UserRef& user) {
  if (actor.is_operator) return Error::forbidden("the operator cannot follow users");
  auto found = detail::find_user(users_, user);
  if (!found) return std::move(found).error();
  if (auto status = follows_.unfollow(actor.user_id, found->id); !status) return std::move(status).error();
  return profile_of(*found, false);
}

}  // namespace parley::core
