// The RateLimiter contract, run against every adapter, with a clock the test controls: every
// count below is exact, none depends on how fast the test runs.
#include <atomic>
#include <thread>
#include <vector>

#include "contract_support.hpp"

using namespace parley;            // NOLINT(google-build-using-namespace): test brevity
using namespace parley::contract;  // NOLINT(google-build-using-namespace): fixture names in test names
using namespace std::chrono_literals;

namespace {

core::RateDecision must_hit(core::RateLimiter& limiter, std::string_view key,
                            const core::RatePolicy& policy) {
  auto decision = limiter.hit(key, policy);
  INFO((decision.ok() ? std::string() : decision.error().message));
  REQUIRE(decision.ok());
  return *decision;
}

}  // namespace

TEMPLATE_TEST_CASE("RateLimiter: `limit` hits are allowed, the next is rejected with a retry delay",
                   "[rate-limiter]", PARLEY_RATE_LIMITER_FIXTURES) {
  TestType fixture;
  auto& limiter = fixture.limiter();
  const core::RatePolicy policy{3, 60s};

  std::vector<std::int64_t> remaining;
  for (int i = 0; i < 3; ++i) {
    const auto decision = must_hit(limiter, "ip:192.0.2.1", policy);
    CHECK(decision.allowed);
    CHECK(decision.limit == 3);
    CHECK(decision.retry_after == 0s);
    CHECK(decision.reset_after > 0s);
    CHECK(decision.reset_after <= 60s);
    remaining.push_back(decision.remaining);
  }
  CHECK(remaining == std::vector<std::int64_t>{2, 1, 0});

  const auto rejected = must_hit(limiter, "ip:192.0.2.1", policy);
  CHECK_FALSE(rejected.allowed);
  CHECK(rejected.limit == 3);
  CHECK(rejected.remaining == 0);
  CHECK(rejected.retry_after == 20s);  // one interval of the 60 s window
  CHECK(rejected.reset_after == 60s);

  // Rejections are not counted: retrying early does not push the next chance further away.
  const auto again = must_hit(limiter, "ip:192.0.2.1", policy);
  CHECK_FALSE(again.allowed);
  CHECK(again.retry_after == 20s);
}

TEMPLATE_TEST_CASE("RateLimiter: keys are independent and compared byte for byte", "[rate-limiter]",
                   PARLEY_RATE_LIMITER_FIXTURES) {
  TestType fixture;
  auto& limiter = fixture.limiter();
  const core::RatePolicy policy{1, 60s};
  CHECK(must_hit(limiter, "user:a", policy).allowed);
  CHECK_FALSE(must_hit(limiter, "user:a", policy).allowed);
  CHECK(must_hit(limiter, "user:A", policy).allowed);
  CHECK(must_hit(limiter, "user:b", policy).allowed);
  CHECK(must_hit(limiter, std::string("user:a\0x", 8), policy).allowed);
  CHECK(must_hit(limiter, "user:a ", policy).allowed);
  CHECK_FALSE(must_hit(limiter, "user:b", policy).allowed);
}

