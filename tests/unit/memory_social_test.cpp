// The memory adapter's social parts: likes and their counts, follows, slugs, tags, and the new
// list filters. The port contracts themselves are covered by tests/contract.
#include <catch2/catch.hpp>

#include "support.hpp"

using namespace parley;
using namespace parley::unit;
using core::ErrorCode;
using std::chrono::seconds;

namespace {

struct Store {
  testing::FakeClock clock;
  memory::MemoryStore store;
  memory::MemoryUserRepository users{store};
  memory::MemoryPostRepository posts{store};
  memory::MemoryLikeRepository likes{store};
  memory::MemoryFollowRepository follows{store};
  core::User alice = add("alice", 1);
  core::User bob = add("bob", 2);
  core::User carol = add("carol", 3);

  core::User add(std::string_view name, std::uint64_t n) {
    auto user = make_user(name, clock.now(), core::UserId{testing::SequentialIds::make(n)});
    must(users.create(user));
    return user;
  }

  // Post n, by `author`, created n seconds after the clock's start unless `when` says otherwise.
  core::Post post(std::uint64_t n, const core::User& author, std::vector<core::Tag> with = {},
                  bool published = true, std::optional<core::Timestamp> when = std::nullopt) {
    const core::PostId id{testing::SequentialIds::make(1000 + n)};
    const auto created = when.value_or(clock.now() + seconds(static_cast<std::int64_t>(n)));
    return core::Post{.id = id,
                      .author_id = author.id,
                      .slug = core::make_slug(title("post " + std::to_string(n)), id),
                      .title = title("post " + std::to_string(n)),
                      .description = description("d"),
                      .body = body("b"),
                      .tags = std::move(with),
                      .is_published = published,
                      .created_at = created,
                      .updated_at = created};
  }

  core::Post stored(std::uint64_t n, const core::User& author, std::vector<core::Tag> with = {},
                    bool published = true) {
    auto made = post(n, author, std::move(with), published);
    must(posts.create(made));
    return made;
  }

  std::vector<std::string> titles(const core::PostQuery& query) {
    std::vector<std::string> out;
    for (const auto& item : must(posts.list(query)).items)
      out.push_back(item.title.str());
    return out;
  }
};

using Titles = std::vector<std::string>;

}  // namespace

TEST_CASE("likes keep the post's like_count; create and update ignore it", "[memory][likes]") {
  Store s;
  auto post = s.post(1, s.alice);
  post.like_count = 99;  // ignored: counts change only through likes
  must(s.posts.create(post));
  CHECK(must(s.posts.find_by_id(post.id)).like_count == 0);
  CHECK(must(s.likes.like(s.bob.id, post.id)) == 1);
  CHECK(must(s.likes.like(s.bob.id, post.id)) == 1);
  CHECK(must(s.likes.like(s.carol.id, post.id)) == 2);
  post.like_count = 0;
  post.title = title("edited");
  must(s.posts.update(post));
  const auto read = must(s.posts.find_by_id(post.id));
  CHECK(read.like_count == 2);
  CHECK(read.title.str() == "edited");
  CHECK(must(s.posts.find_by_slug(post.slug)).like_count == 2);
  CHECK(must(s.posts.list({})).items.front().like_count == 2);
  CHECK(must(s.likes.unlike(s.bob.id, post.id)) == 1);
  CHECK(must(s.likes.unlike(s.bob.id, post.id)) == 1);
  CHECK(must(s.likes.unlike(s.alice.id, post.id)) == 1);  // never liked: nothing to remove
}

TEST_CASE("likes need an existing post and user; liked_among answers for the user only", "[memory][likes]") {
  Store s;
  const auto one = s.stored(1, s.alice);
  const auto two = s.stored(2, s.alice);
  const core::PostId missing{testing::SequentialIds::make(9999)};
  CHECK(fails(s.likes.like(s.bob.id, missing)).code == ErrorCode::not_found);
  CHECK(fails(s.likes.unlike(s.bob.id, missing)).code == ErrorCode::not_found);
  CHECK(fails(s.likes.like(core::UserId{testing::SequentialIds::make(9998)}, one.id)).code ==
        ErrorCode::not_found);
  CHECK(must(s.posts.find_by_id(one.id)).like_count == 0);
  must(s.likes.like(s.bob.id, two.id));
  const std::vector<core::PostId> asked{one.id, two.id, missing};
  CHECK(must(s.likes.liked_among(s.bob.id, asked)) == std::vector<core::PostId>{two.id});
  CHECK(must(s.likes.liked_among(s.carol.id, asked)).empty());
  CHECK(must(s.likes.liked_among(s.bob.id, {})).empty());
}

