// LikeRepository over SQLite: the likes row and posts.like_count change in one write
// transaction, so the count always equals the rows.
#include "parley/sqlite/sqlite_like_repository.hpp"

#include <string>

#include <soci/soci.h>

#include "detail/support.hpp"

namespace parley::sqlite {
namespace {

constexpr const char* kSelectLikeCount = "SELECT like_count FROM posts WHERE id = :post_id";
// The time of the like in milliseconds, from SQLite's clock: informational only, nothing orders
// by it. (julianday() keeps milliseconds; unixepoch('subsec') needs SQLite 3.42.)
constexpr const char* kInsertLike =
    "INSERT INTO likes (user_id, post_id, created_at) "
    "VALUES (:user_id, :post_id, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)) "
    "ON CONFLICT DO NOTHING";
constexpr const char* kDeleteLike = "DELETE FROM likes WHERE user_id = :user_id AND post_id = :post_id";
constexpr const char* kAddToCount = "UPDATE posts SET like_count = like_count + :delta WHERE id = :post_id";
constexpr const char* kSelectLikedAmong =
    "SELECT post_id FROM likes WHERE user_id = :user_id AND post_id IN (SELECT value FROM json_each(:ids))";

// Runs one statement and says how many rows it changed.
long long changed_rows(soci::session& session, const char* query, const std::string& user_id,
                       const std::string& post_id) {
  soci::statement statement =
      (session.prepare << query, soci::use(user_id, "user_id"), soci::use(post_id, "post_id"));
  statement.execute(true);
  return statement.get_affected_rows();
}

// Adds `delta` (+1 or -1) to the post's count when `changed` says the likes row changed, and
// returns the count afterwards; not_found when the post does not exist. Inside the caller's
// write transaction, so nothing changes between the read and the write.
template <class Change>
core::Result<std::int64_t> change_like(Database& database, const core::UserId& user, const core::PostId& post,
                                       int delta, Change change) {
  return detail::guarded([&]() -> core::Result<std::int64_t> {
    detail::Lease lease(database);
    soci::session& session = lease.session();
    const std::string user_id = user.to_string();
    const std::string post_id = post.to_string();
    detail::WriteTransaction transaction(session);
    long long count = 0;
    session << kSelectLikeCount, soci::use(post_id, "post_id"), soci::into(count);
    if (!session.got_data()) return core::Error::not_found("post not found");
    bool changed = false;
    try {
      changed = change(session, user_id, post_id);
    } catch (const std::exception& error) {
      // The post exists (read above, under the write lock): the user is what is missing.
      if (detail::is_foreign_key_violation(error)) return core::Error::not_found("user not found");
      throw;
    }
    if (changed) {
      session << kAddToCount, soci::use(delta, "delta"), soci::use(post_id, "post_id");
      count += delta;
    }
    transaction.commit();
    return static_cast<std::int64_t>(count);
  });
}

}  // namespace

core::Result<std::int64_t> SqliteLikeRepository::like(const core::UserId& user, const core::PostId& post) {
  return change_like(database_, user, post, +1,
                     [](soci::session& session, const std::string& user_id, const std::string& post_id) {
                       return changed_rows(session, kInsertLike, user_id, post_id) == 1;
                     });
}

core::Result<std::int64_t> SqliteLikeRepository::unlike(const core::UserId& user, const core::PostId& post) {
  return change_like(database_, user, post, -1,
                     [](soci::session& session, const std::string& user_id, const std::string& post_id) {
                       return changed_rows(session, kDeleteLike, user_id, post_id) == 1;
                     });
}

core::Result<std::vector<core::PostId>> SqliteLikeRepository::liked_among(
    const core::UserId& user, std::span<const core::PostId> posts) {
  if (posts.empty()) return std::vector<core::PostId>{};
  return detail::guarded([&]() -> core::Result<std::vector<core::PostId>> {
    detail::Lease lease(database_);
    const std::string user_id = user.to_string();
    std::vector<std::string> ids;
    ids.reserve(posts.size());
    for (const auto& post : posts)
      ids.push_back(post.to_string());
    const std::string array = detail::json_array(ids);
    std::string post_id;
    soci::statement statement(lease.session());
    statement.exchange(soci::into(post_id));
    statement.exchange(soci::use(user_id, "user_id"));
    statement.exchange(soci::use(array, "ids"));
    statement.alloc();
    statement.prepare(kSelectLikedAmong);
    statement.define_and_bind();
    statement.execute(false);
    std::vector<core::PostId> liked;
    while (statement.fetch()) {
      auto id = detail::parse_stored_id<core::PostId>(post_id);
      if (!id) return std::move(id).error();
      liked.push_back(*id);
    }
    return liked;
  });
}

}  // namespace parley::sqlite
