// LikeRepository over a MemoryStore: keeps each post's like_count with its likes.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "parley/core/ports/like_repository.hpp"
#include "parley/memory/memory_store.hpp"

namespace parley::memory {

class MemoryLikeRepository final : public core::LikeRepository {
 public:
  explicit MemoryLikeRepository(MemoryStore& store) : store_(store) {}

  core::Result<std::int64_t> like(const core::UserId& user, const core::PostId& post) override;
  core::Result<std::int64_t> unlike(const core::UserId& user, const core::PostId& post) override;
  core::Result<std::vector<core::PostId>> liked_among(const core::UserId& user,
                                                      std::span<const core::PostId> posts) override;

 private:
  MemoryStore& store_;
};

}  // namespace parley::memory
