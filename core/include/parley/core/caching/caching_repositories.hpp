// Caching decorators over the post and user repositories, on the Cache port. What is cached,
// for how long, and what a write invalidates is decided here, in core; the cache adapter only
// gets, sets and removes.
//
// Invalidation uses generations rather than deletes: cached values live under keys that name a
// generation, and a write stores a fresh generation (a new unique id) after writing through.
// Readers read the generation first, so a value read from the database before a write can only
// be stored under a generation no reader will ask for again: no stale entry survives a write,
// even when a read and a write race, and with a shared cache (Redis) a write on one instance
// invalidates for every instance.
//   post:gen                     the generation of every cached post and post list; a like or
//                                an unlike bumps it too, since posts carry their like_count
//   post:<gen>:<post id>         one post                      (entity TTL)
//   post_slug:<gen>:<slug>       one post, by slug             (entity TTL)
//   post_list:<gen>:<offset>:<size> a page of the public feed  (list TTL, its first 3 pages only)
//   post_total:<gen>             the public feed's total, counted once per generation and
//                                given to every page of it, cursor pages and pages read
//                                through included (list TTL; also kept in process)
//   tags:<gen>:<limit>           the most used tags            (list TTL)
//   user:gen:<user id>           that user's generation
//   user:<user id>:<gen>         one user record               (entity TTL)
//   user:gen:all                 the generation of every user; the authors of a page are kept
//                                in process under it (below); every user write bumps it too
// An absent generation reads as "0"; writes never store "0", and generation keys outlive the
// entries under them (kGenerationTtl), so an entry stored before a write is never read after it.
//
// Feed pages and the feed's total are also kept in process (CachingPostRepository's local
// pages and totals), under the same keys: a reader still reads the generation from the shared
// cache first, so a local page is exactly as fresh as the shared entry it stands for, and a
// write on any instance (a new generation) is seen at once; it saves the entry's round trip and
// its decoding. Local pages and totals live at most kLocalPageTtl, so a change made behind
// Parley's back (psql) shows within the list TTL plus that. Nothing of the feed is stored or
// kept under the absent generation "0": a feed read that finds none stores one first.
// The authors of a page (UserRepository::find_many) are kept the same way, in process only,
// under user:gen:all, so a feed page served from the cache costs two generation reads and no
// database round trip.
//
// The cache never fails a request: when it is unavailable the decorators read and write through
// to the repository (counted as an error), and an invalidation that could not be stored is
// retried before that generation is trusted again (until then its reads bypass the cache).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "parley/core/caching/cache_stats.hpp"
#include "parley/core/ports/cache.hpp"
#include "parley/core/ports/id_generator.hpp"
#include "parley/core/ports/like_repository.hpp"
#include "parley/core/ports/post_repository.hpp"
#include "parley/core/ports/user_repository.hpp"

namespace parley::core {

struct CacheTtls {
  std::chrono::seconds list{60};     // PARLEY_CACHE_LIST_TTL_SECONDS
  std::chrono::seconds entity{300};  // PARLEY_CACHE_ENTITY_TTL_SECONDS
};

// The generation keys of everything posts and users (see the list above).
inline constexpr std::string_view kPostGenerationKey = "post:gen";
inline constexpr std::string_view kAllUsersGenerationKey = "user:gen:all";
// Every cache key of users starts with it: each user's record ("user:<id>") and generation
// ("user:gen:<id>"), and the generation of all users.
inline constexpr std::string_view kUserKeyPrefix = "user:";

// The generation keys and the invalidations still to be stored; shared by the decorators.
class CacheGenerations {
 public:
  static constexpr std::chrono::seconds kGenerationTtl{24 * 60 * 60};

  CacheGenerations(Cache& cache, IdGenerator& ids) : cache_(cache), ids_(ids) {}

