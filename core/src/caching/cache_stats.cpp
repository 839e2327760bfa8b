// Reading the counters of CacheStats.
#include "parley/core/caching/cache_stats.hpp"

namespace parley::core {

namespace {

CacheStats::Sample sample(std::string_view name, const CacheCounters& counters) noexcept {
  return CacheStats::Sample{.cache = name,
                            .hits = counters.hits.load(std::memory_order_relaxed),
                            .misses = counters.misses.load(std::memory_order_relaxed),
                            .errors = counters.errors.load(std::memory_order_relaxed)};
}

}  // namespace

std::array<CacheStats::Sample, 3> CacheStats::snapshot() const noexcept {
  return {sample("post", post_), sample("post_list", post_list_), sample("user", user_)};
}

}  // namespace parley::core
