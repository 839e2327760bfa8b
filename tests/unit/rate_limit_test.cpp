// GCRA arithmetic (core/rate_limit.hpp), the in-process limiter's memory bound, and leases of
// hits from a shared limiter (core/leasing_rate_limiter.hpp).
#include "parley/core/rate_limit.hpp"

#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "parley/core/leasing_rate_limiter.hpp"
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

TEST_CASE("GCRA: a take grants as many hits as fit, at most the cells asked, and one step's worth each",
          "[rate-limit]") {
  const auto params = params_of({10, 10s});  // one hit per second, a burst of 10
  const auto first = parley::core::gcra_take(std::nullopt, kNow, params, 4);
  CHECK(first.granted == 4);
  CHECK(first.tat_us == kNow + 4 * kSecond);

  const auto rest = parley::core::gcra_take(first.tat_us, kNow, params, 100);
  CHECK(rest.granted == 6);  // only the burst's remainder
  CHECK(rest.tat_us == kNow + 10 * kSecond);

  const auto none = parley::core::gcra_take(rest.tat_us, kNow, params, 5);
  CHECK(none.granted == 0);
  CHECK(none.tat_us == rest.tat_us);  // nothing counted

  // A cell count below one is one, and a take of one is exactly a step.
  const auto one = parley::core::gcra_take(std::nullopt, kNow, params, 0);
  const GcraStep step = parley::core::gcra_step(std::nullopt, kNow, params);
  CHECK(one.granted == 1);
  CHECK(one.tat_us == step.tat_us);

  // Two seconds later two more fit.
  CHECK(parley::core::gcra_take(rest.tat_us, kNow + 2 * kSecond, params, 5).granted == 2);
}

namespace {

// A limiter that must be waited on (as Redis must): the memory limiter, counting its calls and
// saying it is not in process.
class RemoteLimiter final : public parley::core::RateLimiter {
 public:
  explicit RemoteLimiter(parley::core::Clock& clock) : inner_(clock) {}
  parley::core::Result<parley::core::RateDecision> hit(std::string_view key,
                                                       const RatePolicy& policy) override {
    ++hits;
    return inner_.hit(key, policy);
  }
  parley::core::Result<parley::core::RateLease> lease(std::string_view key, const RatePolicy& policy,
                                                      std::int64_t cells) override {
    ++leases;
    asked.push_back(cells);
    return inner_.lease(key, policy, cells);
  }
  parley::core::Status ping() override { return {}; }
  int hits = 0;
  int leases = 0;
  std::vector<std::int64_t> asked;

 private:
  parley::memory::MemoryRateLimiter inner_;
};

}  // namespace

