// Port: where comments are kept. Every method may also return `unavailable`.
#pragma once

#include <span>

#include "parley/core/domain/entities.hpp"
#include "parley/core/domain/paging.hpp"
#include "parley/core/result.hpp"

namespace parley::core {

class CommentRepository {
 public:
  virtual ~CommentRepository() = default;

  // not_found when the post does not exist; conflict when the id is taken.
  virtual Status create(const Comment& comment) = 0;
  // Bulk load: all of `comments` in one transaction, or none; errors as create().
  virtual Status create_many(std::span<const Comment> comments) = 0;
  // not_found.
  virtual Result<Comment> find_by_id(const CommentId& id) = 0;
  // not_found.
  virtual Status remove(const CommentId& id) = 0;
  // Oldest first (created_at, then id, ascending); an unknown post gives an empty page.
  virtual Result<Page<Comment>> list_for_post(const PostId& post_id, const PageRequest& page) = 0;
};

}  // namespace parley::core
