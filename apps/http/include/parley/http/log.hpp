// Structured logging: one JSON object per line, UTC timestamps with milliseconds.
#pragma once

#include <optional>
#include <string_view>

#include <boost/json/object.hpp>

namespace parley::http {

enum class LogLevel { trace, debug, info, warn, error, off };

// "trace" | "debug" | "info" | "warn" | "error" | "off"; nullopt otherwise.
[[nodiscard]] std::optional<LogLevel> parse_log_level(std::string_view text) noexcept;
[[nodiscard]] std::string_view to_string(LogLevel level) noexcept;

enum class LogStream { standard_output, standard_error };

// Call once at startup, before other threads exist. Without it, logs go to stdout at info.
void init_logging(LogLevel level, LogStream stream = LogStream::standard_output);
[[nodiscard]] bool log_enabled(LogLevel level) noexcept;

// Writes {"time":..., "level":..., "msg":..., <fields>...}. Fields must never carry secrets,
// passwords, tokens or request bodies. Never throws.
void log_event(LogLevel level, std::string_view msg, boost::json::object fields = {}) noexcept;

}  // namespace parley::http