TEST_CASE("LeasingRateLimiter: a lease is 1 % of the limit, at most 1 000, and low limits are not leased",
          "[rate-limit]") {
  using parley::core::LeasingRateLimiter;
  CHECK(LeasingRateLimiter::lease_size({5, 60s}) == 1);
  CHECK(LeasingRateLimiter::lease_size({199, 60s}) == 1);
  CHECK(LeasingRateLimiter::lease_size({200, 60s}) == 2);
  CHECK(LeasingRateLimiter::lease_size({10'000, 1s}) == 100);
  CHECK(LeasingRateLimiter::lease_size({1'000'000, 1s}) == 1'000);

  parley::testing::FakeClock clock;
  RemoteLimiter remote(clock);
  LeasingRateLimiter limiter(remote, clock);
  const RatePolicy low{3, 60s};
  for (int i = 0; i < 4; ++i)
    REQUIRE(limiter.hit("k", low).ok());
  CHECK(remote.hits == 4);  // every hit reached the shared limiter
  CHECK(remote.leases == 0);
  CHECK_FALSE(limiter.hit("k", low)->allowed);
  // Without a lease to spend, hit_now answers nothing and counts nothing.
  CHECK_FALSE(limiter.hit_now("k", low).has_value());
  CHECK(remote.hits == 5);
}

TEST_CASE("LeasingRateLimiter: hits are spent from a lease, renewed when spent or expired", "[rate-limit]") {
  parley::testing::FakeClock clock;
  RemoteLimiter remote(clock);
  parley::core::LeasingRateLimiter limiter(remote, clock);
  const RatePolicy policy{1'000, 1s};  // leases of 10 hits, each 1 ms of the window

  CHECK_FALSE(limiter.hit_now("ip:a", policy).has_value());  // no lease yet: a worker must ask
  std::vector<std::int64_t> remaining;
  for (int i = 0; i < 10; ++i) {
    auto decision = limiter.hit("ip:a", policy);
    REQUIRE(decision.ok());
    CHECK(decision->allowed);
    CHECK(decision->limit == 1'000);
    remaining.push_back(decision->remaining);
  }
  CHECK(remote.leases == 1);
  CHECK(remote.asked == std::vector<std::int64_t>{10});
  // The client's remaining counts down as if every hit had reached the shared limiter.
  CHECK(remaining.front() == 999);
  CHECK(remaining.back() == 990);

  // Spent: the next hit leases again; an unexpired lease answers without waiting.
  REQUIRE(limiter.hit("ip:a", policy).ok());
  CHECK(remote.leases == 2);
  auto now = limiter.hit_now("ip:a", policy);
  REQUIRE(now.has_value());
  REQUIRE(now->ok());
  CHECK((*now)->allowed);
  CHECK((*now)->remaining == 988);
  CHECK(remote.leases == 2);
  CHECK(limiter.size() == 1);

  // Keys lease apart.
  REQUIRE(limiter.hit("ip:b", policy).ok());
  CHECK(remote.leases == 3);
  CHECK(limiter.size() == 2);

  // A lease outlives neither its hits' share of the window nor 100 ms: the rest is dropped.
  clock.advance(std::chrono::milliseconds(100));
  CHECK_FALSE(limiter.hit_now("ip:a", policy).has_value());
  REQUIRE(limiter.hit("ip:a", policy).ok());
  CHECK(remote.leases == 4);
}

TEST_CASE("LeasingRateLimiter: all hits together never exceed the shared limiter's budget", "[rate-limit]") {
  parley::testing::FakeClock clock;
  RemoteLimiter remote(clock);
  parley::core::LeasingRateLimiter first(remote, clock);  // two instances on one shared limiter
  parley::core::LeasingRateLimiter second(remote, clock);
  const RatePolicy policy{1'000, 60s};
  int allowed = 0;
  const auto hit = [&](int i) {
    auto& limiter = i % 3 == 0 ? second : first;
    auto decision = limiter.hit("ip:c", policy);
    REQUIRE(decision.ok());
    if (decision->allowed) ++allowed;
  };
  for (int i = 0; i < 1'000; ++i)
    hit(i);
  // The burst, split between the instances, but for what the other instance still holds leased
  // (at most a lease each), at one round trip per ~10 hits instead of one per hit.
  CHECK(allowed <= 1'000);
  CHECK(allowed >= 1'000 - 2 * 10);
  CHECK(remote.leases <= 150);
  for (int i = 1'000; i < 1'500; ++i)
    hit(i);
  CHECK(allowed == 1'000);  // every leased hit spent, and not one more: counted when leased
  auto refused = first.hit("ip:c", policy);
  REQUIRE(refused.ok());
  CHECK_FALSE(refused->allowed);
  CHECK(refused->retry_after > 0s);
}

TEST_CASE("LeasingRateLimiter: an in-process limiter is passed through, and answers hit_now",
          "[rate-limit]") {
  parley::testing::FakeClock clock;
  parley::memory::MemoryRateLimiter memory(clock);
  parley::core::LeasingRateLimiter limiter(memory, clock);
  const RatePolicy policy{1'000, 1s};
  CHECK(limiter.in_process());
  auto now = limiter.hit_now("k", policy);
  REQUIRE(now.has_value());
  REQUIRE(now->ok());
  CHECK((*now)->remaining == 999);
  CHECK(limiter.hit("k", policy)->remaining == 998);
  CHECK(limiter.size() == 0);  // nothing leased
  auto invalid = limiter.hit("k", RatePolicy{1'000, 0s});
  REQUIRE_FALSE(invalid.ok());
  CHECK(invalid.error().code == ErrorCode::invalid_input);
}
