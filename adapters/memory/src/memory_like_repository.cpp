// Likes as (user, post) pairs; the post's like_count changes under the same lock as the pair,
// as a database changes both in one transaction.
#include "parley/memory/memory_like_repository.hpp"

namespace parley::memory {

core::Result<std::int64_t> MemoryLikeRepository::like(const core::UserId& user, const core::PostId& post) {
  const std::lock_guard lock(store_.mutex_);
  const auto it = store_.posts_.find(post);
  if (it == store_.posts_.end()) return core::Error::not_found("post not found");
  if (!store_.users_.contains(user)) return core::Error::not_found("user not found");
  if (store_.likes_.emplace(user, post).second) ++it->second.like_count;
  return it->second.like_count;
}

core::Result<std::int64_t> MemoryLikeRepository::unlike(const core::UserId& user, const core::PostId& post) {
  const std::lock_guard lock(store_.mutex_);
  const auto it = store_.posts_.find(post);
  if (it == store_.posts_.end()) return core::Error::not_found("post not found");
  if (store_.likes_.erase({user, post}) > 0) --it->second.like_count;
  return it->second.like_count;
}

core::Result<std::vector<core::PostId>> MemoryLikeRepository::liked_among(
    const core::UserId& user, std::span<const core::PostId> posts) {
  const std::lock_guard lock(store_.mutex_);
  std::vector<core::PostId> liked;
  for (const core::PostId& post : posts) {
    if (store_.likes_.contains({user, post})) liked.push_back(post);
  }
  return liked;
}

}  // namespace parley::memory
