// The HTTP side of rate limiting: keys, headers, the 429, counters and failing open.
#include "parley/http/rate_limit.hpp"

#include <boost/json/parse.hpp>
#include <catch2/catch.hpp>

#include "parley/memory/memory_rate_limiter.hpp"
#include "parley/testing/fake_clock.hpp"
#include "parley/testing/sequential_ids.hpp"

using namespace std::chrono_literals;
using parley::http::RateGroup;
using parley::http::RateLimits;
using parley::http::RateLimitSettings;
using parley::http::Request;

namespace {

Request from(std::string peer, std::string forwarded = {}) {
  Request request;
  request.method = "GET";
  request.target = "/api/v1/posts";
  request.client_ip = std::move(peer);
  if (!forwarded.empty()) request.headers.add("X-Forwarded-For", std::move(forwarded));
  return request;
}

parley::core::Principal user(std::uint64_t n) {
  parley::core::Principal principal;
  principal.user_id = parley::core::UserId{parley::testing::SequentialIds::make(n)};
  return principal;
}

RateLimitSettings tight() {
  RateLimitSettings settings;
  settings.auth = {2, 60s};
  settings.write = {3, 60s};
  settings.read = {4, 60s};
  return settings;
}

// A limiter whose backing store is down.
class DownLimiter final : public parley::core::RateLimiter {
 public:
  parley::core::Result<parley::core::RateDecision> hit(std::string_view /*key*/,
                                                       const parley::core::RatePolicy& /*policy*/) override {
    ++calls;
    if (up) return parley::core::RateDecision{true, 1, 0, 1s, 0s};
    return parley::core::Error::unavailable("redis: connection refused");
  }
  parley::core::Status ping() override { return {}; }
  int calls = 0;
  bool up = false;
};

}  // namespace

TEST_CASE("rate_limit_key: users by id outside the auth group, everyone else by client IP",
          "[http][rate-limit]") {
  const auto none = parley::http::TrustedProxies{};
  const auto proxies = *parley::http::TrustedProxies::parse("127.0.0.1");
  const auto alice = user(1);
  const std::string alice_id = alice.user_id.to_string();
  using parley::http::rate_limit_key;
  CHECK(rate_limit_key(RateGroup::read, from("192.0.2.1"), nullptr, none) == "read:ip:192.0.2.1");
  CHECK(rate_limit_key(RateGroup::read, from("192.0.2.1"), &alice, none) == "read:user:" + alice_id);
  CHECK(rate_limit_key(RateGroup::write, from("192.0.2.1"), &alice, none) == "write:user:" + alice_id);
  CHECK(rate_limit_key(RateGroup::auth, from("192.0.2.1"), &alice, none) == "auth:ip:192.0.2.1");
  CHECK(rate_limit_key(RateGroup::auth, from("127.0.0.1", "203.0.113.9"), nullptr, none) ==
        "auth:ip:127.0.0.1");
  CHECK(rate_limit_key(RateGroup::auth, from("127.0.0.1", "203.0.113.9"), nullptr, proxies) ==
        "auth:ip:203.0.113.9");
  // An IPv6 client is counted by its /64.
  CHECK(rate_limit_key(RateGroup::read, from("2001:db8:1:2:3:4:5:6"), nullptr, none) ==
        "read:ip:2001:db8:1:2::/64");
  CHECK(rate_limit_key(RateGroup::read, from("::ffff:192.0.2.1"), nullptr, none) == "read:ip:192.0.2.1");
  // The operator CLI has no user id: it never reaches HTTP, but would count by IP.
  const auto op = parley::core::Principal::operator_cli();
  CHECK(rate_limit_key(RateGroup::write, from("192.0.2.1"), &op, none) == "write:ip:192.0.2.1");
}

