// Posts in a map; listing filters and sorts a copy, newest first.
#include "parley/memory/memory_post_repository.hpp"

#include <algorithm>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "paging.hpp"

namespace parley::memory {

namespace {

using core::Error;

Error post_not_found() {
  return Error::not_found("post not found");
}

// Words of a text as search_terms() splits them.
std::vector<std::string> words_of(const std::string& text) {
  return core::search_terms(core::SearchQuery::from_storage(text));
}

bool contains(const std::vector<std::string>& words, const std::string& term) {
  return std::find(words.begin(), words.end(), term) != words.end();
}

// 0 when some term is in neither title nor body; otherwise 2 per term found in the title and 1
// per term found in the body, so a title match outranks a body-only one.
int search_rank(const core::Post& post, const std::vector<std::string>& terms) {
  if (terms.empty()) return 0;
  const auto title = words_of(post.title.str());
  const auto body = words_of(post.body.str());
  int rank = 0;
  for (const auto& term : terms) {
    const bool in_title = contains(title, term);
    const bool in_body = contains(body, term);
    if (!in_title && !in_body) return 0;
    rank += (in_title ? 2 : 0) + (in_body ? 1 : 0);
  }
  return rank;
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
  const auto terms = query.search ? core::search_terms(*query.search) : std::vector<std::string>{};
  std::vector<std::pair<int, core::Post>> found;  // (rank, post); rank 0 without a search
  {
    const std::lock_guard lock(store_.mutex_);
    for (const auto& [id, post] : store_.posts_) {
      if (!matches(post, query)) continue;
      const int rank = query.search ? search_rank(post, terms) : 0;
      if (query.search && rank == 0) continue;
      found.emplace_back(rank, post);
    }
  }
  std::sort(found.begin(), found.end(), [](const auto& a, const auto& b) {
    return std::tie(a.first, a.second.created_at, a.second.id) >
           std::tie(b.first, b.second.created_at, b.second.id);
  });
  std::vector<core::Post> sorted;
  sorted.reserve(found.size());
  for (auto& entry : found)
    sorted.push_back(std::move(entry.second));
  return detail::slice(std::move(sorted), query.page);
}

}  // namespace parley::memory
