// Port: where posts are kept. Every method may also return `unavailable`.
#pragma once

#include <optional>
#include <span>

#include "parley/core/domain/entities.hpp"
#include "parley/core/domain/paging.hpp"
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
  // Only posts whose title or body holds every word of search_terms(*search) (adapters may
  // also match by stem and drop stop words); a search without words matches nothing.
  std::optional<SearchQuery> search = std::nullopt;
};

class PostRepository {
 public:
  virtual ~PostRepository() = default;

  // conflict when the id is taken.
  virtual Status create(const Post& post) = 0;
  // Bulk load: all of `posts` in one transaction, or none. conflict when any id is taken.
  virtual Status create_many(std::span<const Post> posts) = 0;
  // not_found.
  virtual Result<Post> find_by_id(const PostId& id) = 0;
  // Replaces title, body, is_published and updated_at. not_found.
  virtual Status update(const Post& post) = 0;
  // Removes the post and its comments together. not_found.
  virtual Status remove(const PostId& id) = 0;
  // Newest first (created_at, then id, descending); total counts every match. With a search:
  // most relevant first (a match in the title outranks one in the body only), then newest.
  virtual Result<Page<Post>> list(const PostQuery& query) = 0;
};

}  // namespace parley::core
