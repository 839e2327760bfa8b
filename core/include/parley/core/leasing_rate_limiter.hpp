// A RateLimiter decorator for a shared, networked limiter (Redis): it counts a small lease of
// hits at once and spends it in process, so most hits under a high limit cost no round trip.
//
// A lease is at most 1/kLeaseDivisor of the limit (and at most kMaxLease hits); a policy whose
// lease would be a single hit is passed through untouched, so low limits (logins, sign-ups,
// per-client budgets of a few hundred per window) are counted exactly as before, and so is
// every hit on an in-process limiter (a lease would save nothing there). Leased hits
// are counted by the shared limiter when they are leased, so every instance together still
// allows at most the policy's rate; what this changes is within one lease:
//   - a lease lives for as long as its hits represent (granted x window/limit), or kLeaseLife
//     when that is shorter: hits not spent by then are dropped. So each instance holds at most
//     one lease per key: all instances together let a client through at most one lease per
//     instance beyond the policy's burst, and may refuse it up to one lease per instance early;
//   - the decision of a hit spent from a lease (remaining, reset) is the shared limiter's at the
//     lease plus what is left of it: accurate to within the lease.
// Thread-safe; the table of leases is bounded (kMaxKeys, expired leases dropped first).
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "parley/core/ports/clock.hpp"
#include "parley/core/ports/rate_limiter.hpp"

namespace parley::core {

class LeasingRateLimiter final : public RateLimiter {
 public:
  static constexpr std::int64_t kLeaseDivisor = 100;
  static constexpr std::int64_t kMaxLease = 1'000;
  static constexpr std::size_t kMaxKeys = 65'536;
  static constexpr std::int64_t kLeaseLifeUs = 100'000;  // kLeaseLife

  // `inner` and `clock` must outlive this object.
  LeasingRateLimiter(RateLimiter& inner, Clock& clock) : inner_(inner), clock_(clock) {}

  // The hits leased at once under `policy`: limit / kLeaseDivisor, at most kMaxLease; 1 means
  // no leasing.
  [[nodiscard]] static std::int64_t lease_size(const RatePolicy& policy) noexcept;

  Result<RateDecision> hit(std::string_view key, const RatePolicy& policy) override;
  // Answered from a lease (or by an in-process inner limiter); nullopt when the next hit needs
  // a new lease, which waits on the inner limiter.
  std::optional<Result<RateDecision>> hit_now(std::string_view key, const RatePolicy& policy) override;
  Status ping() override { return inner_.ping(); }
  [[nodiscard]] bool in_process() const noexcept override { return inner_.in_process(); }

  // Keys holding a lease; for tests of the bound.
  [[nodiscard]] std::size_t size() const;

 private:
  struct Lease {
    std::int64_t left = 0;        // hits still to spend
    std::int64_t expires_us = 0;  // dropped from then on
    RateDecision decision;        // the inner limiter's, after the lease
  };

  // One hit from the lease of `key`, when it has one left and unexpired.
  std::optional<RateDecision> spend(std::string_view key, std::int64_t now_us);
  void keep(std::string_view key, const Lease& lease, std::int64_t now_us);

  RateLimiter& inner_;
  Clock& clock_;
  mutable std::mutex mutex_;
  std::map<std::string, Lease, std::less<>> leases_;
};

}  // namespace parley::core
