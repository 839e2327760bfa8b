// Use cases: list, read, write, delete and like posts, with the draft and ownership rules, and
// the personal feed.
#pragma once

#include <optional>
#include <vector>

#include "parley/core/domain/entities.hpp"
#include "parley/core/domain/paging.hpp"
#include "parley/core/ports/clock.hpp"
#include "parley/core/ports/follow_repository.hpp"
#include "parley/core/ports/id_generator.hpp"
#include "parley/core/ports/like_repository.hpp"
#include "parley/core/ports/post_repository.hpp"
#include "parley/core/ports/user_repository.hpp"
#include "parley/core/result.hpp"
#include "parley/core/services/principal.hpp"
#include "parley/core/services/views.hpp"

namespace parley::core {

struct NewPost {
  PostTitle title;
  PostBody body;
  bool is_published = true;
  PostDescription description = PostDescription::from_storage("");
  std::vector<Tag> tags{};  // normalised by the service
};

struct PostPatch {
  std::optional<PostTitle> title;  // a new title gives a new slug
  std::optional<PostBody> body;
  std::optional<bool> is_published;
  std::optional<PostDescription> description = std::nullopt;
  std::optional<std::vector<Tag>> tags = std::nullopt;  // replaces the whole list
};

struct PostListing {
  std::optional<UserRef> author;  // an unknown username gives an empty page, not an error
  PageRequest page;
  // Ranked full-text search; drafts follow the same rules.
  std::optional<SearchQuery> search = std::nullopt;
  std::optional<Tag> tag = std::nullopt;
  std::optional<UserRef> liked_by = std::nullopt;  // likewise empty when unknown
  // invalid_input naming "after" when combined with `search`.
  std::optional<PostCursor> after = std::nullopt;
};

// Drafts are visible to their author and to moderators/admins; to anyone else they do not exist.
bool can_view(const Post& post, const Principal* viewer) noexcept;

class PostService {
 public:
  PostService(PostRepository& posts, UserRepository& users, LikeRepository& likes, FollowRepository& follows,
              Clock& clock, IdGenerator& ids);

  // viewer may be null (anonymous). Every view carries its author and the viewer's flags.
  Result<PostPage> list(const Principal* viewer, const PostListing& listing);
  // The reader's feed: published posts by the authors the reader follows, newest first.
  Result<PostPage> feed(const Principal& reader, const PageRequest& page,
                        const std::optional<PostCursor>& after);
  // Gives the post its slug (make_slug) and normalised tags.
  Result<PostView> create(const Principal& author, const NewPost& post);
  // not_found when absent or a draft hidden from the viewer.
  Result<PostView> get(const Principal* viewer, const PostId& id);
  Result<PostView> get_by_slug(const Principal* viewer, const Slug& slug);
  // Only the author may edit: forbidden for others who can see it, not_found otherwise.
  Result<PostView> update(const Principal& actor, const PostId& id, const PostPatch& patch);
  // Author, moderator or admin: forbidden for others who can see it, not_found otherwise.
  Status remove(const Principal& actor, const PostId& id);
  // Idempotent. Any signed-in user (not the operator) may like a post they can see:
  // not_found when hidden from them.
  Result<PostView> like(const Principal& actor, const PostId& id);
  Result<PostView> unlike(const Principal& actor, const PostId& id);
  // At most kPopularTags, most used first.
  Result<std::vector<Tag>> popular_tags();

 private:
  PostRepository& posts_;
  UserRepository& users_;
  LikeRepository& likes_;
  FollowRepository& follows_;
  Clock& clock_;
  IdGenerator& ids_;
};

}  // namespace parley::core
