// LikeRepository over SQLite.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "parley/core/ports/like_repository.hpp"
#include "parley/sqlite/database.hpp"

namespace parley::sqlite {

class SqliteLikeRepository final : public core::LikeRepository {
 public:
  explicit SqliteLikeRepository(Database& database) : database_(database) {}

  core::Result<std::int64_t> like(const core::UserId& user, const core::PostId& post) override;
  core::Result<std::int64_t> unlike(const core::UserId& user, const core::PostId& post) override;
  core::Result<std::vector<core::PostId>> liked_among(const core::UserId& user,
                                                      std::span<const core::PostId> posts) override;

 private:
  Database& database_;
};

}  // namespace parley::sqlite