TEST_CASE("RateLimits: each group has its own budget; rejections are counted per group",
          "[http][rate-limit]") {
  parley::testing::FakeClock clock;
  parley::memory::MemoryRateLimiter limiter(clock);
  RateLimits limits(limiter, tight());
  const Request request = from("192.0.2.1");

  for (int i = 0; i < 2; ++i)
    CHECK(limits.check(RateGroup::auth, request, nullptr)->allowed);
  const auto rejected = limits.check(RateGroup::auth, request, nullptr);
  REQUIRE(rejected.has_value());
  CHECK_FALSE(rejected->allowed);
  CHECK(rejected->limit == 2);
  CHECK(rejected->retry_after == 30s);
  CHECK(limits.rejections(RateGroup::auth) == 1);

  // The same client still has its read and write budgets.
  const auto read = limits.check(RateGroup::read, request, nullptr);
  REQUIRE(read.has_value());
  CHECK(read->allowed);
  CHECK(read->limit == 4);
  CHECK(read->remaining == 3);
  CHECK(limits.check(RateGroup::write, request, nullptr)->remaining == 2);

  // Another client, and a signed-in user on the same address, have budgets of their own.
  CHECK(limits.check(RateGroup::auth, from("192.0.2.2"), nullptr)->allowed);
  const auto alice = user(1);
  CHECK(limits.check(RateGroup::read, request, &alice)->remaining == 3);

  CHECK(limits.rejections(RateGroup::write) == 0);
  CHECK(limits.rejections(RateGroup::read) == 0);
  CHECK(limits.rejections(RateGroup::none) == 0);
  CHECK_FALSE(limits.check(RateGroup::none, request, nullptr).has_value());
  CHECK(limits.limiter_available());
}

TEST_CASE("RateLimits: an unavailable limiter fails open and recovers", "[http][rate-limit]") {
  DownLimiter limiter;
  RateLimits limits(limiter, tight());
  for (int i = 0; i < 5; ++i)
    CHECK_FALSE(limits.check(RateGroup::auth, from("192.0.2.1"), nullptr).has_value());
  CHECK(limiter.calls == 5);  // asked every time: it recovers as soon as the store does
  CHECK_FALSE(limits.limiter_available());
  CHECK(limits.rejections(RateGroup::auth) == 0);

  limiter.up = true;
  CHECK(limits.check(RateGroup::auth, from("192.0.2.1"), nullptr).has_value());
  CHECK(limits.limiter_available());
}

TEST_CASE("RateLimits::check_now: answered only by a limiter that needs no I/O, spending nothing otherwise",
          "[http][rate-limit]") {
  DownLimiter remote;  // not in process: every answer would wait on it
  remote.up = true;
  RateLimits waiting(remote, tight());
  CHECK_FALSE(waiting.check_now(RateGroup::read, from("192.0.2.1")).has_value());
  CHECK(remote.calls == 0);
  auto none = waiting.check_now(RateGroup::none, from("192.0.2.1"));  // not limited: nothing to wait on
  REQUIRE(none.has_value());
  CHECK_FALSE(none->has_value());

  parley::testing::FakeClock clock;
  parley::memory::MemoryRateLimiter memory(clock);
  RateLimits local(memory, tight());
  for (int i = 0; i < 4; ++i) {
    auto now = local.check_now(RateGroup::read, from("192.0.2.1"));
    REQUIRE(now.has_value());
    REQUIRE(now->has_value());
    CHECK((*now)->allowed);
  }
  auto fifth = local.check_now(RateGroup::read, from("192.0.2.1"));
  REQUIRE(fifth.has_value());
  REQUIRE(fifth->has_value());
  CHECK_FALSE((*fifth)->allowed);
  CHECK(local.rejections(RateGroup::read) == 1);
  // The same budget as check(): spent by check_now.
  CHECK_FALSE(local.check(RateGroup::read, from("192.0.2.1"), nullptr)->allowed);
}

TEST_CASE("the 429 answer: RATE_LIMITED envelope, RateLimit-* and Retry-After headers",
          "[http][rate-limit]") {
  const parley::core::RateDecision decision{false, 10, 0, 60s, 6s};
  const auto response = parley::http::rate_limited_response(decision, "req-1");
  CHECK(response.status == 429);
  CHECK(response.headers.find("RateLimit-Limit") == std::optional<std::string_view>("10"));
  CHECK(response.headers.find("RateLimit-Remaining") == std::optional<std::string_view>("0"));
  CHECK(response.headers.find("RateLimit-Reset") == std::optional<std::string_view>("60"));
  CHECK(response.headers.find("Retry-After") == std::optional<std::string_view>("6"));
  const auto body = boost::json::parse(response.body.view()).as_object();
  CHECK(body.at("status") == "error");
  CHECK(body.at("error").at("code") == "RATE_LIMITED");
  CHECK(body.at("error").at("trace_id") == "req-1");

  parley::http::Response ok;
  parley::http::add_rate_limit_headers(ok, parley::core::RateDecision{true, 10, 7, 18s, 0s});
  CHECK(ok.headers.find("RateLimit-Remaining") == std::optional<std::string_view>("7"));
  CHECK(ok.headers.find("RateLimit-Reset") == std::optional<std::string_view>("18"));
  CHECK_FALSE(ok.headers.contains("Retry-After"));
}
