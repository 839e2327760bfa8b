// The parse rules of the validated text types, and the UTF-8 and case helpers they share.
#include "parley/core/domain/text.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>

namespace parley::core {

namespace {

constexpr bool is_ascii_space(char c) noexcept {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

constexpr bool is_ascii_alnum(char c) noexcept {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

std::string_view trim(std::string_view text) noexcept {
  while (!text.empty() && is_ascii_space(text.front()))
    text.remove_prefix(1);
  while (!text.empty() && is_ascii_space(text.back()))
    text.remove_suffix(1);
  return text;
}

bool all_space(std::string_view text) noexcept {
  return std::all_of(text.begin(), text.end(), is_ascii_space);
}

// C0 controls, DEL and C1 controls (U+0080..U+009F, encoded C2 80..C2 9F). Assumes valid UTF-8.
bool has_control(std::string_view text, bool allow_newlines_and_tabs) noexcept {
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto byte = static_cast<unsigned char>(text[i]);
    if (byte < 0x20 || byte == 0x7F) {
      if (allow_newlines_and_tabs && (byte == '\n' || byte == '\r' || byte == '\t')) continue;
      return true;
    }
    if (byte == 0xC2 && i + 1 < text.size()) {
      const auto next = static_cast<unsigned char>(text[i + 1]);
      if (next >= 0x80 && next <= 0x9F) return true;
    }
  }
  return false;
}

std::string at_most(std::size_t limit) {
  return "must be at most " + std::to_string(limit) + " characters";
}
std::string at_least(std::size_t limit) {
  return "must be at least " + std::to_string(limit) + " characters";
}

constexpr const char* kRequired = "is required";
constexpr const char* kBadUtf8 = "must be valid UTF-8";
constexpr const char* kControl = "must not contain control characters";

bool is_email_local_char(char c) noexcept {
  if (is_ascii_alnum(c)) return true;
  constexpr std::string_view kAllowed = "!#$%&'*+/=?^_`{|}~.-";
  return kAllowed.find(c) != std::string_view::npos;
}

// Letters, digits and hyphens; no hyphen at either end.
bool is_domain_label(std::string_view label) noexcept {
  if (label.empty() || label.size() > 63) return false;
  if (label.front() == '-' || label.back() == '-') return false;
  return std::all_of(label.begin(), label.end(), [](char c) { return is_ascii_alnum(c) || c == '-'; });
}

bool is_valid_email(std::string_view email) noexcept {
  const auto at = email.find('@');
  if (at == std::string_view::npos || email.find('@', at + 1) != std::string_view::npos) return false;
  const auto local = email.substr(0, at);
  const auto domain = email.substr(at + 1);
  if (local.empty() || local.size() > 64) return false;
  if (local.front() == '.' || local.back() == '.' || local.find("..") != std::string_view::npos) return false;
  if (!std::all_of(local.begin(), local.end(), is_email_local_char)) return false;
  // A dotted domain: at least two labels.
  if (domain.find('.') == std::string_view::npos) return false;
  std::size_t start = 0;
  while (true) {
    const auto dot = domain.find('.', start);
    if (!is_domain_label(domain.substr(start, dot == std::string_view::npos ? dot : dot - start)))
      return false;
    if (dot == std::string_view::npos) return true;
    start = dot + 1;
  }
}

// The shared rule of free text (titles, bodies, bios) once trimming has been decided.
template <class T>
Result<T> parse_free_text(std::string_view raw, const char* field, std::size_t min, std::size_t max,
                          bool allow_newlines_and_tabs) {
  if (!is_valid_utf8(raw)) return Error::invalid(field, kBadUtf8);
  if (min > 0 && (raw.empty() || all_space(raw))) return Error::invalid(field, kRequired);
  if (raw.size() > max) return Error::invalid(field, at_most(max));
  if (raw.size() < min) return Error::invalid(field, at_least(min));
  if (has_control(raw, allow_newlines_and_tabs)) return Error::invalid(field, kControl);
  return T::from_storage(std::string(raw));
}

}  // namespace

std::string ascii_lower(std::string_view text) {
  std::string lowered(text);
  for (auto& c : lowered) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return lowered;
}

bool is_valid_utf8(std::string_view text) noexcept {
  std::size_t i = 0;
  const std::size_t n = text.size();
  auto byte_at = [&](std::size_t k) { return static_cast<std::uint8_t>(text[k]); };
  while (i < n) {
    const std::uint8_t lead = byte_at(i);
    if (lead < 0x80) {
      ++i;
      continue;
    }
    std::size_t length = 0;
    // The allowed range of the first continuation byte excludes overlongs, surrogates and
    // code points above U+10FFFF (Unicode Table 3-7).
    std::uint8_t low = 0x80;
    std::uint8_t high = 0xBF;
    if (lead >= 0xC2 && lead <= 0xDF) {
      length = 2;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
      length = 3;
      if (lead == 0xE0) low = 0xA0;   // overlong below U+0800
      if (lead == 0xED) high = 0x9F;  // surrogates U+D800..U+DFFF
    } else if (lead >= 0xF0 && lead <= 0xF4) {
      length = 4;
      if (lead == 0xF0) low = 0x90;   // overlong below U+10000
      if (lead == 0xF4) high = 0x8F;  // above U+10FFFF
    } else {
      return false;  // continuation bytes, C0/C1 overlongs, F5..FF
    }
    if (i + length > n) return false;
    const std::uint8_t first = byte_at(i + 1);
    if (first < low || first > high) return false;
    for (std::size_t k = 2; k < length; ++k) {
      const std::uint8_t next = byte_at(i + k);
      if (next < 0x80 || next > 0xBF) return false;
    }
    i += length;
  }
  return true;
}

template <>
Result<Email> Email::parse(std::string_view raw) {
  constexpr std::size_t kMax = 254;
  const auto trimmed = trim(raw);
  if (trimmed.empty()) return Error::invalid("email", kRequired);
  if (trimmed.size() > kMax) return Error::invalid("email", at_most(kMax));
  auto lowered = ascii_lower(trimmed);
  if (!is_valid_email(lowered)) return Error::invalid("email", "must be a valid email address");
  return Email(std::move(lowered));
}

template <>
Result<Username> Username::parse(std::string_view raw) {
  constexpr std::size_t kMin = 3;
  constexpr std::size_t kMax = 32;
  if (raw.empty()) return Error::invalid("username", kRequired);
  if (raw.size() > kMax) return Error::invalid("username", at_most(kMax));
  if (raw.size() < kMin) return Error::invalid("username", at_least(kMin));
  const bool allowed = std::all_of(
      raw.begin(), raw.end(), [](char c) { return is_ascii_alnum(c) || c == '_' || c == '.' || c == '-'; });
  if (!allowed) return Error::invalid("username", "may contain only letters, digits, '_', '.' and '-'");
  if (!is_ascii_alnum(raw.front())) return Error::invalid("username", "must start with a letter or digit");
  return Username(std::string(raw));
}

template <>
Result<Password> Password::parse(std::string_view raw) {
  constexpr std::size_t kMin = 8;
  constexpr std::size_t kMax = 128;
  // Passwords are taken verbatim: trimming would silently change what the user typed.
  if (raw.empty()) return Error::invalid("password", kRequired);
  if (!is_valid_utf8(raw)) return Error::invalid("password", kBadUtf8);
  if (raw.size() > kMax) return Error::invalid("password", at_most(kMax));
  if (raw.size() < kMin) return Error::invalid("password", at_least(kMin));
  if (all_space(raw)) return Error::invalid("password", "must not be only whitespace");
  return Password(std::string(raw));
}

template <>
Result<PostTitle> PostTitle::parse(std::string_view raw) {
  return parse_free_text<PostTitle>(trim(raw), "title", 1, 200, false);
}

template <>
Result<PostBody> PostBody::parse(std::string_view raw) {
  // Bodies are kept verbatim (leading indentation may matter), but blank ones are refused.
  return parse_free_text<PostBody>(raw, "body", 1, 50'000, true);
}

template <>
Result<CommentBody> CommentBody::parse(std::string_view raw) {
  return parse_free_text<CommentBody>(raw, "body", 1, 5'000, true);
}

template <>
Result<Bio> Bio::parse(std::string_view raw) {
  return parse_free_text<Bio>(trim(raw), "bio", 0, 500, true);
}

template <>
Result<SearchQuery> SearchQuery::parse(std::string_view raw) {
  return parse_free_text<SearchQuery>(trim(raw), "q", 1, 200, false);
}

template <>
Result<PostDescription> PostDescription::parse(std::string_view raw) {
  return parse_free_text<PostDescription>(trim(raw), "description", 0, 300, false);
}

template <>
Result<Tag> Tag::parse(std::string_view raw) {
  auto parsed = parse_free_text<Tag>(trim(raw), "tags", 1, 32, false);
  if (!parsed) return parsed;
  // A ',' would make a tag list ambiguous wherever tags are written one after another.
  if (parsed->str().find(',') != std::string::npos) return Error::invalid("tags", "must not contain ','");
  return Tag(ascii_lower(parsed->str()));
}

template <>
Result<Slug> Slug::parse(std::string_view raw) {
  constexpr std::size_t kMax = 120;
  if (raw.empty()) return Error::invalid("slug", kRequired);
  if (raw.size() > kMax) return Error::invalid("slug", at_most(kMax));
  const bool allowed = std::all_of(raw.begin(), raw.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
  });
  if (!allowed || raw.front() == '-' || raw.back() == '-') {
    return Error::invalid("slug", "must be lowercase letters, digits and inner '-'");
  }
  return Slug(std::string(raw));
}

template <>
Result<ImageUrl> ImageUrl::parse(std::string_view raw) {
  constexpr std::size_t kMax = 500;
  const auto trimmed = trim(raw);
  if (trimmed.empty()) return ImageUrl(std::string());
  if (!is_valid_utf8(trimmed)) return Error::invalid("image", kBadUtf8);
  if (trimmed.size() > kMax) return Error::invalid("image", at_most(kMax));
  if (has_control(trimmed, false) ||
      std::any_of(trimmed.begin(), trimmed.end(), [](char c) { return is_ascii_space(c); })) {
    return Error::invalid("image", "must not contain whitespace or control characters");
  }
  const auto lowered = ascii_lower(trimmed.substr(0, std::min<std::size_t>(trimmed.size(), 8)));
  const std::string_view scheme_part = lowered;
  std::size_t scheme_length = 0;
  if (scheme_part.starts_with("https://")) {
    scheme_length = 8;
  } else if (scheme_part.starts_with("http://")) {
    scheme_length = 7;
  }
  if (scheme_length == 0 || trimmed.size() == scheme_length) {
    return Error::invalid("image", "must be an http:// or https:// URL");
  }
  return ImageUrl(std::string(trimmed));
}

std::vector<std::string> search_terms(const SearchQuery& query) {
  std::vector<std::string> terms;
  std::string current;
  auto flush = [&] {
    if (!current.empty() && std::find(terms.begin(), terms.end(), current) == terms.end()) {
      terms.push_back(current);
    }
    current.clear();
  };
  for (const char c : query.str()) {
    // Bytes of multi-byte UTF-8 sequences are >= 0x80: a non-ASCII character stays whole.
    if (is_ascii_alnum(c) || static_cast<unsigned char>(c) >= 0x80) {
      current.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c);
    } else {
      flush();
    }
  }
  flush();
  return terms;
}

}  // namespace parley::core
