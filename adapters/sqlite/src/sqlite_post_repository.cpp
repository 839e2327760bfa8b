// PostRepository over SQLite: the feed is newest first, drafts filtered by DraftVisibility;
// tags live in post_tags, like counts in posts.like_count (kept by SqliteLikeRepository).
#include "parley/sqlite/sqlite_post_repository.hpp"

#include <algorithm>
#include <limits>
#include <map>
#include <string>
#include <vector>

#include <soci/soci.h>

#include "detail/support.hpp"

namespace parley::sqlite {
namespace {

constexpr const char* kInsertPost =
    "INSERT INTO posts (id, author_id, slug, title, description, body, is_published, created_at, updated_at) "
    "VALUES (:id, :author_id, :slug, :title, :description, :body, :is_published, :created_at, :updated_at)";
constexpr const char* kInsertTag =
    "INSERT INTO post_tags (post_id, tag) VALUES (:post_id, :tag) ON CONFLICT DO NOTHING";
constexpr const char* kDeleteTags = "DELETE FROM post_tags WHERE post_id = :post_id";
constexpr const char* kUpdatePost =
    "UPDATE posts SET slug = :slug, title = :title, description = :description, body = :body, "
    "is_published = :is_published, updated_at = :updated_at WHERE id = :id";
// Its comments, tags and likes go with it through ON DELETE CASCADE, in the same statement and
// so atomically.
constexpr const char* kDeletePost = "DELETE FROM posts WHERE id = :id";

// The post columns every read selects, in the order PostRow reads them.
#define PARLEY_POST_COLUMNS                                                                                 \
  "p.id, p.author_id, p.slug, p.title, p.description, p.body, p.is_published, p.created_at, p.updated_at, " \
  "p.like_count "
constexpr const char* kSelectPostById = "SELECT " PARLEY_POST_COLUMNS "FROM posts AS p WHERE p.id = :key";
constexpr const char* kSelectPostBySlug = "SELECT " PARLEY_POST_COLUMNS "FROM posts AS p WHERE p.slug = :key";

// The tags of a set of posts (a JSON array of ids), bytewise in order per post: the primary
// key (post_id, tag) returns them sorted. One query per page, not one per post.
constexpr const char* kSelectTags =
    "SELECT post_id, tag FROM post_tags WHERE post_id IN (SELECT value FROM json_each(:ids)) "
    "ORDER BY post_id, tag";

constexpr const char* kPopularTags =
    "SELECT t.tag FROM post_tags AS t JOIN posts AS p ON p.id = t.post_id WHERE p.is_published = 1 "
    "GROUP BY t.tag ORDER BY COUNT(*) DESC, t.tag LIMIT :limit";

// A listing's WHERE clause is put together from these fixed fragments, by which filters the
// query sets; every value is a bound parameter. Published posts, plus every draft when
// :all_drafts = 1, plus the drafts of :draft_author (NULL matches nothing).
constexpr const char* kVisible = "(p.is_published = 1 OR :all_drafts = 1 OR p.author_id = :draft_author)";
constexpr const char* kByAuthor = " AND p.author_id = :author";
constexpr const char* kByTag = " AND p.id IN (SELECT post_id FROM post_tags WHERE tag = :tag)";
constexpr const char* kLikedBy = " AND p.id IN (SELECT post_id FROM likes WHERE user_id = :liked_by)";
constexpr const char* kFollowedBy =
    " AND p.author_id IN (SELECT followee_id FROM follows WHERE follower_id = :followed_by)";
// (created_at, id) < (:after_at, :after_id), spelled so that its first term is a range on the
// leading column of posts_created_at_id_idx.
constexpr const char* kAfter =
    " AND p.created_at <= :after_at AND (p.created_at < :after_at OR p.id < :after_id)";
constexpr const char* kNewestFirst = " ORDER BY p.created_at DESC, p.id DESC LIMIT :limit OFFSET :offset";

// Search: the FTS5 index finds the matches, the join to posts applies the other filters.
// bm25() is smaller for better matches; the title weighs 10 times the body.
constexpr const char* kSearchFrom =
    "FROM posts_fts JOIN posts AS p ON p.rowid = posts_fts.rowid "
    "WHERE posts_fts MATCH :match AND ";
constexpr const char* kByRelevance =
    " ORDER BY bm25(posts_fts, 10.0, 1.0), p.created_at DESC, p.id DESC LIMIT :limit OFFSET :offset";

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
  std::string slug;
  std::string title;
  std::string description;
  std::string body;
  int is_published = 1;
  long long created_at = 0;
  long long updated_at = 0;
  long long like_count = 0;

