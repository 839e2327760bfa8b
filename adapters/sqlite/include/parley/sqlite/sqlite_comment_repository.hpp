// CommentRepository over SQLite.
#pragma once

#include <span>

#include "parley/core/ports/comment_repository.hpp"
#include "parley/sqlite/database.hpp"

namespace parley::sqlite {

class SqliteCommentRepository final : public core::CommentRepository {
 public:
  explicit SqliteCommentRepository(Database& database) : database_(database) {}

  core::Status create(const core::Comment& comment) override;
  core::Status create_many(std::span<const core::Comment> comments) override;
  core::Result<core::Comment> find_by_id(const core::CommentId& id) override;
  core::Status remove(const core::CommentId& id) override;
  core::Result<core::Page<core::Comment>> list_for_post(const core::PostId& post_id,
                                                        const core::PageRequest& page) override;

 private:
  Database& database_;
};

}  // namespace parley::sqlite
