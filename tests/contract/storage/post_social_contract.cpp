// The PostRepository contract for the social features (issue 7), run against every adapter:
// slugs, descriptions and tags stored with a post, find_by_slug, the tag, liked_by and
// followed_by filters and the keyset cursor (each alone and combined with the others, the
// author and the draft rule), like counts read back, and the popular tags.
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <limits>

#include "contract_support.hpp"

using namespace parley;            // NOLINT(google-build-using-namespace): test brevity
using namespace parley::contract;  // NOLINT(google-build-using-namespace): fixture names in test names

namespace {

// Three users, so posts can reference real authors and likers (SQL adapters enforce the keys).
template <class Fixture>
void add_users(Fixture& fixture) {
  REQUIRE(fixture.users().create(make_user(1, "alice", "alice@example.com")).ok());
  REQUIRE(fixture.users().create(make_user(2, "bob", "bob@example.com")).ok());
  REQUIRE(fixture.users().create(make_user(3, "carol", "carol@example.com")).ok());
}

core::PostQuery query(std::int64_t page_number = 1, std::int64_t size = 20) {
  core::PostQuery query;
  query.page = page(page_number, size);
  return query;
}

core::Tag tag(std::string_view name) {
  return core::Tag::from_storage(std::string(name));
}

std::vector<std::string> tag_names(const core::Post& post) {
  std::vector<std::string> names;
  for (const auto& item : post.tags)
    names.push_back(item.str());
  return names;
}

// Lists and returns the page, failing the test on an error.
core::Page<core::Post> listed(core::PostRepository& posts, const core::PostQuery& query) {
  auto page = posts.list(query);
  INFO((page.ok() ? std::string() : page.error().message));
  REQUIRE(page.ok());
  return std::move(page).value();
}

}  // namespace

TEMPLATE_TEST_CASE("PostRepository: slug, description and tags are stored and found by slug",
                   "[posts][social]", PARLEY_STORAGE_FIXTURES) {
  TestType fixture;
  add_users(fixture);
  auto& posts = fixture.posts();
  auto post = make_post(post_id(1), user_id(1), 100, true, tag_list({"c++", "databases", "zebra"}));
  post.slug = core::Slug::from_storage("a-title-0000abcd");
  post.description = core::PostDescription::from_storage("A short summary, with ünïcode");
  post.like_count = 7;  // ignored on create: counts change only through likes
  REQUIRE(posts.create(post).ok());
  REQUIRE(posts.create(make_post(post_id(2), user_id(2), 200)).ok());

  auto expected = post;
  expected.like_count = 0;
  auto by_id = posts.find_by_id(post.id);
  REQUIRE(by_id.ok());
  CHECK(*by_id == expected);
  auto by_slug = posts.find_by_slug(core::Slug::from_storage("a-title-0000abcd"));
  REQUIRE(by_slug.ok());
  CHECK(*by_slug == expected);

  auto untagged = posts.find_by_slug(slug_for(post_id(2)));
  REQUIRE(untagged.ok());
  CHECK(untagged->id == post_id(2));
  CHECK(untagged->tags.empty());
  CHECK(untagged->description.str().empty());

  CHECK(code_of(posts.find_by_slug(core::Slug::from_storage("a-title"))) == core::ErrorCode::not_found);
  CHECK(code_of(posts.find_by_slug(core::Slug::from_storage("no-such-post"))) == core::ErrorCode::not_found);
}

