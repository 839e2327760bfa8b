// What the Redis stores share: time as milliseconds, integer parsing and the no-throw wrapper.
#pragma once

#include <charconv>
#include <exception>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>

#include "parley/core/error.hpp"
#include "parley/core/time.hpp"

namespace parley::redis::detail {

inline long long to_millis(core::Timestamp t) noexcept {
  return static_cast<long long>(t.time_since_epoch().count());
}
inline core::Timestamp from_millis(long long millis) noexcept {
  return core::Timestamp(std::chrono::milliseconds(millis));
}

// A whole decimal integer, or nullopt.
inline std::optional<long long> parse_integer(std::string_view text) noexcept {
  long long value = 0;
  const char* end = text.data() + text.size();
  const auto [ptr, error] = std::from_chars(text.data(), end, value);
  if (text.empty() || error != std::errc() || ptr != end) return std::nullopt;
  return value;
}

// Runs one port call: no exception escapes it.
template <class Body>
auto guarded(Body&& body) -> decltype(body()) {
  try {
    return body();
  } catch (const std::exception& error) {
    return core::Error::internal(std::string("redis: ") + error.what());
  } catch (...) {
    return core::Error::internal("redis: unknown exception");
  }
}

}  // namespace parley::redis::detail
