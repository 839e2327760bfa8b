// CommentRepository over a MemoryStore.
#pragma once

#include <span>

#include "parley/core/ports/comment_repository.hpp"
#include "parley/memory/memory_store.hpp"

namespace parley::memory {

class MemoryCommentRepository final : public core::CommentRepository {
 public:
  explicit MemoryCommentRepository(MemoryStore& store) : store_(store) {}

  core::Status create(const core::Comment& comment) override;
  core::Status create_many(std::span<const core::Comment> comments) override;
  core::Result<core::Comment> find_by_id(const core::CommentId& id) override;
  core::Status remove(const core::CommentId& id) override;
  core::Result<core::Page<core::Comment>> list_for_post(const core::PostId& post_id,
                                                        const core::PageRequest& page) override;

 private:
  MemoryStore& store_;
};

}  // namespace parley::memory