  static PostRow from(const core::Post& post) {
    return PostRow{.id = post.id.to_string(),
                   .author_id = post.author_id.to_string(),
                   .slug = post.slug.str(),
                   .title = post.title.str(),
                   .description = post.description.str(),
                   .body = post.body.str(),
                   .is_published = post.is_published ? 1 : 0,
                   .created_at = detail::to_millis(post.created_at),
                   .updated_at = detail::to_millis(post.updated_at),
                   .like_count = 0};
  }

  [[nodiscard]] core::Result<core::Post> to_post() const {
    auto post_id = detail::parse_stored_id<core::PostId>(id);
    if (!post_id) return std::move(post_id).error();
    auto author = detail::parse_stored_id<core::UserId>(author_id);
    if (!author) return std::move(author).error();
    return core::Post{.id = *post_id,
                      .author_id = *author,
                      .slug = core::Slug::from_storage(slug),
                      .title = core::PostTitle::from_storage(title),
                      .description = core::PostDescription::from_storage(description),
                      .body = core::PostBody::from_storage(body),
                      .tags = {},
                      .is_published = is_published != 0,
                      .created_at = detail::from_millis(created_at),
                      .updated_at = detail::from_millis(updated_at),
                      .like_count = like_count};
  }
};

void exchange_row(soci::statement& statement, PostRow& row) {
  statement.exchange(soci::into(row.id));
  statement.exchange(soci::into(row.author_id));
  statement.exchange(soci::into(row.slug));
  statement.exchange(soci::into(row.title));
  statement.exchange(soci::into(row.description));
  statement.exchange(soci::into(row.body));
  statement.exchange(soci::into(row.is_published));
  statement.exchange(soci::into(row.created_at));
  statement.exchange(soci::into(row.updated_at));
  statement.exchange(soci::into(row.like_count));
}

void run(soci::statement& statement, const std::string& query, bool with_data) {
  statement.alloc();
  statement.prepare(query);
  statement.define_and_bind();
  statement.execute(with_data);
}

// The filters of a listing and their bound values; bind() binds exactly the parameters that
// where() mentions.
struct Filters {
  int all_drafts = 0;
  std::string draft_author;
  soci::indicator draft_author_indicator = soci::i_null;
  std::optional<std::string> author;
  std::optional<std::string> tag;
  std::optional<std::string> liked_by;
  std::optional<std::string> followed_by;
  std::optional<long long> after_at;
  std::string after_id;

  explicit Filters(const core::PostQuery& query)
      : all_drafts(query.drafts.all ? 1 : 0),
        draft_author(query.drafts.authored_by ? query.drafts.authored_by->to_string() : std::string()),
        draft_author_indicator(query.drafts.authored_by ? soci::i_ok : soci::i_null) {
    if (query.author) author = query.author->to_string();
    if (query.tag) tag = query.tag->str();
    if (query.liked_by) liked_by = query.liked_by->to_string();
    if (query.followed_by) followed_by = query.followed_by->to_string();
    if (query.after) {
      after_at = detail::to_millis(query.after->created_at);
      after_id = query.after->id.to_string();
    }
  }

  [[nodiscard]] std::string where(bool with_after) const {
    std::string sql = kVisible;
    if (author) sql += kByAuthor;
    if (tag) sql += kByTag;
    if (liked_by) sql += kLikedBy;
    if (followed_by) sql += kFollowedBy;
    if (with_after && after_at) sql += kAfter;
    return sql;
  }