  // The generation stored under `key`, "0" when none is; unavailable when the cache is, or
  // when an earlier invalidation of `key` is still unstored and storing it fails again.
  Result<std::string> current(const std::string& key);
  // current() of each of `keys`, in order, in one read of the cache (Cache::get_many).
  Result<std::vector<std::string>> current(std::span<const std::string> keys);
  // current(key) and the entry under `entry` (which needs no settling), in one read of the
  // cache: for an entry that records the generation it was read under.
  Result<std::pair<std::string, std::optional<std::string>>> current_with(const std::string& key,
                                                                          const std::string& entry);
  // current(keys), when the cache answers without waiting on I/O (Cache::get_many_now) and no
  // invalidation of them is still unstored; nullopt otherwise.
  std::optional<Result<std::vector<std::string>>> current_now(std::span<const std::string> keys);
  // Stores a fresh generation under `key`; when that fails, remembers to retry it.
  void bump(const std::string& key);
  // Whether reading a generation waits on no I/O (Cache::in_process).
  [[nodiscard]] bool in_process() const noexcept { return cache_.in_process(); }

 private:
  bool store_fresh(const std::string& key);
  // Stores a fresh generation under `key` first when an earlier bump of it is still unstored.
  Status settle(const std::string& key);

  Cache& cache_;
  IdGenerator& ids_;
  std::mutex mutex_;
  std::map<std::string, std::uint64_t, std::less<>> unstored_;  // key -> failed bumps so far
};

// Values kept in this process under keys that name a generation read from the shared cache
// (so they are exactly as fresh as the shared entries they stand for), for at most a few
// seconds and at most `capacity` at a time: a full store is simply started over, since keys of
// older generations are never asked for again.
template <class T>
class KeptEntries {
 public:
  explicit KeptEntries(std::size_t capacity) : capacity_(capacity) {}

  std::optional<T> find(const std::string& key) {
    const auto now = std::chrono::steady_clock::now();
    const std::lock_guard lock(mutex_);
    const auto it = entries_.find(key);
    if (it == entries_.end()) return std::nullopt;
    if (it->second.expires_at <= now) {
      entries_.erase(it);
      return std::nullopt;
    }
    return it->second.value;
  }

  void keep(const std::string& key, const T& value, std::chrono::seconds ttl) {
    const auto expires_at = std::chrono::steady_clock::now() + ttl;
    const std::lock_guard lock(mutex_);
    if (entries_.size() >= capacity_ && !entries_.contains(key)) entries_.clear();
    entries_.insert_or_assign(key, Entry{value, expires_at});
  }

 private:
  struct Entry {
    T value;
    std::chrono::steady_clock::time_point expires_at;
  };
  // Hashed, not ordered: keys share a long prefix ("user:<generation>:"), which every
  // comparison of an ordered map would read again.
  struct KeyHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view key) const noexcept { return std::hash<std::string_view>{}(key); }
  };
  std::size_t capacity_;
  std::mutex mutex_;
  std::unordered_map<std::string, Entry, KeyHash, std::equal_to<>> entries_;
};

class CachingPostRepository final : public PostRepository {
 public:
  // Pages of the public feed beyond this are read through.
  static constexpr std::int64_t kCachedPages = 3;
  // How long a feed page is kept in process, and how many are (one generation's few pages).
  static constexpr std::chrono::seconds kLocalPageTtl{5};
  static constexpr std::size_t kLocalPages = 32;
  // How many feed totals are kept in process (one per generation; only the newest is asked for).
  static constexpr std::size_t kLocalTotals = 8;

  CachingPostRepository(PostRepository& inner, Cache& cache, CacheGenerations& generations, CacheStats& stats,
                        CacheTtls ttls)
      : inner_(inner), cache_(cache), generations_(generations), stats_(stats), ttls_(ttls) {}

  Status create(const Post& post) override;
  Status create_many(std::span<const Post> posts) override;
  Result<Post> find_by_id(const PostId& id) override;
  Result<Post> find_by_slug(const Slug& slug) override;
  Status update(const Post& post) override;
  Status remove(const PostId& id) override;
  // Cached only for the plain public feed: no author, tag, liker, follower or cursor filter, no
  // search, no drafts, and within its first kCachedPages pages. Keyed by offset and size, so
  // offset paging (at_offset) and page paging share entries only where they list the same posts.
  // Deeper pages and cursor pages of the public feed are read through. Every page of it read
  // from the repository (those, and misses) is given the feed's total of the current generation
  // as PostQuery::known_total, so the repository runs no count: the total is counted once per
  // generation (by the first page read without it) and kept in process and under
  // post_total:<gen>. Not in CacheStats: post_list counts pages and tags. Any other filter, or
  // a caller's own known_total, reads through as is.
  Result<Page<Post>> list(const PostQuery& query) override;
  Result<std::vector<Tag>> popular_tags(std::size_t limit) override;

