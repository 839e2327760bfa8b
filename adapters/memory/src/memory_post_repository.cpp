// Posts in a map; listing filters and sorts a copy, newest first.
#include "parley/memory/memory_post_repository.hpp"

#include <algorithm>
#include <set>
#include <tuple>

#include "paging.hpp"

namespace parley::memory {

namespace {

using core::Error;

Error post_not_found() {
  return Error::not_found("post not found");
}

bool matches(const core::Post& post, const core::PostQuery& query) {
  if (query.author && post.author_id != *query.author) return false;
  if (post.is_published || query.drafts.all) return true;
  return query.drafts.authored_by && post.author_id == *query.drafts.authored_by;
}

}  // namespace

core::Status MemoryPostRepository::create(const core::Post& post) {
  const std::lock_guard lock(store_.mutex_);
  if (!store_.posts_.emplace(post.id, post).second) return Error::conflict("id", "is already taken");
  return {};
}

core::Status MemoryPostRepository::create_many(std::span<const core::Post> posts) {
  const std::lock_guard lock(store_.mutex_);
  std::set<core::PostId> ids;
  for (const core::Post& post : posts) {
    if (store_.posts_.contains(post.id) || !ids.insert(post.id).second) {
      return Error::conflict("id", "is already taken");
    }
  }
  for (const core::Post& post : posts)
    store_.posts_.emplace(post.id, post);
  return {};
}

core::Result<core::Post> MemoryPostRepository::find_by_id(const core::PostId& id) {
  const std::lock_guard lock(store_.mutex_);
  const auto it = store_.posts_.find(id);
  if (it == store_.posts_.end()) return post_not_found();
  return it->second;
}

core::Status MemoryPostRepository::update(const core::Post& post) {
  const std::lock_guard lock(store_.mutex_);
  const auto it = store_.posts_.find(post.id);
  if (it == store_.posts_.end()) return post_not_found();
  // Only the fields the port lists change; author and creation time are fixed.
  it->second.title = post.title;
  it->second.body = post.body;
  it->second.is_published = post.is_published;
  it->second.updated_at = post.updated_at;
  return {};
}

core::Status MemoryPostRepository::remove(const core::PostId& id) {
  const std::lock_guard lock(store_.mutex_);
  if (store_.posts_.erase(id) == 0) return post_not_found();
  std::erase_if(store_.comments_, [&](const auto& entry) { return entry.second.post_id == id; });
  return {};
}

core::Result<core::Page<core::Post>> MemoryPostRepository::list(const core::PostQuery& query) {
  std::vector<core::Post> found;
  {
    const std::lock_guard lock(store_.mutex_);
    for (const auto& [id, post] : store_.posts_) {
      if (matches(post, query)) found.push_back(post);
    }
  }
  std::sort(found.begin(), found.end(), [](const core::Post& a, const core::Post& b) {
    return std::tie(a.created_at, a.id) > std::tie(b.created_at, b.id);
  });
  return detail::slice(std::move(found), query.page);
}

}  // namespace parley::memory
