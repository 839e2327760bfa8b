// PostRepository over PostgreSQL: the feed is newest first, drafts filtered by DraftVisibility;
// tags live in post_tags, like counts in posts.like_count (kept by PostgresLikeRepository).
#include "parley/postgres/postgres_post_repository.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "detail/support.hpp"

namespace parley::postgres {
namespace {

// The post row and its tags in one statement, so one round trip and nothing half-written: the
// tags' foreign key is checked at the end of the statement, after the post is in.
constexpr const char* kInsertPost =
    "WITH inserted AS ("
    "  INSERT INTO posts (id, author_id, slug, title, description, body, is_published, created_at, "
    "updated_at) "
    "  VALUES (:id, :author_id, :slug, :title, :description, :body, :is_published, :created_at, :updated_at) "
    "  RETURNING id) "
    "INSERT INTO post_tags (post_id, tag) "
    "SELECT DISTINCT inserted.id, t.tag FROM inserted CROSS JOIN unnest(CAST(:tags AS text[])) AS t(tag)";
// The post's fields and its tags in one statement: the tags no longer given are deleted, the
// new ones added (the two sets are disjoint, so the sub-statements never touch the same row).
// Answers how many posts were updated: 0 or 1.
constexpr const char* kUpdatePost =
    "WITH updated AS ("
    "  UPDATE posts SET slug = :slug, title = :title, description = :description, body = :body, "
    "         is_published = :is_published, updated_at = :updated_at "
    "  WHERE id = :id RETURNING id), "
    "removed AS ("
    "  DELETE FROM post_tags WHERE post_id IN (SELECT id FROM updated) "
    "  AND tag <> ALL (CAST(:tags AS text[]))), "
    "added AS ("
    "  INSERT INTO post_tags (post_id, tag) "
    "  SELECT DISTINCT updated.id, t.tag FROM updated CROSS JOIN unnest(CAST(:tags AS text[])) AS t(tag) "
    "  ON CONFLICT DO NOTHING) "
    "SELECT count(*) FROM updated";
// Its comments, tags and likes go with it through ON DELETE CASCADE, in the same statement and
// so atomically.
constexpr const char* kDeletePost = "DELETE FROM posts WHERE id = :id";

constexpr const char* kSelectPostById =
    "SELECT id, author_id, slug, title, description, body, is_published, epoch_millis(created_at), "
    "epoch_millis(updated_at), like_count FROM posts WHERE id = :key";
constexpr const char* kSelectPostBySlug =
    "SELECT id, author_id, slug, title, description, body, is_published, epoch_millis(created_at), "
    "epoch_millis(updated_at), like_count FROM posts WHERE slug = :key";

// The tags of a set of posts, one query per page rather than one per post; post_tags_pkey
// (post_id, tag) returns them sorted, bytewise (COLLATE "C").
constexpr const char* kSelectTags =
    "SELECT post_id, tag FROM post_tags WHERE post_id = ANY (CAST(:ids AS uuid[])) ORDER BY post_id, tag";

// Counts every published post's tags: a scan of post_tags joined to posts (see V003 for the
// plan); GET /tags is cached by the core decorator.
constexpr const char* kPopularTags =
    "SELECT t.tag FROM post_tags AS t JOIN posts AS p ON p.id = t.post_id WHERE p.is_published "
    "GROUP BY t.tag ORDER BY count(*) DESC, t.tag LIMIT :limit";

// A listing's WHERE clause is put together from these fixed fragments, by which filters the
// query sets; every value is a bound parameter, and each combination is a fixed text prepared
// once per connection, so each keeps a plan of its own (see the EXPLAIN notes in V003).
// Visible: published posts, every draft when :all_drafts, the drafts of :draft_author (NULL
// matches nothing).
constexpr const char* kVisible = "(p.is_published OR :all_drafts OR p.author_id = :draft_author)";
constexpr const char* kByAuthor = " AND p.author_id = :author";
constexpr const char* kByTag = " AND p.id IN (SELECT post_id FROM post_tags WHERE tag = :tag)";
constexpr const char* kLikedBy = " AND p.id IN (SELECT post_id FROM likes WHERE user_id = :liked_by)";
constexpr const char* kFollowedBy =
    " AND p.author_id IN (SELECT followee_id FROM follows WHERE follower_id = :followed_by)";
constexpr const char* kAfter =
    " AND (p.created_at, p.id) < (CAST(:after_at AS timestamptz), CAST(:after_id AS uuid))";

enum Filter : unsigned { kAuthor = 1U, kTag = 2U, kLiked = 4U, kFollowed = 8U, kCursor = 16U };
constexpr unsigned kCombinations = 32;

std::string where(unsigned filters) {
  std::string sql = kVisible;
  if ((filters & kAuthor) != 0) sql += kByAuthor;
  if ((filters & kTag) != 0) sql += kByTag;
  if ((filters & kLiked) != 0) sql += kLikedBy;
  if ((filters & kFollowed) != 0) sql += kFollowedBy;
  if ((filters & kCursor) != 0) sql += kAfter;
  return sql;
}

// The tags of a page's post, joined by ',' (which no tag contains; core::Tag::parse), in the
// order kSelectTags reads them: computed for the page's rows only, after LIMIT, and in the
// page's own round trip rather than in a second statement. NULL for a post without tags.
constexpr std::string_view kPageTags =
    "(SELECT string_agg(t.tag, ',' ORDER BY t.tag) FROM post_tags AS t WHERE t.post_id = page.id)";

// A page and the total of every match in one statement, so both come from one snapshot in one
// round trip. The page is joined to the count (LEFT JOIN ... ON true) so that a page past the
// end still returns the total, as a single row of NULL post columns. The cursor limits the
// page, not the total. When the caller knows the total, page_sql() below runs instead.
std::string list_sql(unsigned filters) {
  return "SELECT page.id, page.author_id, page.slug, page.title, page.description, page.body, "
         "       page.is_published, epoch_millis(page.created_at), epoch_millis(page.updated_at), "
         "       page.like_count, " +
         std::string(kPageTags) +
         ", matches.total "
         "FROM (SELECT count(*) AS total FROM posts AS p WHERE " +
         where(filters & ~kCursor) +
         ") AS matches "
         "LEFT JOIN (SELECT p.id, p.author_id, p.slug, p.title, p.description, p.body, p.is_published, "
         "                  p.created_at, p.updated_at, p.like_count FROM posts AS p WHERE " +
         where(filters) +
         "           ORDER BY p.created_at DESC, p.id DESC LIMIT :limit OFFSET :offset) AS page ON true "
         "ORDER BY page.created_at DESC, page.id DESC";
}

// Search: the GIN index on the generated tsvector finds the matches (V002__post_search.sql);
// ts_rank() weighs title words (A) above body words (B). :terms are the search's words joined by
// spaces, and plainto_tsquery() reads them as plain words ANDed together, never as tsquery
// syntax. Same page-and-total shape as list_sql(); a cursor is never applied (the order is by
// rank, not by time).
std::string search_sql(unsigned filters) {
  const std::string matching =
      "p.search @@ plainto_tsquery('english', :terms) AND " + where(filters & ~kCursor);
  return "SELECT page.id, page.author_id, page.slug, page.title, page.description, page.body, "
         "       page.is_published, epoch_millis(page.created_at), epoch_millis(page.updated_at), "
         "       page.like_count, " +
         std::string(kPageTags) +
         ", matches.total "
         "FROM (SELECT count(*) AS total FROM posts AS p WHERE " +
         matching +
         ") AS matches "
         "LEFT JOIN (SELECT p.id, p.author_id, p.slug, p.title, p.description, p.body, p.is_published, "
         "                  p.created_at, p.updated_at, p.like_count, "
         "                  ts_rank(p.search, plainto_tsquery('english', :terms)) AS rank FROM posts AS p "
         "           WHERE " +
         matching +
         "           ORDER BY rank DESC, p.created_at DESC, p.id DESC LIMIT :limit OFFSET :offset) AS page "
         "ON true "
         "ORDER BY page.rank DESC, page.created_at DESC, page.id DESC";
}

// The page alone, for a caller that already knows the total (PostQuery::known_total): the
// page subquery of list_sql() with no count joined to it, so a page past the end is no rows.
// Same bound parameters as list_sql(), so the generic plan is the same index scan of
// posts_created_at_id_idx. The times are converted outside the subquery, as in list_sql(): a
// scan projects every row it passes, also the OFFSET's, and epoch_millis() on thousands of
// skipped rows cost more than the count it replaces (pgbench, 5 000 posts, deep pages).
std::string page_sql(unsigned filters) {
  return "SELECT page.id, page.author_id, page.slug, page.title, page.description, page.body, "
         "       page.is_published, epoch_millis(page.created_at), epoch_millis(page.updated_at), "
         "       page.like_count, " +
         std::string(kPageTags) +
         " "
         "FROM (SELECT p.id, p.author_id, p.slug, p.title, p.description, p.body, p.is_published, "
         "             p.created_at, p.updated_at, p.like_count FROM posts AS p WHERE " +
         where(filters) +
         "      ORDER BY p.created_at DESC, p.id DESC LIMIT :limit OFFSET :offset) AS page "
         "ORDER BY page.created_at DESC, page.id DESC";
}

// The page of search_sql() alone, for a caller that already knows the total; same shape.
std::string search_page_sql(unsigned filters) {
  return "SELECT page.id, page.author_id, page.slug, page.title, page.description, page.body, "
         "       page.is_published, epoch_millis(page.created_at), epoch_millis(page.updated_at), "
         "       page.like_count, " +
         std::string(kPageTags) +
         " "
         "FROM (SELECT p.id, p.author_id, p.slug, p.title, p.description, p.body, p.is_published, "
         "             p.created_at, p.updated_at, p.like_count, "
         "             ts_rank(p.search, plainto_tsquery('english', :terms)) AS rank FROM posts AS p "
         "      WHERE p.search @@ plainto_tsquery('english', :terms) AND " +
         where(filters & ~kCursor) +
         "      ORDER BY rank DESC, p.created_at DESC, p.id DESC LIMIT :limit OFFSET :offset) AS page "
         "ORDER BY page.rank DESC, page.created_at DESC, page.id DESC";
}

// Every combination's text, made once: Connection::prepared() keys statements by their text,
// which must outlive the connection.
template <std::string (*Make)(unsigned)>
const std::string& statement_text(unsigned filters) {
  static const std::array<std::string, kCombinations> texts = [] {
    std::array<std::string, kCombinations> made;
    for (unsigned combination = 0; combination < kCombinations; ++combination)
      made[combination] = Make(combination);
    return made;
  }();
  return texts.at(filters);
}

constexpr std::size_t kTagsColumn = 10;
constexpr std::size_t kTotalColumn = 11;

// The post columns of the SELECTs above, in order.
core::Result<core::Post> read_post(const detail::PreparedStatement& row) {
  auto id = detail::parse_stored_id<core::PostId>(row.text(0));
  if (!id) return std::move(id).error();
  auto author = detail::parse_stored_id<core::UserId>(row.text(1));
  if (!author) return std::move(author).error();
  return core::Post{.id = *id,
                    .author_id = *author,
                    .slug = core::Slug::from_storage(row.text(2)),
                    .title = core::PostTitle::from_storage(row.text(3)),
                    .description = core::PostDescription::from_storage(row.text(4)),
                    .body = core::PostBody::from_storage(row.text(5)),
                    .tags = {},
                    .is_published = row.boolean(6),
                    .created_at = detail::from_millis(row.int64(7)),
                    .updated_at = detail::from_millis(row.int64(8)),
                    .like_count = row.int64(9)};
}

std::string tags_param(const std::vector<core::Tag>& tags) {
  std::vector<std::string> values;
  values.reserve(tags.size());
  for (const auto& tag : tags)
    values.push_back(tag.str());
  return detail::array_literal(values);
}

void insert_post(detail::Connection& connection, const core::Post& post) {
  connection.prepared(kInsertPost)
      .execute({{"id", post.id.to_string()},
                {"author_id", post.author_id.to_string()},
                {"slug", post.slug.str()},
                {"title", post.title.str()},
                {"description", post.description.str()},
                {"body", post.body.str()},
                {"is_published", detail::to_param(post.is_published)},
                {"created_at", detail::to_param(post.created_at)},
                {"updated_at", detail::to_param(post.updated_at)},
                {"tags", tags_param(post.tags)}});
}

// Fills in the tags of `posts` with one query.
void load_tags(detail::Connection& connection, std::vector<core::Post>& posts) {
  if (posts.empty()) return;
  std::vector<std::string> ids;
  ids.reserve(posts.size());
  for (const auto& post : posts)
    ids.push_back(post.id.to_string());
  auto& statement = connection.prepared(kSelectTags);
  statement.execute({{"ids", detail::array_literal(ids)}});
  std::map<std::string, std::vector<core::Tag>> tags;
  while (statement.next())
    tags[statement.text(0)].push_back(core::Tag::from_storage(statement.text(1)));
  for (auto& post : posts) {
    if (auto found = tags.find(post.id.to_string()); found != tags.end())
      post.tags = std::move(found->second);
  }
}

// The rows of a listing query: a page of posts with their tags, each row carrying the total of
// all matches (one row of NULLs with the total when the page is past the end). With
// a known total the statement is page_sql() or search_page_sql(): posts only, no total column.
core::Result<core::Page<core::Post>> read_page(detail::PreparedStatement& statement,
                                               std::optional<std::int64_t> known_total) {
  core::Page<core::Post> page;
  if (known_total) page.total = *known_total;
  while (statement.next()) {
    if (!known_total) {
      page.total = statement.int64(kTotalColumn);
      if (statement.is_null(0)) break;  // past the last page: the total alone
    }
    auto post = read_post(statement);
    if (!post) return std::move(post).error();
    if (!statement.is_null(kTagsColumn)) {
      std::string_view joined = statement.text(kTagsColumn);
      for (;;) {
        const auto comma = joined.find(',');
        post->tags.push_back(core::Tag::from_storage(std::string(joined.substr(0, comma))));
        if (comma == std::string_view::npos) break;
        joined.remove_prefix(comma + 1);
      }
    }
    page.items.push_back(std::move(post).value());
  }
  return page;
}

core::Result<core::Post> find_one(detail::Connection& connection, const char* query, std::string key) {
  auto& statement = connection.prepared(query);
  statement.execute({{"key", std::move(key)}});
  if (!statement.next()) return core::Error::not_found("post not found");
  auto post = read_post(statement);
  if (!post) return std::move(post).error();
  std::vector<core::Post> found{std::move(post).value()};
  load_tags(connection, found);
  return std::move(found.front());
}

// A cursor's time within years 1-9999, the range PostgreSQL parses in the form to_param()
// writes. A cursor arrives from a client, who can put any number of milliseconds in it; every
// stored post was written by a clock inside that range, so clamping keeps the answer of
// `(created_at, id) < cursor` for all of them, and a far-fetched cursor is never an error.
core::Timestamp cursor_time(core::Timestamp at) {
  using namespace std::chrono;
  constexpr auto kFirst = sys_days{year{1} / January / 1};
  constexpr auto kLast = sys_days{year{9999} / December / 31} + days{1} - milliseconds{1};
  return std::clamp<core::Timestamp>(at, time_point_cast<milliseconds>(kFirst),
                                     time_point_cast<milliseconds>(kLast));
}

// The filters a query sets, and their parameters after the ones every listing has.
unsigned filters_of(const core::PostQuery& query, bool with_cursor, std::vector<detail::Param>& params) {
  unsigned filters = 0;
  if (query.author) {
    filters |= kAuthor;
    params.push_back({"author", query.author->to_string()});
  }
  if (query.tag) {
    filters |= kTag;
    params.push_back({"tag", query.tag->str()});
  }
  if (query.liked_by) {
    filters |= kLiked;
    params.push_back({"liked_by", query.liked_by->to_string()});
  }
  if (query.followed_by) {
    filters |= kFollowed;
    params.push_back({"followed_by", query.followed_by->to_string()});
  }
  if (with_cursor && query.after) {
    filters |= kCursor;
    params.push_back({"after_at", detail::to_param(cursor_time(query.after->created_at))});
    params.push_back({"after_id", query.after->id.to_string()});
  }
  return filters;
}

std::vector<detail::Param> common_params(const core::PostQuery& query, std::int64_t offset) {
  return {{"all_drafts", detail::to_param(query.drafts.all)},
          {"draft_author",
           query.drafts.authored_by ? std::optional(query.drafts.authored_by->to_string()) : std::nullopt},
          {"limit", std::to_string(query.page.size)},
          {"offset", std::to_string(offset)}};
}

}  // namespace

// One statement, no BEGIN/COMMIT round trips: a single INSERT (with its tags) is atomic by itself.
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
  return detail::run(database_, detail::Access::read, [&](detail::Connection& connection) {
    return find_one(connection, kSelectPostById, id.to_string());
  });
}