TEMPLATE_TEST_CASE("PostRepository: a taken slug is a conflict on slug, on create and on update",
                   "[posts][social]", PARLEY_STORAGE_FIXTURES) {
  TestType fixture;
  add_users(fixture);
  auto& posts = fixture.posts();
  const auto first = make_post(post_id(1), user_id(1), 100, true, tag_list({"one"}));
  const auto second = make_post(post_id(2), user_id(1), 200, true, tag_list({"two"}));
  REQUIRE(posts.create(first).ok());
  REQUIRE(posts.create(second).ok());

  auto clash = make_post(post_id(3), user_id(2), 300, true, tag_list({"three"}));
  clash.slug = first.slug;
  auto created = posts.create(clash);
  REQUIRE_FALSE(created.ok());
  CHECK(code_of(created) == core::ErrorCode::conflict);
  CHECK(created.error().details.contains("slug"));
  CHECK(code_of(posts.find_by_id(clash.id)) == core::ErrorCode::not_found);
  CHECK(listed(posts, query()).total == 2);

  auto renamed = second;
  renamed.slug = first.slug;
  renamed.title = valid<core::PostTitle>("Renamed");
  renamed.tags = tag_list({"changed"});
  auto updated = posts.update(renamed);
  REQUIRE_FALSE(updated.ok());
  CHECK(code_of(updated) == core::ErrorCode::conflict);
  CHECK(updated.error().details.contains("slug"));
  auto stored = posts.find_by_id(second.id);
  REQUIRE(stored.ok());
  CHECK(*stored == second);  // neither the fields nor the tags of the refused update were kept
}

TEMPLATE_TEST_CASE("PostRepository: update replaces slug, description and the tags as a whole",
                   "[posts][social]", PARLEY_STORAGE_FIXTURES) {
  TestType fixture;
  add_users(fixture);
  auto& posts = fixture.posts();
  const auto original = make_post(post_id(1), user_id(1), 100, true, tag_list({"alpha", "beta", "gamma"}));
  REQUIRE(posts.create(original).ok());
  REQUIRE(fixture.likes().like(user_id(2), original.id).ok());

  auto changed = original;
  changed.slug = core::Slug::from_storage("new-title-00000001");
  changed.title = valid<core::PostTitle>("New title");
  changed.description = core::PostDescription::from_storage("now with a summary");
  changed.tags = tag_list({"beta", "delta"});  // one kept, two dropped, one added
  changed.updated_at = at_ms(500);
  changed.like_count = 40;  // ignored on update
  REQUIRE(posts.update(changed).ok());

  auto stored = posts.find_by_id(original.id);
  REQUIRE(stored.ok());
  auto expected = changed;
  expected.like_count = 1;
  CHECK(*stored == expected);
  CHECK(code_of(posts.find_by_slug(original.slug)) == core::ErrorCode::not_found);
  auto by_new_slug = posts.find_by_slug(changed.slug);
  REQUIRE(by_new_slug.ok());
  CHECK(by_new_slug->id == original.id);

  // The old tags no longer find it, the new ones do.
  auto by_tag = query();
  by_tag.tag = tag("alpha");
  CHECK(listed(posts, by_tag).items.empty());
  by_tag.tag = tag("delta");
  CHECK(item_ids(listed(posts, by_tag).items) == strings({original.id}));

  changed.tags.clear();
  REQUIRE(posts.update(changed).ok());
  stored = posts.find_by_id(original.id);
  REQUIRE(stored.ok());
  CHECK(stored->tags.empty());
}

TEMPLATE_TEST_CASE("PostRepository: remove takes the post's tags and likes with it", "[posts][social]",
                   PARLEY_STORAGE_FIXTURES) {
  TestType fixture;
  add_users(fixture);
  auto& posts = fixture.posts();
  REQUIRE(posts.create(make_post(post_id(1), user_id(1), 100, true, tag_list({"gone", "kept"}))).ok());
  REQUIRE(posts.create(make_post(post_id(2), user_id(1), 200, true, tag_list({"kept"}))).ok());
  REQUIRE(fixture.likes().like(user_id(2), post_id(1)).ok());
  REQUIRE(fixture.likes().like(user_id(2), post_id(2)).ok());

  REQUIRE(posts.remove(post_id(1)).ok());

  auto popular = posts.popular_tags(10);
  REQUIRE(popular.ok());
  REQUIRE(popular->size() == 1);
  CHECK(popular->front().str() == "kept");
  auto liked = query();
  liked.liked_by = user_id(2);
  const auto listing = listed(posts, liked);
  CHECK(item_ids(listing.items) == strings({post_id(2)}));
  CHECK(listing.total == 1);
  const std::vector<core::PostId> both{post_id(1), post_id(2)};
  auto among = fixture.likes().liked_among(user_id(2), both);
  REQUIRE(among.ok());
  CHECK(*among == std::vector<core::PostId>{post_id(2)});

  // The same id can be used again, and starts with no tags and no likes.
  REQUIRE(posts.create(make_post(post_id(1), user_id(3), 300)).ok());
  auto again = posts.find_by_id(post_id(1));
  REQUIRE(again.ok());
  CHECK(again->tags.empty());
  CHECK(again->like_count == 0);
}

