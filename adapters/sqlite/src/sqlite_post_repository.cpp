// PostRepository over SQLite: the feed is newest first, drafts filtered by DraftVisibility.
#include "parley/sqlite/sqlite_post_repository.hpp"

#include <string>
#include <vector>

#include <soci/soci.h>

#include "detail/support.hpp"

namespace parley::sqlite {
namespace {

constexpr const char* kInsertPost =
    "INSERT INTO posts (id, author_id, title, body, is_published, created_at, updated_at) "
    "VALUES (:id, :author_id, :title, :body, :is_published, :created_at, :updated_at)";
constexpr const char* kSelectPostById =
    "SELECT id, author_id, title, body, is_published, created_at, updated_at FROM posts WHERE id = :id";
constexpr const char* kUpdatePost =
    "UPDATE posts SET title = :title, body = :body, is_published = :is_published, updated_at = :updated_at "
    "WHERE id = :id";
// Its comments go with it through ON DELETE CASCADE, in the same statement and so atomically.
constexpr const char* kDeletePost = "DELETE FROM posts WHERE id = :id";

// Published posts, plus every draft when :all_drafts = 1, plus the drafts of :draft_author
// (NULL matches nothing). Two fixed variants, with and without the author filter, so each
// keeps a plan that walks its own index in feed order.
constexpr const char* kListPosts =
    "SELECT id, author_id, title, body, is_published, created_at, updated_at FROM posts "
    "WHERE (is_published = 1 OR :all_drafts = 1 OR author_id = :draft_author) "
    "ORDER BY created_at DESC, id DESC LIMIT :limit OFFSET :offset";
constexpr const char* kCountPosts =
    "SELECT COUNT(*) FROM posts WHERE (is_published = 1 OR :all_drafts = 1 OR author_id = :draft_author)";
constexpr const char* kListPostsByAuthor =
    "SELECT id, author_id, title, body, is_published, created_at, updated_at FROM posts "
    "WHERE author_id = :author AND (is_published = 1 OR :all_drafts = 1 OR author_id = :draft_author) "
    "ORDER BY created_at DESC, id DESC LIMIT :limit OFFSET :offset";
constexpr const char* kCountPostsByAuthor =
    "SELECT COUNT(*) FROM posts "
    "WHERE author_id = :author AND (is_published = 1 OR :all_drafts = 1 OR author_id = :draft_author)";

// Search: the FTS5 index finds the matches, the join to posts applies the author and draft
// rules. bm25() is smaller for better matches; the title weighs 10 times the body. :author NULL
// means any author (the index, not the author filter, drives this plan).
constexpr const char* kSearchPosts =
    "SELECT p.id, p.author_id, p.title, p.body, p.is_published, p.created_at, p.updated_at "
    "FROM posts_fts JOIN posts AS p ON p.rowid = posts_fts.rowid "
    "WHERE posts_fts MATCH :match AND (:author IS NULL OR p.author_id = :author) "
    "AND (p.is_published = 1 OR :all_drafts = 1 OR p.author_id = :draft_author) "
    "ORDER BY bm25(posts_fts, 10.0, 1.0), p.created_at DESC, p.id DESC LIMIT :limit OFFSET :offset";
constexpr const char* kCountSearchPosts =
    "SELECT COUNT(*) FROM posts_fts JOIN posts AS p ON p.rowid = posts_fts.rowid "
    "WHERE posts_fts MATCH :match AND (:author IS NULL OR p.author_id = :author) "
    "AND (p.is_published = 1 OR :all_drafts = 1 OR p.author_id = :draft_author)";

// An FTS5 query that is only the search's words, each a quoted string (a '"' inside doubled), so
// nothing the user typed can be read as FTS5 syntax (AND, NEAR(, *, column filters). Terms side
// by side must all match.
std::string fts5_match(const std::vector<std::string>& terms) {
  std::string match;
  for (const auto& term : terms) {
    if (!match.empty()) match += ' ';
    match += '"';
    for (const char c : term) {
      if (c == '"') match += '"';
      match += c;
    }
    match += '"';
  }
  return match;
}

struct PostRow {
  std::string id;
  std::string author_id;
  std::string title;
  std::string body;
  int is_published = 1;
  long long created_at = 0;
  long long updated_at = 0;

