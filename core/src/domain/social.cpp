// Slugs, tag lists and list cursors: the pure rules of the social features.
#include "parley/core/domain/social.hpp"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <utility>

namespace parley::core {

namespace {

constexpr std::size_t kSlugTitleMax = 100;
// A cut title ends at its last '-' when one is this close to the cut, so words stay whole.
constexpr std::size_t kSlugWordWindow = 20;
constexpr std::size_t kIdSuffix = 8;
constexpr std::size_t kCursorMax = 64;
constexpr char kCursorSeparator = '_';

constexpr bool is_slug_char(char c) noexcept {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

// The words of a slug never start with '-' (none is written before the first letter or digit).
std::string_view trim_trailing_dashes(std::string_view text) noexcept {
  while (!text.empty() && text.back() == '-')
    text.remove_suffix(1);
  return text;
}

int hex_digit(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;  // uppercase too: encode() writes lowercase only
}

}  // namespace

Slug make_slug(const PostTitle& title, const PostId& id) {
  std::string words;
  words.reserve(title.str().size());
  for (const char c : ascii_lower(title.str())) {
    if (is_slug_char(c)) {
      words.push_back(c);
    } else if (!words.empty() && words.back() != '-') {
      words.push_back('-');
    }
  }
  std::string_view kept = trim_trailing_dashes(words);
  if (kept.size() > kSlugTitleMax) {
    kept = kept.substr(0, kSlugTitleMax);
    const auto dash = kept.rfind('-');
    if (dash != std::string_view::npos && dash >= kSlugTitleMax - kSlugWordWindow)
      kept = kept.substr(0, dash);
    kept = trim_trailing_dashes(kept);
  }
  std::string slug(kept.empty() ? std::string_view("post") : kept);
  const std::string id_text = id.to_string();
  slug += '-';
  slug += id_text.substr(id_text.size() - kIdSuffix);
  return Slug::from_storage(std::move(slug));
}

Result<std::vector<Tag>> normalize_tags(std::vector<Tag> tags) {
  std::sort(tags.begin(), tags.end(), [](const Tag& a, const Tag& b) { return a.str() < b.str(); });
  tags.erase(std::unique(tags.begin(), tags.end()), tags.end());
  if (tags.size() > kMaxTags) {
    return Error::invalid("tags", "must hold at most " + std::to_string(kMaxTags) + " distinct tags");
  }
  return tags;
}

// "<created_at in Unix milliseconds>_<the id's 32 lowercase hex digits>": URL-safe and at most
// 20 + 1 + 32 bytes.
std::string PostCursor::encode() const {
  std::string text = std::to_string(created_at.time_since_epoch().count());
  text += kCursorSeparator;
  for (const char c : id.to_string()) {
    if (c != '-') text.push_back(c);
  }
  return text;
}

Result<PostCursor> PostCursor::decode(std::string_view text, std::string_view field) {
  const auto invalid = [&] { return Error::invalid(std::string(field), "is not a cursor this server gave"); };
  if (text.empty() || text.size() > kCursorMax) return invalid();
  const auto separator = text.find(kCursorSeparator);
  if (separator == std::string_view::npos) return invalid();
  const auto millis_text = text.substr(0, separator);
  const auto hex = text.substr(separator + 1);

  std::int64_t millis = 0;
  const auto [end, ec] = std::from_chars(millis_text.data(), millis_text.data() + millis_text.size(), millis);
  if (ec != std::errc{} || end != millis_text.data() + millis_text.size()) return invalid();

  Uuid::Bytes bytes{};
  if (hex.size() != bytes.size() * 2) return invalid();
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    const int high = hex_digit(hex[2 * i]);
    const int low = hex_digit(hex[2 * i + 1]);
    if (high < 0 || low < 0) return invalid();
    bytes[i] = static_cast<std::uint8_t>((high << 4) | low);
  }
  PostCursor cursor{.created_at = Timestamp(std::chrono::milliseconds(millis)), .id = PostId{Uuid(bytes)}};
  // Only the canonical form: no leading zeros or '+', nothing encode() would not write.
  if (cursor.encode() != text) return invalid();
  return cursor;
}

}  // namespace parley::core
