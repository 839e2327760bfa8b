// Comments in a map, tied to the posts of the same store.
#include "parley/memory/memory_comment_repository.hpp"

#include <algorithm>
#include <set>
#include <tuple>

#include "paging.hpp"

namespace parley::memory {

namespace {

using core::Error;

Error comment_not_found() {
  return Error::not_found("comment not found");
}

}  // namespace

core::Status MemoryCommentRepository::create(const core::Comment& comment) {
  const std::lock_guard lock(store_.mutex_);
  // Like a foreign key: no comment on a post that does not exist.
  if (!store_.posts_.contains(comment.post_id)) return Error::not_found("post not found");
  if (!store_.comments_.emplace(comment.id, comment).second) return Error::conflict("id", "is already taken");
  return {};
}

core::Status MemoryCommentRepository::create_many(std::span<const core::Comment> comments) {
  const std::lock_guard lock(store_.mutex_);
  std::set<core::CommentId> ids;
  for (const core::Comment& comment : comments) {
    if (!store_.posts_.contains(comment.post_id)) return Error::not_found("post not found");
    if (store_.comments_.contains(comment.id) || !ids.insert(comment.id).second) {
      return Error::conflict("id", "is already taken");
    }
  }
  for (const core::Comment& comment : comments)
    store_.comments_.emplace(comment.id, comment);
  return {};
}

core::Result<core::Comment> MemoryCommentRepository::find_by_id(const core::CommentId& id) {
  const std::lock_guard lock(store_.mutex_);
  const auto it = store_.comments_.find(id);
  if (it == store_.comments_.end()) return comment_not_found();
  return it->second;
}

core::Status MemoryCommentRepository::remove(const core::CommentId& id) {
  const std::lock_guard lock(store_.mutex_);
  if (store_.comments_.erase(id) == 0) return comment_not_found();
  return {};
}

core::Result<core::Page<core::Comment>> MemoryCommentRepository::list_for_post(
    const core::PostId& post_id, const core::PageRequest& page) {
  std::vector<core::Comment> found;
  {
    const std::lock_guard lock(store_.mutex_);
    for (const auto& [id, comment] : store_.comments_) {
      if (comment.post_id == post_id) found.push_back(comment);
    }
  }
  std::sort(found.begin(), found.end(), [](const core::Comment& a, const core::Comment& b) {
    return std::tie(a.created_at, a.id) < std::tie(b.created_at, b.id);
  });
  return detail::slice(std::move(found), page);
}

}  // namespace parley::memory