TEMPLATE_TEST_CASE("PostRepository: list by tag, with the tags and like counts of every item",
                   "[posts][social]", PARLEY_STORAGE_FIXTURES) {
  TestType fixture;
  add_users(fixture);
  auto& posts = fixture.posts();
  REQUIRE(posts.create(make_post(post_id(1), user_id(1), 100, true, tag_list({"cpp", "sql"}))).ok());
  REQUIRE(posts.create(make_post(post_id(2), user_id(2), 200, true, tag_list({"go"}))).ok());
  REQUIRE(posts.create(make_post(post_id(3), user_id(1), 300, true, tag_list({"sql"}))).ok());
  REQUIRE(posts.create(make_post(post_id(4), user_id(2), 400, false, tag_list({"sql"}))).ok());  // draft
  REQUIRE(posts.create(make_post(post_id(5), user_id(2), 500, true, tag_list({"sql", "zig"}))).ok());
  REQUIRE(fixture.likes().like(user_id(3), post_id(3)).ok());
  REQUIRE(fixture.likes().like(user_id(2), post_id(3)).ok());
  REQUIRE(fixture.likes().like(user_id(3), post_id(5)).ok());

  auto by_tag = query();
  by_tag.tag = tag("sql");
  auto listing = listed(posts, by_tag);
  CHECK(item_ids(listing.items) == strings({post_id(5), post_id(3), post_id(1)}));
  CHECK(listing.total == 3);
  REQUIRE(listing.items.size() == 3);
  CHECK(tag_names(listing.items[0]) == std::vector<std::string>{"sql", "zig"});
  CHECK(tag_names(listing.items[1]) == std::vector<std::string>{"sql"});
  CHECK(tag_names(listing.items[2]) == std::vector<std::string>{"cpp", "sql"});
  CHECK(listing.items[0].like_count == 1);
  CHECK(listing.items[1].like_count == 2);
  CHECK(listing.items[2].like_count == 0);

  SECTION("paged, with the total of every match") {
    by_tag.page = page(2, 2);
    listing = listed(posts, by_tag);
    CHECK(item_ids(listing.items) == strings({post_id(1)}));
    CHECK(listing.total == 3);
    by_tag.page = page(3, 2);  // past the end: no items, still the total
    listing = listed(posts, by_tag);
    CHECK(listing.items.empty());
    CHECK(listing.total == 3);
  }
  SECTION("with a known total: the same items with the same tags, read without counting") {
    by_tag.known_total = 3;
    listing = listed(posts, by_tag);
    REQUIRE(item_ids(listing.items) == strings({post_id(5), post_id(3), post_id(1)}));
    CHECK(tag_names(listing.items[0]) == std::vector<std::string>{"sql", "zig"});
    CHECK(tag_names(listing.items[1]) == std::vector<std::string>{"sql"});
    CHECK(tag_names(listing.items[2]) == std::vector<std::string>{"cpp", "sql"});
    CHECK(listing.items[1].like_count == 2);
  }
  SECTION("with drafts their author may see") {
    by_tag.drafts.authored_by = user_id(2);
    listing = listed(posts, by_tag);
    CHECK(item_ids(listing.items) == strings({post_id(5), post_id(4), post_id(3), post_id(1)}));
    CHECK(listing.total == 4);
  }
  SECTION("with an author") {
    by_tag.author = user_id(1);
    listing = listed(posts, by_tag);
    CHECK(item_ids(listing.items) == strings({post_id(3), post_id(1)}));
    CHECK(listing.total == 2);
  }
  SECTION("a tag nobody uses") {
    by_tag.tag = tag("cobol");
    listing = listed(posts, by_tag);
    CHECK(listing.items.empty());
    CHECK(listing.total == 0);
  }
  SECTION("tags compare exactly: a prefix or another case is another tag") {
    by_tag.tag = tag("sq");
    CHECK(listed(posts, by_tag).total == 0);
    by_tag.tag = tag("SQL");
    CHECK(listed(posts, by_tag).total == 0);
  }
}

