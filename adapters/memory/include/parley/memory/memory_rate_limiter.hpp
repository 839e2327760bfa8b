// RateLimiter in a map of key -> GCRA state, for a single Parley instance.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>

#include "parley/core/ports/clock.hpp"
#include "parley/core/ports/rate_limiter.hpp"

namespace parley::memory {

// Thread-safe. A key whose allowance is full again holds no information and is dropped: on the
// way (every kSweepInterval new keys) and whenever the map is full. When it is still full, the
// key closest to a full allowance is forgotten, so memory stays bounded under any traffic; a
// forgotten key starts again with its full limit.
class MemoryRateLimiter final : public core::RateLimiter {
 public:
  static constexpr std::size_t kDefaultMaxKeys = 100'000;
  static constexpr std::size_t kSweepInterval = 1'024;

  explicit MemoryRateLimiter(core::Clock& clock, std::size_t max_keys = kDefaultMaxKeys);

  core::Result<core::RateDecision> hit(std::string_view key, const core::RatePolicy& policy) override;
  core::Result<core::RateLease> lease(std::string_view key, const core::RatePolicy& policy,
                                      std::int64_t cells) override;
  core::Status ping() override;
  [[nodiscard]] bool in_process() const noexcept override { return true; }

  // Keys currently remembered; for tests of the bound.
  [[nodiscard]] std::size_t size() const;

 private:
  void purge_expired(std::int64_t now_us);
  void make_room(std::int64_t now_us);

  core::Clock& clock_;
  std::size_t max_keys_;
  mutable std::mutex mutex_;
  std::map<std::string, std::int64_t, std::less<>> tats_;  // key -> TAT in microseconds
  std::size_t inserts_since_sweep_ = 0;
};

}  // namespace parley::memory
