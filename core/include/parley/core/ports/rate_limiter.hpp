// Port: a rate limiter that counts hits per key against a policy (a limit per window).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string_view>

#include "parley/core/result.hpp"

namespace parley::core {

// At most `limit` hits per `window`, refilled evenly (GCRA, see rate_limit.hpp).
struct RatePolicy {
  std::int64_t limit = 1;
  std::chrono::seconds window{1};

  friend bool operator==(const RatePolicy&, const RatePolicy&) = default;
};

// The answer to one hit. Seconds are rounded up, so a client that waits them is never early.
struct RateDecision {
  bool allowed = true;
  std::int64_t limit = 0;               // the policy's limit
  std::int64_t remaining = 0;           // hits still allowed right now, after this one
  std::chrono::seconds reset_after{0};  // until the whole limit is available again
  std::chrono::seconds retry_after{0};  // until the next hit can be allowed; 0 when allowed
};

// Hits counted at once (RateLimiter::lease).
struct RateLease {
  std::int64_t granted = 0;  // 0: none was allowed
  RateDecision decision;
};

class RateLimiter {
 public:
  virtual ~RateLimiter() = default;

  // Counts one hit on `key` (an opaque, caller-made name; bytes compared exactly) when it is
  // allowed; a rejected hit is not counted, so a client that keeps retrying early is not punished
  // further. Keys are independent. The policy must be valid (limit >= 1, window >= 1 s) and the
  // same for every hit on a key. invalid_input for a bad policy; unavailable when the backing
  // store cannot be reached (callers decide whether to fail open).
  virtual Result<RateDecision> hit(std::string_view key, const RatePolicy& policy) = 0;
  virtual Status ping() = 0;
  // True when hit() is answered in this process without waiting on I/O (an in-process table):
  // such a limiter may be called from an event loop's thread. False for a networked store.
  [[nodiscard]] virtual bool in_process() const noexcept { return false; }

  // hit(), when it can be answered without waiting on I/O (from an event loop's thread);
  // nullopt, having counted nothing, when it cannot. By default: hit() when in_process().
  virtual std::optional<Result<RateDecision>> hit_now(std::string_view key, const RatePolicy& policy) {
    if (!in_process()) return std::nullopt;
    return hit(key, policy);
  }

  // Counts up to `cells` (at least 1) hits on `key` at once, as many as are allowed now, for a
  // caller that spends them by itself (LeasingRateLimiter); granted 0 with the rejection when
  // none is. The decision is the one after the last granted hit. By default, one hit.
  virtual Result<RateLease> lease(std::string_view key, const RatePolicy& policy, std::int64_t cells) {
    (void)cells;
    auto decision = hit(key, policy);
    if (!decision) return std::move(decision).error();
    return RateLease{decision->allowed ? 1 : 0, *decision};
  }
};

}  // namespace parley::core
