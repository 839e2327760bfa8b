// Validated text value types: each is made once at the edge by parse(), which names the
// field at fault, and is trusted everywhere after that ("parse, don't validate").
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "parley/core/result.hpp"

namespace parley::core {

template <class Tag>
class Text {
 public:
  // Validates and normalises raw input; the rules live with each type in text.cpp.
  static Result<Text> parse(std::string_view raw);
  // For values read back from storage, which were validated when they were written.
  static Text from_storage(std::string stored) { return Text(std::move(stored)); }

  [[nodiscard]] const std::string& str() const noexcept { return value_; }
  friend bool operator==(const Text&, const Text&) = default;

 private:
  explicit Text(std::string value) : value_(std::move(value)) {}
  std::string value_;
};

// Lowercased, trimmed, at most 254 bytes, one '@', a dotted domain.
using Email = Text<struct EmailTag>;
// 3-32 of [A-Za-z0-9_.-], starting with a letter or digit; unique case-insensitively.
using Username = Text<struct UsernameTag>;
// 8-128 bytes of valid UTF-8, not all whitespace. Never logged, never returned.
using Password = Text<struct PasswordTag>;
// 1-200 bytes of UTF-8 after trimming, no control characters.
using PostTitle = Text<struct PostTitleTag>;
// 1-50000 bytes of UTF-8; newlines and tabs allowed.
using PostBody = Text<struct PostBodyTag>;
// 1-5000 bytes of UTF-8; newlines and tabs allowed.
using CommentBody = Text<struct CommentBodyTag>;
// 0-500 bytes of UTF-8.
using Bio = Text<struct BioTag>;
// A full-text search (the `q` of GET /posts): 1-200 bytes of UTF-8 after trimming, no control
// characters. Any text is acceptable: adapters search for its words (search_terms()) and never
// read it as a query language.
using SearchQuery = Text<struct SearchQueryTag>;
// A short summary of a post (RealWorld's "description"): 0-300 bytes of UTF-8 after trimming,
// no control characters. Empty when the author gave none.
using PostDescription = Text<struct PostDescriptionTag>;
// A tag on a post, field "tags": 1-32 bytes of UTF-8 after trimming, ASCII-lowercased, no
// control characters and no ','. normalize_tags() orders and de-duplicates a post's tags.
using Tag = Text<struct TagTag>;
// A post's URL slug, field "slug": 1-120 bytes of [a-z0-9-], not starting or ending with '-'.
// Made by make_slug(); parse() only checks the shape of one that arrives in a URL.
using Slug = Text<struct SlugTag>;
// A profile picture, field "image": empty (none) or an http:// or https:// URL of at most 500
// bytes with no whitespace or control characters.
using ImageUrl = Text<struct ImageUrlTag>;

template <>
Result<Email> Email::parse(std::string_view raw);
template <>
Result<Username> Username::parse(std::string_view raw);
template <>
Result<Password> Password::parse(std::string_view raw);
template <>
Result<PostTitle> PostTitle::parse(std::string_view raw);
template <>
Result<PostBody> PostBody::parse(std::string_view raw);
template <>
Result<CommentBody> CommentBody::parse(std::string_view raw);
template <>
Result<Bio> Bio::parse(std::string_view raw);
template <>
Result<SearchQuery> SearchQuery::parse(std::string_view raw);
template <>
Result<PostDescription> PostDescription::parse(std::string_view raw);
template <>
Result<Tag> Tag::parse(std::string_view raw);
template <>
Result<Slug> Slug::parse(std::string_view raw);
template <>
Result<ImageUrl> ImageUrl::parse(std::string_view raw);

// The words of a search, in order, each once: maximal runs of ASCII letters and digits and of
// non-ASCII characters, ASCII-lowercased. Punctuation and operators of any query language
// ("AND", '*', '"', "NEAR(") are separators or plain words. Empty when the text has no word: such
// a search matches nothing.
std::vector<std::string> search_terms(const SearchQuery& query);

// ASCII lowercase; the key under which usernames and emails are unique.
std::string ascii_lower(std::string_view text);
// True when text is well-formed UTF-8 (no overlongs, no surrogates).
bool is_valid_utf8(std::string_view text) noexcept;

}  // namespace parley::core
