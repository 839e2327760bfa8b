// Rate-limit keys, headers, the 429 answer and the fail-open policy.
#include "parley/http/rate_limit.hpp"

#include <utility>

#include "parley/http/error_map.hpp"
#include "parley/http/log.hpp"

namespace parley::http {

namespace {

constexpr std::int64_t kFailureLogSeconds = 60;
constexpr unsigned kIpv6ClientBits = 64;

std::size_t slot(RateGroup group) noexcept {
  switch (group) {
    case RateGroup::auth:
      return 0;
    case RateGroup::write:
      return 1;
    case RateGroup::read:
    case RateGroup::none:
      break;
  }
  return 2;
}

std::int64_t steady_seconds() noexcept {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace

std::string_view to_string(RateGroup group) noexcept {
  switch (group) {
    case RateGroup::auth:
      return "auth";
    case RateGroup::write:
      return "write";
    case RateGroup::read:
      return "read";
    case RateGroup::none:
      break;
  }
  return "none";
}

const core::RatePolicy& RateLimitSettings::policy(RateGroup group) const noexcept {
  switch (group) {
    case RateGroup::auth:
      return auth;
    case RateGroup::write:
      return write;
    case RateGroup::read:
    case RateGroup::none:
      break;
  }
  return read;
}

std::string rate_limit_key(RateGroup group, const Request& request, const core::Principal* principal,
                           const TrustedProxies& proxies) {
  std::string key(to_string(group));
  if (group != RateGroup::auth && principal != nullptr && !principal->is_operator) {
    return key + ":user:" + principal->user_id.to_string();
  }
  const auto client = client_address(request, proxies);
  if (!client) return key + ":peer:" + request.client_ip;  // never from a real socket
  if (client->is_v4()) return key + ":ip:" + client->to_string();
  return key + ":ip:" + client->masked(kIpv6ClientBits).to_string() + "/64";
}

void add_rate_limit_headers(Response& response, const core::RateDecision& decision) {
  response.headers.set("RateLimit-Limit", std::to_string(decision.limit));
  response.headers.set("RateLimit-Remaining", std::to_string(decision.remaining));
  response.headers.set("RateLimit-Reset", std::to_string(decision.reset_after.count()));
  if (!decision.allowed) response.headers.set("Retry-After", std::to_string(decision.retry_after.count()));
}

Response rate_limited_response(const core::RateDecision& decision, std::string_view request_id) {
  core::Error error;
  error.code = core::ErrorCode::rate_limited;
  error.message = "too many requests; retry after " + std::to_string(decision.retry_after.count()) + " s";
  Response response = error_response(error, request_id);
  add_rate_limit_headers(response, decision);
  return response;
}

RateLimits::RateLimits(core::RateLimiter& limiter, RateLimitSettings settings)
    : limiter_(limiter), settings_(std::move(settings)) {}

std::optional<core::RateDecision> RateLimits::check(RateGroup group, const Request& request,
                                                    const core::Principal* principal) {
  if (group == RateGroup::none) return std::nullopt;
  const std::string key = rate_limit_key(group, request, principal, settings_.trusted_proxies);
  return counted(group, limiter_.hit(key, settings_.policy(group)));
}

std::optional<std::optional<core::RateDecision>> RateLimits::check_now(RateGroup group,
                                                                       const Request& request) {
  if (group == RateGroup::none) return std::optional<core::RateDecision>();
  const std::string key = rate_limit_key(group, request, nullptr, settings_.trusted_proxies);
  auto decision = limiter_.hit_now(key, settings_.policy(group));
  if (!decision) return std::nullopt;
  return counted(group, *std::move(decision));
}

std::optional<core::RateDecision> RateLimits::counted(RateGroup group,
                                                      core::Result<core::RateDecision> decision) {
  if (!decision) {
    note_failure(decision.error());
    return std::nullopt;
  }
  note_success();
  if (!decision->allowed) rejections_.at(slot(group)).fetch_add(1, std::memory_order_relaxed);
  return std::move(decision).value();
}

std::uint64_t RateLimits::rejections(RateGroup group) const noexcept {
  if (group == RateGroup::none) return 0;
  return rejections_.at(slot(group)).load(std::memory_order_relaxed);
}

void RateLimits::note_failure(const core::Error& error) {
  available_.store(false);
  const std::int64_t now = steady_seconds();
  std::int64_t last = last_failure_log_.load();
  // One thread per minute wins the exchange and logs; the others stay quiet.
  if (last != 0 && now - last < kFailureLogSeconds) return;
  if (!last_failure_log_.compare_exchange_strong(last, now == 0 ? 1 : now)) return;
  log_event(LogLevel::warn, "rate limiter unavailable; serving requests without rate limits",
            {{"dependency", "rate_limiter"}, {"error", error.message}});
}

void RateLimits::note_success() {
  if (available_.load()) return;
  if (available_.exchange(true)) return;  // another thread saw the recovery first
  last_failure_log_.store(0);
  log_event(LogLevel::info, "rate limiter available again", {{"dependency", "rate_limiter"}});
}

}  // namespace parley::http
