// The pure rules of the social features: the new text types, slugs, tag lists, cursors and
// offset paging.
#include <string>

#include <catch2/catch.hpp>

#include "parley/core/domain/social.hpp"

#include "support.hpp"

using namespace parley;
using namespace parley::unit;
using core::ErrorCode;

namespace {

core::PostId post_id(std::uint64_t n) {
  return core::PostId{testing::SequentialIds::make(n)};
}

// The reason given for `field` by an invalid_input error.
template <class T>
std::string reason(core::Result<T> result, const std::string& field) {
  const auto error = fails(std::move(result));
  REQUIRE(error.code == ErrorCode::invalid_input);
  REQUIRE(error.details.contains(field));
  return error.details.at(field);
}

}  // namespace

TEST_CASE("a description is optional, trimmed, at most 300 bytes, without controls", "[text][social]") {
  CHECK(must(core::PostDescription::parse("")).str().empty());
  CHECK(must(core::PostDescription::parse("  ")).str().empty());
  CHECK(must(core::PostDescription::parse("  A short summary ")).str() == "A short summary");
  CHECK(must(core::PostDescription::parse(std::string(300, 'd'))).str().size() == 300);
  CHECK(reason(core::PostDescription::parse(std::string(301, 'd')), "description") ==
        "must be at most 300 characters");
  CHECK(reason(core::PostDescription::parse("line\nbreak"), "description") ==
        "must not contain control characters");
  CHECK(reason(core::PostDescription::parse("\xC3\x28"), "description") == "must be valid UTF-8");
}

TEST_CASE("a tag is trimmed and lowercased, 1-32 bytes, no controls and no commas", "[text][social]") {
  CHECK(must(core::Tag::parse("  C++ ")).str() == "c++");
  CHECK(must(core::Tag::parse("Dragons")).str() == "dragons");
  CHECK(must(core::Tag::parse("two words")).str() == "two words");
  CHECK(must(core::Tag::parse("Éclair")).str() == "Éclair");  // only ASCII is lowercased
  CHECK(must(core::Tag::parse(std::string(32, 't'))).str().size() == 32);
  CHECK(reason(core::Tag::parse(std::string(33, 't')), "tags") == "must be at most 32 characters");
  CHECK(reason(core::Tag::parse(""), "tags") == "is required");
  CHECK(reason(core::Tag::parse("   "), "tags") == "is required");
  CHECK(reason(core::Tag::parse("a,b"), "tags") == "must not contain ','");
  CHECK(reason(core::Tag::parse("a\tb"), "tags") == "must not contain control characters");
  CHECK(reason(core::Tag::parse("\xFF"), "tags") == "must be valid UTF-8");
}

TEST_CASE("a slug from a URL must have the shape make_slug gives", "[text][social]") {
  CHECK(must(core::Slug::parse("hello-world-0000002a")).str() == "hello-world-0000002a");
  CHECK(must(core::Slug::parse("a")).str() == "a");
  CHECK(must(core::Slug::parse(std::string(120, 'a'))).str().size() == 120);
  CHECK(reason(core::Slug::parse(std::string(121, 'a')), "slug") == "must be at most 120 characters");
  CHECK(reason(core::Slug::parse(""), "slug") == "is required");
  for (const char* bad : {"-start", "end-", "Upper", "under_score", "sp ace", "dot.ted", "caf\xC3\xA9"}) {
    INFO(bad);
    CHECK(fails(core::Slug::parse(bad)).details.contains("slug"));
  }
}

