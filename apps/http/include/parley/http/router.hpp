// Route matching over one explicit table of (method, path template) pairs, and target parsing.
#pragma once

#include <algorithm>
#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace parley::http {

// Name/value pairs, first occurrence wins on lookup. Used for path and query parameters.
class Params {
 public:
  [[nodiscard]] std::optional<std::string_view> find(std::string_view name) const;
  void add(std::string name, std::string value);
  [[nodiscard]] const std::vector<std::pair<std::string, std::string>>& items() const noexcept {
    return items_;
  }

 private:
  std::vector<std::pair<std::string, std::string>> items_;
};

struct Target {
  std::string_view path;   // before '?', never percent-decoded
  std::string_view query;  // after '?', "" when absent
};

[[nodiscard]] Target split_target(std::string_view target) noexcept;
// "a=1&b=x%20y" -> {a:1, b:"x y"}; '+' decodes to a space; malformed escapes are kept verbatim.
[[nodiscard]] Params parse_query(std::string_view query);
// Matches "/api/v1/posts/{id}" against "/api/v1/posts/abc"; a {name} captures one non-empty
// segment. nullopt when the path does not fit the template.
[[nodiscard]] std::optional<Params> match_template(std::string_view path_template, std::string_view path);

enum class MatchKind { found, method_not_allowed, not_found };

struct RouteMatch {
  MatchKind kind = MatchKind::not_found;
  std::size_t index = 0;             // into the table, when found
  std::string_view path_template;    // when found or method_not_allowed
  Params params;                     // when found
  std::vector<std::string> allowed;  // the methods the path accepts, when it is known
};

// Route needs members `method` and `path_template`, both convertible to std::string_view.
// Methods compare exactly: HTTP methods are case-sensitive.
template <class Route>
RouteMatch match_route(std::span<const Route> table, std::string_view method, std::string_view path) {
  RouteMatch match;
  for (std::size_t i = 0; i < table.size(); ++i) {
    const Route& route = table[i];
    auto params = match_template(route.path_template, path);
    if (!params) continue;
    if (std::find(match.allowed.begin(), match.allowed.end(), std::string_view(route.method)) ==
        match.allowed.end()) {
      match.allowed.emplace_back(route.method);
    }
    if (match.kind == MatchKind::found) continue;
    match.path_template = route.path_template;
    if (std::string_view(route.method) == method) {
      match.kind = MatchKind::found;
      match.index = i;
      match.params = std::move(*params);
    } else {
      match.kind = MatchKind::method_not_allowed;
    }
  }
  return match;
}

}  // namespace parley::http