core::Result<core::Post> PostgresPostRepository::find_by_slug(const core::Slug& slug) {
  return detail::run(database_, detail::Access::read, [&](detail::Connection& connection) {
    return find_one(connection, kSelectPostBySlug, slug.str());
  });
}

core::Status PostgresPostRepository::update(const core::Post& post) {
  return detail::run(database_, detail::Access::write, [&](detail::Connection& connection) -> core::Status {
    auto& statement = connection.prepared(kUpdatePost);
    statement.execute({{"slug", post.slug.str()},
                       {"title", post.title.str()},
                       {"description", post.description.str()},
                       {"body", post.body.str()},
                       {"is_published", detail::to_param(post.is_published)},
                       {"updated_at", detail::to_param(post.updated_at)},
                       {"id", post.id.to_string()},
                       {"tags", tags_param(post.tags)}});
    if (!statement.next() || statement.int64(0) == 0) return core::Error::not_found("post not found");
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
                       // A cursor says where the page starts; the offset is for numbered pages only.
                       auto params = common_params(query, query.after ? 0 : query.page.offset());
                       const unsigned filters = filters_of(query, true, params);
                       auto& statement =
                           connection.prepared(query.known_total ? statement_text<page_sql>(filters)
                                                                 : statement_text<list_sql>(filters));
                       statement.execute(params);
                       return read_page(statement, query.known_total);
                     });
}