TEMPLATE_TEST_CASE("RateLimiter: the allowance comes back one interval at a time, then in full",
                   "[rate-limiter]", PARLEY_RATE_LIMITER_FIXTURES) {
  TestType fixture;
  auto& limiter = fixture.limiter();
  const core::RatePolicy policy{3, 60s};
  for (int i = 0; i < 3; ++i)
    REQUIRE(must_hit(limiter, "k", policy).allowed);
  REQUIRE_FALSE(must_hit(limiter, "k", policy).allowed);

  fixture.clock().advance(19'999ms);
  const auto early = must_hit(limiter, "k", policy);
  CHECK_FALSE(early.allowed);
  CHECK(early.retry_after == 1s);  // rounded up: waiting it is never too early

  fixture.clock().advance(1ms);
  const auto refilled = must_hit(limiter, "k", policy);
  CHECK(refilled.allowed);
  CHECK(refilled.remaining == 0);
  CHECK_FALSE(must_hit(limiter, "k", policy).allowed);

  fixture.clock().advance(60s);
  const auto fresh = must_hit(limiter, "k", policy);
  CHECK(fresh.allowed);
  CHECK(fresh.remaining == 2);
  CHECK(fresh.reset_after == 20s);
}

TEMPLATE_TEST_CASE("RateLimiter: concurrent hits on one key allow exactly `limit`", "[rate-limiter]",
                   PARLEY_RATE_LIMITER_FIXTURES) {
  TestType fixture;
  auto& limiter = fixture.limiter();
  const core::RatePolicy policy{25, 60s};
  constexpr int kThreads = 6;
  constexpr int kHitsPerThread = 10;
  std::atomic<int> allowed{0};
  std::atomic<int> failed{0};
  {
    std::vector<std::jthread> threads;
    threads.reserve(kThreads);
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&] {
        for (int i = 0; i < kHitsPerThread; ++i) {
          auto decision = limiter.hit("shared", policy);
          if (!decision.ok()) {
            ++failed;
          } else if (decision->allowed) {
            ++allowed;
          }
        }
      });
    }
  }
  CHECK(failed.load() == 0);
  CHECK(allowed.load() == 25);
}

TEMPLATE_TEST_CASE("RateLimiter: an invalid policy is invalid_input naming the field", "[rate-limiter]",
                   PARLEY_RATE_LIMITER_FIXTURES) {
  TestType fixture;
  auto& limiter = fixture.limiter();
  auto no_limit = limiter.hit("k", core::RatePolicy{0, 60s});
  REQUIRE_FALSE(no_limit.ok());
  CHECK(no_limit.error().code == core::ErrorCode::invalid_input);
  CHECK(no_limit.error().details.count("limit") == 1);
  auto no_window = limiter.hit("k", core::RatePolicy{5, 0s});
  REQUIRE_FALSE(no_window.ok());
  CHECK(no_window.error().details.count("window") == 1);
  // Nothing was counted.
  CHECK(must_hit(limiter, "k", core::RatePolicy{1, 60s}).allowed);
}

TEMPLATE_TEST_CASE("RateLimiter: ping succeeds when the limiter is reachable", "[rate-limiter]",
                   PARLEY_RATE_LIMITER_FIXTURES) {
  TestType fixture;
  CHECK(fixture.limiter().ping().ok());
}

TEMPLATE_TEST_CASE("RateLimiter: a lease counts up to `cells` hits at once, never more than the budget",
                   "[rate-limiter]", PARLEY_RATE_LIMITER_FIXTURES) {
  TestType fixture;
  auto& limiter = fixture.limiter();
  const core::RatePolicy policy{10, 60s};

  auto first = limiter.lease("ip:192.0.2.9", policy, 4);
  REQUIRE(first.ok());
  CHECK(first->granted == 4);
  CHECK(first->decision.allowed);
  CHECK(first->decision.remaining == 6);

  auto rest = limiter.lease("ip:192.0.2.9", policy, 100);
  REQUIRE(rest.ok());
  CHECK(rest->granted == 6);
  CHECK(rest->decision.remaining == 0);

  auto none = limiter.lease("ip:192.0.2.9", policy, 3);
  REQUIRE(none.ok());
  CHECK(none->granted == 0);
  CHECK_FALSE(none->decision.allowed);
  CHECK(none->decision.retry_after == 6s);                         // one interval of the 60 s window
  CHECK_FALSE(must_hit(limiter, "ip:192.0.2.9", policy).allowed);  // a lease is hits like any other

  // Half a minute on, half the budget is back.
  fixture.clock().advance(30s);
  auto later = limiter.lease("ip:192.0.2.9", policy, 100);
  REQUIRE(later.ok());
  CHECK(later->granted == 5);
}