TEST_CASE("removing a post removes its likes", "[memory][likes]") {
  Store s;
  const auto post = s.stored(1, s.alice, tags({"gone"}));
  must(s.likes.like(s.bob.id, post.id));
  must(s.posts.remove(post.id));
  const std::vector<core::PostId> asked{post.id};
  CHECK(must(s.likes.liked_among(s.bob.id, asked)).empty());
  CHECK(must(s.posts.popular_tags(10)).empty());
  core::PostQuery liked;
  liked.liked_by = s.bob.id;
  CHECK(must(s.posts.list(liked)).total == 0);
  // The same id stored again starts from nothing.
  must(s.posts.create(post));
  CHECK(must(s.posts.find_by_id(post.id)).like_count == 0);
  CHECK(must(s.likes.liked_among(s.bob.id, asked)).empty());
}

TEST_CASE("slugs are unique across create, create_many and update", "[memory][slugs]") {
  Store s;
  const auto first = s.stored(1, s.alice);
  auto clash = s.post(2, s.alice);
  clash.slug = first.slug;
  const auto error = fails(s.posts.create(clash));
  CHECK(error.code == ErrorCode::conflict);
  CHECK(error.details.contains("slug"));
  const std::vector<core::Post> batch{s.post(3, s.bob), clash};
  CHECK(fails(s.posts.create_many(batch)).details.contains("slug"));
  CHECK(fails(s.posts.find_by_id(batch[0].id)).code == ErrorCode::not_found);  // all or nothing
  auto twin = s.post(4, s.bob);
  const std::vector<core::Post> twins{s.post(5, s.bob), twin, twin};
  CHECK(fails(s.posts.create_many(twins)).code == ErrorCode::conflict);

  auto second = s.stored(6, s.bob);
  second.slug = first.slug;
  CHECK(fails(s.posts.update(second)).details.contains("slug"));
  auto renamed = first;  // keeping one's own slug is no conflict
  renamed.body = body("new body");
  must(s.posts.update(renamed));
  CHECK(must(s.posts.find_by_slug(first.slug)).body.str() == "new body");
  CHECK(fails(s.posts.find_by_slug(must(core::Slug::parse("absent")))).code == ErrorCode::not_found);
}

TEST_CASE("update replaces tags, description and slug", "[memory][tags]") {
  Store s;
  auto post = s.stored(1, s.alice, tags({"a", "b"}));
  post.tags = tags({"c"});
  post.description = description("new");
  post.slug = must(core::Slug::parse("renamed-00001001"));
  must(s.posts.update(post));
  const auto read = must(s.posts.find_by_id(post.id));
  CHECK(read.tags == tags({"c"}));
  CHECK(read.description.str() == "new");
  CHECK(read.slug.str() == "renamed-00001001");
}

TEST_CASE("find_many returns the users that exist, each once", "[memory][users]") {
  Store s;
  const std::vector<core::UserId> ids{s.bob.id, core::UserId{testing::SequentialIds::make(9999)}, s.alice.id,
                                      s.bob.id};
  auto found = must(s.users.find_many(ids));
  std::sort(found.begin(), found.end(), [](const auto& a, const auto& b) { return a.id < b.id; });
  CHECK(found == std::vector<core::User>{s.alice, s.bob});
  CHECK(must(s.users.find_many({})).empty());
}

TEST_CASE("follows: idempotent, between existing users, and asked about in one call", "[memory][follows]") {
  Store s;
  must(s.follows.follow(s.carol.id, s.alice.id));
  must(s.follows.follow(s.carol.id, s.alice.id));
  const core::UserId ghost{testing::SequentialIds::make(9999)};
  CHECK(fails(s.follows.follow(s.carol.id, ghost)).code == ErrorCode::not_found);
  CHECK(fails(s.follows.follow(ghost, s.alice.id)).code == ErrorCode::not_found);
  const std::vector<core::UserId> candidates{s.alice.id, s.bob.id, ghost};
  CHECK(must(s.follows.following_among(s.carol.id, candidates)) == std::vector<core::UserId>{s.alice.id});
  CHECK(must(s.follows.following_among(s.alice.id, candidates)).empty());  // not symmetric
  must(s.follows.unfollow(s.carol.id, s.alice.id));
  must(s.follows.unfollow(s.carol.id, s.alice.id));
  CHECK(must(s.follows.following_among(s.carol.id, candidates)).empty());
}

