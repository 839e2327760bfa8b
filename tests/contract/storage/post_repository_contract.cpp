// The PostRepository contract, run against every adapter.
#include "contract_support.hpp"

using namespace parley;            // NOLINT(google-build-using-namespace): test brevity
using namespace parley::contract;  // NOLINT(google-build-using-namespace): fixture names in test names

namespace {

// Two authors, so posts can reference real users (SQL adapters enforce the foreign key).
template <class Fixture>
void add_authors(Fixture& fixture) {
  REQUIRE(fixture.users().create(make_user(1, "alice", "alice@example.com")).ok());
  REQUIRE(fixture.users().create(make_user(2, "bob", "bob@example.com")).ok());
}

core::PostQuery query(std::int64_t page_number = 1, std::int64_t size = 20) {
  core::PostQuery query;
  query.page = page(page_number, size);
  return query;
}

}  // namespace

TEMPLATE_TEST_CASE("PostRepository: a created post is found by id", "[posts]", PARLEY_STORAGE_FIXTURES) {
  TestType fixture;
  add_authors(fixture);
  auto& posts = fixture.posts();
  const auto draft = make_post(post_id(1), user_id(1), 100, false);
  const auto published = make_post(post_id(2), user_id(2), 200, true);
  REQUIRE(posts.create(draft).ok());
  REQUIRE(posts.create(published).ok());

  auto found = posts.find_by_id(draft.id);
  REQUIRE(found.ok());
  CHECK(*found == draft);  // drafts are found by id: hiding them is the service's rule
  found = posts.find_by_id(published.id);
  REQUIRE(found.ok());
  CHECK(*found == published);
}

TEMPLATE_TEST_CASE("PostRepository: a taken id is a conflict", "[posts]", PARLEY_STORAGE_FIXTURES) {
  TestType fixture;
  add_authors(fixture);
  auto& posts = fixture.posts();
  const auto first = make_post(post_id(1), user_id(1), 100);
  REQUIRE(posts.create(first).ok());

  auto status = posts.create(make_post(post_id(1), user_id(2), 200));
  REQUIRE_FALSE(status.ok());
  CHECK(code_of(status) == core::ErrorCode::conflict);
  auto stored = posts.find_by_id(first.id);
  REQUIRE(stored.ok());
  CHECK(*stored == first);
}

TEMPLATE_TEST_CASE("PostRepository: unknown posts are not_found", "[posts]", PARLEY_STORAGE_FIXTURES) {
  TestType fixture;
  add_authors(fixture);
  auto& posts = fixture.posts();
  REQUIRE(posts.create(make_post(post_id(1), user_id(1), 100)).ok());

  CHECK(code_of(posts.find_by_id(post_id(99))) == core::ErrorCode::not_found);
  CHECK(code_of(posts.update(make_post(post_id(99), user_id(1), 100))) == core::ErrorCode::not_found);
  CHECK(code_of(posts.remove(post_id(99))) == core::ErrorCode::not_found);
  CHECK(code_of(posts.find_by_id(post_id(99))) == core::ErrorCode::not_found);  // update created nothing
  CHECK(posts.find_by_id(post_id(1)).ok());
}

TEMPLATE_TEST_CASE("PostRepository: update replaces title, body, is_published and updated_at only", "[posts]",
                   PARLEY_STORAGE_FIXTURES) {
  TestType fixture;
  add_authors(fixture);
  auto& posts = fixture.posts();
  const auto original = make_post(post_id(1), user_id(1), 100, false);
  REQUIRE(posts.create(original).ok());

  auto changed = original;
  changed.title = valid<core::PostTitle>("A new title");
  changed.body = valid<core::PostBody>("A new\tbody");
  changed.is_published = true;
  changed.updated_at = at_ms(500);
  changed.author_id = user_id(2);   // must be ignored
  changed.created_at = at_ms(999);  // must be ignored
  REQUIRE(posts.update(changed).ok());

  auto stored = posts.find_by_id(original.id);
  REQUIRE(stored.ok());
  auto expected = changed;
  expected.author_id = original.author_id;
  expected.created_at = original.created_at;
  CHECK(*stored == expected);
}

