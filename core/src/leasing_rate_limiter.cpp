// Leases of hits from a shared limiter, spent in process.
#include "parley/core/leasing_rate_limiter.hpp"

#include <algorithm>

#include "parley/core/rate_limit.hpp"

namespace parley::core {

std::int64_t LeasingRateLimiter::lease_size(const RatePolicy& policy) noexcept {
  return std::clamp<std::int64_t>(policy.limit / kLeaseDivisor, 1, kMaxLease);
}

Result<RateDecision> LeasingRateLimiter::hit(std::string_view key, const RatePolicy& policy) {
  const std::int64_t cells = lease_size(policy);
  // In process, a hit costs no more than spending a lease would.
  if (cells <= 1 || inner_.in_process()) return inner_.hit(key, policy);
  auto params = GcraParams::of(policy);
  if (!params) return std::move(params).error();
  const std::int64_t now = to_micros(clock_.now());
  if (auto spent = spend(key, now)) return *spent;

  auto lease = inner_.lease(key, policy, cells);
  if (!lease) return std::move(lease).error();
  if (lease->granted <= 0) return lease->decision;
  Lease kept;
  kept.left = lease->granted - 1;  // this hit is the first of the lease
  kept.expires_us = now + std::max(lease->granted * params->interval_us, kLeaseLifeUs);
  kept.decision = lease->decision;
  if (kept.left > 0) keep(key, kept, now);
  RateDecision decision = lease->decision;
  decision.remaining = std::min(decision.remaining + kept.left, policy.limit);
  return decision;
}

std::optional<Result<RateDecision>> LeasingRateLimiter::hit_now(std::string_view key,
                                                                const RatePolicy& policy) {
  if (inner_.in_process() || lease_size(policy) <= 1) return inner_.hit_now(key, policy);
  if (auto spent = spend(key, to_micros(clock_.now()))) return Result<RateDecision>(*spent);
  return std::nullopt;
}

std::size_t LeasingRateLimiter::size() const {
  const std::lock_guard lock(mutex_);
  return leases_.size();
}

std::optional<RateDecision> LeasingRateLimiter::spend(std::string_view key, std::int64_t now_us) {
  const std::lock_guard lock(mutex_);
  const auto it = leases_.find(key);
  if (it == leases_.end()) return std::nullopt;
  Lease& lease = it->second;
  if (lease.left <= 0 || now_us >= lease.expires_us) {
    leases_.erase(it);
    return std::nullopt;
  }
  --lease.left;
  RateDecision decision = lease.decision;
  decision.remaining = std::min(decision.remaining + lease.left, decision.limit);
  if (lease.left == 0) leases_.erase(it);
  return decision;
}

void LeasingRateLimiter::keep(std::string_view key, const Lease& lease, std::int64_t now_us) {
  const std::lock_guard lock(mutex_);
  if (const auto it = leases_.find(key); it != leases_.end()) {
    // Another thread leased for the same key meanwhile: keep the one that lasts longer.
    if (it->second.expires_us <= lease.expires_us) it->second = lease;
    return;
  }
  if (leases_.size() >= kMaxKeys) {
    std::erase_if(leases_, [&](const auto& entry) { return entry.second.expires_us <= now_us; });
    if (leases_.size() >= kMaxKeys) return;  // the rest of this lease is dropped, never over-spent
  }
  leases_.emplace(std::string(key), lease);
}

}  // namespace parley::core
