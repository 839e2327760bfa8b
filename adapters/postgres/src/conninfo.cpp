// postgresql:// URLs to libpq key=value strings.
#include "parley/postgres/conninfo.hpp"

#include <libpq-fe.h>
#include <memory>
#include <utility>
#include <vector>

namespace parley::postgres {
namespace {

constexpr std::string_view kSchemes[] = {"postgresql://", "postgres://"};

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// %XX escapes decoded; nullopt for a malformed escape or an encoded NUL, which libpq could
// not carry.
std::optional<std::string> percent_decode(std::string_view text) {
  std::string decoded;
  decoded.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      decoded.push_back(text[i]);
      continue;
    }
    if (i + 2 >= text.size()) return std::nullopt;
    const int high = hex_value(text[i + 1]);
    const int low = hex_value(text[i + 2]);
    if (high < 0 || low < 0 || (high == 0 && low == 0)) return std::nullopt;
    decoded.push_back(static_cast<char>(high * 16 + low));
    i += 2;
  }
  return decoded;
}

// libpq's rule: a value that is empty or holds whitespace goes in single quotes, and inside
// a value a single quote or a backslash is escaped with a backslash.
std::string quote_value(std::string_view value) {
  bool needs_quotes = value.empty();
  for (const char c : value) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v' || c == '\'' || c == '\\' ||
        c == '=') {
      needs_quotes = true;
    }
  }
  if (!needs_quotes) return std::string(value);
  std::string quoted = "'";
  for (const char c : value) {
    if (c == '\'' || c == '\\') quoted.push_back('\\');
    quoted.push_back(c);
  }
  quoted.push_back('\'');
  return quoted;
}

bool is_valid_port(std::string_view port) {
  if (port.empty() || port.size() > 5) return false;
  int value = 0;
  for (const char c : port) {
    if (c < '0' || c > '9') return false;
    value = value * 10 + (c - '0');
  }
  return value >= 1 && value <= 65535;
}

// libpq's own parser decides what a valid key=value string is, unknown keys included.
bool libpq_accepts(const std::string& conninfo) {
  char* error = nullptr;
  PQconninfoOption* options = PQconninfoParse(conninfo.c_str(), &error);
  PQfreemem(error);
  if (options == nullptr) return false;
  PQconninfoFree(options);
  return true;
}

class Builder {
 public:
  void add(std::string_view key, std::string_view value) {
    if (!text_.empty()) text_.push_back(' ');
    text_.append(key);
    text_.push_back('=');
    text_.append(quote_value(value));
  }
  [[nodiscard]] const std::string& text() const noexcept { return text_; }

 private:
  std::string text_;
};

// host[:port] or [ipv6][:port], decoded; false when malformed.
bool split_host(std::string_view spec, std::string& host, std::string& port) {
  std::string_view raw_host = spec;
  std::string_view raw_port;
  if (spec.starts_with('[')) {
    const auto close = spec.find(']');
    if (close == std::string_view::npos) return false;
    raw_host = spec.substr(1, close - 1);
    const auto rest = spec.substr(close + 1);
    if (!rest.empty()) {
      if (!rest.starts_with(':')) return false;
      raw_port = rest.substr(1);
      if (!is_valid_port(raw_port)) return false;
    }
  } else if (const auto colon = spec.rfind(':'); colon != std::string_view::npos) {
    raw_host = spec.substr(0, colon);
    raw_port = spec.substr(colon + 1);
    if (!is_valid_port(raw_port)) return false;
  }
  auto decoded = percent_decode(raw_host);
  if (!decoded) return false;
  host = std::move(*decoded);
  port = std::string(raw_port);
  return true;
}

