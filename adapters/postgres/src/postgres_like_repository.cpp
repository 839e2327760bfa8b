// LikeRepository over PostgreSQL: the likes row and posts.like_count change in one statement
// (data-modifying CTEs), so the count always equals the rows and a call is one round trip.
#include "parley/postgres/postgres_like_repository.hpp"

#include <string>

#include "detail/support.hpp"

namespace parley::postgres {
namespace {

// The count moves only when the row was really inserted; the UPDATE takes the post's row lock,
// so concurrent likes of one post add up. A missing post or user is a foreign-key violation
// (likes_post_id_fkey, likes_user_id_fkey), which names what is missing. Answers the count
// afterwards: the updated one, or the stored one when the like was already there.
constexpr const char* kLike =
    "WITH inserted AS ("
    "  INSERT INTO likes (user_id, post_id) VALUES (:user_id, :post_id) ON CONFLICT DO NOTHING "
    "  RETURNING post_id), "
    "counted AS ("
    "  UPDATE posts SET like_count = like_count + 1 WHERE id IN (SELECT post_id FROM inserted) "
    "  RETURNING like_count) "
    "SELECT COALESCE((SELECT like_count FROM counted), (SELECT like_count FROM posts WHERE id = :post_id))";
// The same the other way; NULL when the post does not exist.
constexpr const char* kUnlike =
    "WITH removed AS ("
    "  DELETE FROM likes WHERE user_id = :user_id AND post_id = :post_id RETURNING post_id), "
    "counted AS ("
    "  UPDATE posts SET like_count = like_count - 1 WHERE id IN (SELECT post_id FROM removed) "
    "  RETURNING like_count) "
    "SELECT COALESCE((SELECT like_count FROM counted), (SELECT like_count FROM posts WHERE id = :post_id))";
constexpr const char* kSelectLikedAmong =
    "SELECT post_id FROM likes WHERE user_id = :user_id AND post_id = ANY (CAST(:ids AS uuid[]))";

core::Result<std::int64_t> change(Database& database, const char* query, const core::UserId& user,
                                  const core::PostId& post) {
  return detail::run(database, detail::Access::write,
                     [&](detail::Connection& connection) -> core::Result<std::int64_t> {
                       auto& statement = connection.prepared(query);
                       statement.execute({{"user_id", user.to_string()}, {"post_id", post.to_string()}});
                       if (!statement.next() || statement.is_null(0))
                         return core::Error::not_found("post not found");
                       return statement.int64(0);
                     });
}

}  // namespace

core::Result<std::int64_t> PostgresLikeRepository::like(const core::UserId& user, const core::PostId& post) {
  return change(database_, kLike, user, post);
}

core::Result<std::int64_t> PostgresLikeRepository::unlike(const core::UserId& user,
                                                          const core::PostId& post) {
  return change(database_, kUnlike, user, post);
}

core::Result<std::vector<core::PostId>> PostgresLikeRepository::liked_among(
    const core::UserId& user, std::span<const core::PostId> posts) {
  if (posts.empty()) return std::vector<core::PostId>{};
  std::vector<std::string> ids;
  ids.reserve(posts.size());
  for (const auto& post : posts)
    ids.push_back(post.to_string());
  const std::string array = detail::array_literal(ids);
  return detail::run(database_, detail::Access::read,
                     [&](detail::Connection& connection) -> core::Result<std::vector<core::PostId>> {
                       auto& statement = connection.prepared(kSelectLikedAmong);
                       statement.execute({{"user_id", user.to_string()}, {"ids", array}});
                       std::vector<core::PostId> liked;
                       while (statement.next()) {
                         auto id = detail::parse_stored_id<core::PostId>(statement.text(0));
                         if (!id) return std::move(id).error();
                         liked.push_back(*id);
                       }
                       return liked;
                     });
}

}  // namespace parley::postgres
