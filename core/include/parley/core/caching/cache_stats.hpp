// Hit, miss and error counts of the caching decorators, per cache: `post` (single posts, by id
// or slug), `post_list` (the first pages of the public feed, and the popular tags) and `user`
// (user records). Lock-free, so any thread may count and a metrics endpoint may read at any time.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <string_view>

namespace parley::core {

struct CacheCounters {
  std::atomic<std::uint64_t> hits{0};
  std::atomic<std::uint64_t> misses{0};  // not cached, expired, or an entry that failed to decode
  std::atomic<std::uint64_t> errors{0};  // the cache was unavailable and was bypassed
};

class CacheStats {
 public:
  struct Sample {
    std::string_view cache;  // "post", "post_list" or "user": the label of cache_*_total
    std::uint64_t hits = 0;
    std::uint64_t misses = 0;
    std::uint64_t errors = 0;
  };

  CacheCounters& post() noexcept { return post_; }
  CacheCounters& post_list() noexcept { return post_list_; }
  CacheCounters& user() noexcept { return user_; }

  // The current counts of every cache, in a fixed order (post, post_list, user).
  [[nodiscard]] std::array<Sample, 3> snapshot() const noexcept;

 private:
  CacheCounters post_;
  CacheCounters post_list_;
  CacheCounters user_;
};

}  // namespace parley::core