TEST_CASE("lists filter by tag, liker and followed authors, drafts as before", "[memory][list]") {
  Store s;
  const auto a1 = s.stored(1, s.alice, tags({"cpp"}));
  s.stored(2, s.bob, tags({"cpp", "db"}));
  s.stored(3, s.alice, tags({"db"}), false);
  const auto c4 = s.stored(4, s.carol, tags({"cpp"}));
  must(s.likes.like(s.bob.id, a1.id));
  must(s.likes.like(s.bob.id, c4.id));
  must(s.follows.follow(s.bob.id, s.alice.id));

  core::PostQuery by_tag;
  by_tag.tag = tag("cpp");
  CHECK(s.titles(by_tag) == Titles{"post 4", "post 2", "post 1"});
  by_tag.tag = tag("db");
  CHECK(s.titles(by_tag) == Titles{"post 2"});
  by_tag.drafts.all = true;
  CHECK(s.titles(by_tag) == Titles{"post 3", "post 2"});

  core::PostQuery liked;
  liked.liked_by = s.bob.id;
  CHECK(s.titles(liked) == Titles{"post 4", "post 1"});
  liked.tag = tag("cpp");
  liked.author = s.carol.id;
  CHECK(s.titles(liked) == Titles{"post 4"});

  core::PostQuery feed;
  feed.followed_by = s.bob.id;
  CHECK(s.titles(feed) == Titles{"post 1"});  // alice's draft stays hidden
  feed.followed_by = s.carol.id;
  CHECK(must(s.posts.list(feed)).total == 0);
}

TEST_CASE("a cursor lists strictly after (created_at, id), total still counts every match",
          "[memory][list]") {
  Store s;
  const auto same_time = s.clock.now() + seconds(10);
  // Three posts at the same instant: the id breaks the tie.
  const auto p1 = s.post(1, s.alice, {}, true, same_time);
  const auto p2 = s.post(2, s.alice, {}, true, same_time);
  const auto p3 = s.post(3, s.alice, {}, true, same_time);
  const auto p4 = s.post(4, s.alice, {}, true, same_time + seconds(1));
  const std::vector<core::Post> all{p1, p2, p3, p4};
  must(s.posts.create_many(all));

  core::PostQuery query;
  query.page = must(core::PageRequest::make(5, 2));  // the page number is ignored with a cursor
  query.after = core::PostCursor{.created_at = p4.created_at, .id = p4.id};
  auto page = must(s.posts.list(query));
  CHECK(page.total == 4);
  REQUIRE(page.items.size() == 2);
  CHECK(page.items[0].id == p3.id);
  CHECK(page.items[1].id == p2.id);
  query.after = core::PostCursor{.created_at = p2.created_at, .id = p2.id};
  page = must(s.posts.list(query));
  REQUIRE(page.items.size() == 1);
  CHECK(page.items[0].id == p1.id);
  query.after = core::PostCursor{.created_at = p1.created_at, .id = p1.id};
  CHECK(must(s.posts.list(query)).items.empty());
  // A cursor of a post that no longer exists still places the page.
  query.after =
      core::PostCursor{.created_at = same_time, .id = core::PostId{testing::SequentialIds::make(1002)}};
  CHECK(must(s.posts.list(query)).items.front().id == p1.id);
}

TEST_CASE("offset paging starts at the offset", "[memory][list]") {
  Store s;
  for (std::uint64_t n = 1; n <= 5; ++n)
    s.stored(n, s.alice);
  core::PostQuery query;
  query.page = must(core::PageRequest::at_offset(3, 10));
  CHECK(s.titles(query) == Titles{"post 2", "post 1"});
  CHECK(must(s.posts.list(query)).total == 5);
}

TEST_CASE("popular tags count published posts, most used first, then bytewise", "[memory][tags]") {
  Store s;
  s.stored(1, s.alice, tags({"b", "c"}));
  s.stored(2, s.alice, tags({"a", "c"}));
  s.stored(3, s.bob, tags({"b", "c", "d"}));
  s.stored(4, s.bob, tags({"a", "z"}), false);  // drafts do not count
  s.stored(5, s.carol, tags({"z"}), false);
  CHECK(must(s.posts.popular_tags(10)) == tags({"c", "b", "a", "d"}));
  CHECK(must(s.posts.popular_tags(2)) == tags({"c", "b"}));
  CHECK(must(s.posts.popular_tags(0)).empty());
}
