// PostRepository over PostgreSQL: the feed is newest first, drafts filtered by DraftVisibility.
#include "parley/postgres/postgres_post_repository.hpp"

#include <string>

#include "detail/support.hpp"

namespace parley::postgres {
namespace {

constexpr const char* kInsertPost =
    "INSERT INTO posts (id, author_id, title, body, is_published, created_at, updated_at) "
    "VALUES (:id, :author_id, :title, :body, :is_published, :created_at, :updated_at)";
constexpr const char* kSelectPostById =
    "SELECT id, author_id, title, body, is_published, epoch_millis(created_at), epoch_millis(updated_at) "
    "FROM posts WHERE id = :id";
constexpr const char* kUpdatePost =
    "UPDATE posts SET title = :title, body = :body, is_published = :is_published, updated_at = :updated_at "
    "WHERE id = :id";
// Its comments go with it through ON DELETE CASCADE, in the same statement and so atomically.
constexpr const char* kDeletePost = "DELETE FROM posts WHERE id = :id";

// A page and the total of every match in one statement, so both come from one snapshot in one
// round trip. The page is joined to the count (LEFT JOIN ... ON true) so that a page past the
// end still returns the total, as a single row of NULL post columns.
// Visible: published posts, every draft when :all_drafts, the drafts of :draft_author (NULL
// matches nothing). Two fixed variants, with and without the author filter, so each keeps a
// plan that walks its own index in feed order (see the EXPLAIN notes in V001__init.sql).
constexpr const char* kListPosts =
    "SELECT page.id, page.author_id, page.title, page.body, page.is_published, "
    "       epoch_millis(page.created_at), epoch_millis(page.updated_at), matches.total "
    "FROM (SELECT count(*) AS total FROM posts "
    "      WHERE is_published OR :all_drafts OR author_id = :draft_author) AS matches "
    "LEFT JOIN (SELECT id, author_id, title, body, is_published, created_at, updated_at FROM posts "
    "           WHERE is_published OR :all_drafts OR author_id = :draft_author "
    "           ORDER BY created_at DESC, id DESC LIMIT :limit OFFSET :offset) AS page ON true "
    "ORDER BY page.created_at DESC, page.id DESC";
constexpr const char* kListPostsByAuthor =
    "SELECT page.id, page.author_id, page.title, page.body, page.is_published, "
    "       epoch_millis(page.created_at), epoch_millis(page.updated_at), matches.total "
    "FROM (SELECT count(*) AS total FROM posts "
    "      WHERE author_id = :author "
    "        AND (is_published OR :all_drafts OR author_id = :draft_author)) AS matches "
    "LEFT JOIN (SELECT id, author_id, title, body, is_published, created_at, updated_at FROM posts "
    "           WHERE author_id = :author "
    "             AND (is_published OR :all_drafts OR author_id = :draft_author) "
    "           ORDER BY created_at DESC, id DESC LIMIT :limit OFFSET :offset) AS page ON true "
    "ORDER BY page.created_at DESC, page.id DESC";

// Search: the GIN index on the generated tsvector finds the matches (V002__post_search.sql);
// ts_rank() weighs title words (A) above body words (B). :terms are the search's words joined by
// spaces, and plainto_tsquery() reads them as plain words ANDed together, never as tsquery
// syntax. A NULL :author means any author. Same page-and-total shape as kListPosts.
constexpr const char* kSearchPosts =
    "SELECT page.id, page.author_id, page.title, page.body, page.is_published, "
    "       epoch_millis(page.created_at), epoch_millis(page.updated_at), matches.total "
    "FROM (SELECT count(*) AS total FROM posts "
    "      WHERE search @@ plainto_tsquery('english', :terms) "
    "        AND (CAST(:author AS uuid) IS NULL OR author_id = :author) "
    "        AND (is_published OR :all_drafts OR author_id = :draft_author)) AS matches "
    "LEFT JOIN (SELECT id, author_id, title, body, is_published, created_at, updated_at, "
    "                  ts_rank(search, plainto_tsquery('english', :terms)) AS rank FROM posts "
    "           WHERE search @@ plainto_tsquery('english', :terms) "
    "             AND (CAST(:author AS uuid) IS NULL OR author_id = :author) "
    "             AND (is_published OR :all_drafts OR author_id = :draft_author) "
    "           ORDER BY rank DESC, created_at DESC, id DESC LIMIT :limit OFFSET :offset) AS page ON true "
    "ORDER BY page.rank DESC, page.created_at DESC, page.id DESC";

constexpr std::size_t kTotalColumn = 7;

// The post columns of the SELECTs above, in order.
core::Result<core::Post> read_post(const detail::PreparedStatement& row) {
  auto id = detail::parse_stored_id<core::PostId>(row.text(0));
  if (!id) return std::move(id).error();
  auto author = detail::parse_stored_id<core::UserId>(row.text(1));
  if (!author) return std::move(author).error();
  return core::Post{.id = *id,
                    .author_id = *author,
                    .title = core::PostTitle::from_storage(row.text(2)),
                    .body = core::PostBody::from_storage(row.text(3)),
                    .is_published = row.boolean(4),
                    .created_at = detail::from_millis(row.int64(5)),
                    .updated_at = detail::from_millis(row.int64(6))};
}

void insert_post(detail::Connection& connection, const core::Post& post) {
  connection.prepared(kInsertPost)
      .execute({{"id", post.id.to_string()},
                {"author_id", post.author_id.to_string()},
                {"title", post.title.str()},
                {"body", post.body.str()},
                {"is_published", detail::to_param(post.is_published)},
                {"created_at", detail::to_param(post.created_at)},
                {"updated_at", detail::to_param(post.updated_at)}});
}

// The rows of a listing query: a page of posts, each row carrying the total of all matches
// (one row of NULLs with the total when the page is past the end).
core::Result<core::Page<core::Post>> read_page(detail::PreparedStatement& statement) {
  core::Page<core::Post> page;
  while (statement.next()) {
    page.total = statement.int64(kTotalColumn);
    if (statement.is_null(0)) break;  // past the last page: the total alone
    auto post = read_post(statement);
    if (!post) return std::move(post).error();
    page.items.push_back(std::move(post).value());
  }
  return page;
}

}  // namespace

// One statement, no BEGIN/COMMIT round trips: a single INSERT is atomic by itself.
core::Status PostgresPostRepository::create(const core::Post& post) {
  return detail::run(database_, detail::Access::write, [&](detail::Connection& connection) -> core::Status {
    insert_post(connection, post);
    return {};
  });
}

core::Status PostgresPostRepository::create_many(std::span<const core::Post> posts) {
  return detail::run(database_, detail::Access::write, [&](detail::Connection& connection) -> core::Status {
    detail::Transaction transaction(connection);
    for (const core::Post& post : posts)
      insert_post(connection, post);
    transaction.commit();
    return {};
  });
}

core::Result<core::Post> PostgresPostRepository::find_by_id(const core::PostId& id) {
  return detail::run(database_, detail::Access::read,
                     [&](detail::Connection& connection) -> core::Result<core::Post> {
                       auto& statement = connection.prepared(kSelectPostById);
                       statement.execute({{"id", id.to_string()}});
                       if (!statement.next()) return core::Error::not_found("post not found");
                       return read_post(statement);
                     });
}

core::Status PostgresPostRepository::update(const core::Post& post) {
  return detail::run(database_, detail::Access::write, [&](detail::Connection& connection) -> core::Status {
    auto& statement = connection.prepared(kUpdatePost);
    statement.execute({{"title", post.title.str()},
                       {"body", post.body.str()},
                       {"is_published", detail::to_param(post.is_published)},
                       {"updated_at", detail::to_param(post.updated_at)},
                       {"id", post.id.to_string()}});
    if (statement.affected_rows() == 0) return core::Error::not_found("post not found");
    return {};
  });
}

core::Status PostgresPostRepository::remove(const core::PostId& id) {
  return detail::run(database_, detail::Access::write, [&](detail::Connection& connection) -> core::Status {
    auto& statement = connection.prepared(kDeletePost);
    statement.execute({{"id", id.to_string()}});
    if (statement.affected_rows() == 0) return core::Error::not_found("post not found");
    return {};
  });
}

core::Result<core::Page<core::Post>> PostgresPostRepository::list(const core::PostQuery& query) {
  if (query.search) return search(query);
  return detail::run(database_, detail::Access::read,
                     [&](detail::Connection& connection) -> core::Result<core::Page<core::Post>> {
                       const bool by_author = query.author.has_value();
                       auto& statement = connection.prepared(by_author ? kListPostsByAuthor : kListPosts);
                       const std::optional<std::string> draft_author =
                           query.drafts.authored_by ? std::optional(query.drafts.authored_by->to_string())
                                                    : std::nullopt;
                       const std::string all_drafts = detail::to_param(query.drafts.all);
                       const std::string limit = std::to_string(query.page.size);
                       const std::string offset = std::to_string(query.page.offset());
                       if (by_author) {
                         statement.execute({{"author", query.author->to_string()},
                                            {"all_drafts", all_drafts},
                                            {"draft_author", draft_author},
                                            {"limit", limit},
                                            {"offset", offset}});
                       } else {
                         statement.execute({{"all_drafts", all_drafts},
                                            {"draft_author", draft_author},
                                            {"limit", limit},
                                            {"offset", offset}});
                       }
                       return read_page(statement);
                     });
}

core::Result<core::Page<core::Post>> PostgresPostRepository::search(const core::PostQuery& query) {
  const auto words = core::search_terms(*query.search);
  if (words.empty()) return core::Page<core::Post>{};  // no word: nothing matches
  std::string terms;
  for (const auto& word : words) {
    if (!terms.empty()) terms += ' ';
    terms += word;
  }
  return detail::run(
      database_, detail::Access::read,
      [&](detail::Connection& connection) -> core::Result<core::Page<core::Post>> {
        auto& statement = connection.prepared(kSearchPosts);
        statement.execute(
            {{"terms", terms},
             {"author", query.author ? std::optional(query.author->to_string()) : std::nullopt},
             {"all_drafts", detail::to_param(query.drafts.all)},
             {"draft_author",
              query.drafts.authored_by ? std::optional(query.drafts.authored_by->to_string()) : std::nullopt},
             {"limit", std::to_string(query.page.size)},
             {"offset", std::to_string(query.page.offset())}});
        return read_page(statement);
      });
}

}  // namespace parley::postgres