  void bind(soci::statement& statement, bool with_after) {
    statement.exchange(soci::use(all_drafts, "all_drafts"));
    statement.exchange(soci::use(draft_author, draft_author_indicator, "draft_author"));
    if (author) statement.exchange(soci::use(*author, "author"));
    if (tag) statement.exchange(soci::use(*tag, "tag"));
    if (liked_by) statement.exchange(soci::use(*liked_by, "liked_by"));
    if (followed_by) statement.exchange(soci::use(*followed_by, "followed_by"));
    if (with_after && after_at) {
      statement.exchange(soci::use(*after_at, "after_at"));
      statement.exchange(soci::use(after_id, "after_id"));
    }
  }
};

void insert_tags(soci::session& session, const std::string& post_id, const std::vector<core::Tag>& tags) {
  for (const core::Tag& tag : tags)
    session << kInsertTag, soci::use(post_id, "post_id"), soci::use(tag.str(), "tag");
}

// Fills in the tags of `posts` with one query.
core::Status load_tags(soci::session& session, std::vector<core::Post>& posts) {
  if (posts.empty()) return {};
  std::vector<std::string> ids;
  ids.reserve(posts.size());
  for (const auto& post : posts)
    ids.push_back(post.id.to_string());
  const std::string array = detail::json_array(ids);
  std::map<std::string, std::vector<core::Tag>> tags;
  std::string post_id;
  std::string tag;
  soci::statement statement(session);
  statement.exchange(soci::into(post_id));
  statement.exchange(soci::into(tag));
  statement.exchange(soci::use(array, "ids"));
  run(statement, kSelectTags, false);
  while (statement.fetch())
    tags[post_id].push_back(core::Tag::from_storage(tag));
  for (auto& post : posts) {
    if (auto found = tags.find(post.id.to_string()); found != tags.end())
      post.tags = std::move(found->second);
  }
  return {};
}

// Fetches every row of an executed listing statement into `page`.
core::Status collect(soci::statement& statement, const PostRow& row, core::Page<core::Post>& page) {
  while (statement.fetch()) {
    auto post = row.to_post();
    if (!post) return std::move(post).error();
    page.items.push_back(std::move(post).value());
  }
  return {};
}

core::Result<core::Post> find_one(Database& database, const char* query, const std::string& key) {
  detail::Lease lease(database);
  soci::session& session = lease.session();
  soci::transaction transaction(session);  // the post and its tags from one snapshot
  PostRow row;
  std::vector<core::Post> found;
  {
    soci::statement statement(session);
    exchange_row(statement, row);
    statement.exchange(soci::use(key, "key"));
    run(statement, query, true);
    if (!statement.got_data()) return core::Error::not_found("post not found");
    auto post = row.to_post();
    if (!post) return std::move(post).error();
    found.push_back(std::move(post).value());
  }
  if (auto loaded = load_tags(session, found); !loaded) return std::move(loaded).error();
  transaction.commit();
  return std::move(found.front());
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
      // Prepared once per call, executed per post and per tag: a bulk load re-parses nothing.
      PostRow row;
      soci::statement insert_post =
          (session.prepare << kInsertPost, soci::use(row.id, "id"), soci::use(row.author_id, "author_id"),
           soci::use(row.slug, "slug"), soci::use(row.title, "title"),
           soci::use(row.description, "description"), soci::use(row.body, "body"),
           soci::use(row.is_published, "is_published"), soci::use(row.created_at, "created_at"),
           soci::use(row.updated_at, "updated_at"));
      std::string tag;
      soci::statement insert_tag =
          (session.prepare << kInsertTag, soci::use(row.id, "post_id"), soci::use(tag, "tag"));
      for (const core::Post& post : posts) {
        row = PostRow::from(post);
        insert_post.execute(true);
        for (const core::Tag& each : post.tags) {
          tag = each.str();
          insert_tag.execute(true);
        }
      }
      transaction.commit();
    } catch (const std::exception& error) {
      return detail::translate(error, "author not found");
    }
    return {};
  });
}

core::Result<core::Post> SqlitePostRepository::find_by_id(const core::PostId& id) {
  return detail::guarded([&] { return find_one(database_, kSelectPostById, id.to_string()); });
}

core::Result<core::Post> SqlitePostRepository::find_by_slug(const core::Slug& slug) {
  return detail::guarded([&] { return find_one(database_, kSelectPostBySlug, slug.str()); });
}

