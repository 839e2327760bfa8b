// Follows as (follower, followee) pairs, between users of the same store.
#include "parley/memory/memory_follow_repository.hpp"

namespace parley::memory {

core::Status MemoryFollowRepository::follow(const core::UserId& follower, const core::UserId& followee) {
  const std::lock_guard lock(store_.mutex_);
  if (!store_.users_.contains(follower) || !store_.users_.contains(followee)) {
    return core::Error::not_found("user not found");
  }
  store_.follows_.emplace(follower, followee);
  return {};
}

core::Status MemoryFollowRepository::unfollow(const core::UserId& follower, const core::UserId& followee) {
  const std::lock_guard lock(store_.mutex_);
  store_.follows_.erase({follower, followee});
  return {};
}

core::Result<std::vector<core::UserId>> MemoryFollowRepository::following_among(
    const core::UserId& follower, std::span<const core::UserId> candidates) {
  const std::lock_guard lock(store_.mutex_);
  std::vector<core::UserId> followed;
  for (const core::UserId& candidate : candidates) {
    if (store_.follows_.contains({follower, candidate})) followed.push_back(candidate);
  }
  return followed;
}

}  // namespace parley::memory
