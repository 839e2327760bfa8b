// Port: where posts are kept. Every method may also return `unavailable`.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "parley/core/domain/entities.hpp"
#include "parley/core/domain/paging.hpp"
#include "parley/core/domain/social.hpp"
#include "parley/core/result.hpp"

namespace parley::core {

// Which drafts a listing may include; published posts are always included.
struct DraftVisibility {
  bool all = false;                   // moderators and admins
  std::optional<UserId> authored_by;  // a signed-in author sees their own drafts
};

struct PostQuery {
  std::optional<UserId> author;  // only posts by this author
  DraftVisibility drafts;
  PageRequest page;
  std::optional<Tag> tag;             // only posts carrying this tag
  std::optional<UserId> liked_by;     // only posts this user likes
  std::optional<UserId> followed_by;  // only posts whose author this user follows (a feed)
  // Keyset paging: only posts strictly after this one in newest-first order, starting there
  // rather than at page.offset(); `total` still counts every match. Never set with `search`.
  std::optional<PostCursor> after;
  // Only posts whose title or body holds every word of search_terms(*search) (adapters may
  // also match by stem and drop stop words); a search without words matches nothing.
  std::optional<SearchQuery> search = std::nullopt;
  // The total of every match, when the caller already knows it (the caching decorator keeps
  // the public feed's, counted once per post generation): the adapter then runs no count and
  // the page's `total` is exactly this, also for a page past the end. The items are the same
  // with or without it. The caller vouches for it; adapters never check it.
  std::optional<std::int64_t> known_total = std::nullopt;
};

class PostRepository {
 public:
  virtual ~PostRepository() = default;

  // Posts are stored with their slug, description and tags (like_count is ignored).
  // conflict when the id is taken; conflict {"slug": ...} when the slug is.
  virtual Status create(const Post& post) = 0;
  // Bulk load: all of `posts` in one transaction, or none. conflict when any id is taken.
  virtual Status create_many(std::span<const Post> posts) = 0;
  // not_found.
  virtual Result<Post> find_by_id(const PostId& id) = 0;
  // not_found.
  virtual Result<Post> find_by_slug(const Slug& slug) = 0;
  // Replaces slug, title, description, body, tags, is_published and updated_at. not_found;
  // conflict {"slug": ...}.
  virtual Status update(const Post& post) = 0;
  // Removes the post with its comments, tags and likes together. not_found.
  virtual Status remove(const PostId& id) = 0;
  // Newest first (created_at, then id, descending); total counts every match (or is
  // query.known_total, uncounted, when that is set). With a search: most relevant first (a
  // match in the title outranks one in the body only), then newest.
  virtual Result<Page<Post>> list(const PostQuery& query) = 0;
  // The tags of published posts, most used first (then bytewise), at most `limit` of them.
  virtual Result<std::vector<Tag>> popular_tags(std::size_t limit) = 0;
};

}  // namespace parley::core
