// PostRepository over a MemoryStore.
#pragma once

#include <cstddef>
#include <span>
#include <vector>

#include "parley/core/ports/post_repository.hpp"
#include "parley/memory/memory_store.hpp"

namespace parley::memory {

class MemoryPostRepository final : public core::PostRepository {
 public:
  explicit MemoryPostRepository(MemoryStore& store) : store_(store) {}

  core::Status create(const core::Post& post) override;
  core::Status create_many(std::span<const core::Post> posts) override;
  core::Result<core::Post> find_by_id(const core::PostId& id) override;
  core::Result<core::Post> find_by_slug(const core::Slug& slug) override;
  core::Status update(const core::Post& post) override;
  core::Status remove(const core::PostId& id) override;
  core::Result<core::Page<core::Post>> list(const core::PostQuery& query) override;
  core::Result<std::vector<core::Tag>> popular_tags(std::size_t limit) override;

 private:
  MemoryStore& store_;
};

}  // namespace parley::memory
