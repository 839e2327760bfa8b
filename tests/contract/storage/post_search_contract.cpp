// The PostRepository search contract (PostQuery::search), run against every adapter: matches in
// title and body, relevance then recency, the draft rules, paging, and hostile input.
#include "contract_support.hpp"

using namespace parley;            // NOLINT(google-build-using-namespace): test brevity
using namespace parley::contract;  // NOLINT(google-build-using-namespace): fixture names in test names

namespace {

template <class Fixture>
void add_authors(Fixture& fixture) {
  REQUIRE(fixture.users().create(make_user(1, "alice", "alice@example.com")).ok());
  REQUIRE(fixture.users().create(make_user(2, "bob", "bob@example.com")).ok());
}

// Words chosen to stem the same way in every adapter and to be nobody's stop word.
core::Post text_post(std::uint64_t n, std::uint64_t author, std::int64_t created, std::string_view title,
                     std::string_view body, bool published = true) {
  auto post = make_post(post_id(n), user_id(author), created, published);
  post.title = valid<core::PostTitle>(title);
  post.body = valid<core::PostBody>(body);
  return post;
}

core::PostQuery search(std::string_view text, std::int64_t page_number = 1, std::int64_t size = 20) {
  core::PostQuery query;
  query.page = page(page_number, size);
  query.search = valid<core::SearchQuery>(text);
  return query;
}

}  // namespace

TEMPLATE_TEST_CASE("PostRepository search: finds words in the title and in the body", "[posts][search]",
                   PARLEY_STORAGE_FIXTURES) {
  TestType fixture;
  add_authors(fixture);
  auto& posts = fixture.posts();
  REQUIRE(posts.create(text_post(1, 1, 100, "Kayak weekend", "Paddling along the coast.")).ok());
  REQUIRE(posts.create(text_post(2, 2, 200, "Mountain notes", "We saw a glacier from the ridge.")).ok());
  REQUIRE(posts.create(text_post(3, 1, 300, "Garden diary", "Tomatoes and basil again.")).ok());

  auto in_title = posts.list(search("kayak"));
  REQUIRE(in_title.ok());
  CHECK(item_ids(in_title->items) == strings({post_id(1)}));
  CHECK(in_title->total == 1);

  auto in_body = posts.list(search("GLACIER"));  // case does not matter
  REQUIRE(in_body.ok());
  CHECK(item_ids(in_body->items) == strings({post_id(2)}));
  CHECK(in_body->total == 1);

  auto every_word = posts.list(search("glacier ridge"));  // every word must match
  REQUIRE(every_word.ok());
  CHECK(item_ids(every_word->items) == strings({post_id(2)}));
  auto not_every_word = posts.list(search("glacier basil"));
  REQUIRE(not_every_word.ok());
  CHECK(not_every_word->items.empty());
  CHECK(not_every_word->total == 0);

  auto none = posts.list(search("volcano"));
  REQUIRE(none.ok());
  CHECK(none->items.empty());
  CHECK(none->total == 0);
}

TEMPLATE_TEST_CASE("PostRepository search: a title match outranks a body-only one, then newest first",
                   "[posts][search]", PARLEY_STORAGE_FIXTURES) {
  TestType fixture;
  add_authors(fixture);
  auto& posts = fixture.posts();
  // The body-only matches are newer, so recency alone would put them first.
  REQUIRE(posts.create(text_post(1, 1, 100, "Kayak repairs", "Patching the hull before spring.")).ok());
  REQUIRE(posts.create(text_post(2, 2, 300, "Harbour notes", "Someone left a kayak on the pier.")).ok());
  REQUIRE(posts.create(text_post(3, 1, 500, "Harbour notes", "Someone left a kayak on the pier.")).ok());
  REQUIRE(posts.create(text_post(4, 2, 400, "Unrelated", "Nothing to see here.")).ok());

  auto ranked = posts.list(search("kayak"));
  REQUIRE(ranked.ok());
  // Posts 2 and 3 rank the same (identical text): the newer one first.
  CHECK(item_ids(ranked->items) == strings({post_id(1), post_id(3), post_id(2)}));
  CHECK(ranked->total == 3);
}

