// CommentRepository over SQLite: a post's thread is oldest first.
#include "parley/sqlite/sqlite_comment_repository.hpp"

#include <string>

#include <soci/soci.h>

#include "detail/support.hpp"

namespace parley::sqlite {
namespace {

constexpr const char* kInsertComment =
    "INSERT INTO comments (id, post_id, author_id, body, created_at) "
    "VALUES (:id, :post_id, :author_id, :body, :created_at)";
constexpr const char* kCountPostsById = "SELECT COUNT(*) FROM posts WHERE id = :post_id";
constexpr const char* kSelectCommentById =
    "SELECT id, post_id, author_id, body, created_at FROM comments WHERE id = :id";
constexpr const char* kDeleteComment = "DELETE FROM comments WHERE id = :id";
constexpr const char* kListComments =
    "SELECT id, post_id, author_id, body, created_at FROM comments WHERE post_id = :post_id "
    "ORDER BY created_at, id LIMIT :limit OFFSET :offset";
constexpr const char* kCountComments = "SELECT COUNT(*) FROM comments WHERE post_id = :post_id";

struct CommentRow {
  std::string id;
  std::string post_id;
  std::string author_id;
  std::string body;
  long long created_at = 0;

  [[nodiscard]] core::Result<core::Comment> to_comment() const {
    auto comment_id = detail::parse_stored_id<core::CommentId>(id);
    if (!comment_id) return std::move(comment_id).error();
    auto post = detail::parse_stored_id<core::PostId>(post_id);
    if (!post) return std::move(post).error();
    auto author = detail::parse_stored_id<core::UserId>(author_id);
    if (!author) return std::move(author).error();
    return core::Comment{.id = *comment_id,
                         .post_id = *post,
                         .author_id = *author,
                         .body = core::CommentBody::from_storage(body),
                         .created_at = detail::from_millis(created_at)};
  }
};

void exchange_row(soci::statement& statement, CommentRow& row) {
  statement.exchange(soci::into(row.id));
  statement.exchange(soci::into(row.post_id));
  statement.exchange(soci::into(row.author_id));
  statement.exchange(soci::into(row.body));
  statement.exchange(soci::into(row.created_at));
}

void run(soci::statement& statement, const char* query, bool with_data) {
  statement.alloc();
  statement.prepare(query);
  statement.define_and_bind();
  statement.execute(with_data);
}

}  // namespace

core::Status SqliteCommentRepository::create(const core::Comment& comment) {
  return create_many(std::span<const core::Comment>(&comment, 1));
}

core::Status SqliteCommentRepository::create_many(std::span<const core::Comment> comments) {
  return detail::guarded([&]() -> core::Status {
    detail::Lease lease(database_);
    soci::session& session = lease.session();
    std::string post_id;
    try {
      detail::WriteTransaction transaction(session);
      for (const core::Comment& comment : comments) {
        const std::string id = comment.id.to_string();
        post_id = comment.post_id.to_string();
        const std::string author_id = comment.author_id.to_string();
        const long long created_at = detail::to_millis(comment.created_at);
        session << kInsertComment, soci::use(id, "id"), soci::use(post_id, "post_id"),
            soci::use(author_id, "author_id"), soci::use(comment.body.str(), "body"),
            soci::use(created_at, "created_at");
      }
      transaction.commit();
    } catch (const std::exception& error) {
      if (!detail::is_foreign_key_violation(error)) throw;
      // SQLite does not say which key failed; the post is the one callers can name wrongly.
      long long posts = 0;
      session << kCountPostsById, soci::use(post_id, "post_id"), soci::into(posts);
      return core::Error::not_found(posts == 0 ? "post not found" : "author not found");
    }
    return {};
  });
}

core::Result<core::Comment> SqliteCommentRepository::find_by_id(const core::CommentId& id) {
  return detail::guarded([&]() -> core::Result<core::Comment> {
    detail::Lease lease(database_);
    const std::string key = id.to_string();
    CommentRow row;
    soci::statement statement(lease.session());
    exchange_row(statement, row);
    statement.exchange(soci::use(key, "id"));
    run(statement, kSelectCommentById, true);
    if (!statement.got_data()) return core::Error::not_found("comment not found");
    return row.to_comment();
  });
}

core::Status SqliteCommentRepository::remove(const core::CommentId& id) {
  return detail::guarded([&]() -> core::Status {
    detail::Lease lease(database_);
    const std::string key = id.to_string();
    soci::statement statement(lease.session());
    statement.exchange(soci::use(key, "id"));
    run(statement, kDeleteComment, true);
    if (statement.get_affected_rows() == 0) return core::Error::not_found("comment not found");
    return {};
  });
}

core::Result<core::Page<core::Comment>> SqliteCommentRepository::list_for_post(
    const core::PostId& post_id, const core::PageRequest& page) {
  return detail::guarded([&]() -> core::Result<core::Page<core::Comment>> {
    detail::Lease lease(database_);
    soci::session& session = lease.session();
    const std::string key = post_id.to_string();
    const long long limit = page.size;
    const long long offset = page.offset();

    // One read transaction: the page and the total come from the same snapshot.
    soci::transaction transaction(session);
    core::Page<core::Comment> result;
    {
      CommentRow row;
      soci::statement statement(session);
      exchange_row(statement, row);
      statement.exchange(soci::use(key, "post_id"));
      statement.exchange(soci::use(limit, "limit"));
      statement.exchange(soci::use(offset, "offset"));
      run(statement, kListComments, false);
      while (statement.fetch()) {
        auto comment = row.to_comment();
        if (!comment) return std::move(comment).error();
        result.items.push_back(std::move(comment).value());
      }
    }
    long long total = 0;
    session << kCountComments, soci::use(key, "post_id"), soci::into(total);
    transaction.commit();
    result.total = total;
    return result;
  });
}

}  // namespace parley::sqlite
