// The parse rules of the validated text types, at their boundaries.
#include "parley/core/domain/text.hpp"

#include <string>
#include <vector>

#include <catch2/catch.hpp>

using namespace parley::core;

namespace {

// The reason given for `field`, or "" when the parse succeeded or named another field.
template <class T>
std::string reason(const Result<T>& result, const std::string& field) {
  if (result.ok()) return "";
  REQUIRE(result.error().code == ErrorCode::invalid_input);
  const auto it = result.error().details.find(field);
  return it == result.error().details.end() ? "" : it->second;
}

std::string repeat(char c, std::size_t n) {
  return std::string(n, c);
}

}  // namespace

TEST_CASE("emails are trimmed and lowercased", "[text][email]") {
  const auto email = Email::parse("  Alice.Smith+tag@Example.COM \t");
  REQUIRE(email.ok());
  CHECK(email->str() == "alice.smith+tag@example.com");
}

TEST_CASE("an email of 254 characters is accepted, 255 is not", "[text][email]") {
  // 64 + '@' + 189 = 254, with domain labels of at most 63.
  const std::string local = repeat('a', 64);
  const std::string domain = repeat('b', 63) + "." + repeat('c', 63) + "." + repeat('d', 57) + ".com";
  const std::string longest = local + "@" + domain;
  REQUIRE(longest.size() == 254);
  CHECK(Email::parse(longest).ok());
  const auto too_long = Email::parse(local + "@" + "e" + domain);
  CHECK(reason(too_long, "email") == "must be at most 254 characters");
}

TEST_CASE("malformed emails are refused as invalid addresses", "[text][email]") {
  const char* bad[] = {"alice",
                       "alice@",
                       "@example.com",
                       "alice@@example.com",
                       "a@b@example.com",
                       "alice@localhost",
                       "alice@example..com",
                       "alice@-example.com",
                       "alice@example-.com",
                       "al ice@example.com",
                       ".alice@example.com",
                       "alice.@example.com",
                       "al..ice@example.com",
                       "alice@exa_mple.com",
                       "alïce@example.com",
                       "alice@example.com."};
  for (const char* text : bad) {
    INFO(text);
    CHECK(reason(Email::parse(text), "email") == "must be a valid email address");
  }
  CHECK(reason(Email::parse(repeat('a', 65) + "@example.com"), "email") == "must be a valid email address");
  CHECK(reason(Email::parse(std::string("alice@") + repeat('x', 64) + ".com"), "email") ==
        "must be a valid email address");
}

TEST_CASE("a blank email is required", "[text][email]") {
  CHECK(reason(Email::parse(""), "email") == "is required");
  CHECK(reason(Email::parse("   "), "email") == "is required");
}

TEST_CASE("usernames are 3 to 32 of letters, digits and _.- starting with a letter or digit",
          "[text][username]") {
  CHECK(Username::parse("abc").ok());
  CHECK(Username::parse(repeat('z', 32)).ok());
  CHECK(Username::parse("9a.b-c_D").ok());
  CHECK(Username::parse("Alice")->str() == "Alice");  // case is kept; uniqueness ignores it
  CHECK(reason(Username::parse("ab"), "username") == "must be at least 3 characters");
  CHECK(reason(Username::parse(repeat('z', 33)), "username") == "must be at most 32 characters");
  CHECK(reason(Username::parse(""), "username") == "is required");
  CHECK(reason(Username::parse("_bob"), "username") == "must start with a letter or digit");
  CHECK(reason(Username::parse(".bob"), "username") == "must start with a letter or digit");
  CHECK(reason(Username::parse("bo b"), "username") == "may contain only letters, digits, '_', '.' and '-'");
  CHECK(reason(Username::parse("bob!"), "username") == "may contain only letters, digits, '_', '.' and '-'");
  CHECK(reason(Username::parse("bøb"), "username") == "may contain only letters, digits, '_', '.' and '-'");
}