TEMPLATE_TEST_CASE("PostRepository search: drafts and the author filter apply as in a list",
                   "[posts][search]", PARLEY_STORAGE_FIXTURES) {
  TestType fixture;
  add_authors(fixture);
  auto& posts = fixture.posts();
  // The same text everywhere, so every match ranks alike and recency alone orders them.
  REQUIRE(posts.create(text_post(1, 1, 100, "Meadow notes", "Wild flowers.")).ok());
  REQUIRE(posts.create(text_post(2, 1, 200, "Meadow notes", "Wild flowers.", false)).ok());
  REQUIRE(posts.create(text_post(3, 2, 300, "Meadow notes", "Wild flowers.")).ok());
  REQUIRE(posts.create(text_post(4, 2, 400, "Meadow notes", "Wild flowers.", false)).ok());

  auto q = search("meadow");
  std::vector<std::string> expected;
  SECTION("anonymous: published only") {
    expected = strings({post_id(3), post_id(1)});
  }
  SECTION("an author also finds their own drafts") {
    q.drafts.authored_by = user_id(1);
    expected = strings({post_id(3), post_id(2), post_id(1)});
  }
  SECTION("moderators find every draft") {
    q.drafts.all = true;
    expected = strings({post_id(4), post_id(3), post_id(2), post_id(1)});
  }
  SECTION("author filter") {
    q.author = user_id(2);
    expected = strings({post_id(3)});
  }
  SECTION("author filter with that author's drafts") {
    q.author = user_id(2);
    q.drafts.authored_by = user_id(2);
    expected = strings({post_id(4), post_id(3)});
  }
  auto found = posts.list(q);
  REQUIRE(found.ok());
  CHECK(item_ids(found->items) == expected);
  CHECK(found->total == static_cast<std::int64_t>(expected.size()));
}

TEMPLATE_TEST_CASE("PostRepository search: pages with the total of every match", "[posts][search]",
                   PARLEY_STORAGE_FIXTURES) {
  TestType fixture;
  add_authors(fixture);
  auto& posts = fixture.posts();
  // Five equal matches (ranked alike, so newest first) and one post that does not match.
  for (std::uint64_t n = 1; n <= 5; ++n) {
    REQUIRE(posts
                .create(text_post(n, 1 + n % 2, static_cast<std::int64_t>(n) * 100, "Orchard log",
                                  "Apples today."))
                .ok());
  }
  REQUIRE(posts.create(text_post(6, 1, 600, "Elsewhere", "Pears today.")).ok());

  auto first = posts.list(search("orchard", 1, 2));
  auto second = posts.list(search("orchard", 2, 2));
  auto third = posts.list(search("orchard", 3, 2));
  auto beyond = posts.list(search("orchard", 4, 2));
  REQUIRE(first.ok());
  REQUIRE(second.ok());
  REQUIRE(third.ok());
  REQUIRE(beyond.ok());
  CHECK(item_ids(first->items) == strings({post_id(5), post_id(4)}));
  CHECK(item_ids(second->items) == strings({post_id(3), post_id(2)}));
  CHECK(item_ids(third->items) == strings({post_id(1)}));
  CHECK(beyond->items.empty());
  CHECK(first->total == 5);
  CHECK(second->total == 5);
  CHECK(third->total == 5);
  CHECK(beyond->total == 5);
}

TEMPLATE_TEST_CASE("PostRepository search: edits and deletes reach the index", "[posts][search]",
                   PARLEY_STORAGE_FIXTURES) {
  TestType fixture;
  add_authors(fixture);
  auto& posts = fixture.posts();
  auto post = text_post(1, 1, 100, "Canyon trip", "Dusty trail.");
  REQUIRE(posts.create(post).ok());
  REQUIRE(posts.create(text_post(2, 2, 200, "Canyon photos", "Red rock.")).ok());

  post.title = valid<core::PostTitle>("Lagoon trip");
  post.updated_at = at_ms(150);
  REQUIRE(posts.update(post).ok());
  auto old_word = posts.list(search("canyon"));
  REQUIRE(old_word.ok());
  CHECK(item_ids(old_word->items) == strings({post_id(2)}));
  auto new_word = posts.list(search("lagoon"));
  REQUIRE(new_word.ok());
  CHECK(item_ids(new_word->items) == strings({post_id(1)}));

  REQUIRE(posts.remove(post_id(2)).ok());
  auto after_delete = posts.list(search("canyon"));
  REQUIRE(after_delete.ok());
  CHECK(after_delete->items.empty());
  CHECK(after_delete->total == 0);
}