TEMPLATE_TEST_CASE("PostRepository: remove deletes the post and its comments only", "[posts]",
                   PARLEY_STORAGE_FIXTURES) {
  TestType fixture;
  add_authors(fixture);
  auto& posts = fixture.posts();
  auto& comments = fixture.comments();
  REQUIRE(posts.create(make_post(post_id(1), user_id(1), 100)).ok());
  REQUIRE(posts.create(make_post(post_id(2), user_id(2), 200)).ok());
  REQUIRE(comments.create(make_comment(comment_id(1), post_id(1), user_id(2), 110)).ok());
  REQUIRE(comments.create(make_comment(comment_id(2), post_id(1), user_id(1), 120)).ok());
  REQUIRE(comments.create(make_comment(comment_id(3), post_id(2), user_id(1), 210)).ok());

  REQUIRE(posts.remove(post_id(1)).ok());

  CHECK(code_of(posts.find_by_id(post_id(1))) == core::ErrorCode::not_found);
  CHECK(code_of(comments.find_by_id(comment_id(1))) == core::ErrorCode::not_found);
  CHECK(code_of(comments.find_by_id(comment_id(2))) == core::ErrorCode::not_found);
  auto gone = comments.list_for_post(post_id(1), page(1, 20));
  REQUIRE(gone.ok());
  CHECK(gone->items.empty());
  CHECK(gone->total == 0);
  // The other post and its thread are untouched.
  CHECK(posts.find_by_id(post_id(2)).ok());
  CHECK(comments.find_by_id(comment_id(3)).ok());
  // Removing twice: the second time there is nothing to remove.
  CHECK(code_of(posts.remove(post_id(1))) == core::ErrorCode::not_found);
}

TEMPLATE_TEST_CASE("PostRepository: list is newest first, ties broken by id, with totals across pages",
                   "[posts]", PARLEY_STORAGE_FIXTURES) {
  TestType fixture;
  add_authors(fixture);
  auto& posts = fixture.posts();
  // Created out of order; two share a timestamp, and their ids differ in the first byte so
  // that a text and a byte comparison of ids must agree.
  const auto tie_low = id_from<core::PostId>("0b000000-0000-7000-8000-000000000000");
  const auto tie_high = id_from<core::PostId>("a0000000-0000-7000-8000-000000000000");
  REQUIRE(posts.create(make_post(post_id(1), user_id(1), 300)).ok());
  REQUIRE(posts.create(make_post(tie_low, user_id(2), 200)).ok());
  REQUIRE(posts.create(make_post(post_id(3), user_id(1), 500)).ok());
  REQUIRE(posts.create(make_post(tie_high, user_id(1), 200)).ok());
  REQUIRE(posts.create(make_post(post_id(5), user_id(2), 100)).ok());
  const auto newest_first = strings({post_id(3), post_id(1), tie_high, tie_low, post_id(5)});

  auto all = posts.list(query(1, 20));
  REQUIRE(all.ok());
  CHECK(item_ids(all->items) == newest_first);
  CHECK(all->total == 5);

  auto first = posts.list(query(1, 2));
  auto second = posts.list(query(2, 2));
  auto third = posts.list(query(3, 2));
  auto beyond = posts.list(query(4, 2));
  REQUIRE(first.ok());
  REQUIRE(second.ok());
  REQUIRE(third.ok());
  REQUIRE(beyond.ok());
  CHECK(item_ids(first->items) == std::vector<std::string>(newest_first.begin(), newest_first.begin() + 2));
  CHECK(item_ids(second->items) ==
        std::vector<std::string>(newest_first.begin() + 2, newest_first.begin() + 4));
  CHECK(item_ids(third->items) == std::vector<std::string>(newest_first.begin() + 4, newest_first.end()));
  CHECK(beyond->items.empty());
  CHECK(first->total == 5);
  CHECK(second->total == 5);
  CHECK(third->total == 5);
  CHECK(beyond->total == 5);
}

TEMPLATE_TEST_CASE("PostRepository: list shows drafts only as DraftVisibility allows", "[posts]",
                   PARLEY_STORAGE_FIXTURES) {
  TestType fixture;
  add_authors(fixture);
  REQUIRE(fixture.users().create(make_user(3, "carol", "carol@example.com")).ok());
  auto& posts = fixture.posts();
  const auto alice_published = post_id(1);
  const auto alice_draft = post_id(2);
  const auto bob_published = post_id(3);
  const auto bob_draft = post_id(4);
  REQUIRE(posts.create(make_post(alice_published, user_id(1), 100, true)).ok());
  REQUIRE(posts.create(make_post(alice_draft, user_id(1), 200, false)).ok());
  REQUIRE(posts.create(make_post(bob_published, user_id(2), 300, true)).ok());
  REQUIRE(posts.create(make_post(bob_draft, user_id(2), 400, false)).ok());

  auto q = query();
  std::vector<std::string> expected;
  SECTION("no drafts: published posts only") {
    expected = strings({bob_published, alice_published});
  }
  SECTION("authored_by: published posts plus that author's drafts") {
    q.drafts.authored_by = user_id(1);
    expected = strings({bob_published, alice_draft, alice_published});
  }
  SECTION("authored_by a user without drafts changes nothing") {
    q.drafts.authored_by = user_id(3);
    expected = strings({bob_published, alice_published});
  }
  SECTION("all: every draft") {
    q.drafts.all = true;
    expected = strings({bob_draft, bob_published, alice_draft, alice_published});
  }
  SECTION("author filter: only that author's posts, drafts still hidden") {
    q.author = user_id(2);
    expected = strings({bob_published});
  }
  SECTION("author filter with that author's own drafts visible") {
    q.author = user_id(2);
    q.drafts.authored_by = user_id(2);
    expected = strings({bob_draft, bob_published});
  }
  SECTION("author filter with another author's drafts visible") {
    q.author = user_id(2);
    q.drafts.authored_by = user_id(1);
    expected = strings({bob_published});
  }
  SECTION("author filter with every draft visible") {
    q.author = user_id(1);
    q.drafts.all = true;
    expected = strings({alice_draft, alice_published});
  }
  SECTION("an author without posts") {
    q.author = user_id(3);
    q.drafts.all = true;
  }

  auto listed = posts.list(q);
  REQUIRE(listed.ok());
  CHECK(item_ids(listed->items) == expected);
  CHECK(listed->total == static_cast<std::int64_t>(expected.size()));

  // The total counts every match, not just the page.
  q.page = page(1, 1);
  auto first = posts.list(q);
  REQUIRE(first.ok());
  CHECK(first->items.size() == std::min<std::size_t>(expected.size(), 1));
  CHECK(first->total == static_cast<std::int64_t>(expected.size()));
}

