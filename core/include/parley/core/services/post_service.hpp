// Use cases: list, read, write and delete posts, with the draft and ownership rules.
#pragma once

#include <optional>

#include "parley/core/domain/entities.hpp"
#include "parley/core/domain/paging.hpp"
#include "parley/core/ports/clock.hpp"
#include "parley/core/ports/id_generator.hpp"
#include "parley/core/ports/post_repository.hpp"
#include "parley/core/result.hpp"
#include "parley/core/services/principal.hpp"

namespace parley::core {

struct NewPost {
  PostTitle title;
  PostBody body;
  bool is_published = true;
};

struct PostPatch {
  std::optional<PostTitle> title;
  std::optional<PostBody> body;
  std::optional<bool> is_published;
};

struct PostListing {
  std::optional<UserId> author;
  PageRequest page;
  // Ranked full-text search; drafts follow the same rules.
  std::optional<SearchQuery> search = std::nullopt;
};

// Drafts are visible to their author and to moderators/admins; to anyone else they do not exist.
bool can_view(const Post& post, const Principal* viewer) noexcept;

class PostService {
 public:
  PostService(PostRepository& posts, Clock& clock, IdGenerator& ids);

  // viewer may be null (anonymous).
  Result<Page<Post>> list(const Principal* viewer, const PostListing& listing);
  Result<Post> create(const Principal& author, const NewPost& post);
  // not_found when absent or a draft hidden from the viewer.
  Result<Post> get(const Principal* viewer, const PostId& id);
  // Only the author may edit: forbidden for others who can see it, not_found otherwise.
  Result<Post> update(const Principal& actor, const PostId& id, const PostPatch& patch);
  // Author, moderator or admin: forbidden for others who can see it, not_found otherwise.
  Status remove(const Principal& actor, const PostId& id);

 private:
  PostRepository& posts_;
  Clock& clock_;
  IdGenerator& ids_;
};

}  // namespace parley::core