TEMPLATE_TEST_CASE("PostRepository: list liked_by, alone and with a tag", "[posts][social]",
                   PARLEY_STORAGE_FIXTURES) {
  TestType fixture;
  add_users(fixture);
  auto& posts = fixture.posts();
  REQUIRE(posts.create(make_post(post_id(1), user_id(1), 100, true, tag_list({"a"}))).ok());
  REQUIRE(posts.create(make_post(post_id(2), user_id(2), 200, true, tag_list({"b"}))).ok());
  REQUIRE(posts.create(make_post(post_id(3), user_id(1), 300, true, tag_list({"a"}))).ok());
  REQUIRE(posts.create(make_post(post_id(4), user_id(1), 400, true)).ok());
  for (const auto& liked : {post_id(1), post_id(2), post_id(3)})
    REQUIRE(fixture.likes().like(user_id(3), liked).ok());
  REQUIRE(fixture.likes().like(user_id(2), post_id(4)).ok());

  auto liked = query();
  liked.liked_by = user_id(3);
  auto listing = listed(posts, liked);
  CHECK(item_ids(listing.items) == strings({post_id(3), post_id(2), post_id(1)}));
  CHECK(listing.total == 3);

  liked.tag = tag("a");
  listing = listed(posts, liked);
  CHECK(item_ids(listing.items) == strings({post_id(3), post_id(1)}));
  CHECK(listing.total == 2);

  liked.tag.reset();
  liked.liked_by = user_id(1);  // likes nothing
  listing = listed(posts, liked);
  CHECK(listing.items.empty());
  CHECK(listing.total == 0);

  // After an unlike the post leaves the list.
  REQUIRE(fixture.likes().unlike(user_id(3), post_id(2)).ok());
  liked.liked_by = user_id(3);
  CHECK(item_ids(listed(posts, liked).items) == strings({post_id(3), post_id(1)}));
}

TEMPLATE_TEST_CASE("PostRepository: list followed_by is the reader's feed", "[posts][social]",
                   PARLEY_STORAGE_FIXTURES) {
  TestType fixture;
  add_users(fixture);
  REQUIRE(fixture.users().create(make_user(4, "dave", "dave@example.com")).ok());
  auto& posts = fixture.posts();
  REQUIRE(posts.create(make_post(post_id(1), user_id(1), 100, true, tag_list({"x"}))).ok());
  REQUIRE(posts.create(make_post(post_id(2), user_id(2), 200)).ok());
  REQUIRE(posts.create(make_post(post_id(3), user_id(3), 300)).ok());
  REQUIRE(posts.create(make_post(post_id(4), user_id(1), 400, false)).ok());  // alice's draft
  REQUIRE(posts.create(make_post(post_id(5), user_id(2), 500, true, tag_list({"x"}))).ok());
  REQUIRE(posts.create(make_post(post_id(6), user_id(4), 600)).ok());  // the reader's own post

  auto feed = query();
  feed.followed_by = user_id(4);
  SECTION("following nobody: empty") {
    const auto listing = listed(posts, feed);
    CHECK(listing.items.empty());
    CHECK(listing.total == 0);
  }
  SECTION("the published posts of the followed authors, newest first") {
    REQUIRE(fixture.follows().follow(user_id(4), user_id(1)).ok());
    REQUIRE(fixture.follows().follow(user_id(4), user_id(2)).ok());
    REQUIRE(fixture.follows().follow(user_id(3), user_id(4)).ok());  // the other way: irrelevant
    auto listing = listed(posts, feed);
    CHECK(item_ids(listing.items) == strings({post_id(5), post_id(2), post_id(1)}));
    CHECK(listing.total == 3);

    feed.tag = tag("x");
    listing = listed(posts, feed);
    CHECK(item_ids(listing.items) == strings({post_id(5), post_id(1)}));
    CHECK(listing.total == 2);

    feed.tag.reset();
    REQUIRE(fixture.follows().unfollow(user_id(4), user_id(2)).ok());
    listing = listed(posts, feed);
    CHECK(item_ids(listing.items) == strings({post_id(1)}));
    CHECK(listing.total == 1);
  }
}

