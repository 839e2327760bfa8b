// FollowRepository over SQLite: one statement per call, so no explicit transaction.
#include "parley/sqlite/sqlite_follow_repository.hpp"

#include <string>

#include <soci/soci.h>

#include "detail/support.hpp"

namespace parley::sqlite {
namespace {

// The time of the follow in milliseconds, from SQLite's clock (see sqlite_like_repository.cpp).
constexpr const char* kInsertFollow =
    "INSERT INTO follows (follower_id, followee_id, created_at) "
    "VALUES (:follower_id, :followee_id, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)) "
    "ON CONFLICT DO NOTHING";
constexpr const char* kDeleteFollow =
    "DELETE FROM follows WHERE follower_id = :follower_id AND followee_id = :followee_id";
constexpr const char* kSelectFollowingAmong =
    "SELECT followee_id FROM follows "
    "WHERE follower_id = :follower_id AND followee_id IN (SELECT value FROM json_each(:ids))";

}  // namespace

core::Status SqliteFollowRepository::follow(const core::UserId& follower, const core::UserId& followee) {
  return detail::guarded([&]() -> core::Status {
    detail::Lease lease(database_);
    const std::string follower_id = follower.to_string();
    const std::string followee_id = followee.to_string();
    try {
      lease.session() << kInsertFollow, soci::use(follower_id, "follower_id"),
          soci::use(followee_id, "followee_id");
    } catch (const std::exception& error) {
      return detail::translate(error, "user not found");
    }
    return {};
  });
}

core::Status SqliteFollowRepository::unfollow(const core::UserId& follower, const core::UserId& followee) {
  return detail::guarded([&]() -> core::Status {
    detail::Lease lease(database_);
    const std::string follower_id = follower.to_string();
    const std::string followee_id = followee.to_string();
    lease.session() << kDeleteFollow, soci::use(follower_id, "follower_id"),
        soci::use(followee_id, "followee_id");
    return {};
  });
}

core::Result<std::vector<core::UserId>> SqliteFollowRepository::following_among(
    const core::UserId& follower, std::span<const core::UserId> candidates) {
  if (candidates.empty()) return std::vector<core::UserId>{};
  return detail::guarded([&]() -> core::Result<std::vector<core::UserId>> {
    detail::Lease lease(database_);
    const std::string follower_id = follower.to_string();
    std::vector<std::string> ids;
    ids.reserve(candidates.size());
    for (const auto& candidate : candidates)
      ids.push_back(candidate.to_string());
    const std::string array = detail::json_array(ids);
    std::string followee_id;
    soci::statement statement(lease.session());
    statement.exchange(soci::into(followee_id));
    statement.exchange(soci::use(follower_id, "follower_id"));
    statement.exchange(soci::use(array, "ids"));
    statement.alloc();
    statement.prepare(kSelectFollowingAmong);
    statement.define_and_bind();
    statement.execute(false);
    std::vector<core::UserId> following;
    while (statement.fetch()) {
      auto id = detail::parse_stored_id<core::UserId>(followee_id);
      if (!id) return std::move(id).error();
      following.push_back(*id);
    }
    return following;
  });
}

}  // namespace parley::sqlite
