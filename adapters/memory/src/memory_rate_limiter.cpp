// GCRA over a bounded, mutex-guarded map.
#include "parley/memory/memory_rate_limiter.hpp"

#include <algorithm>
#include <optional>

#include "parley/core/rate_limit.hpp"

namespace parley::memory {

MemoryRateLimiter::MemoryRateLimiter(core::Clock& clock, std::size_t max_keys)
    : clock_(clock), max_keys_(std::max<std::size_t>(max_keys, 1)) {}

core::Result<core::RateDecision> MemoryRateLimiter::hit(std::string_view key,
                                                        const core::RatePolicy& policy) {
  auto leased = lease(key, policy, 1);
  if (!leased) return std::move(leased).error();
  return leased->decision;
}

core::Result<core::RateLease> MemoryRateLimiter::lease(std::string_view key, const core::RatePolicy& policy,
                                                       std::int64_t cells) {
  auto params = core::GcraParams::of(policy);
  if (!params) return std::move(params).error();
  const std::int64_t now = core::to_micros(clock_.now());

  const std::lock_guard lock(mutex_);
  auto it = tats_.find(key);
  const std::optional<std::int64_t> stored =
      it == tats_.end() ? std::nullopt : std::optional<std::int64_t>(it->second);
  const core::GcraTake taken = core::gcra_take(stored, now, *params, cells);
  if (taken.granted > 0) {
    if (it != tats_.end()) {
      it->second = taken.tat_us;
    } else {
      make_room(now);
      tats_.emplace(std::string(key), taken.tat_us);
    }
  }
  const core::GcraStep step{taken.granted > 0, taken.tat_us};
  return core::RateLease{taken.granted, core::gcra_decision(policy, *params, now, step)};
}

core::Status MemoryRateLimiter::ping() {
  return {};
}

std::size_t MemoryRateLimiter::size() const {
  const std::lock_guard lock(mutex_);
  return tats_.size();
}

void MemoryRateLimiter::purge_expired(std::int64_t now_us) {
  std::erase_if(tats_, [&](const auto& entry) { return entry.second <= now_us; });
  inserts_since_sweep_ = 0;
}

void MemoryRateLimiter::make_room(std::int64_t now_us) {
  if (++inserts_since_sweep_ >= kSweepInterval || tats_.size() >= max_keys_) purge_expired(now_us);
  if (tats_.size() < max_keys_) return;
  const auto victim = std::min_element(tats_.begin(), tats_.end(),
                                       [](const auto& a, const auto& b) { return a.second < b.second; });
  tats_.erase(victim);
}

}  // namespace parley::memory