TEST_CASE("passwords are 8 to 128 bytes of UTF-8, kept verbatim", "[text][password]") {
  CHECK(Password::parse(repeat('p', 8)).ok());
  CHECK(Password::parse(repeat('p', 128)).ok());
  CHECK(Password::parse(" secret12 ")->str() == " secret12 ");
  CHECK(Password::parse("pässwörd").ok());
  CHECK(reason(Password::parse(repeat('p', 7)), "password") == "must be at least 8 characters");
  CHECK(reason(Password::parse(repeat('p', 129)), "password") == "must be at most 128 characters");
  CHECK(reason(Password::parse(""), "password") == "is required");
  CHECK(reason(Password::parse("          "), "password") == "must not be only whitespace");
  CHECK(reason(Password::parse("\t\n      \r"), "password") == "must not be only whitespace");
  CHECK(reason(Password::parse("password\xFF"), "password") == "must be valid UTF-8");
}

TEST_CASE("titles are trimmed, 1 to 200 bytes, without control characters", "[text][title]") {
  CHECK(PostTitle::parse("  Hello  ")->str() == "Hello");
  CHECK(PostTitle::parse(" " + repeat('t', 200) + " ").ok());
  CHECK(PostTitle::parse("Grüße aus Köln").ok());
  CHECK(reason(PostTitle::parse(repeat('t', 201)), "title") == "must be at most 200 characters");
  CHECK(reason(PostTitle::parse(""), "title") == "is required");
  CHECK(reason(PostTitle::parse(" \t "), "title") == "is required");
  CHECK(reason(PostTitle::parse("a\x01z"), "title") == "must not contain control characters");
  CHECK(reason(PostTitle::parse("two\nlines"), "title") == "must not contain control characters");
  CHECK(reason(PostTitle::parse("tab\there"), "title") == "must not contain control characters");
  CHECK(reason(PostTitle::parse("del\x7F"), "title") == "must not contain control characters");
  CHECK(reason(PostTitle::parse("next\xC2\x85line"), "title") == "must not contain control characters");
  CHECK(reason(PostTitle::parse("bad\xC3"), "title") == "must be valid UTF-8");
}

