// Posts in a map; listing filters and sorts a copy, newest first.
#include "parley/memory/memory_post_repository.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "paging.hpp"

namespace parley::memory {

namespace {

using core::Error;
using Likes = std::set<std::pair<core::UserId, core::PostId>>;
using Follows = std::set<std::pair<core::UserId, core::UserId>>;

Error post_not_found() {
  return Error::not_found("post not found");
}

Error slug_taken() {
  return Error::conflict("slug", "is already taken");
}

bool slug_taken_by_other(const std::map<core::PostId, core::Post>& posts, const core::Post& post) {
  return std::any_of(posts.begin(), posts.end(), [&](const auto& entry) {
    return entry.first != post.id && entry.second.slug == post.slug;
  });
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

// Every filter of the query but the cursor.
bool matches(const core::Post& post, const core::PostQuery& query, const Likes& likes,
             const Follows& follows) {
  if (query.author && post.author_id != *query.author) return false;
  if (query.tag && std::find(post.tags.begin(), post.tags.end(), *query.tag) == post.tags.end()) return false;
  if (query.liked_by && !likes.contains({*query.liked_by, post.id})) return false;
  if (query.followed_by && !follows.contains({*query.followed_by, post.author_id})) return false;
  if (post.is_published || query.drafts.all) return true;
  return query.drafts.authored_by && post.author_id == *query.drafts.authored_by;
}

// As stored: like_count is the store's to keep, whatever the caller passed.
core::Post fresh(const core::Post& post) {
  core::Post stored = post;
  stored.like_count = 0;
  return stored;
}

}  // namespace

core::Status MemoryPostRepository::create(const core::Post& post) {
  const std::lock_guard lock(store_.mutex_);
  if (store_.posts_.contains(post.id)) return Error::conflict("id", "is already taken");
  if (slug_taken_by_other(store_.posts_, post)) return slug_taken();
  store_.posts_.emplace(post.id, fresh(post));
  return {};
}

core::Status MemoryPostRepository::create_many(std::span<const core::Post> posts) {
  const std::lock_guard lock(store_.mutex_);
  std::set<core::PostId> ids;
  std::set<std::string> slugs;
  for (const auto& [id, post] : store_.posts_)
    slugs.insert(post.slug.str());
  for (const core::Post& post : posts) {
    if (store_.posts_.contains(post.id) || !ids.insert(post.id).second) {
      return Error::conflict("id", "is already taken");
    }
    if (!slugs.insert(post.slug.str()).second) return slug_taken();
  }
  for (const core::Post& post : posts)
    store_.posts_.emplace(post.id, fresh(post));
  return {};
}

core::Result<core::Post> MemoryPostRepository::find_by_id(const core::PostId& id) {
  const std::lock_guard lock(store_.mutex_);
  const auto it = store_.posts_.find(id);
  if (it == store_.posts_.end()) return post_not_found();
  return it->second;
}

core::Result<core::Post> MemoryPostRepository::find_by_slug(const core::Slug& slug) {
  const std::lock_guard lock(store_.mutex_);
  for (const auto& [id, post] : store_.posts_) {
    if (post.slug == slug) return post;
  }
  return post_not_found();
}

core::Status MemoryPostRepository::update(const core::Post& post) {
  const std::lock_guard lock(store_.mutex_);
  const auto it = store_.posts_.find(post.id);
  if (it == store_.posts_.end()) return post_not_found();
  if (slug_taken_by_other(store_.posts_, post)) return slug_taken();
  // Only the fields the port lists change; author, creation time and like count are fixed.
  it->second.slug = post.slug;
  it->second.title = post.title;
  it->second.description = post.description;
  it->second.body = post.body;
  it->second.tags = post.tags;
  it->second.is_published = post.is_published;
  it->second.updated_at = post.updated_at;
  return {};
}

core::Status MemoryPostRepository::remove(const core::PostId& id) {
  const std::lock_guard lock(store_.mutex_);
  if (store_.posts_.erase(id) == 0) return post_not_found();
  std::erase_if(store_.comments_, [&](const auto& entry) { return entry.second.post_id == id; });
  std::erase_if(store_.likes_, [&](const auto& like) { return like.second == id; });
  return {};
}

core::Result<core::Page<core::Post>> MemoryPostRepository::list(const core::PostQuery& query) {
  const auto terms = query.search ? core::search_terms(*query.search) : std::vector<std::string>{};
  std::vector<std::pair<int, core::Post>> found;  // (rank, post); rank 0 without a search
  {
    const std::lock_guard lock(store_.mutex_);
    for (const auto& [id, post] : store_.posts_) {
      if (!matches(post, query, store_.likes_, store_.follows_)) continue;
      const int rank = query.search ? search_rank(post, terms) : 0;
      if (query.search && rank == 0) continue;
      found.emplace_back(rank, post);
    }
  }
  std::sort(found.begin(), found.end(), [](const auto& a, const auto& b) {
    return std::tie(a.first, a.second.created_at, a.second.id) >
           std::tie(b.first, b.second.created_at, b.second.id);
  });
  const auto total = static_cast<std::int64_t>(found.size());
  std::vector<core::Post> sorted;
  sorted.reserve(found.size());
  for (auto& entry : found) {
    // The cursor: strictly after (created_at, id) in newest-first order.
    if (query.after && std::tie(entry.second.created_at, entry.second.id) >=
                           std::tie(query.after->created_at, query.after->id)) {
      continue;
    }
    sorted.push_back(std::move(entry.second));
  }
  core::PageRequest window = query.page;
  if (query.after) window.start = 0;  // the cursor says where the page starts
  auto page = detail::slice(std::move(sorted), window);
  page.total = query.known_total.value_or(total);  // every match, also those before the cursor
  return page;
}

core::Result<std::vector<core::Tag>> MemoryPostRepository::popular_tags(std::size_t limit) {
  std::map<std::string, std::int64_t> uses;
  {
    const std::lock_guard lock(store_.mutex_);
    for (const auto& [id, post] : store_.posts_) {
      if (!post.is_published) continue;
      for (const core::Tag& tag : post.tags)
        ++uses[tag.str()];
    }
  }
  std::vector<std::pair<std::string, std::int64_t>> ranked(uses.begin(), uses.end());
  // Most used first, then bytewise (the map's order, kept by the stable sort).
  std::stable_sort(ranked.begin(), ranked.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  std::vector<core::Tag> tags;
  for (std::size_t i = 0; i < ranked.size() && i < limit; ++i)
    tags.push_back(core::Tag::from_storage(ranked[i].first));
  return tags;
}

}  // namespace parley::memory