TEST_CASE("an image is empty or an http(s) URL without whitespace", "[text][social]") {
  CHECK(must(core::ImageUrl::parse("")).str().empty());
  CHECK(must(core::ImageUrl::parse("  ")).str().empty());
  CHECK(must(core::ImageUrl::parse(" https://img.example/a.png ")).str() == "https://img.example/a.png");
  CHECK(must(core::ImageUrl::parse("http://img.example/a.png?x=1")).str() == "http://img.example/a.png?x=1");
  CHECK(must(core::ImageUrl::parse("HTTPS://img.example/b")).str() == "HTTPS://img.example/b");
  const std::string longest = "https://" + std::string(492, 'i');
  CHECK(must(core::ImageUrl::parse(longest)).str() == longest);
  CHECK(reason(core::ImageUrl::parse(longest + "i"), "image") == "must be at most 500 characters");
  for (const char* bad : {"ftp://img.example/a", "javascript:alert(1)", "img.example/a.png", "https://",
                          "http://", "/relative.png", "data:image/png;base64,AAAA"}) {
    INFO(bad);
    CHECK(reason(core::ImageUrl::parse(bad), "image") == "must be an http:// or https:// URL");
  }
  CHECK(reason(core::ImageUrl::parse("https://img.example/a b.png"), "image") ==
        "must not contain whitespace or control characters");
  CHECK(reason(core::ImageUrl::parse("https://img.example/\x01"), "image") ==
        "must not contain whitespace or control characters");
  CHECK(reason(core::ImageUrl::parse("https://img.example/\xC3"), "image") == "must be valid UTF-8");
}

TEST_CASE("a slug is the lowercased title's words joined by '-', then 8 hex digits of the id",
          "[social][slug]") {
  const auto id = post_id(0x2a);
  CHECK(core::make_slug(title("Hello, World!"), id).str() == "hello-world-0000002a");
  CHECK(core::make_slug(title("  --Spaces   and_punctuation!!  "), id).str() ==
        "spaces-and-punctuation-0000002a");
  CHECK(core::make_slug(title("C++20 in 2026"), id).str() == "c-20-in-2026-0000002a");
  // Non-ASCII characters are separators: only [a-z0-9] survive.
  CHECK(core::make_slug(title("Crème brûlée"), id).str() == "cr-me-br-l-e-0000002a");
  // Nothing left: "post".
  CHECK(core::make_slug(title("日本語"), id).str() == "post-0000002a");
  CHECK(core::make_slug(title("!!!"), id).str() == "post-0000002a");
  // Every slug make_slug gives is one Slug::parse accepts.
  for (const char* text : {"Hello, World!", "日本語", "-", "A-b-C"}) {
    const auto slug = core::make_slug(title(text), id);
    CHECK(must(core::Slug::parse(slug.str())) == slug);
  }
}

TEST_CASE("equal titles get different slugs from their ids; editing the title changes the slug",
          "[social][slug]") {
  const auto first = core::make_slug(title("Same title"), post_id(1));
  const auto second = core::make_slug(title("Same title"), post_id(2));
  CHECK(first != second);
  CHECK(first.str() == "same-title-00000001");
  CHECK(core::make_slug(title("Same title"), post_id(1)) == first);  // a function of title and id only
  CHECK(core::make_slug(title("Other title"), post_id(1)) != first);
}

TEST_CASE("a long title is cut to 100 bytes, at a '-' near the cut when there is one", "[social][slug]") {
  const auto id = post_id(7);
  SECTION("cut at the last word boundary in the last 20 bytes") {
    // 19 words of 5 letters: "aaaaa-aaaaa-...", 113 bytes.
    std::string text;
    for (int i = 0; i < 19; ++i)
      text += (i == 0 ? "" : " ") + std::string(5, static_cast<char>('a' + i));
    const auto slug = core::make_slug(title(text), id).str();
    const std::string body = slug.substr(0, slug.size() - 9);
    CHECK(body.size() <= 100);
    CHECK(body.size() > 80);
    CHECK(body.back() != '-');
    CHECK(text.find(' ', body.size()) == body.size());  // ends at a word boundary of the title
    CHECK(slug.substr(slug.size() - 9) == "-00000007");
  }
  SECTION("one long word is cut at 100 bytes") {
    const auto slug = core::make_slug(title(std::string(150, 'x')), id).str();
    CHECK(slug == std::string(100, 'x') + "-00000007");
  }
  SECTION("a '-' further back than 20 bytes is not used") {
    const auto slug = core::make_slug(title("ab " + std::string(150, 'y')), id).str();
    CHECK(slug == "ab-" + std::string(97, 'y') + "-00000007");
  }
  SECTION("the longest title still gives a valid slug") {
    const auto slug = core::make_slug(title(std::string(200, 'z')), id);
    CHECK(must(core::Slug::parse(slug.str())) == slug);
  }
}

