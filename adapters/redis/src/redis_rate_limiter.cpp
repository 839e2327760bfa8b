// GCRA steps as a Lua script; the decision numbers come from core's arithmetic.
#include "parley/redis/redis_rate_limiter.hpp"

#include <algorithm>
#include <optional>
#include <string>
#include <utility>

#include "parley/core/rate_limit.hpp"

#include "support.hpp"

namespace parley::redis {
namespace {

constexpr std::string_view kKeys = "ratelimit:";

// KEYS[1] the key; ARGV[1] now, ARGV[2] interval, ARGV[3] span, all in whole microseconds;
// ARGV[4] how many hits to count at once (at least 1). The same step as core::gcra_take: every
// value is an integer below 2^53, exact in Lua's doubles, and written back with %.0f so it is
// never shortened to an exponent. Returns {hits granted (0 when none fits), the TAT after
// them}. The TTL is rounded up to a millisecond, so the key never vanishes before its TAT.
constexpr std::string_view kHitScript = R"lua(
local now = tonumber(ARGV[1])
local interval = tonumber(ARGV[2])
local span = tonumber(ARGV[3])
local cells = math.max(tonumber(ARGV[4]) or 1, 1)
local tat = tonumber(redis.call('GET', KEYS[1]) or '') or now
if tat < now then tat = now end
local room = span - (tat - now)
local granted = 0
if room >= interval then granted = math.min(cells, math.floor(room / interval)) end
if granted == 0 then return {0, string.format('%.0f', tat)} end
local next_tat = tat + granted * interval
redis.call('SET', KEYS[1], string.format('%.0f', next_tat), 'PX', math.ceil((next_tat - now) / 1000))
return {granted, string.format('%.0f', next_tat)}
)lua";

}  // namespace

core::Result<std::string> RedisRateLimiter::script_digest() {
  {
    const std::lock_guard lock(digest_mutex_);
    if (!digest_.empty()) return digest_;
  }
  auto loaded = client_.command({"SCRIPT", "LOAD", kHitScript});
  if (!loaded) return std::move(loaded).error();
  if (loaded->kind != Reply::Kind::string || loaded->text.empty())
    return core::Error::internal("redis: unexpected reply to SCRIPT LOAD");
  const std::lock_guard lock(digest_mutex_);
  digest_ = loaded->text;
  return digest_;
}

void RedisRateLimiter::forget_digest() {
  const std::lock_guard lock(digest_mutex_);
  digest_.clear();
}

core::Result<core::RateDecision> RedisRateLimiter::hit(std::string_view key, const core::RatePolicy& policy) {
  auto leased = lease(key, policy, 1);
  if (!leased) return std::move(leased).error();
  return leased->decision;
}

core::Result<core::RateLease> RedisRateLimiter::lease(std::string_view key, const core::RatePolicy& policy,
                                                      std::int64_t cells) {
  auto params = core::GcraParams::of(policy);
  if (!params) return std::move(params).error();
  return detail::guarded([&]() -> core::Result<core::RateLease> {
    const std::int64_t now = core::to_micros(clock_.now());
    std::string name(kKeys);
    name.append(key);
    const std::string redis_key = client_.key(name);
    const std::string now_text = std::to_string(now);
    const std::string interval = std::to_string(params->interval_us);
    const std::string span = std::to_string(params->span_us);
    const std::string count = std::to_string(std::max<std::int64_t>(cells, 1));
    // By digest: the script's text is neither sent nor hashed by Redis on every hit.
    auto digest = script_digest();
    if (!digest) return std::move(digest).error();
    auto reply = client_.command({"EVALSHA", *digest, "1", redis_key, now_text, interval, span, count});
    if (!reply && reply.error().message.find("NOSCRIPT") != std::string::npos) {
      forget_digest();
      reply = client_.command({"EVAL", kHitScript, "1", redis_key, now_text, interval, span, count});
    }
    if (!reply) return std::move(reply).error();
    if (reply->kind != Reply::Kind::array || reply->elements.size() != 2 ||
        reply->elements[0].kind != Reply::Kind::integer || reply->elements[1].kind != Reply::Kind::string) {
      return core::Error::internal("redis: unexpected reply to the rate-limit script");
    }
    const std::int64_t granted = reply->elements[0].integer;
    const auto tat = detail::parse_integer(reply->elements[1].text);
    if (!tat || granted < 0 || granted > std::max<std::int64_t>(cells, 1))
      return core::Error::internal("redis: malformed rate-limit state");
    const core::GcraStep step{granted > 0, *tat};
    return core::RateLease{granted, core::gcra_decision(policy, *params, now, step)};
  });
}

core::Status RedisRateLimiter::ping() {
  return detail::guarded([&]() -> core::Status { return client_.ping(); });
}

}  // namespace parley::redis
