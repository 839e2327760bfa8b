// Parsing redis:// URLs into a RedisConfig.
#include "parley/redis/redis_config.hpp"

#include <charconv>
#include <optional>
#include <string>
#include <system_error>

namespace parley::redis {
namespace {

constexpr std::string_view kScheme = "redis://";
constexpr int kMaxPort = 65535;
// Redis ships 16 databases; a server may be configured with more, never with this many.
constexpr int kMaxDatabase = 1'000'000;

std::optional<int> hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return std::nullopt;
}

// nullopt on a '%' not followed by two hex digits.
std::optional<std::string> percent_decode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out.push_back(text[i]);
      continue;
    }
    if (i + 2 >= text.size()) return std::nullopt;
    const auto high = hex_digit(text[i + 1]);
    const auto low = hex_digit(text[i + 2]);
    if (!high || !low) return std::nullopt;
    out.push_back(static_cast<char>(*high * 16 + *low));
    i += 2;
  }
  return out;
}

// A decimal number in [min, max] and nothing else; no sign, no spaces.
std::optional<int> parse_number(std::string_view text, int min, int max) {
  if (text.empty() || text.size() > 9) return std::nullopt;
  int value = 0;
  const auto* end = text.data() + text.size();
  const auto [ptr, error] = std::from_chars(text.data(), end, value);
  if (error != std::errc() || ptr != end || value < min || value > max) return std::nullopt;
  return value;
}

bool starts_with_scheme(std::string_view url) {
  if (url.size() < kScheme.size()) return false;
  for (std::size_t i = 0; i < kScheme.size(); ++i) {
    const char c = url[i];
    const char lower = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    if (lower != kScheme[i]) return false;
  }
  return true;
}

}  // namespace

core::Result<RedisConfig> parse_redis_url(std::string_view url) {
  if (!starts_with_scheme(url)) return core::Error::invalid("url", "must start with redis://");
  std::string_view rest = url.substr(kScheme.size());
  RedisConfig config;

  // The authority ends at the first '/'; a '/' inside a password must be percent-encoded.
  std::string_view path;
  if (const auto slash = rest.find('/'); slash != std::string_view::npos) {
    path = rest.substr(slash + 1);
    rest = rest.substr(0, slash);
  }

  if (const auto at = rest.rfind('@'); at != std::string_view::npos) {
    const std::string_view userinfo = rest.substr(0, at);
    rest = rest.substr(at + 1);
    std::string_view user = userinfo;
    std::string_view password;
    if (const auto colon = userinfo.find(':'); colon != std::string_view::npos) {
      user = userinfo.substr(0, colon);
      password = userinfo.substr(colon + 1);
    }
    auto decoded_user = percent_decode(user);
    if (!decoded_user) return core::Error::invalid("username", "has a malformed percent-encoding");
    auto decoded_password = percent_decode(password);
    if (!decoded_password) return core::Error::invalid("password", "has a malformed percent-encoding");
    config.username = std::move(*decoded_user);
    config.password = std::move(*decoded_password);
  }

  std::string_view host = rest;
  std::string_view port;
  if (!rest.empty() && rest.front() == '[') {
    const auto close = rest.find(']');
    if (close == std::string_view::npos) return core::Error::invalid("host", "has an unclosed '['");
    host = rest.substr(1, close - 1);
    const std::string_view after = rest.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return core::Error::invalid("host", "must be followed by ':port' or '/db'");
      port = after.substr(1);
      if (port.empty()) return core::Error::invalid("port", "must be a number from 1 to 65535");
    }
  } else if (const auto colon = rest.find(':'); colon != std::string_view::npos) {
    host = rest.substr(0, colon);
    port = rest.substr(colon + 1);
    if (port.empty()) return core::Error::invalid("port", "must be a number from 1 to 65535");
  }
  if (host.empty()) return core::Error::invalid("host", "is required");
  config.host = std::string(host);

  if (!port.empty()) {
    const auto number = parse_number(port, 1, kMaxPort);
    if (!number) return core::Error::invalid("port", "must be a number from 1 to 65535");
    config.port = *number;
  }
  if (!path.empty()) {
    const auto number = parse_number(path, 0, kMaxDatabase);
    if (!number) return core::Error::invalid("database", "must be a non-negative number");
    config.database = *number;
  }
  return config;
}

}  // namespace parley::redis