TEST_CASE("tags are sorted bytewise and de-duplicated, at most kMaxTags distinct", "[social][tags]") {
  CHECK(must(core::normalize_tags({})).empty());
  CHECK(must(core::normalize_tags(tags({"zeta", "Alpha", "beta", "alpha", "zeta"}))) ==
        tags({"alpha", "beta", "zeta"}));
  std::vector<core::Tag> ten;
  for (int i = 0; i < 10; ++i)
    ten.push_back(tag("t" + std::to_string(i)));
  CHECK(must(core::normalize_tags(ten)).size() == core::kMaxTags);
  auto with_duplicates = ten;
  with_duplicates.push_back(tag("t0"));
  CHECK(must(core::normalize_tags(with_duplicates)).size() == core::kMaxTags);  // duplicates do not count
  auto eleven = ten;
  eleven.push_back(tag("t10"));
  CHECK(reason(core::normalize_tags(eleven), "tags") == "must hold at most 10 distinct tags");
}

TEST_CASE("a cursor round-trips and is URL-safe and short", "[social][cursor]") {
  const core::PostCursor cursor{.created_at = at("2026-11-23T10:15:30.123Z"), .id = post_id(0xabcdef)};
  const auto text = cursor.encode();
  CHECK(text.size() <= 64);
  CHECK(text.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.~") ==
        std::string::npos);
  CHECK(must(core::PostCursor::decode(text)) == cursor);
  // Before 1970 and the nil id too.
  const core::PostCursor early{.created_at = at("1969-12-31T23:59:59.999Z"), .id = core::PostId{}};
  CHECK(must(core::PostCursor::decode(early.encode())) == early);
}

TEST_CASE("a cursor the server did not give is invalid input naming the field", "[social][cursor]") {
  const core::PostCursor cursor{.created_at = at("2026-11-23T10:15:30.123Z"), .id = post_id(0xabc5)};
  const auto text = cursor.encode();
  const auto separator = text.find('_');
  REQUIRE(separator != std::string::npos);
  std::string upper = text;
  for (auto& c : upper)
    if (c >= 'a' && c <= 'f') c = static_cast<char>(c - 'a' + 'A');
  for (const std::string& bad :
       {std::string(), std::string("garbage"), std::string("_"), text + "0", text.substr(0, text.size() - 1),
        "0" + text, "+" + text, text.substr(separator), text.substr(0, separator + 1), text + "_1",
        std::string(65, '1'), "12x_" + text.substr(separator + 1), upper,
        std::string("9223372036854775808") + text.substr(separator)}) {
    INFO(bad);
    const auto error = fails(core::PostCursor::decode(bad));
    CHECK(error.code == ErrorCode::invalid_input);
    CHECK(error.details.contains("after"));
  }
  CHECK(fails(core::PostCursor::decode("nope", "cursor")).details.contains("cursor"));
}

TEST_CASE("offset paging: defaults, caps and the page that holds the offset", "[paging][offset]") {
  const auto defaults = must(core::PageRequest::at_offset(std::nullopt, std::nullopt));
  CHECK(defaults.offset() == 0);
  CHECK(defaults.size == core::PageRequest::kDefaultSize);
  CHECK(defaults.page == 1);

  const auto mid = must(core::PageRequest::at_offset(25, 10));
  CHECK(mid.offset() == 25);  // not (page - 1) * size
  CHECK(mid.size == 10);
  CHECK(mid.page == 3);
  CHECK(must(core::PageRequest::at_offset(0, 1000)).size == core::PageRequest::kMaxSize);
  CHECK(must(core::PageRequest::at_offset(core::PageRequest::kMaxOffset, 1)).offset() ==
        core::PageRequest::kMaxOffset);

  CHECK(reason(core::PageRequest::at_offset(-1, 10), "offset") == "must be at least 0");
  CHECK(reason(core::PageRequest::at_offset(core::PageRequest::kMaxOffset + 1, 10), "offset") ==
        "must be at most 100000000");
  CHECK(reason(core::PageRequest::at_offset(0, 0), "limit") == "must be at least 1");
  CHECK(reason(core::PageRequest::at_offset(0, -5), "limit") == "must be at least 1");
  // Page paging is unchanged: offset() still follows page and size.
  CHECK(must(core::PageRequest::make(3, 10)).offset() == 20);
}