TEMPLATE_TEST_CASE("PostRepository: a cursor starts the page strictly after it, the total counts all",
                   "[posts][social]", PARLEY_STORAGE_FIXTURES) {
  TestType fixture;
  add_users(fixture);
  auto& posts = fixture.posts();
  // Two pairs share a timestamp; their ids differ in the first byte, so a text and a byte
  // comparison of ids must agree.
  const auto tie_low = id_from<core::PostId>("0b000000-0000-7000-8000-000000000000");
  const auto tie_high = id_from<core::PostId>("a0000000-0000-7000-8000-000000000000");
  REQUIRE(posts.create(make_post(post_id(1), user_id(1), 500, true, tag_list({"t"}))).ok());
  REQUIRE(posts.create(make_post(tie_high, user_id(1), 400, true, tag_list({"t"}))).ok());
  REQUIRE(posts.create(make_post(tie_low, user_id(2), 400)).ok());
  REQUIRE(posts.create(make_post(post_id(4), user_id(2), 300, true, tag_list({"t"}))).ok());
  REQUIRE(posts.create(make_post(post_id(5), user_id(1), 200, false, tag_list({"t"}))).ok());  // draft
  REQUIRE(posts.create(make_post(post_id(6), user_id(1), 100, true, tag_list({"t"}))).ok());

  auto after = query(1, 2);
  after.after = core::PostCursor{.created_at = at_ms(400), .id = tie_high};
  auto listing = listed(posts, after);
  CHECK(item_ids(listing.items) == strings({tie_low, post_id(4)}));  // the tie, then older
  CHECK(listing.total == 5);  // every visible post, also those before the cursor

  after.after = core::PostCursor{.created_at = at_ms(300), .id = post_id(4)};
  listing = listed(posts, after);
  CHECK(item_ids(listing.items) == strings({post_id(6)}));
  CHECK(listing.total == 5);

  SECTION("the cursor, not the page number, says where the page starts") {
    after.page = page(3, 2);
    after.after = core::PostCursor{.created_at = at_ms(500), .id = post_id(1)};
    listing = listed(posts, after);
    CHECK(item_ids(listing.items) == strings({tie_high, tie_low}));
  }
  SECTION("a cursor that is not a stored post still orders by its time and id") {
    after.after = core::PostCursor{.created_at = at_ms(450), .id = post_id(99)};
    listing = listed(posts, after);
    CHECK(item_ids(listing.items) == strings({tie_high, tie_low}));
  }
  SECTION("combined with a tag and the draft rule") {
    after.tag = tag("t");
    after.drafts.all = true;
    after.page = page(1, 10);
    after.after = core::PostCursor{.created_at = at_ms(400), .id = tie_high};
    listing = listed(posts, after);
    CHECK(item_ids(listing.items) == strings({post_id(4), post_id(5), post_id(6)}));
    CHECK(listing.total == 5);
  }
  SECTION("a cursor far outside any date is no error: all posts are before or after it") {
    using Millis = std::chrono::milliseconds;
    after.page = page(1, 10);
    after.after = core::PostCursor{
        .created_at = core::Timestamp(Millis(std::numeric_limits<std::int64_t>::max())), .id = post_id(1)};
    listing = listed(posts, after);
    CHECK(item_ids(listing.items) == strings({post_id(1), tie_high, tie_low, post_id(4), post_id(6)}));
    after.after = core::PostCursor{
        .created_at = core::Timestamp(Millis(std::numeric_limits<std::int64_t>::min())), .id = post_id(1)};
    listing = listed(posts, after);
    CHECK(listing.items.empty());
    CHECK(listing.total == 5);
  }
  SECTION("past the oldest post: an empty page with the total") {
    after.after = core::PostCursor{.created_at = at_ms(100), .id = post_id(6)};
    listing = listed(posts, after);
    CHECK(listing.items.empty());
    CHECK(listing.total == 5);
  }
}

