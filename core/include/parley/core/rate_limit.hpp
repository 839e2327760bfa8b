// The arithmetic of the generic cell rate algorithm (GCRA), shared by every RateLimiter adapter.
//
// A key's whole state is one number, its theoretical arrival time (TAT): when the key would be
// back to a full allowance. Each allowed hit pushes it `interval` later; a hit is allowed while
// the TAT it would leave is at most `span` ahead of now. Time is in whole microseconds and the
// interval is window/limit rounded up, so the arithmetic is exact in integers (and in the
// doubles of a Redis Lua script: microsecond timestamps stay below 2^53 until the year 2255);
// span = limit * interval exceeds the window by less than `limit` microseconds.
#pragma once

#include <cstdint>
#include <optional>

#include "parley/core/ports/rate_limiter.hpp"
#include "parley/core/result.hpp"
#include "parley/core/time.hpp"

namespace parley::core {

// Upper bounds that keep every product within 53 bits: limit * interval <= window + limit.
inline constexpr std::int64_t kMaxRateLimit = 1'000'000;
inline constexpr std::chrono::seconds kMaxRateWindow{86'400};

struct GcraParams {
  std::int64_t interval_us = 0;  // one hit's share of the window
  std::int64_t span_us = 0;      // limit * interval_us: how far ahead the TAT may run

  // invalid_input naming "limit" or "window" unless 1 <= limit <= kMaxRateLimit and
  // 1 s <= window <= kMaxRateWindow.
  static Result<GcraParams> of(const RatePolicy& policy);
};

struct GcraStep {
  bool allowed = false;
  std::int64_t tat_us = 0;  // the key's TAT after the hit (unchanged when rejected)
};

[[nodiscard]] std::int64_t to_micros(Timestamp t) noexcept;

// One hit at `now_us` on a key whose stored TAT is `stored_tat_us` (nullopt: never seen or
// forgotten, which is the same as a full allowance).
[[nodiscard]] GcraStep gcra_step(std::optional<std::int64_t> stored_tat_us, std::int64_t now_us,
                                 const GcraParams& params) noexcept;

// Up to `cells` hits at `now_us` at once: as many as fit (granted 0 when none does, the TAT
// then unchanged). gcra_step is the same with one cell.
struct GcraTake {
  std::int64_t granted = 0;
  std::int64_t tat_us = 0;
};
[[nodiscard]] GcraTake gcra_take(std::optional<std::int64_t> stored_tat_us, std::int64_t now_us,
                                 const GcraParams& params, std::int64_t cells) noexcept;

// What a step means to the client: remaining hits, and the reset and retry delays in seconds.
[[nodiscard]] RateDecision gcra_decision(const RatePolicy& policy, const GcraParams& params,
                                         std::int64_t now_us, const GcraStep& step) noexcept;

// How long a key's state must be kept after a step: until its TAT, when it is back to full.
[[nodiscard]] std::int64_t gcra_ttl_us(std::int64_t now_us, const GcraStep& step) noexcept;

}  // namespace parley::core