  static PostRow from(const core::Post& post) {
    return PostRow{post.id.to_string(),
                   post.author_id.to_string(),
                   post.title.str(),
                   post.body.str(),
                   post.is_published ? 1 : 0,
                   detail::to_millis(post.created_at),
                   detail::to_millis(post.updated_at)};
  }

  [[nodiscard]] core::Result<core::Post> to_post() const {
    auto post_id = detail::parse_stored_id<core::PostId>(id);
    if (!post_id) return std::move(post_id).error();
    auto author = detail::parse_stored_id<core::UserId>(author_id);
    if (!author) return std::move(author).error();
    return core::Post{.id = *post_id,
                      .author_id = *author,
                      .title = core::PostTitle::from_storage(title),
                      .body = core::PostBody::from_storage(body),
                      .is_published = is_published != 0,
                      .created_at = detail::from_millis(created_at),
                      .updated_at = detail::from_millis(updated_at)};
  }
};

void exchange_row(soci::statement& statement, PostRow& row) {
  statement.exchange(soci::into(row.id));
  statement.exchange(soci::into(row.author_id));
  statement.exchange(soci::into(row.title));
  statement.exchange(soci::into(row.body));
  statement.exchange(soci::into(row.is_published));
  statement.exchange(soci::into(row.created_at));
  statement.exchange(soci::into(row.updated_at));
}

void run(soci::statement& statement, const char* query, bool with_data) {
  statement.alloc();
  statement.prepare(query);
  statement.define_and_bind();
  statement.execute(with_data);
}

// The draft rule's parameters, which every listing statement binds.
struct DraftParams {
  int all = 0;
  std::string author;
  soci::indicator author_indicator = soci::i_null;

  explicit DraftParams(const core::DraftVisibility& drafts)
      : all(drafts.all ? 1 : 0),
        author(drafts.authored_by ? drafts.authored_by->to_string() : std::string()),
        author_indicator(drafts.authored_by ? soci::i_ok : soci::i_null) {}

