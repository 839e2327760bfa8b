// JSON-lines logging on top of spdlog: spdlog owns the sink, the locking and the level filter;
// each line is built here as a real JSON object so every string is escaped correctly.
#include "parley/http/log.hpp"

#include <array>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <memory>
#include <string>

#include <boost/json/serialize.hpp>
#include <spdlog/logger.h>
#include <spdlog/sinks/stdout_sinks.h>

namespace parley::http {

namespace {

std::shared_ptr<spdlog::logger> make_logger(LogLevel level, LogStream stream);

// Starts as stdout at info (thread-safe static init), so logging works before init_logging().
std::shared_ptr<spdlog::logger>& logger_slot() {
  static std::shared_ptr<spdlog::logger> logger = make_logger(LogLevel::info, LogStream::standard_output);
  return logger;
}

spdlog::level::level_enum to_spdlog(LogLevel level) noexcept {
  switch (level) {
    case LogLevel::trace:
      return spdlog::level::trace;
    case LogLevel::debug:
      return spdlog::level::debug;
    case LogLevel::info:
      return spdlog::level::info;
    case LogLevel::warn:
      return spdlog::level::warn;
    case LogLevel::error:
      return spdlog::level::err;
    case LogLevel::off:
      return spdlog::level::off;
  }
  return spdlog::level::info;
}

spdlog::logger& logger() {
  return *logger_slot();
}

std::shared_ptr<spdlog::logger> make_logger(LogLevel level, LogStream stream) {
  std::shared_ptr<spdlog::sinks::sink> sink;
  if (stream == LogStream::standard_error) {
    sink = std::make_shared<spdlog::sinks::stderr_sink_mt>();
  } else {
    sink = std::make_shared<spdlog::sinks::stdout_sink_mt>();
  }
  auto created = std::make_shared<spdlog::logger>("parley", std::move(sink));
  created->set_pattern("%v");  // the line is already a complete JSON object
  created->set_level(to_spdlog(level));
  // Lines are small and operators tail them live: flush each one.
  created->flush_on(spdlog::level::trace);
  return created;
}

// "2026-11-23T10:15:30.123Z"
std::string utc_now() {
  using namespace std::chrono;
  const auto now = time_point_cast<milliseconds>(system_clock::now());
  const auto seconds_part = time_point_cast<seconds>(now);
  const auto millis = (now - seconds_part).count();
  const std::time_t t = system_clock::to_time_t(seconds_part);
  std::tm tm{};
  gmtime_r(&t, &tm);
  std::array<char, 96> text{};  // ample for any int the compiler imagines
  std::snprintf(text.data(), text.size(), "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(millis));
  return text.data();
}

}  // namespace

std::optional<LogLevel> parse_log_level(std::string_view text) noexcept {
  for (auto level :
       {LogLevel::trace, LogLevel::debug, LogLevel::info, LogLevel::warn, LogLevel::error, LogLevel::off}) {
    if (to_string(level) == text) return level;
  }
  return std::nullopt;
}

std::string_view to_string(LogLevel level) noexcept {
  switch (level) {
    case LogLevel::trace:
      return "trace";
    case LogLevel::debug:
      return "debug";
    case LogLevel::info:
      return "info";
    case LogLevel::warn:
      return "warn";
    case LogLevel::error:
      return "error";
    case LogLevel::off:
      return "off";
  }
  return "info";
}

void init_logging(LogLevel level, LogStream stream) {
  logger_slot() = make_logger(level, stream);
}

bool log_enabled(LogLevel level) noexcept {
  return level != LogLevel::off && logger().should_log(to_spdlog(level));
}

void log_event(LogLevel level, std::string_view msg, boost::json::object fields) noexcept {
  try {
    if (!log_enabled(level)) return;
    boost::json::object line;
    line.reserve(fields.size() + 3);
    line["time"] = utc_now();
    line["level"] = to_string(level);
    line["msg"] = msg;
    for (auto& field : fields) {
      line[field.key()] = std::move(field.value());
    }
    const std::string text = boost::json::serialize(line);
    logger().log(to_spdlog(level), spdlog::string_view_t(text.data(), text.size()));
  } catch (...) {  // NOLINT(bugprone-empty-catch): logging must never take a request down
  }
}

}  // namespace parley::http
