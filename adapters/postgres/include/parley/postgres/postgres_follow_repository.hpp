// FollowRepository over PostgreSQL.
#pragma once

#include <span>
#include <vector>

#include "parley/core/ports/follow_repository.hpp"
#include "parley/postgres/database.hpp"

namespace parley::postgres {

class PostgresFollowRepository final : public core::FollowRepository {
 public:
  explicit PostgresFollowRepository(Database& database) : database_(database) {}

  core::Status follow(const core::UserId& follower, const core::UserId& followee) override;
  core::Status unfollow(const core::UserId& follower, const core::UserId& followee) override;
  core::Result<std::vector<core::UserId>> following_among(const core::UserId& follower,
                                                          std::span<const core::UserId> candidates) override;

 private:
  Database& database_;
};

}  // namespace parley::postgres