 private:
  Status invalidated(Status written);
  // The post generation for the public feed, stored first when absent ("0"), as
  // CachingUserRepository::find_many does, so that nothing of the feed is kept under "0".
  Result<std::string> feed_generation();
  // A public feed page from the repository, given the feed's total of `generation` when it is
  // kept (in process or in the shared cache); otherwise counted by this read, and kept.
  Result<Page<Post>> listed_with_total(const PostQuery& query, const std::string& generation);

  PostRepository& inner_;
  Cache& cache_;
  CacheGenerations& generations_;
  CacheStats& stats_;
  CacheTtls ttls_;
  KeptEntries<Page<Post>> local_pages_{kLocalPages};      // key (with its generation) -> page
  KeptEntries<std::int64_t> local_totals_{kLocalTotals};  // post_total:<gen> -> the feed's total
};

// Whether single user records are cached (find_by_id). Without a cache that every writer
// shares (the embedded default, whose `parley user` CLI blocks users and changes roles from
// another process), they are read through, so such a change applies at once; the authors of a
// page are still kept (the CLI changes nothing they show) and every user write still bumps the
// generations.
enum class UserRecords { cached, read_through };

class CachingUserRepository final : public UserRepository {
 public:
  CachingUserRepository(UserRepository& inner, Cache& cache, CacheGenerations& generations, CacheStats& stats,
                        CacheTtls ttls, UserRecords records = UserRecords::cached)
      : inner_(inner),
        cache_(cache),
        generations_(generations),
        stats_(stats),
        ttls_(ttls),
        records_(records) {}

  Status create(const User& user) override;
  Status create_many(std::span<const User> users) override;
  // Cached: profiles, and the check of every authenticated request.
  Result<User> find_by_id(const UserId& id) override;
  // The authors of a page: kept in process under the generation of all users (user:gen:all,
  // which every user write bumps besides the user's own), so a cached feed page costs no
  // database round trip for its authors; read through when that generation is unreadable.
  Result<std::vector<User>> find_many(std::span<const UserId> ids) override;
  // Read through: sign-up and rename uniqueness checks and logins must see the database.
  Result<User> find_by_email(const Email& email) override;
  Result<User> find_by_username(const Username& username) override;
  // Profile edits, password changes, blocks and role changes: invalidates that user, and every
  // kept set of authors.
  Status update(const User& user) override;
  Status ping() override;

  // How long an author is kept in process, and how many are (a store that fills up starts over).
  static constexpr std::chrono::seconds kKeptAuthorsTtl{5};
  static constexpr std::size_t kKeptAuthors = 16'384;

 private:
  UserRepository& inner_;
  Cache& cache_;
  CacheGenerations& generations_;
  CacheStats& stats_;
  CacheTtls ttls_;
  UserRecords records_;
  KeptEntries<User> kept_authors_{kKeptAuthors};  // "user:<all-users generation>:<id>" -> user
};

// Likes change the like_count inside cached posts and lists: every like and unlike bumps the
// post generation after writing through (also when it failed: it may have been applied).
class CachingLikeRepository final : public LikeRepository {
 public:
  CachingLikeRepository(LikeRepository& inner, CacheGenerations& generations)
      : inner_(inner), generations_(generations) {}

  Result<std::int64_t> like(const UserId& user, const PostId& post) override;
  Result<std::int64_t> unlike(const UserId& user, const PostId& post) override;
  // Read through: per reader, never shared.
  Result<std::vector<PostId>> liked_among(const UserId& user, std::span<const PostId> posts) override;

 private:
  LikeRepository& inner_;
  CacheGenerations& generations_;
};

}  // namespace parley::core
