// CommentRepository over PostgreSQL: a post's thread is oldest first.
#include "parley/postgres/postgres_comment_repository.hpp"

#include <string>

#include "detail/support.hpp"

namespace parley::postgres {
namespace {

// A missing post or author is a foreign-key violation, which names the constraint: the
// translation tells "post not found" from "author not found" without a second query.
constexpr const char* kInsertComment =
    "INSERT INTO comments (id, post_id, author_id, body, created_at) "
    "VALUES (:id, :post_id, :author_id, :body, :created_at)";
constexpr const char* kSelectCommentById =
    "SELECT id, post_id, author_id, body, epoch_millis(created_at) FROM comments WHERE id = :id";
constexpr const char* kDeleteComment = "DELETE FROM comments WHERE id = :id";
// A page and its total in one statement; see kListPosts in postgres_post_repository.cpp.
constexpr const char* kListComments =
    "SELECT page.id, page.post_id, page.author_id, page.body, epoch_millis(page.created_at), "
    "       matches.total "
    "FROM (SELECT count(*) AS total FROM comments WHERE post_id = :post_id) AS matches "
    "LEFT JOIN (SELECT id, post_id, author_id, body, created_at FROM comments "
    "           WHERE post_id = :post_id "
    "           ORDER BY created_at, id LIMIT :limit OFFSET :offset) AS page ON true "
    "ORDER BY page.created_at, page.id";

constexpr std::size_t kTotalColumn = 5;

// The comment columns of the SELECTs above, in order.
core::Result<core::Comment> read_comment(const detail::PreparedStatement& row) {
  auto id = detail::parse_stored_id<core::CommentId>(row.text(0));
  if (!id) return std::move(id).error();
  auto post = detail::parse_stored_id<core::PostId>(row.text(1));
  if (!post) return std::move(post).error();
  auto author = detail::parse_stored_id<core::UserId>(row.text(2));
  if (!author) return std::move(author).error();
  return core::Comment{.id = *id,
                       .post_id = *post,
                       .author_id = *author,
                       .body = core::CommentBody::from_storage(row.text(3)),
                       .created_at = detail::from_millis(row.int64(4))};
}

void insert_comment(detail::Connection& connection, const core::Comment& comment) {
  connection.prepared(kInsertComment)
      .execute({{"id", comment.id.to_string()},
                {"post_id", comment.post_id.to_string()},
                {"author_id", comment.author_id.to_string()},
                {"body", comment.body.str()},
                {"created_at", detail::to_param(comment.created_at)}});
}

}  // namespace

// One statement, no BEGIN/COMMIT round trips: a single INSERT is atomic by itself.
core::Status PostgresCommentRepository::create(const core::Comment& comment) {
  return detail::run(database_, detail::Access::write, [&](detail::Connection& connection) -> core::Status {
    insert_comment(connection, comment);
    return {};
  });
}

core::Status PostgresCommentRepository::create_many(std::span<const core::Comment> comments) {
  return detail::run(database_, detail::Access::write, [&](detail::Connection& connection) -> core::Status {
    detail::Transaction transaction(connection);
    for (const core::Comment& comment : comments)
      insert_comment(connection, comment);
    transaction.commit();
    return {};
  });
}

core::Result<core::Comment> PostgresCommentRepository::find_by_id(const core::CommentId& id) {
  return detail::run(database_, detail::Access::read,
                     [&](detail::Connection& connection) -> core::Result<core::Comment> {
                       auto& statement = connection.prepared(kSelectCommentById);
                       statement.execute({{"id", id.to_string()}});
                       if (!statement.next()) return core::Error::not_found("comment not found");
                       return read_comment(statement);
                     });
}

core::Status PostgresCommentRepository::remove(const core::CommentId& id) {
  return detail::run(database_, detail::Access::write, [&](detail::Connection& connection) -> core::Status {
    auto& statement = connection.prepared(kDeleteComment);
    statement.execute({{"id", id.to_string()}});
    if (statement.affected_rows() == 0) return core::Error::not_found("comment not found");
    return {};
  });
}

core::Result<core::Page<core::Comment>> PostgresCommentRepository::list_for_post(
    const core::PostId& post_id, const core::PageRequest& page) {
  return detail::run(database_, detail::Access::read,
                     [&](detail::Connection& connection) -> core::Result<core::Page<core::Comment>> {
                       auto& statement = connection.prepared(kListComments);
                       statement.execute({{"post_id", post_id.to_string()},
                                          {"limit", std::to_string(page.size)},
                                          {"offset", std::to_string(page.offset())}});
                       core::Page<core::Comment> result;
                       while (statement.next()) {
                         result.total = statement.int64(kTotalColumn);
                         if (statement.is_null(0)) break;  // past the last page: the total alone
                         auto comment = read_comment(statement);
                         if (!comment) return std::move(comment).error();
                         result.items.push_back(std::move(comment).value());
                       }
                       return result;
                     });
}

}  // namespace parley::postgres
