// GCRA steps as a Lua script; the decision numbers come from core's arithmetic.
#include "parley/redis/redis_rate_limiter.hpp"

#include <optional>
#include <string>
#include <utility>

#include "parley/core/rate_limit.hpp"

#include "support.hpp"

namespace parley::redis {
namespace {

constexpr std::string_view kKeys = "ratelimit:";

// KEYS[1] the key; ARGV[1] now, ARGV[2] interval, ARGV[3] span, all in whole microseconds.
// The same step as core::gcra_step: every value is an integer below 2^53, exact in Lua's
// doubles, and written back with %.0f so it is never shortened to an exponent. Returns
// {allowed (0|1), the TAT after the hit}. The TTL is rounded up to a millisecond, so the key
// never vanishes before its TAT.
constexpr std::string_view kHitScript = R"lua(
local now = tonumber(ARGV[1])
local interval = tonumber(ARGV[2])
local span = tonumber(ARGV[3])
local tat = tonumber(redis.call('GET', KEYS[1]) or '') or now
if tat < now then tat = now end
local next_tat = tat + interval
if next_tat - now > span then return {0, string.format('%.0f', tat)} end
redis.call('SET', KEYS[1], string.format('%.0f', next_tat), 'PX', math.ceil((next_tat - now) / 1000))
return {1, string.format('%.0f', next_tat)}
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
  auto params = core::GcraParams::of(policy);
  if (!params) return std::move(params).error();
  return detail::guarded([&]() -> core::Result<core::RateDecision> {
    const std::int64_t now = core::to_micros(clock_.now());
    std::string name(kKeys);
    name.append(key);
    const std::string redis_key = client_.key(name);
    const std::string now_text = std::to_string(now);
    const std::string interval = std::to_string(params->interval_us);
    const std::string span = std::to_string(params->span_us);
    // By digest: the script's text is neither sent nor hashed by Redis on every hit.
    auto digest = script_digest();
    if (!digest) return std::move(digest).error();
    auto reply = client_.command({"EVALSHA", *digest, "1", redis_key, now_text, interval, span});
    if (!reply && reply.error().message.find("NOSCRIPT") != std::string::npos) {
      forget_digest();
      reply = client_.command({"EVAL", kHitScript, "1", redis_key, now_text, interval, span});
    }
    if (!reply) return std::move(reply).error();
    if (reply->kind != Reply::Kind::array || reply->elements.size() != 2 ||
        reply->elements[0].kind != Reply::Kind::integer || reply->elements[1].kind != Reply::Kind::string) {
      return core::Error::internal("redis: unexpected reply to the rate-limit script");
    }
    const auto tat = detail::parse_integer(reply->elements[1].text);
    if (!tat) return core::Error::internal("redis: malformed rate-limit state");
    const core::GcraStep step{reply->elements[0].integer == 1, *tat};
    return core::gcra_decision(policy, *params, now, step);
  });
}

core::Status RedisRateLimiter::ping() {
  return detail::guarded([&]() -> core::Status { return client_.ping(); });
}

}  // namespace parley::redis