TEMPLATE_TEST_CASE("PostRepository: search combines with the tag, liked_by and followed_by filters",
                   "[posts][social][search]", PARLEY_STORAGE_FIXTURES) {
  TestType fixture;
  add_users(fixture);
  auto& posts = fixture.posts();
  auto kayak = make_post(post_id(1), user_id(1), 100, true, tag_list({"outdoors"}));
  kayak.title = valid<core::PostTitle>("Kayak trips");
  auto river = make_post(post_id(2), user_id(2), 200);
  river.title = valid<core::PostTitle>("A kayak on the river");
  auto other = make_post(post_id(3), user_id(2), 300, true, tag_list({"outdoors"}));
  other.title = valid<core::PostTitle>("Mountains");
  for (const auto& post : {kayak, river, other})
    REQUIRE(posts.create(post).ok());
  REQUIRE(fixture.likes().like(user_id(3), post_id(2)).ok());
  REQUIRE(fixture.follows().follow(user_id(3), user_id(1)).ok());

  auto search = query();
  search.search = valid<core::SearchQuery>("kayak");
  CHECK(listed(posts, search).total == 2);
  search.tag = tag("outdoors");
  auto listing = listed(posts, search);
  CHECK(item_ids(listing.items) == strings({post_id(1)}));
  CHECK(listing.total == 1);
  REQUIRE(listing.items.size() == 1);
  CHECK(tag_names(listing.items[0]) == std::vector<std::string>{"outdoors"});

  search.tag.reset();
  search.liked_by = user_id(3);
  CHECK(item_ids(listed(posts, search).items) == strings({post_id(2)}));

  search.liked_by.reset();
  search.followed_by = user_id(3);
  CHECK(item_ids(listed(posts, search).items) == strings({post_id(1)}));
}

TEMPLATE_TEST_CASE("PostRepository: popular tags count published posts, most used first, then bytewise",
                   "[posts][social]", PARLEY_STORAGE_FIXTURES) {
  TestType fixture;
  add_users(fixture);
  auto& posts = fixture.posts();
  CHECK(posts.popular_tags(10).value().empty());  // no posts yet

  REQUIRE(posts.create(make_post(post_id(1), user_id(1), 100, true, tag_list({"bc", "common"}))).ok());
  REQUIRE(posts.create(make_post(post_id(2), user_id(2), 200, true, tag_list({"a", "common"}))).ok());
  REQUIRE(posts.create(make_post(post_id(3), user_id(1), 300, true, tag_list({"b-c", "b_c", "common", "z"})))
              .ok());
  REQUIRE(posts.create(make_post(post_id(4), user_id(1), 400, true, tag_list({"z"}))).ok());
  // Drafts do not count: without them "draft-only" is absent and "a" has one use, not three.
  REQUIRE(posts.create(make_post(post_id(5), user_id(1), 500, false, tag_list({"a", "draft-only"}))).ok());
  REQUIRE(posts.create(make_post(post_id(6), user_id(2), 600, false, tag_list({"a"}))).ok());

  const auto names = [](const std::vector<core::Tag>& list) {
    std::vector<std::string> result;
    for (const auto& item : list)
      result.push_back(item.str());
    return result;
  };
  auto popular = posts.popular_tags(10);
  REQUIRE(popular.ok());
  // common 3, z 2, then the single uses bytewise ('-' 0x2d, '_' 0x5f, 'c' 0x63), which a
  // language collation that skips punctuation would order otherwise.
  CHECK(names(*popular) == std::vector<std::string>{"common", "z", "a", "b-c", "b_c", "bc"});

  popular = posts.popular_tags(2);
  REQUIRE(popular.ok());
  CHECK(names(*popular) == std::vector<std::string>{"common", "z"});
  popular = posts.popular_tags(0);
  REQUIRE(popular.ok());
  CHECK(popular->empty());
}