core::Status SqlitePostRepository::update(const core::Post& post) {
  return detail::guarded([&]() -> core::Status {
    detail::Lease lease(database_);
    soci::session& session = lease.session();
    const PostRow row = PostRow::from(post);
    detail::WriteTransaction transaction(session);
    {
      soci::statement statement = (session.prepare << kUpdatePost, soci::use(row.slug, "slug"),
                                   soci::use(row.title, "title"), soci::use(row.description, "description"),
                                   soci::use(row.body, "body"), soci::use(row.is_published, "is_published"),
                                   soci::use(row.updated_at, "updated_at"), soci::use(row.id, "id"));
      statement.execute(true);
      if (statement.get_affected_rows() == 0) return core::Error::not_found("post not found");
    }
    session << kDeleteTags, soci::use(row.id, "post_id");
    insert_tags(session, row.id, post.tags);
    transaction.commit();
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
    Filters filters(query);
    const long long limit = query.page.size;
    // A cursor says where the page starts; the offset is for numbered pages only.
    const long long offset = query.after ? 0 : query.page.offset();

    // One read transaction: the page, its tags and the total come from the same snapshot.
    soci::transaction transaction(session);
    core::Page<core::Post> page;
    {
      PostRow row;
      soci::statement statement(session);
      exchange_row(statement, row);
      filters.bind(statement, true);
      statement.exchange(soci::use(limit, "limit"));
      statement.exchange(soci::use(offset, "offset"));
      run(statement,
          "SELECT " PARLEY_POST_COLUMNS "FROM posts AS p WHERE " + filters.where(true) + kNewestFirst, false);
      if (auto status = collect(statement, row, page); !status) return std::move(status).error();
    }
    if (auto loaded = load_tags(session, page.items); !loaded) return std::move(loaded).error();
    long long total = query.known_total.value_or(0);
    if (!query.known_total) {
      // Every match, also those before the cursor.
      soci::statement statement(session);
      statement.exchange(soci::into(total));
      filters.bind(statement, false);
      run(statement, "SELECT COUNT(*) FROM posts AS p WHERE " + filters.where(false), true);
    }
    transaction.commit();
    page.total = total;
    return page;
  });
}

core::Result<core::Page<core::Post>> SqlitePostRepository::search(const core::PostQuery& query) {
  const auto terms = core::search_terms(*query.search);
  if (terms.empty())
    return core::Page<core::Post>{.items = {},
                                  .total = query.known_total.value_or(0)};  // no word: nothing matches
  return detail::guarded([&]() -> core::Result<core::Page<core::Post>> {
    detail::Lease lease(database_);
    soci::session& session = lease.session();
    const std::string match = fts5_match(terms);
    Filters filters(query);
    const long long limit = query.page.size;
    const long long offset = query.page.offset();
    // A cursor follows the newest-first order, which a ranked search does not: never applied.
    const std::string where = std::string(kSearchFrom) + filters.where(false);

    soci::transaction transaction(session);
    core::Page<core::Post> page;
    {
      PostRow row;
      soci::statement statement(session);
      exchange_row(statement, row);
      statement.exchange(soci::use(match, "match"));
      filters.bind(statement, false);
      statement.exchange(soci::use(limit, "limit"));
      statement.exchange(soci::use(offset, "offset"));
      run(statement, "SELECT " PARLEY_POST_COLUMNS + where + kByRelevance, false);
      if (auto status = collect(statement, row, page); !status) return std::move(status).error();
    }
    if (auto loaded = load_tags(session, page.items); !loaded) return std::move(loaded).error();
    long long total = query.known_total.value_or(0);
    if (!query.known_total) {
      soci::statement statement(session);
      statement.exchange(soci::into(total));
      statement.exchange(soci::use(match, "match"));
      filters.bind(statement, false);
      run(statement, "SELECT COUNT(*) " + where, true);
    }
    transaction.commit();
    page.total = total;
    return page;
  });
}

core::Result<std::vector<core::Tag>> SqlitePostRepository::popular_tags(std::size_t limit) {
  if (limit == 0) return std::vector<core::Tag>{};
  return detail::guarded([&]() -> core::Result<std::vector<core::Tag>> {
    detail::Lease lease(database_);
    const auto bound = static_cast<long long>(
        std::min<std::size_t>(limit, static_cast<std::size_t>(std::numeric_limits<long long>::max())));
    std::string tag;
    soci::statement statement(lease.session());
    statement.exchange(soci::into(tag));
    statement.exchange(soci::use(bound, "limit"));
    run(statement, kPopularTags, false);
    std::vector<core::Tag> tags;
    while (statement.fetch())
      tags.push_back(core::Tag::from_storage(tag));
    return tags;
  });
}

}  // namespace parley::sqlite
