// Comment use cases: a comment lives and dies with the visibility of its post.
#include "parley/core/services/comment_service.hpp"

#include <utility>

#include "parley/core/services/post_service.hpp"

#include "authors.hpp"

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

CommentService::CommentService(PostRepository& posts, CommentRepository& comments, UserRepository& users,
                               FollowRepository& follows, Clock& clock, IdGenerator& ids)
    : posts_(posts), comments_(comments), users_(users), follows_(follows), clock_(clock), ids_(ids) {}

Result<Page<CommentView>> CommentService::list(const Principal* viewer, const PostId& post_id,
                                               const PageRequest& page) {
  if (auto post = visible_post(posts_, post_id, viewer); !post) return std::move(post).error();
  auto listed = comments_.list_for_post(post_id, page);
  if (!listed) return std::move(listed).error();
  std::vector<UserId> authors;
  authors.reserve(listed->items.size());
  for (const Comment& comment : listed->items)
    authors.push_back(comment.author_id);
  // One find_many and at most one following_among for the whole page.
  auto profiles = detail::author_profiles(users_, follows_, viewer, std::move(authors));
  if (!profiles) return std::move(profiles).error();
  Page<CommentView> shown;
  shown.total = listed->total;
  shown.items.reserve(listed->items.size());
  for (Comment& comment : listed->items) {
    const auto author = profiles->find(comment.author_id);
    if (author == profiles->end()) return detail::missing_author();
    shown.items.push_back(CommentView{.comment = std::move(comment), .author = author->second});
  }
  return shown;
}

Result<CommentView> CommentService::create(const Principal& author, const PostId& post_id,
                                           const CommentBody& body) {
  if (author.is_operator) return Error::forbidden("the operator cannot author comments");
  auto post = visible_post(posts_, post_id, &author);
  if (!post) return std::move(post).error();
  if (!post->is_published) return Error::forbidden("comments are closed on drafts");
  auto user = users_.find_by_id(author.user_id);
  if (!user) return std::move(user).error();
  Comment comment{
      .id = CommentId{ids_.next()},
      .post_id = post_id,
      .author_id = author.user_id,
      .body = body,
      .created_at = clock_.now(),
  };
  if (auto status = comments_.create(comment); !status) return std::move(status).error();
  // Nobody follows themself.
  return CommentView{.comment = std::move(comment), .author = profile_of(*user, false)};
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
