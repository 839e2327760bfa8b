// FollowRepository over SQLite.
#pragma once

#include <span>
#include <vector>

#include "parley/core/ports/follow_repository.hpp"
#include "parley/sqlite/database.hpp"

namespace parley::sqlite {

class SqliteFollowRepository final : public core::FollowRepository {
 public:
  explicit SqliteFollowRepository(Database& database) : database_(database) {}

  core::Status follow(const core::UserId& follower, const core::UserId& followee) override;
  core::Status unfollow(const core::UserId& follower, const core::UserId& followee) override;
  core::Result<std::vector<core::UserId>> following_among(const core::UserId& follower,
                                                          std::span<const core::UserId> candidates) override;

 private:
  Database& database_;
};

}  // namespace parley::sqlite