TEMPLATE_TEST_CASE("PostRepository search: query syntax in user text is never an error", "[posts][search]",
                   PARLEY_STORAGE_FIXTURES) {
  TestType fixture;
  add_authors(fixture);
  auto& posts = fixture.posts();
  REQUIRE(posts.create(text_post(1, 1, 100, "Kayak weekend", "Near the harbour.")).ok());

  // FTS5, tsquery and SQL syntax, quotes and operators alone or around a real word.
  const char* const hostile[] = {
      "\"",
      "\"\"",
      "*",
      "AND",
      "OR",
      "NOT",
      "NEAR(",
      "NEAR(kayak",
      "kayak*",
      "\"kayak",
      "kayak\"",
      "-kayak",
      "^kayak",
      "title:kayak",
      "kayak AND",
      "(kayak",
      "kayak)",
      "!kayak",
      "kayak & |",
      "kayak <->",
      "kayak:*",
      "'",
      "';--",
      "\\",
      "'); DROP TABLE posts; --",
      "{title body}: kayak",
      "kayak + -",
      "***",
      ":",
      "é",
      "日本語",
  };
  for (const char* text : hostile) {
    INFO("q = " << text);
    auto found = posts.list(search(text));
    CHECK(found.ok());
  }
  // Quotes and operators around a word leave the word: it is still found.
  for (const char* text : {"\"kayak\"", "kayak*", "(kayak)", "-kayak", "^kayak", "kayak:*"}) {
    INFO("q = " << text);
    auto found = posts.list(search(text));
    REQUIRE(found.ok());
    CHECK(item_ids(found->items) == strings({post_id(1)}));
  }
  // Punctuation alone has no word and matches nothing.
  auto nothing = posts.list(search("* \" ( )"));
  REQUIRE(nothing.ok());
  CHECK(nothing->items.empty());
  CHECK(nothing->total == 0);
  CHECK(posts.find_by_id(post_id(1)).ok());  // and the table is still there
}

TEMPLATE_TEST_CASE("PostRepository search: with a known total the page is the same and reports that total",
                   "[posts][search]", PARLEY_STORAGE_FIXTURES) {
  TestType fixture;
  add_authors(fixture);
  auto& posts = fixture.posts();
  for (std::uint64_t n = 1; n <= 3; ++n) {
    REQUIRE(posts
                .create(text_post(n, 1 + n % 2, static_cast<std::int64_t>(n) * 100, "Orchard log",
                                  "Apples today."))
                .ok());
  }
  REQUIRE(posts.create(text_post(4, 1, 400, "Elsewhere", "An orchard in the body only.")).ok());
  REQUIRE(posts.create(text_post(5, 2, 500, "Elsewhere", "Pears today.")).ok());
  constexpr std::int64_t kKnown = 42;  // not the real count (4): reported as is, nothing counted

  for (const std::int64_t number : {1, 2, 3}) {
    auto q = search("orchard", number, 2);
    auto counted = posts.list(q);
    q.known_total = kKnown;
    auto known = posts.list(q);
    REQUIRE(counted.ok());
    REQUIRE(known.ok());
    CHECK(counted->total == 4);
    CHECK(known->total == kKnown);
    CHECK(item_ids(known->items) == item_ids(counted->items));
  }
  auto q = search("orchard", 1, 20);
  q.known_total = kKnown;
  auto all = posts.list(q);
  REQUIRE(all.ok());
  CHECK(item_ids(all->items) == strings({post_id(3), post_id(2), post_id(1), post_id(4)}));
  q = search("orchard", 3, 2);  // past the end
  q.known_total = kKnown;
  auto beyond = posts.list(q);
  REQUIRE(beyond.ok());
  CHECK(beyond->items.empty());
  CHECK(beyond->total == kKnown);
}
