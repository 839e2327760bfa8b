// Comment use cases: a comment lives and dies with the visibility of its post.
#include "parley/core/services/comment_service.hpp"

#include "parley/core/services/post_service.hpp"

namespace parley::core {

namespace {

// The post if it exists and the viewer may see it; not_found otherwise, so hidden drafts
// are indistinguishable from absent posts.
Result<Post> visible_post(PostRepository& posts, const PostId& id, const Principal* viewer) {
  auto post = posts.find_by_id(id);
  if (!post) return post;
  if (!can_view(*post, viewer)) return Error::not_found("post not found");
  return post;
}

}  // namespace

CommentService::CommentService(PostRepository& posts, CommentRepository& comments, Clock& clock,
                               IdGenerator& ids)
    : posts_(posts), comments_(comments), clock_(clock), ids_(ids) {}

Result<Page<Comment>> CommentService::list(const Principal* viewer, const PostId& post_id,
                                           const PageRequest& page) {
  if (auto post = visible_post(posts_, post_id, viewer); !post) return std::move(post).error();
  return comments_.list_for_post(post_id, page);
}

Result<Comment> CommentService::create(const Principal& author, const PostId& post_id,
                                       const CommentBody& body) {
  if (author.is_operator) return Error::forbidden("the operator cannot author comments");
  auto post = visible_post(posts_, post_id, &author);
  if (!post) return std::move(post).error();
  if (!post->is_published) return Error::forbidden("comments are closed on drafts");
  Comment comment{
      .id = CommentId{ids_.next()},
      .post_id = post_id,
      .author_id = author.user_id,
      .body = body,
      .created_at = clock_.now(),
  };
  if (auto status = comments_.create(comment); !status) return std::move(status).error();
  return comment;
}

Status CommentService::remove(const Principal& actor, const PostId& post_id, const CommentId& comment_id) {
  auto post = visible_post(posts_, post_id, &actor);
  if (!post) return std::move(post).error();
  auto comment = comments_.find_by_id(comment_id);
  if (!comment) return std::move(comment).error();
  // A comment addressed through another post's URL does not exist there.
  if (comment->post_id != post_id) return Error::not_found("comment not found");
  const bool allowed =
      actor.is_user(comment->author_id) || actor.is_user(post->author_id) || can_moderate(actor.role);
  if (!allowed)
    return Error::forbidden("only the comment's author, the post's author or a moderator may delete it");
  return comments_.remove(comment_id);
}

}  // namespace parley::core