TEST_CASE("post bodies are 1 to 50000 bytes, newlines and tabs allowed", "[text][body]") {
  CHECK(PostBody::parse("line one\n\tline two\r\n")->str() == "line one\n\tline two\r\n");
  CHECK(PostBody::parse(repeat('b', 50'000)).ok());
  CHECK(reason(PostBody::parse(repeat('b', 50'001)), "body") == "must be at most 50000 characters");
  CHECK(reason(PostBody::parse(""), "body") == "is required");
  CHECK(reason(PostBody::parse(" \n\t "), "body") == "is required");
  CHECK(reason(PostBody::parse("bell\x07"), "body") == "must not contain control characters");
  CHECK(reason(PostBody::parse("\xED\xA0\x80"), "body") == "must be valid UTF-8");
}

TEST_CASE("comment bodies are 1 to 5000 bytes under the field body", "[text][comment]") {
  CHECK(CommentBody::parse("nice\npost").ok());
  CHECK(CommentBody::parse(repeat('c', 5'000)).ok());
  CHECK(reason(CommentBody::parse(repeat('c', 5'001)), "body") == "must be at most 5000 characters");
  CHECK(reason(CommentBody::parse(""), "body") == "is required");
  CHECK(reason(CommentBody::parse("esc\x1B"), "body") == "must not contain control characters");
}

TEST_CASE("bios are trimmed, 0 to 500 bytes", "[text][bio]") {
  CHECK(Bio::parse("")->str().empty());
  CHECK(Bio::parse("   ")->str().empty());
  CHECK(Bio::parse(" I write.\nSometimes. ")->str() == "I write.\nSometimes.");
  CHECK(Bio::parse(repeat('b', 500)).ok());
  CHECK(reason(Bio::parse(repeat('b', 501)), "bio") == "must be at most 500 characters");
  CHECK(reason(Bio::parse(std::string("nul\0here", 8)), "bio") == "must not contain control characters");
  CHECK(reason(Bio::parse("\x80"), "bio") == "must be valid UTF-8");
}

TEST_CASE("values read from storage are taken as they are", "[text]") {
  CHECK(Email::from_storage("stored@example.com").str() == "stored@example.com");
  CHECK(Email::from_storage("a@example.com") == *Email::parse("A@example.com"));
}

TEST_CASE("UTF-8 validation follows the Unicode well-formedness table", "[text][utf8]") {
  CHECK(is_valid_utf8(""));
  CHECK(is_valid_utf8("plain ascii"));
  CHECK(is_valid_utf8("\xC3\xA9"));                // é
  CHECK(is_valid_utf8("\xE2\x82\xAC"));            // €
  CHECK(is_valid_utf8("\xED\x9F\xBF"));            // U+D7FF, just below the surrogates
  CHECK(is_valid_utf8("\xEE\x80\x80"));            // U+E000, just above them
  CHECK(is_valid_utf8("\xF0\x9F\x98\x80"));        // 😀
  CHECK(is_valid_utf8("\xF1\x80\x80\x80"));        // U+40000, a plane-1..15 lead
  CHECK(is_valid_utf8("\xF4\x8F\xBF\xBF"));        // U+10FFFF
  CHECK_FALSE(is_valid_utf8("\x80"));              // lone continuation
  CHECK_FALSE(is_valid_utf8("\xC0\xAF"));          // overlong '/'
  CHECK_FALSE(is_valid_utf8("\xC1\xBF"));          // overlong
  CHECK_FALSE(is_valid_utf8("\xE0\x80\xAF"));      // overlong
  CHECK_FALSE(is_valid_utf8("\xF0\x80\x80\xAF"));  // overlong
  CHECK_FALSE(is_valid_utf8("\xED\xA0\x80"));      // surrogate U+D800
  CHECK_FALSE(is_valid_utf8("\xED\xBF\xBF"));      // surrogate U+DFFF
  CHECK_FALSE(is_valid_utf8("\xF4\x90\x80\x80"));  // above U+10FFFF
  CHECK_FALSE(is_valid_utf8("\xF5\x80\x80\x80"));  // invalid lead
  CHECK_FALSE(is_valid_utf8("\xFF"));
  CHECK_FALSE(is_valid_utf8("\xE2\x82"));          // truncated
  CHECK_FALSE(is_valid_utf8("\xE2\x28\xA1"));      // bad continuation
  CHECK_FALSE(is_valid_utf8("\xF0\x9F\x98\x28"));  // bad last continuation
}

TEST_CASE("ascii_lower lowercases ASCII letters only", "[text]") {
  CHECK(ascii_lower("MiXeD-Case_123") == "mixed-case_123");
  CHECK(ascii_lower("\xC3\x84") == "\xC3\x84");  // Ä is left alone
  CHECK(ascii_lower("").empty());
}

TEST_CASE("searches are trimmed, 1 to 200 bytes, under the field q", "[text][search]") {
  auto parsed = SearchQuery::parse("  kayak trip \n");
  REQUIRE(parsed.ok());
  CHECK(parsed->str() == "kayak trip");
  CHECK(reason(SearchQuery::parse(""), "q") == "is required");
  CHECK(reason(SearchQuery::parse("   "), "q") == "is required");
  CHECK(SearchQuery::parse(repeat('k', 200)).ok());
  CHECK(reason(SearchQuery::parse(repeat('k', 201)), "q") == "must be at most 200 characters");
  CHECK(reason(SearchQuery::parse("kayak\x01"), "q") == "must not contain control characters");
  CHECK(reason(SearchQuery::parse("\xff"), "q") == "must be valid UTF-8");
}

TEST_CASE("search_terms keeps the words, lowercased, once each, and drops query syntax", "[text][search]") {
  using V = std::vector<std::string>;
  auto terms = [](std::string_view text) {
    auto parsed = SearchQuery::parse(text);
    REQUIRE(parsed.ok());
    return search_terms(*parsed);
  };
  CHECK(terms("Kayak TRIP kayak") == V{"kayak", "trip"});
  CHECK(terms("\"kayak\" AND NEAR(trip, 2) title:x* -y") ==
        V{"kayak", "and", "near", "trip", "2", "title", "x", "y"});
  CHECK(terms("'); DROP TABLE posts; --") == V{"drop", "table", "posts"});
  CHECK(terms("caf\xc3\xa9 na\xc3\xafve") == V{"caf\xc3\xa9", "na\xc3\xafve"});
  CHECK(terms("* \" ( ) :").empty());
}