std::optional<std::string> from_url(std::string_view rest) {
  if (rest.find('#') != std::string_view::npos) return std::nullopt;
  const auto query_start = rest.find('?');
  const std::string_view query =
      query_start == std::string_view::npos ? std::string_view() : rest.substr(query_start + 1);
  rest = rest.substr(0, query_start);
  const auto path_start = rest.find('/');
  const std::string_view authority = rest.substr(0, path_start);
  const std::string_view path =
      path_start == std::string_view::npos ? std::string_view() : rest.substr(path_start + 1);

  // The last '@' ends the user part, so an unencoded '@' in a password still works.
  const auto at = authority.rfind('@');
  const std::string_view userinfo =
      at == std::string_view::npos ? std::string_view() : authority.substr(0, at);
  const std::string_view hosts = at == std::string_view::npos ? authority : authority.substr(at + 1);

  Builder builder;
  // Several hosts (host1:5432,host2:5433) become libpq's parallel host= and port= lists.
  if (!hosts.empty()) {
    std::vector<std::string> host_list;
    std::vector<std::string> port_list;
    bool any_port = false;
    std::size_t start = 0;
    while (true) {
      const auto comma = hosts.find(',', start);
      const auto spec = hosts.substr(start, comma == std::string_view::npos ? comma : comma - start);
      std::string host;
      std::string port;
      if (!split_host(spec, host, port)) return std::nullopt;
      if (host.find(',') != std::string::npos) return std::nullopt;
      any_port = any_port || !port.empty();
      host_list.push_back(std::move(host));
      port_list.push_back(std::move(port));
      if (comma == std::string_view::npos) break;
      start = comma + 1;
    }
    auto join = [](const std::vector<std::string>& parts) {
      std::string joined;
      for (std::size_t i = 0; i < parts.size(); ++i) {
        if (i > 0) joined.push_back(',');
        joined += parts[i];
      }
      return joined;
    };
    const std::string host_value = join(host_list);
    if (host_value.find_first_not_of(',') != std::string::npos) builder.add("host", host_value);
    if (any_port) builder.add("port", join(port_list));
  }
  if (!path.empty()) {
    auto dbname = percent_decode(path);
    if (!dbname) return std::nullopt;
    builder.add("dbname", *dbname);
  }
  if (!userinfo.empty()) {
    const auto colon = userinfo.find(':');
    auto user = percent_decode(userinfo.substr(0, colon));
    if (!user) return std::nullopt;
    if (!user->empty()) builder.add("user", *user);
    if (colon != std::string_view::npos) {
      auto password = percent_decode(userinfo.substr(colon + 1));
      if (!password) return std::nullopt;
      builder.add("password", *password);
    }
  }
  std::size_t start = 0;
  while (start < query.size()) {
    const auto amp = query.find('&', start);
    const auto pair = query.substr(start, amp == std::string_view::npos ? amp : amp - start);
    start = amp == std::string_view::npos ? query.size() : amp + 1;
    if (pair.empty()) continue;
    const auto equals = pair.find('=');
    if (equals == std::string_view::npos || equals == 0) return std::nullopt;
    auto key = percent_decode(pair.substr(0, equals));
    auto value = percent_decode(pair.substr(equals + 1));
    if (!key || !value) return std::nullopt;
    // A key is a bare word: anything else could smuggle a second key into the string.
    for (const char c : *key) {
      if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_')) {
        return std::nullopt;
      }
    }
    builder.add(*key, *value);
  }
  if (!libpq_accepts(builder.text())) return std::nullopt;  // unknown keys
  return builder.text();
}

}  // namespace

std::optional<std::string> to_libpq_conninfo(std::string_view url) {
  for (const auto scheme : kSchemes) {
    if (url.starts_with(scheme)) return from_url(url.substr(scheme.size()));
  }
  // Not a URL: a key=value string, passed through when libpq can parse it.
  if (url.find_first_not_of(" \t\r\n") == std::string_view::npos) return std::nullopt;
  std::string conninfo(url);
  if (!libpq_accepts(conninfo)) return std::nullopt;
  return conninfo;
}

}  // namespace parley::postgres
