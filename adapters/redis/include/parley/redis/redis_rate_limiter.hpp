// RateLimiter over Redis, shared by every Parley instance on the same server and key prefix.
#pragma once

#include <mutex>
#include <string>

#include "parley/core/ports/clock.hpp"
#include "parley/core/ports/rate_limiter.hpp"
#include "parley/redis/client.hpp"

namespace parley::redis {

// One key per limited key, `ratelimit:<key>` under the client's prefix, holding its GCRA TAT
// in microseconds with a Redis TTL that ends when its allowance is full again, so idle keys
// disappear by themselves. Each hit is one Lua script (one round trip), atomic across instances.
// The injected Clock supplies "now", as the other adapters' expiry does, so instances should
// keep their clocks in sync (NTP); the GCRA arithmetic itself is core's (rate_limit.hpp).
// The script is sent once (SCRIPT LOAD) and then run by its digest (EVALSHA); a server that
// forgot it (restart, SCRIPT FLUSH) gets it again with EVAL, which also caches it.
class RedisRateLimiter final : public core::RateLimiter {
 public:
  // The client must outlive the limiter.
  RedisRateLimiter(Client& client, core::Clock& clock) : client_(client), clock_(clock) {}

  core::Result<core::RateDecision> hit(std::string_view key, const core::RatePolicy& policy) override;
  // Up to `cells` hits in the same one script run.
  core::Result<core::RateLease> lease(std::string_view key, const core::RatePolicy& policy,
                                      std::int64_t cells) override;
  core::Status ping() override;

 private:
  // The script's SHA1 digest as Redis names it, loading the script when not known yet.
  core::Result<std::string> script_digest();
  void forget_digest();

  Client& client_;
  core::Clock& clock_;
  std::mutex digest_mutex_;
  std::string digest_;
};

}  // namespace parley::redis
