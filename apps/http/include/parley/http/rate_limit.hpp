// Rate limiting at the HTTP edge: route groups, whose budget a request spends, the fail-open
// policy, the RateLimit-* headers and the rejection counters.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "parley/core/ports/rate_limiter.hpp"
#include "parley/core/services/principal.hpp"
#include "parley/http/client_ip.hpp"
#include "parley/http/message.hpp"

namespace parley::http {

// Every route has one. `none`: operational routes (health, readiness, spec, metrics, docs).
enum class RateGroup { none, auth, write, read };

inline constexpr std::array kRateGroups{RateGroup::auth, RateGroup::write, RateGroup::read};

// "auth" | "write" | "read" | "none": the metric label and the key's first part.
[[nodiscard]] std::string_view to_string(RateGroup group) noexcept;

struct RateLimitSettings {
  bool enabled = true;                                   // PARLEY_RATE_LIMIT_ENABLED
  core::RatePolicy auth{10, std::chrono::seconds(60)};   // PARLEY_RATE_LIMIT_AUTH, per client IP
  core::RatePolicy write{60, std::chrono::seconds(60)};  // PARLEY_RATE_LIMIT_WRITE
  core::RatePolicy read{600, std::chrono::seconds(60)};  // PARLEY_RATE_LIMIT_READ
  TrustedProxies trusted_proxies;                        // PARLEY_TRUSTED_PROXIES

  [[nodiscard]] const core::RatePolicy& policy(RateGroup group) const noexcept;
};

// Whose budget a request spends: "<group>:user:<id>" for a signed-in user outside the auth
// group, else "<group>:ip:<client address>", an IPv6 client counted by its /64 (one host's
// usual allocation, so it cannot dodge the limit by changing addresses within it).
[[nodiscard]] std::string rate_limit_key(RateGroup group, const Request& request,
                                         const core::Principal* principal, const TrustedProxies& proxies);

// RateLimit-Limit, RateLimit-Remaining, RateLimit-Reset; and Retry-After on a rejection.
void add_rate_limit_headers(Response& response, const core::RateDecision& decision);

// 429 with the RATE_LIMITED envelope and the headers above.
[[nodiscard]] Response rate_limited_response(const core::RateDecision& decision, std::string_view request_id);

class RateLimits {
 public:
  // The limiter must outlive this object.
  RateLimits(core::RateLimiter& limiter, RateLimitSettings settings);

  // Spends one hit of the request's budget in `group`. nullopt when the request is not limited:
  // group none, or the limiter is unavailable (fail open: serve without RateLimit headers, and
  // log it at most once a minute, then once more on recovery). Counts rejections per group.
  // Blocking (the limiter may be Redis). Thread-safe.
  [[nodiscard]] std::optional<core::RateDecision> check(RateGroup group, const Request& request,
                                                        const core::Principal* principal);

  // check(), when the limiter answers without waiting on I/O (RateLimiter::hit_now): nullopt,
  // having spent nothing, when it would wait. Safe on an I/O thread.
  [[nodiscard]] std::optional<std::optional<core::RateDecision>> check_now(RateGroup group,
                                                                           const Request& request);

  // Rejections (429s) since startup, for rate_limit_rejections_total{group}; 0 for none.
  [[nodiscard]] std::uint64_t rejections(RateGroup group) const noexcept;
  // Whether the last call to the limiter succeeded (true before any), for dependency_up.
  [[nodiscard]] bool limiter_available() const noexcept { return available_.load(); }
  [[nodiscard]] const RateLimitSettings& settings() const noexcept { return settings_; }

 private:
  // What check() returns for the limiter's answer `decision` in `group`.
  std::optional<core::RateDecision> counted(RateGroup group, core::Result<core::RateDecision> decision);
  void note_failure(const core::Error& error);
  void note_success();

  core::RateLimiter& limiter_;
  RateLimitSettings settings_;
  std::array<std::atomic<std::uint64_t>, kRateGroups.size()> rejections_{};
  std::atomic<bool> available_{true};
  std::atomic<std::int64_t> last_failure_log_{0};  // steady_clock seconds; 0: never
};

}  // namespace parley::http
