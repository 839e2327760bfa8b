// Post use cases: drafts are invisible to those who may not see them, and only authors edit.
#include "parley/core/services/post_service.hpp"

namespace parley::core {

namespace {

Error post_not_found() {
  return Error::not_found("post not found");
}

}  // namespace

bool can_view(const Post& post, const Principal* viewer) noexcept {
  if (post.is_published) return true;
  if (viewer == nullptr) return false;
  return can_moderate(viewer->role) || viewer->is_user(post.author_id);
}

PostService::PostService(PostRepository& posts, Clock& clock, IdGenerator& ids)
    : posts_(posts), clock_(clock), ids_(ids) {}

Result<Page<Post>> PostService::list(const Principal* viewer, const PostListing& listing) {
  PostQuery query;
  query.author = listing.author;
  query.search = listing.search;
  query.page = listing.page;
  if (viewer != nullptr) {
    if (can_moderate(viewer->role)) {
      query.drafts.all = true;
    } else if (!viewer->is_operator) {
      query.drafts.authored_by = viewer->user_id;
    }
  }
  return posts_.list(query);
}

Result<Post> PostService::create(const Principal& author, const NewPost& post) {
  // The operator CLI has no user id to sign a post with.
  if (author.is_operator) return Error::forbidden("the operator cannot author posts");
  const auto now = clock_.now();
  Post created{
      .id = PostId{ids_.next()},
      .author_id = author.user_id,
      .title = post.title,
      .body = post.body,
      .is_published = post.is_published,
      .created_at = now,
      .updated_at = now,
  };
  if (auto status = posts_.create(created); !status) return std::move(status).error();
  return created;
}

Result<Post> PostService::get(const Principal* viewer, const PostId& id) {
  auto post = posts_.find_by_id(id);
  if (!post) return post;
  if (!can_view(*post, viewer)) return post_not_found();
  return post;
}

Result<Post> PostService::update(const Principal& actor, const PostId& id, const PostPatch& patch) {
  if (!patch.title && !patch.body && !patch.is_published) {
    return Error::invalid("body", "must contain at least one field");
  }
  auto found = posts_.find_by_id(id);
  if (!found) return found;
  Post post = std::move(found).value();
  if (!can_view(post, &actor)) return post_not_found();
  if (!actor.is_user(post.author_id)) return Error::forbidden("only the author may edit this post");
  if (patch.title) post.title = *patch.title;
  if (patch.body) post.body = *patch.body;
  if (patch.is_published) post.is_published = *patch.is_published;
  post.updated_at = clock_.now();
  if (auto status = posts_.update(post); !status) return std::move(status).error();
  return post;
}

Status PostService::remove(const Principal& actor, const PostId& id) {
  auto post = posts_.find_by_id(id);
  if (!post) return std::move(post).error();
  if (!can_view(*post, &actor)) return post_not_found();
  if (!actor.is_user(post->author_id) && !can_moderate(actor.role)) {
    return Error::forbidden("only the author or a moderator may delete this post");
  }
  return posts_.remove(id);
}

}  // namespace parley::core
