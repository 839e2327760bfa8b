// Timestamps: UTC, millisecond precision, RFC 3339 on every boundary.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace parley::core {

using Timestamp = std::chrono::sys_time<std::chrono::milliseconds>;

// "2026-11-23T10:15:30.123Z"
std::string to_rfc3339(Timestamp t);
// Accepts "YYYY-MM-DDTHH:MM:SS[.fff]Z" (UTC only); nullopt on anything else.
std::optional<Timestamp> parse_rfc3339(std::string_view text);

}  // namespace parley::core
