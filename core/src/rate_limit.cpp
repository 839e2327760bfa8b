// GCRA in exact integer microseconds.
#include "parley/core/rate_limit.hpp"

#include <algorithm>
#include <string>

namespace parley::core {

namespace {

constexpr std::int64_t kMicrosPerSecond = 1'000'000;

// Whole seconds, rounded up, never negative.
std::chrono::seconds ceil_seconds(std::int64_t micros) noexcept {
  if (micros <= 0) return std::chrono::seconds(0);
  return std::chrono::seconds((micros + kMicrosPerSecond - 1) / kMicrosPerSecond);
}

}  // namespace

Result<GcraParams> GcraParams::of(const RatePolicy& policy) {
  if (policy.limit < 1 || policy.limit > kMaxRateLimit) {
    return Error::invalid("limit", "must be between 1 and " + std::to_string(kMaxRateLimit));
  }
  if (policy.window < std::chrono::seconds(1) || policy.window > kMaxRateWindow) {
    return Error::invalid("window",
                          "must be between 1 and " + std::to_string(kMaxRateWindow.count()) + " seconds");
  }
  const std::int64_t window_us = policy.window.count() * kMicrosPerSecond;
  GcraParams params;
  params.interval_us = (window_us + policy.limit - 1) / policy.limit;
  params.span_us = params.interval_us * policy.limit;
  return params;
}

std::int64_t to_micros(Timestamp t) noexcept {
  return static_cast<std::int64_t>(t.time_since_epoch().count()) * 1000;
}

GcraStep gcra_step(std::optional<std::int64_t> stored_tat_us, std::int64_t now_us,
                   const GcraParams& params) noexcept {
  const GcraTake taken = gcra_take(stored_tat_us, now_us, params, 1);
  return GcraStep{taken.granted == 1, taken.tat_us};
}

GcraTake gcra_take(std::optional<std::int64_t> stored_tat_us, std::int64_t now_us, const GcraParams& params,
                   std::int64_t cells) noexcept {
  const std::int64_t tat = std::max(stored_tat_us.value_or(now_us), now_us);
  // Each hit needs one more interval of room below the span.
  const std::int64_t room = params.span_us - (tat - now_us);
  const std::int64_t fits = room < params.interval_us ? 0 : room / params.interval_us;
  const std::int64_t granted = std::min(std::max<std::int64_t>(cells, 1), fits);
  return GcraTake{granted, tat + granted * params.interval_us};
}

RateDecision gcra_decision(const RatePolicy& policy, const GcraParams& params, std::int64_t now_us,
                           const GcraStep& step) noexcept {
  const std::int64_t ahead = std::max<std::int64_t>(step.tat_us - now_us, 0);
  RateDecision decision;
  decision.allowed = step.allowed;
  decision.limit = policy.limit;
  // Each further hit needs one more interval of room below the span.
  decision.remaining =
      std::clamp<std::int64_t>((params.span_us - ahead) / params.interval_us, 0, policy.limit);
  decision.reset_after = ceil_seconds(ahead);
  if (!step.allowed) {
    // The next hit fits once the TAT plus one interval is within the span again.
    decision.retry_after =
        std::max(ceil_seconds(ahead + params.interval_us - params.span_us), std::chrono::seconds(1));
  }
  return decision;
}

std::int64_t gcra_ttl_us(std::int64_t now_us, const GcraStep& step) noexcept {
  return std::max<std::int64_t>(step.tat_us - now_us, 0);
}

}  // namespace parley::core
