// FollowRepository over PostgreSQL: one statement per call.
#include "parley/postgres/postgres_follow_repository.hpp"

#include <string>

#include "detail/support.hpp"

namespace parley::postgres {
namespace {

// A missing user is a foreign-key violation (follows_*_fkey): not_found "user not found".
constexpr const char* kInsertFollow =
    "INSERT INTO follows (follower_id, followee_id) VALUES (:follower_id, :followee_id) "
    "ON CONFLICT DO NOTHING";
constexpr const char* kDeleteFollow =
    "DELETE FROM follows WHERE follower_id = :follower_id AND followee_id = :followee_id";
constexpr const char* kSelectFollowingAmong =
    "SELECT followee_id FROM follows "
    "WHERE follower_id = :follower_id AND followee_id = ANY (CAST(:ids AS uuid[]))";

core::Status change(Database& database, const char* query, const core::UserId& follower,
                    const core::UserId& followee) {
  return detail::run(database, detail::Access::write, [&](detail::Connection& connection) -> core::Status {
    connection.prepared(query).execute(
        {{"follower_id", follower.to_string()}, {"followee_id", followee.to_string()}});
    return {};
  });
}

}  // namespace

core::Status PostgresFollowRepository::follow(const core::UserId& follower, const core::UserId& followee) {
  return change(database_, kInsertFollow, follower, followee);
}

core::Status PostgresFollowRepository::unfollow(const core::UserId& follower, const core::UserId& followee) {
  return change(database_, kDeleteFollow, follower, followee);
}

core::Result<std::vector<core::UserId>> PostgresFollowRepository::following_among(
    const core::UserId& follower, std::span<const core::UserId> candidates) {
  if (candidates.empty()) return std::vector<core::UserId>{};
  std::vector<std::string> ids;
  ids.reserve(candidates.size());
  for (const auto& candidate : candidates)
    ids.push_back(candidate.to_string());
  const std::string array = detail::array_literal(ids);
  return detail::run(database_, detail::Access::read,
                     [&](detail::Connection& connection) -> core::Result<std::vector<core::UserId>> {
                       auto& statement = connection.prepared(kSelectFollowingAmong);
                       statement.execute({{"follower_id", follower.to_string()}, {"ids", array}});
                       std::vector<core::UserId> following;
                       while (statement.next()) {
                         auto id = detail::parse_stored_id<core::UserId>(statement.text(0));
                         if (!id) return std::move(id).error();
                         following.push_back(*id);
                       }
                       return following;
                     });
}

}  // namespace parley::postgres
