// The caching decorators: read the generation, then the entry; on a miss read through and
// store; on a write, write through and then store a fresh generation.
#include "parley/core/caching/caching_repositories.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <utility>

#include "parley/core/caching/cache_codec.hpp"

namespace parley::core {

namespace {

constexpr std::string_view kPostGeneration = kPostGenerationKey;
constexpr std::string_view kUsersGeneration = kAllUsersGenerationKey;

std::string user_generation(const UserId& id) {
  return std::string(kUserKeyPrefix) + "gen:" + id.to_string();
}

void count(std::atomic<std::uint64_t>& counter) noexcept {
  counter.fetch_add(1, std::memory_order_relaxed);
}

// Looks `key` up and decodes it. nullopt on a miss (absent or undecodable, counted as a miss)
// and on an unavailable cache (counted as an error); `reachable` tells the two apart.
template <class T, class Decode>
std::optional<T> lookup(Cache& cache, const std::string& key, CacheCounters& counters, Decode decode,
                        bool& reachable) {
  auto entry = cache.get(key);
  reachable = entry.ok();
  if (!reachable) {
    count(counters.errors);
    return std::nullopt;
  }
  if (entry->has_value()) {
    if (auto value = decode(**entry)) {
      count(counters.hits);
      return value;
    }
  }
  count(counters.misses);
  return std::nullopt;
}

// A kept feed total: a non-negative decimal number and nothing else; nullopt otherwise.
std::optional<std::int64_t> decode_total(std::string_view text) {
  std::int64_t total = 0;
  const auto* const end = text.data() + text.size();
  const auto [stop, error] = std::from_chars(text.data(), end, total);
  if (error != std::errc() || stop != end || total < 0) return std::nullopt;
  return total;
}

void store(Cache& cache, const std::string& key, const std::string& value, std::chrono::seconds ttl,
           CacheCounters& counters) {
  if (!cache.set(key, value, ttl)) count(counters.errors);
}

}  // namespace

// ---- generations ----------------------------------------------------------------------------

bool CacheGenerations::store_fresh(const std::string& key) {
  // A new unique id: never "0", never a value any instance stored before.
  return cache_.set(key, ids_.next().to_string(), kGenerationTtl).ok();
}

Status CacheGenerations::settle(const std::string& key) {
  std::optional<std::uint64_t> failures;  // of bump(key), when one is still unstored
  {
    const std::lock_guard lock(mutex_);
    if (const auto it = unstored_.find(key); it != unstored_.end()) failures = it->second;
  }
  // Not under the lock: with the cache down, each caller waits for its own timeout only.
  if (failures) {
    if (!store_fresh(key)) return Error::unavailable("cache: an invalidation is still unstored");
    const std::lock_guard lock(mutex_);
    // A bump that failed meanwhile may postdate this generation: leave it for the next caller.
    if (const auto it = unstored_.find(key); it != unstored_.end() && it->second == *failures)
      unstored_.erase(it);
  }
  return {};
}

Result<std::string> CacheGenerations::current(const std::string& key) {
  if (auto settled = settle(key); !settled) return std::move(settled).error();
  auto stored = cache_.get(key);
  if (!stored) return std::move(stored).error();
  return stored->value_or("0");
}

Result<std::vector<std::string>> CacheGenerations::current(std::span<const std::string> keys) {
  std::vector<std::string_view> names;
  names.reserve(keys.size());
  for (const auto& key : keys) {
    if (auto settled = settle(key); !settled) return std::move(settled).error();
    names.emplace_back(key);
  }
  auto stored = cache_.get_many(names);
  if (!stored) return std::move(stored).error();
  std::vector<std::string> generations;
  generations.reserve(stored->size());
  for (auto& value : *stored)
    generations.push_back(std::move(value).value_or("0"));
  return generations;
}

Result<std::pair<std::string, std::optional<std::string>>> CacheGenerations::current_with(
    const std::string& key, const std::string& entry) {
  if (auto settled = settle(key); !settled) return std::move(settled).error();
  const std::array<std::string_view, 2> names{key, entry};
  auto stored = cache_.get_many(names);
  if (!stored) return std::move(stored).error();
  if (stored->size() != 2) return Error::internal("cache: get_many answered another number of values");
  return std::pair{std::move((*stored)[0]).value_or("0"), std::move((*stored)[1])};
}

std::optional<Result<std::vector<std::string>>> CacheGenerations::current_now(
    std::span<const std::string> keys) {
  if (cache_.in_process()) return current(keys);
  std::vector<std::string_view> names;
  names.reserve(keys.size());
  {
    const std::lock_guard lock(mutex_);
    for (const auto& key : keys) {
      if (unstored_.contains(key)) return std::nullopt;  // storing it again waits on I/O
      names.emplace_back(key);
    }
  }
  auto stored = cache_.get_many_now(names);
  if (!stored) return std::nullopt;
  if (!*stored) return Result<std::vector<std::string>>(std::move(*stored).error());
  std::vector<std::string> generations;
  generations.reserve(keys.size());
  for (auto& value : **stored)
    generations.push_back(std::move(value).value_or("0"));
  return Result<std::vector<std::string>>(std::move(generations));
}

void CacheGenerations::bump(const std::string& key) {
  if (store_fresh(key)) return;
  const std::lock_guard lock(mutex_);
  ++unstored_[key];
}

// ---- posts ----------------------------------------------------------------------------------

Status CachingPostRepository::invalidated(Status written) {
  // Also after a failed write: an unavailable database may have applied it before failing.
  generations_.bump(std::string(kPostGeneration));
  return written;
}

Status CachingPostRepository::create(const Post& post) {
  return invalidated(inner_.create(post));
}

Status CachingPostRepository::create_many(std::span<const Post> posts) {
  return invalidated(inner_.create_many(posts));
}

Status CachingPostRepository::update(const Post& post) {
  return invalidated(inner_.update(post));
}

Status CachingPostRepository::remove(const PostId& id) {
  return invalidated(inner_.remove(id));
}

Result<Post> CachingPostRepository::find_by_id(const PostId& id) {
  auto& counters = stats_.post();
  auto generation = generations_.current(std::string(kPostGeneration));
  if (!generation) {
    count(counters.errors);
    return inner_.find_by_id(id);
  }
  const std::string key = "post:" + *generation + ":" + id.to_string();
  bool reachable = true;
  auto cached = lookup<Post>(cache_, key, counters, decode_post, reachable);
  if (cached && cached->id == id) return *std::move(cached);
  auto found = inner_.find_by_id(id);
  if (found && reachable) store(cache_, key, encode_post(*found), ttls_.entity, counters);
  return found;
}

Result<Post> CachingPostRepository::find_by_slug(const Slug& slug) {
  auto& counters = stats_.post();
  auto generation = generations_.current(std::string(kPostGeneration));
  if (!generation) {
    count(counters.errors);
    return inner_.find_by_slug(slug);
  }
  const std::string key = "post_slug:" + *generation + ":" + slug.str();
  bool reachable = true;
  auto cached = lookup<Post>(cache_, key, counters, decode_post, reachable);
  if (cached && cached->slug == slug) return *std::move(cached);
  auto found = inner_.find_by_slug(slug);
  if (found && reachable) store(cache_, key, encode_post(*found), ttls_.entity, counters);
  return found;
}

Result<std::string> CachingPostRepository::feed_generation() {
  const std::string key(kPostGeneration);
  auto generation = generations_.current(key);
  if (generation && *generation == "0") {
    // Nothing is kept under the absent generation: a cache that lost its keys (a restart) reads
    // "0" again, and a page or total kept from before it lost them may predate writes made
    // since. Store one first; a write racing with this only makes the stored one newer.
    generations_.bump(key);
    generation = generations_.current(key);
  }
  if (generation && *generation == "0") return Error::unavailable("cache: the post generation is not stored");
  return generation;
}

Result<Page<Post>> CachingPostRepository::listed_with_total(const PostQuery& query,
                                                            const std::string& generation) {
  const std::string key = "post_total:" + generation;
  const auto local_ttl = std::min(kLocalPageTtl, ttls_.list);
  std::optional<std::int64_t> total = local_totals_.find(key);
  bool reachable = true;
  if (!total) {
    auto entry = cache_.get(key);
    reachable = entry.ok();
    if (reachable && entry->has_value()) total = decode_total(**entry);
    if (total) local_totals_.keep(key, *total, local_ttl);
  }
  if (total) {
    PostQuery known = query;
    known.known_total = *total;
    return inner_.list(known);
  }
  // Counted by this read, as before; every later page of this generation is spared the count.
  auto listed = inner_.list(query);
  if (listed) {
    local_totals_.keep(key, listed->total, local_ttl);
    if (reachable) static_cast<void>(cache_.set(key, std::to_string(listed->total), ttls_.list));
  }
  return listed;
}

Result<Page<Post>> CachingPostRepository::list(const PostQuery& query) {
  // The public feed: what an anonymous reader lists, at any depth, by page or by cursor.
  const bool public_feed = !query.author && !query.search && !query.tag && !query.liked_by &&
                           !query.followed_by && !query.drafts.all && !query.drafts.authored_by &&
                           !query.known_total;
  if (!public_feed) return inner_.list(query);
  // Its first pages (by number or offset) are cached whole.
  const bool cached_page =
      !query.after && query.page.offset() >= 0 && query.page.offset() < kCachedPages * query.page.size;
  auto& counters = stats_.post_list();
  auto generation = feed_generation();
  if (!generation) {
    if (cached_page) count(counters.errors);
    return inner_.list(query);
  }
  if (!cached_page) return listed_with_total(query, *generation);
  const std::string key = "post_list:" + *generation + ":" + std::to_string(query.page.offset()) + ":" +
                          std::to_string(query.page.size);
  if (auto kept = local_pages_.find(key)) {
    count(counters.hits);
    return *std::move(kept);
  }
  bool reachable = true;
  auto cached = lookup<Page<Post>>(cache_, key, counters, decode_post_page, reachable);
  if (cached) {
    local_pages_.keep(key, *cached, std::min(kLocalPageTtl, ttls_.list));
    return *std::move(cached);
  }
  auto listed = listed_with_total(query, *generation);
  if (listed && reachable) {
    store(cache_, key, encode_post_page(*listed), ttls_.list, counters);
    local_pages_.keep(key, *listed, std::min(kLocalPageTtl, ttls_.list));
  }
  return listed;
}

Result<std::vector<Tag>> CachingPostRepository::popular_tags(std::size_t limit) {
  auto& counters = stats_.post_list();
  auto generation = generations_.current(std::string(kPostGeneration));
  if (!generation) {
    count(counters.errors);
    return inner_.popular_tags(limit);
  }
  const std::string key = "tags:" + *generation + ":" + std::to_string(limit);
  bool reachable = true;
  auto cached = lookup<std::vector<Tag>>(cache_, key, counters, decode_tags, reachable);
  if (cached && cached->size() <= limit) return *std::move(cached);
  auto found = inner_.popular_tags(limit);
  if (found && reachable) store(cache_, key, encode_tags(*found), ttls_.list, counters);
  return found;
}

// ---- likes ----------------------------------------------------------------------------------

Result<std::int64_t> CachingLikeRepository::like(const UserId& user, const PostId& post) {
  auto liked = inner_.like(user, post);
  generations_.bump(std::string(kPostGeneration));
  return liked;
}

Result<std::int64_t> CachingLikeRepository::unlike(const UserId& user, const PostId& post) {
  auto unliked = inner_.unlike(user, post);
  generations_.bump(std::string(kPostGeneration));
  return unliked;
}

Result<std::vector<PostId>> CachingLikeRepository::liked_among(const UserId& user,
                                                               std::span<const PostId> posts) {
  return inner_.liked_among(user, posts);
}

// ---- users ----------------------------------------------------------------------------------

Status CachingUserRepository::create(const User& user) {
  // A new id has nothing cached (not-found answers are never cached).
  return inner_.create(user);
}

Status CachingUserRepository::create_many(std::span<const User> users) {
  return inner_.create_many(users);  // new ids, as create()
}

Result<User> CachingUserRepository::find_by_id(const UserId& id) {
  if (records_ == UserRecords::read_through) return inner_.find_by_id(id);
  auto& counters = stats_.user();
  // The record is kept with the user's generation it was read under ("<generation>\n<record>"),
  // so the generation and the record are read together, in one round trip, and a record kept
  // under an older generation is a miss.
  const std::string key = std::string(kUserKeyPrefix) + id.to_string();
  auto read = generations_.current_with(user_generation(id), key);
  if (!read) {
    count(counters.errors);
    return inner_.find_by_id(id);
  }
  const auto& [generation, entry] = *read;
  if (entry) {
    const std::string_view text = *entry;
    const auto separator = text.find('\n');
    if (separator != std::string_view::npos && text.substr(0, separator) == generation) {
      if (auto cached = decode_user(text.substr(separator + 1)); cached && cached->id == id) {
        count(counters.hits);
        return *std::move(cached);
      }
    }
  }
  count(counters.misses);
  auto found = inner_.find_by_id(id);
  if (found) store(cache_, key, generation + "\n" + encode_user(*found), ttls_.entity, counters);
  return found;
}

Result<std::vector<User>> CachingUserRepository::find_many(std::span<const UserId> ids) {
  auto& counters = stats_.user();
  const std::string generation_key(kUsersGeneration);
  auto generation = generations_.current(generation_key);
  if (generation && *generation == "0") {
    // Nothing is kept under the absent generation (a cache that lost its keys reads "0" again):
    // store one first. A write racing with this only makes the stored generation newer.
    generations_.bump(generation_key);
    generation = generations_.current(generation_key);
  }
  if (!generation || *generation == "0") {
    count(counters.errors);
    return inner_.find_many(ids);
  }
  // Each author is kept on its own, so pages sharing authors share them, and a page of authors
  // all kept costs no round trip.
  std::vector<UserId> wanted(ids.begin(), ids.end());
  std::sort(wanted.begin(), wanted.end());
  wanted.erase(std::unique(wanted.begin(), wanted.end()), wanted.end());
  const std::string prefix = "user:" + *generation + ":";
  std::vector<User> found;
  std::vector<UserId> missing;
  found.reserve(wanted.size());
  for (const auto& id : wanted) {
    if (auto kept = kept_authors_.find(prefix + id.to_string())) {
      found.push_back(*std::move(kept));
    } else {
      missing.push_back(id);
    }
  }
  if (missing.empty()) {
    count(counters.hits);
    return found;
  }
  count(counters.misses);
  auto read = inner_.find_many(missing);
  if (!read) return read;
  const auto ttl = std::min(kKeptAuthorsTtl, ttls_.entity);
  for (auto& user : *read) {
    kept_authors_.keep(prefix + user.id.to_string(), user, ttl);
    found.push_back(std::move(user));
  }
  return found;
}

Result<User> CachingUserRepository::find_by_email(const Email& email) {
  return inner_.find_by_email(email);
}

Result<User> CachingUserRepository::find_by_username(const Username& username) {
  return inner_.find_by_username(username);
}

Status CachingUserRepository::update(const User& user) {
  auto written = inner_.update(user);
  generations_.bump(user_generation(user.id));
  generations_.bump(std::string(kUsersGeneration));
  return written;
}

Status CachingUserRepository::ping() {
  return inner_.ping();
}

}  // namespace parley::core