TEMPLATE_TEST_CASE(
    "PostRepository: with a known total the page is the same and reports that total, uncounted", "[posts]",
    PARLEY_STORAGE_FIXTURES) {
  TestType fixture;
  add_authors(fixture);
  auto& posts = fixture.posts();
  REQUIRE(posts.create(make_post(post_id(1), user_id(1), 100, true, tag_list({"t"}))).ok());
  REQUIRE(posts.create(make_post(post_id(2), user_id(2), 200)).ok());
  REQUIRE(posts.create(make_post(post_id(3), user_id(1), 300, false)).ok());
  REQUIRE(posts.create(make_post(post_id(4), user_id(1), 400, true, tag_list({"t"}))).ok());
  REQUIRE(posts.create(make_post(post_id(5), user_id(2), 500)).ok());
  // Not the real count (4 visible posts): the adapter reports what it is told and counts nothing.
  constexpr std::int64_t kKnown = 42;

  const auto same_page_with_known_total = [&](core::PostQuery q) {
    auto counted = posts.list(q);
    q.known_total = kKnown;
    auto known = posts.list(q);
    REQUIRE(counted.ok());
    REQUIRE(known.ok());
    CHECK(item_ids(known->items) == item_ids(counted->items));
    CHECK(known->total == kKnown);
    CHECK(counted->total != kKnown);
    // Whole posts, tags included, not just their ids.
    REQUIRE(known->items.size() == counted->items.size());
    for (std::size_t i = 0; i < known->items.size(); ++i) {
      CHECK(known->items[i].tags == counted->items[i].tags);
      CHECK(known->items[i].title == counted->items[i].title);
      CHECK(known->items[i].created_at == counted->items[i].created_at);
      CHECK(known->items[i].is_published == counted->items[i].is_published);
    }
    return std::move(known).value();
  };

  SECTION("numbered pages") {
    CHECK(item_ids(same_page_with_known_total(query(1, 2)).items) == strings({post_id(5), post_id(4)}));
    CHECK(item_ids(same_page_with_known_total(query(2, 2)).items) == strings({post_id(2), post_id(1)}));
  }
  SECTION("a page past the end still reports the known total") {
    auto beyond = same_page_with_known_total(query(3, 2));
    CHECK(beyond.items.empty());
    CHECK(beyond.total == kKnown);
    auto far = same_page_with_known_total(query(1000, 20));
    CHECK(far.items.empty());
    CHECK(far.total == kKnown);
  }
  SECTION("a cursor page, and a cursor past the last post") {
    auto q = query(1, 2);
    q.after = core::PostCursor{.created_at = at_ms(400), .id = post_id(4)};
    CHECK(item_ids(same_page_with_known_total(q).items) == strings({post_id(2), post_id(1)}));
    q.after = core::PostCursor{.created_at = at_ms(100), .id = post_id(1)};
    auto past = same_page_with_known_total(q);
    CHECK(past.items.empty());
    CHECK(past.total == kKnown);
  }
  SECTION("filters and drafts") {
    auto q = query(1, 20);
    q.author = user_id(1);
    q.drafts.all = true;
    CHECK(item_ids(same_page_with_known_total(q).items) == strings({post_id(4), post_id(3), post_id(1)}));
    q = query(1, 1);
    q.tag = core::Tag::from_storage("t");
    CHECK(item_ids(same_page_with_known_total(q).items) == strings({post_id(4)}));
  }
}
