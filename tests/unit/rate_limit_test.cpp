// GCRA arithmetic (core/rate_limit.hpp) and the in-process limiter's memory bound.
#include "parley/core/rate_limit.hpp"

#include <catch2/catch.hpp>

#include "parley/memory/memory_rate_limiter.hpp"
#include "parley/testing/fake_clock.hpp"

using namespace std::chrono_literals;
using parley::core::ErrorCode;
using parley::core::GcraParams;
using parley::core::GcraStep;
using parley::core::RatePolicy;

namespace {

constexpr std::int64_t kSecond = 1'000'000;
constexpr std::int64_t kNow = 1'767'225'600'000'000;  // 2026-01-01T00:00:00Z in microseconds

GcraParams params_of(RatePolicy policy) {
  auto params = GcraParams::of(policy);
  REQUIRE(params.ok());
  return *params;
}

}  // namespace

TEST_CASE("GCRA params: the interval is window/limit rounded up to a microsecond", "[rate-limit]") {
  const auto even = params_of({3, 60s});
  CHECK(even.interval_us == 20 * kSecond);
  CHECK(even.span_us == 60 * kSecond);

  const auto uneven = params_of({7, 60s});
  CHECK(uneven.interval_us == 8'571'429);
  CHECK(uneven.span_us == 7 * 8'571'429);
  CHECK(uneven.span_us - 60 * kSecond < 7);
}

TEST_CASE("GCRA params: limit and window out of range are invalid_input naming the field", "[rate-limit]") {
  for (const RatePolicy& bad : {RatePolicy{0, 60s}, RatePolicy{-1, 60s}, RatePolicy{1'000'001, 60s}}) {
    auto params = GcraParams::of(bad);
    REQUIRE_FALSE(params.ok());
    CHECK(params.error().code == ErrorCode::invalid_input);
    CHECK(params.error().details.count("limit") == 1);
  }
  for (const RatePolicy& bad : {RatePolicy{5, 0s}, RatePolicy{5, -3s}, RatePolicy{5, 86'401s}}) {
    auto params = GcraParams::of(bad);
    REQUIRE_FALSE(params.ok());
    CHECK(params.error().details.count("window") == 1);
  }
  CHECK(GcraParams::of({1'000'000, 86'400s}).ok());
  CHECK(GcraParams::of({1, 1s}).ok());
}

TEST_CASE("GCRA: a burst of `limit` hits is allowed at once, with remaining counting down", "[rate-limit]") {
  const RatePolicy policy{3, 60s};
  const auto params = params_of(policy);
  std::optional<std::int64_t> tat;
  std::vector<std::int64_t> remaining;
  std::vector<std::int64_t> resets;
  for (int i = 0; i < 3; ++i) {
    const GcraStep step = parley::core::gcra_step(tat, kNow, params);
    REQUIRE(step.allowed);
    const auto decision = parley::core::gcra_decision(policy, params, kNow, step);
    CHECK(decision.allowed);
    CHECK(decision.limit == 3);
    CHECK(decision.retry_after == 0s);
    remaining.push_back(decision.remaining);
    resets.push_back(decision.reset_after.count());
    tat = step.tat_us;
  }
  CHECK(remaining == std::vector<std::int64_t>{2, 1, 0});
  CHECK(resets == std::vector<std::int64_t>{20, 40, 60});

  const GcraStep fourth = parley::core::gcra_step(tat, kNow, params);
  CHECK_FALSE(fourth.allowed);
  CHECK(fourth.tat_us == *tat);  // a rejected hit is not counted
  const auto rejected = parley::core::gcra_decision(policy, params, kNow, fourth);
  CHECK_FALSE(rejected.allowed);
  CHECK(rejected.remaining == 0);
  CHECK(rejected.retry_after == 20s);
  CHECK(rejected.reset_after == 60s);
}

TEST_CASE("GCRA: the allowance refills one interval at a time", "[rate-limit]") {
  const RatePolicy policy{3, 60s};
  const auto params = params_of(policy);
  const std::int64_t full = kNow + 60 * kSecond;  // three hits at kNow

  // 1 ms short of one interval: still rejected, and told to wait 1 s (rounded up).
  const GcraStep early = parley::core::gcra_step(full, kNow + 20 * kSecond - 1000, params);
  CHECK_FALSE(early.allowed);
  CHECK(parley::core::gcra_decision(policy, params, kNow + 20 * kSecond - 1000, early).retry_after == 1s);

  const GcraStep on_time = parley::core::gcra_step(full, kNow + 20 * kSecond, params);
  CHECK(on_time.allowed);
  CHECK(parley::core::gcra_decision(policy, params, kNow + 20 * kSecond, on_time).remaining == 0);

  // Long after the TAT, the state is as good as new.
  const GcraStep later = parley::core::gcra_step(full, kNow + 3600 * kSecond, params);
  CHECK(later.allowed);
  CHECK(later.tat_us == kNow + 3600 * kSecond + 20 * kSecond);
  CHECK(parley::core::gcra_decision(policy, params, kNow + 3600 * kSecond, later).remaining == 2);
}

TEST_CASE("GCRA: an uneven window still allows exactly `limit` hits in a burst", "[rate-limit]") {
  for (const RatePolicy& policy : {RatePolicy{7, 60s}, RatePolicy{600, 60s}, RatePolicy{1'000'000, 1s}}) {
    const auto params = params_of(policy);
    std::optional<std::int64_t> tat;
    std::int64_t allowed = 0;
    for (std::int64_t i = 0; i <= policy.limit; ++i) {
      const GcraStep step = parley::core::gcra_step(tat, kNow, params);
      if (!step.allowed) break;
      ++allowed;
      tat = step.tat_us;
    }
    INFO("limit " << policy.limit << " per " << policy.window.count() << " s");
    CHECK(allowed == policy.limit);
  }
}

TEST_CASE("GCRA: the state's lifetime ends when the allowance is full again", "[rate-limit]") {
  const auto params = params_of({3, 60s});
  const GcraStep step = parley::core::gcra_step(std::nullopt, kNow, params);
  CHECK(parley::core::gcra_ttl_us(kNow, step) == 20 * kSecond);
  CHECK(parley::core::gcra_ttl_us(kNow + 30 * kSecond, step) == 0);
}

TEST_CASE("MemoryRateLimiter: full keys are dropped and the map never exceeds its bound", "[rate-limit]") {
  parley::testing::FakeClock clock;
  parley::memory::MemoryRateLimiter limiter(clock, 4);
  const RatePolicy policy{2, 10s};
  for (int i = 0; i < 4; ++i)
    REQUIRE(limiter.hit("key-" + std::to_string(i), policy).ok());
  CHECK(limiter.size() == 4);

  // Full: the key closest to a full allowance (the oldest here) makes room for the new one.
  clock.advance(1s);
  REQUIRE(limiter.hit("key-4", policy).ok());
  CHECK(limiter.size() == 4);
  CHECK(limiter.hit("key-4", policy)->remaining == 0);  // key-4 is counted as usual

  // Once every allowance is full again, a new key sweeps the expired ones away.
  clock.advance(10s);
  REQUIRE(limiter.hit("key-5", policy).ok());
  CHECK(limiter.size() == 1);
}

TEST_CASE("MemoryRateLimiter: an invalid policy is refused and nothing is stored", "[rate-limit]") {
  parley::testing::FakeClock clock;
  parley::memory::MemoryRateLimiter limiter(clock);
  auto refused = limiter.hit("k", RatePolicy{0, 60s});
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().code == ErrorCode::invalid_input);
  CHECK(limiter.size() == 0);
  CHECK(limiter.ping().ok());
}