core::Result<core::Page<core::Post>> PostgresPostRepository::search(const core::PostQuery& query) {
  const auto words = core::search_terms(*query.search);
  if (words.empty())
    return core::Page<core::Post>{.items = {},
                                  .total = query.known_total.value_or(0)};  // no word: nothing matches
  std::string terms;
  for (const auto& word : words) {
    if (!terms.empty()) terms += ' ';
    terms += word;
  }
  return detail::run(database_, detail::Access::read,
                     [&](detail::Connection& connection) -> core::Result<core::Page<core::Post>> {
                       auto params = common_params(query, query.page.offset());
                       params.push_back({"terms", terms});
                       const unsigned filters = filters_of(query, false, params);
                       auto& statement =
                           connection.prepared(query.known_total ? statement_text<search_page_sql>(filters)
                                                                 : statement_text<search_sql>(filters));
                       statement.execute(params);
                       return read_page(statement, query.known_total);
                     });
}

core::Result<std::vector<core::Tag>> PostgresPostRepository::popular_tags(std::size_t limit) {
  if (limit == 0) return std::vector<core::Tag>{};
  const auto bound =
      std::min<std::size_t>(limit, static_cast<std::size_t>(std::numeric_limits<std::int64_t>::max()));
  return detail::run(database_, detail::Access::read,
                     [&](detail::Connection& connection) -> core::Result<std::vector<core::Tag>> {
                       auto& statement = connection.prepared(kPopularTags);
                       statement.execute({{"limit", std::to_string(bound)}});
                       std::vector<core::Tag> tags;
                       while (statement.next())
                         tags.push_back(core::Tag::from_storage(statement.text(0)));
                       return tags;
                     });
}

}  // namespace parley::postgres
