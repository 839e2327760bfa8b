// Target splitting, query decoding and template matching for the route table.
#include "parley/http/router.hpp"

namespace parley::http {

namespace {

int hex_value(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string percent_decode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '+') {
      out.push_back(' ');
    } else if (c == '%' && i + 2 < text.size()) {
      const int high = hex_value(text[i + 1]);
      const int low = hex_value(text[i + 2]);
      if (high < 0 || low < 0) {
        out.push_back(c);
        continue;
      }
      out.push_back(static_cast<char>(high * 16 + low));
      i += 2;
    } else {
      out.push_back(c);
    }
  }
  return out;
}

// The segment of `path` up to the next '/', removed from it; `last` says it was the final one.
// "/a/b/" gives "a", "b", "": a trailing slash is a segment of its own, so it does not match.
std::string_view next_segment(std::string_view& rest, bool& last) noexcept {
  const auto slash = rest.find('/');
  last = slash == std::string_view::npos;
  const std::string_view segment = rest.substr(0, slash);
  rest = last ? std::string_view{} : rest.substr(slash + 1);
  return segment;
}

}  // namespace

std::optional<std::string_view> Params::find(std::string_view name) const {
  for (const auto& [key, value] : items_) {
    if (key == name) return std::string_view(value);
  }
  return std::nullopt;
}

void Params::add(std::string name, std::string value) {
  items_.emplace_back(std::move(name), std::move(value));
}

Target split_target(std::string_view target) noexcept {
  const auto question = target.find('?');
  if (question == std::string_view::npos) return {target, {}};
  return {target.substr(0, question), target.substr(question + 1)};
}

Params parse_query(std::string_view query) {
  Params params;
  while (!query.empty()) {
    const auto amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
    if (pair.empty()) continue;
    const auto eq = pair.find('=');
    if (eq == std::string_view::npos) {
      params.add(percent_decode(pair), {});
    } else {
      params.add(percent_decode(pair.substr(0, eq)), percent_decode(pair.substr(eq + 1)));
    }
  }
  return params;
}

std::optional<Params> match_template(std::string_view path_template, std::string_view path) {
  if (path_template.empty() || path.empty() || path_template.front() != '/' || path.front() != '/') {
    return std::nullopt;
  }
  // Segment by segment, without splitting either (this runs for every route of the table).
  std::string_view tmpl_rest = path_template.substr(1);
  std::string_view path_rest = path.substr(1);
  Params params;
  for (;;) {
    bool tmpl_last = false;
    bool path_last = false;
    const std::string_view tmpl = next_segment(tmpl_rest, tmpl_last);
    const std::string_view actual = next_segment(path_rest, path_last);
    if (tmpl.size() >= 2 && tmpl.front() == '{' && tmpl.back() == '}') {
      if (actual.empty()) return std::nullopt;
      params.add(std::string(tmpl.substr(1, tmpl.size() - 2)), std::string(actual));
    } else if (tmpl != actual) {
      return std::nullopt;
    }
    if (tmpl_last != path_last) return std::nullopt;  // different numbers of segments
    if (tmpl_last) break;
  }
  return params;
}

}  // namespace parley::http
