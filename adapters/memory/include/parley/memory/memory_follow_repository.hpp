// FollowRepository over a MemoryStore.
#pragma once

#include <span>
#include <vector>

#include "parley/core/ports/follow_repository.hpp"
#include "parley/memory/memory_store.hpp"

namespace parley::memory {

class MemoryFollowRepository final : public core::FollowRepository {
 public:
  explicit MemoryFollowRepository(MemoryStore& store) : store_(store) {}

  core::Status follow(const core::UserId& follower, const core::UserId& followee) override;
  core::Status unfollow(const core::UserId& follower, const core::UserId& followee) override;
  core::Result<std::vector<core::UserId>> following_among(const core::UserId& follower,
                                                          std::span<const core::UserId> candidates) override;

 private:
  MemoryStore& store_;
};

}  // namespace parley::memory
