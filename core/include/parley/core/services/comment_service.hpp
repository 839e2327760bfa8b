// Use cases: read, write and delete comments on posts.
#pragma once

#include "parley/core/domain/entities.hpp"
#include "parley/core/domain/paging.hpp"
#include "parley/core/ports/clock.hpp"
#include "parley/core/ports/comment_repository.hpp"
#include "parley/core/ports/follow_repository.hpp"
#include "parley/core/ports/id_generator.hpp"
#include "parley/core/ports/post_repository.hpp"
#include "parley/core/ports/user_repository.hpp"
#include "parley/core/result.hpp"
#include "parley/core/services/principal.hpp"
#include "parley/core/services/views.hpp"

namespace parley::core {

class CommentService {
 public:
  CommentService(PostRepository& posts, CommentRepository& comments, UserRepository& users,
                 FollowRepository& follows, Clock& clock, IdGenerator& ids);

  // not_found when the post is absent or hidden from the viewer (null = anonymous). Each
  // comment carries its author's profile, `following` relative to the viewer.
  Result<Page<CommentView>> list(const Principal* viewer, const PostId& post_id, const PageRequest& page);
  // Published posts only: not_found when hidden, forbidden on a draft the author can see.
  Result<CommentView> create(const Principal& author, const PostId& post_id, const CommentBody& body);
  // The comment's author, the post's author, a moderator or an admin; not_found when the
  // comment does not belong to that post.
  Status remove(const Principal& actor, const PostId& post_id, const CommentId& comment_id);

 private:
  PostRepository& posts_;
  CommentRepository& comments_;
  UserRepository& users_;
  FollowRepository& follows_;
  Clock& clock_;
  IdGenerator& ids_;
};

}  // namespace parley::core