  void bind(soci::statement& statement) {
    statement.exchange(soci::use(all, "all_drafts"));
    statement.exchange(soci::use(author, author_indicator, "draft_author"));
  }
};

// Fetches every row of an executed listing statement into `page`.
core::Status collect(soci::statement& statement, const PostRow& row, core::Page<core::Post>& page) {
  while (statement.fetch()) {
    auto post = row.to_post();
    if (!post) return std::move(post).error();
    page.items.push_back(std::move(post).value());
  }
  return {};
}

}  // namespace

core::Status SqlitePostRepository::create(const core::Post& post) {
  return create_many(std::span<const core::Post>(&post, 1));
}

core::Status SqlitePostRepository::create_many(std::span<const core::Post> posts) {
  return detail::guarded([&]() -> core::Status {
    detail::Lease lease(database_);
    soci::session& session = lease.session();
    try {
      detail::WriteTransaction transaction(session);
      for (const core::Post& post : posts) {
        const PostRow row = PostRow::from(post);
        session << kInsertPost, soci::use(row.id, "id"), soci::use(row.author_id, "author_id"),
            soci::use(row.title, "title"), soci::use(row.body, "body"),
            soci::use(row.is_published, "is_published"), soci::use(row.created_at, "created_at"),
            soci::use(row.updated_at, "updated_at");
      }
      transaction.commit();
    } catch (const std::exception& error) {
      return detail::translate(error, "author not found");
    }
    return {};
  });
}

core::Result<core::Post> SqlitePostRepository::find_by_id(const core::PostId& id) {
  return detail::guarded([&]() -> core::Result<core::Post> {
    detail::Lease lease(database_);
    soci::session& session = lease.session();
    const std::string key = id.to_string();
    PostRow row;
    soci::statement statement(session);
    exchange_row(statement, row);
    statement.exchange(soci::use(key, "id"));
    run(statement, kSelectPostById, true);
    if (!statement.got_data()) return core::Error::not_found("post not found");
    return row.to_post();
  });
}

core::Status SqlitePostRepository::update(const core::Post& post) {
  return detail::guarded([&]() -> core::Status {
    detail::Lease lease(database_);
    const PostRow row = PostRow::from(post);
    soci::statement statement = (lease.session().prepare << kUpdatePost, soci::use(row.title, "title"),
                                 soci::use(row.body, "body"), soci::use(row.is_published, "is_published"),
                                 soci::use(row.updated_at, "updated_at"), soci::use(row.id, "id"));
    statement.execute(true);
    if (statement.get_affected_rows() == 0) return core::Error::not_found("post not found");
    return {};
  });
}

core::Status SqlitePostRepository::remove(const core::PostId& id) {
  return detail::guarded([&]() -> core::Status {
    detail::Lease lease(database_);
    const std::string key = id.to_string();
    soci::statement statement = (lease.session().prepare << kDeletePost, soci::use(key, "id"));
    statement.execute(true);
    if (statement.get_affected_rows() == 0) return core::Error::not_found("post not found");
    return {};
  });
}

core::Result<core::Page<core::Post>> SqlitePostRepository::list(const core::PostQuery& query) {
  if (query.search) return search(query);
  return detail::guarded([&]() -> core::Result<core::Page<core::Post>> {
    detail::Lease lease(database_);
    soci::session& session = lease.session();
    const bool by_author = query.author.has_value();
    const std::string author = by_author ? query.author->to_string() : std::string();
    DraftParams drafts(query.drafts);
    const long long limit = query.page.size;
    const long long offset = query.page.offset();

    // One read transaction: the page and the total come from the same snapshot.
    soci::transaction transaction(session);
    core::Page<core::Post> page;
    {
      PostRow row;
      soci::statement statement(session);
      exchange_row(statement, row);
      if (by_author) statement.exchange(soci::use(author, "author"));
      drafts.bind(statement);
      statement.exchange(soci::use(limit, "limit"));
      statement.exchange(soci::use(offset, "offset"));
      run(statement, by_author ? kListPostsByAuthor : kListPosts, false);
      if (auto status = collect(statement, row, page); !status) return std::move(status).error();
    }
    long long total = 0;
    {
      soci::statement statement(session);
      statement.exchange(soci::into(total));
      if (by_author) statement.exchange(soci::use(author, "author"));
      drafts.bind(statement);
      run(statement, by_author ? kCountPostsByAuthor : kCountPosts, true);
    }
    transaction.commit();
    page.total = total;
    return page;
  });
}

core::Result<core::Page<core::Post>> SqlitePostRepository::search(const core::PostQuery& query) {
  const auto terms = core::search_terms(*query.search);
  if (terms.empty()) return core::Page<core::Post>{};  // no word: nothing matches
  return detail::guarded([&]() -> core::Result<core::Page<core::Post>> {
    detail::Lease lease(database_);
    soci::session& session = lease.session();
    const std::string match = fts5_match(terms);
    std::string author = query.author ? query.author->to_string() : std::string();
    soci::indicator author_indicator = query.author ? soci::i_ok : soci::i_null;
    DraftParams drafts(query.drafts);
    const long long limit = query.page.size;
    const long long offset = query.page.offset();

    soci::transaction transaction(session);
    core::Page<core::Post> page;
    {
      PostRow row;
      soci::statement statement(session);
      exchange_row(statement, row);
      statement.exchange(soci::use(match, "match"));
      statement.exchange(soci::use(author, author_indicator, "author"));
      drafts.bind(statement);
      statement.exchange(soci::use(limit, "limit"));
      statement.exchange(soci::use(offset, "offset"));
      run(statement, kSearchPosts, false);
      if (auto status = collect(statement, row, page); !status) return std::move(status).error();
    }
    long long total = 0;
    {
      soci::statement statement(session);
      statement.exchange(soci::into(total));
      statement.exchange(soci::use(match, "match"));
      statement.exchange(soci::use(author, author_indicator, "author"));
      drafts.bind(statement);
      run(statement, kCountSearchPosts, true);
    }
    transaction.commit();
    page.total = total;
    return page;
  });
}

}  // namespace parley::sqlite
