// The caching decorators over the memory adapter and MemoryCache: hits after misses, no stale
// read after any kind of write, a cache that is down or holds garbage never changes an answer.
#include <algorithm>
#include <optional>
#include <span>
#include <vector>

#include "parley/core/caching/cache_codec.hpp"
#include "parley/core/caching/caching_repositories.hpp"
#include "parley/core/caching/public_read_version.hpp"
#include "parley/memory/memory_cache.hpp"

#include "support.hpp"

namespace parley::unit {
namespace {

using std::chrono::seconds;

// MemoryCache that can be switched off (every call unavailable), and that remembers which keys
// were written so a test can corrupt them.
class SwitchableCache final : public core::Cache {
 public:
  explicit SwitchableCache(core::Clock& clock) : clock_(clock) {}

  core::Result<std::optional<std::string>> get(std::string_view key) override {
    if (down) return core::Error::unavailable("cache down");
    read.emplace_back(key);
    return inner_->get(key);
  }
  core::Result<std::vector<std::optional<std::string>>> get_many(
      std::span<const std::string_view> keys) override {
    ++many_reads;
    return core::Cache::get_many(keys);  // get() of each, as above
  }
  core::Status set(std::string_view key, std::string_view value, seconds ttl) override {
    if (down) return core::Error::unavailable("cache down");
    written.emplace_back(key);
    return inner_->set(key, value, ttl);
  }
  core::Status remove(std::string_view key) override {
    if (down) return core::Error::unavailable("cache down");
    return inner_->remove(key);
  }
  core::Status ping() override {
    if (down) return core::Error::unavailable("cache down");
    return {};
  }
  [[nodiscard]] bool in_process() const noexcept override { return local; }
  // Overwrites every entry written so far but the generations with `garbage`.
  void corrupt_entries(std::string_view garbage) {
    for (const auto& key : written) {
      if (key.find(":gen") == std::string::npos) REQUIRE(inner_->set(key, garbage, seconds(60)).ok());
    }
  }
  // Every value written so far and still stored.
  std::vector<std::string> stored_values() {
    std::vector<std::string> values;
    for (const auto& key : written) {
      if (auto value = inner_->get(key); value.ok() && value->has_value()) values.push_back(**value);
    }
    return values;
  }
  // As a Redis restart without persistence: every key, generations included, is gone.
  void lose_everything() {
    inner_.emplace(clock_);
    written.clear();
  }

  bool down = false;
  bool local = true;   // false: looks like a networked cache (Cache::in_process)
  int many_reads = 0;  // calls of get_many
  std::vector<std::string> written;
  std::vector<std::string> read;  // keys asked for, in order

 private:
  core::Clock& clock_;
  std::optional<memory::MemoryCache> inner_{std::in_place, clock_};
};

// The memory adapter's posts, remembering the known total of every list() it is asked for
// (nullopt: the caller left the count to the repository).
class RecordingPostRepository final : public core::PostRepository {
 public:
  explicit RecordingPostRepository(core::PostRepository& inner) : inner_(inner) {}

  core::Status create(const core::Post& post) override { return inner_.create(post); }
  core::Status create_many(std::span<const core::Post> posts) override { return inner_.create_many(posts); }
  core::Result<core::Post> find_by_id(const core::PostId& id) override { return inner_.find_by_id(id); }
  core::Result<core::Post> find_by_slug(const core::Slug& slug) override { return inner_.find_by_slug(slug); }
  core::Status update(const core::Post& post) override { return inner_.update(post); }
  core::Status remove(const core::PostId& id) override { return inner_.remove(id); }
  core::Result<core::Page<core::Post>> list(const core::PostQuery& query) override {
    known_totals.push_back(query.known_total);
    return inner_.list(query);
  }
  core::Result<std::vector<core::Tag>> popular_tags(std::size_t limit) override {
    return inner_.popular_tags(limit);
  }

  std::vector<std::optional<std::int64_t>> known_totals;  // one per list(), in order

 private:
  core::PostRepository& inner_;
};

// The services of World, but over the caching decorators.
struct CachedWorld {
  testing::FakeClock clock;
  testing::SequentialIds ids;
  memory::MemoryStore store;
  memory::MemoryUserRepository stored_users{store};
  memory::MemoryPostRepository stored_posts{store};
  RecordingPostRepository recorded_posts{stored_posts};
  memory::MemoryCommentRepository comments{store};
  memory::MemoryLikeRepository stored_likes{store};
  memory::MemoryFollowRepository follows{store};
  memory::MemoryAuditLog audit{store};
  memory::MemoryTokenStore tokens{clock};
  SwitchableCache cache{clock};
  core::CacheStats stats;
  core::CacheGenerations generations{cache, ids};
  core::CachingUserRepository users{stored_users, cache, generations, stats, core::CacheTtls{}};
  core::CachingPostRepository posts{recorded_posts, cache, generations, stats, core::CacheTtls{}};
  core::CachingLikeRepository likes{stored_likes, generations};
  testing::FakePasswordHasher hasher;
  core::UserService user_service{users, tokens, hasher, clock};
  core::PostService post_service{posts, users, likes, follows, clock, ids};
  core::CommentService comment_service{posts, comments, users, follows, clock, ids};
  core::AdminService admin_service{users, tokens, audit, clock, ids};

  core::User add_user(std::string_view name, core::Role role = core::Role::user) {
    auto user = make_user(name, clock.now(), core::UserId{ids.next()}, role);
    must(stored_users.create(user));
    return user;
  }
  core::Post publish(const core::Principal& author, std::string_view text, bool published = true) {
    clock.advance(std::chrono::milliseconds(10));
    return must(post_service.create(author, core::NewPost{.title = title(text),
                                                          .body = body("Body of " + std::string(text)),
                                                          .is_published = published}))
        .post;
  }
  // The public feed as an anonymous reader sees it, without the views around its posts.
  core::Page<core::Post> feed(std::int64_t page = 1, std::int64_t size = 20) {
    auto listed = must(post_service.list(
        nullptr,
        core::PostListing{.author = std::nullopt, .page = must(core::PageRequest::make(page, size))}));
    core::Page<core::Post> posts_only{.items = {}, .total = listed.total};
    for (auto& view : listed.items)
      posts_only.items.push_back(std::move(view.post));
    return posts_only;
  }
  // The public feed by cursor, as an anonymous reader reads it.
  core::PostPage feed_after(const core::PostCursor& after, std::int64_t size = 20) {
    core::PostListing listing;
    listing.page = must(core::PageRequest::make(1, size));
    listing.after = after;
    return must(post_service.list(nullptr, listing));
  }
  // The known total the repository was given by the latest list(): nullopt when it counted.
  std::optional<std::int64_t> last_known_total() {
    REQUIRE(!recorded_posts.known_totals.empty());
    return recorded_posts.known_totals.back();
  }
  // Posts written behind the decorators (as psql would): no generation is bumped.
  void add_behind(const core::UserId& author, std::string_view text) {
    clock.advance(std::chrono::milliseconds(10));
    must(stored_posts.create(core::Post{.id = core::PostId{ids.next()},
                                        .author_id = author,
                                        .slug = core::Slug::from_storage(std::string(text)),
                                        .title = title(text),
                                        .body = body("Body of " + std::string(text)),
                                        .is_published = true,
                                        .created_at = clock.now(),
                                        .updated_at = clock.now()}));
  }
};

core::PostPatch title_patch(std::string_view text) {
  core::PostPatch patch;
  patch.title = title(text);
  return patch;
}
core::PostPatch unpublish_patch() {
  core::PostPatch patch;
  patch.is_published = false;
  return patch;
}
core::ProfilePatch profile_patch() {
  core::ProfilePatch patch;
  patch.username = username("alice2");
  patch.bio = bio("new bio");
  return patch;
}

std::vector<std::string> titles(const core::Page<core::Post>& page) {
  std::vector<std::string> out;
  for (const auto& post : page.items)
    out.push_back(post.title.str());
  return out;
}

// A user as a cache gives it back: without the password hash, which no cache holds.
core::User as_cached(core::User user) {
  user.password_hash.clear();
  return user;
}

std::uint64_t hits(const core::CacheCounters& c) {
  return c.hits.load();
}
std::uint64_t misses(const core::CacheCounters& c) {
  return c.misses.load();
}
std::uint64_t errors(const core::CacheCounters& c) {
  return c.errors.load();
}

}  // namespace

TEST_CASE("a cached post is served from the cache after the first miss", "[caching][posts]") {
  CachedWorld world;
  const auto alice = principal_for(world.add_user("alice"));
  const auto post = world.publish(alice, "first");

  CHECK(must(world.post_service.get(nullptr, post.id)).post == post);
  CHECK(misses(world.stats.post()) == 1);
  CHECK(hits(world.stats.post()) == 0);
  // Changed behind the decorator's back: a second read that still shows the old title can only
  // have come from the cache.
  auto behind = post;
  behind.title = title("changed behind");
  must(world.stored_posts.update(behind));
  CHECK(must(world.post_service.get(nullptr, post.id)).post.title.str() == "first");
  CHECK(hits(world.stats.post()) == 1);
  CHECK(misses(world.stats.post()) == 1);
}

TEST_CASE("only the first pages of the public feed are cached", "[caching][lists]") {
  CachedWorld world;
  const auto alice_user = world.add_user("alice");
  const auto alice = principal_for(alice_user);
  for (int i = 0; i < 5; ++i)
    world.publish(alice, "post-" + std::to_string(i));
  const auto draft = world.publish(alice, "draft", false);

  CHECK(titles(world.feed(1, 2)) == std::vector<std::string>{"post-4", "post-3"});
  CHECK(titles(world.feed(1, 2)) == std::vector<std::string>{"post-4", "post-3"});
  CHECK(misses(world.stats.post_list()) == 1);
  CHECK(hits(world.stats.post_list()) == 1);
  world.feed(3, 2);
  world.feed(3, 2);
  CHECK(hits(world.stats.post_list()) == 2);

  const auto before = misses(world.stats.post_list()) + hits(world.stats.post_list());
  world.feed(4, 1);  // beyond kCachedPages
  // Signed-in views (own drafts), author filters and searches are read through.
  const auto own =
      must(world.post_service.list(&alice, core::PostListing{.author = std::nullopt, .page = {}}));
  CHECK(own.total == 6);
  CHECK(own.items.front().post.id == draft.id);
  must(world.post_service.list(nullptr, core::PostListing{.author = alice_user.id, .page = {}}));
  const auto searched = must(world.post_service.list(
      nullptr, core::PostListing{
                   .author = std::nullopt, .page = {}, .search = must(core::SearchQuery::parse("post"))}));
  CHECK(searched.total == 5);
  CHECK(misses(world.stats.post_list()) + hits(world.stats.post_list()) == before);
  // A cached anonymous page never shows the draft.
  CHECK(world.feed(1, 20).total == 5);
}

TEST_CASE("no stale post or feed is served after any post write", "[caching][posts][lists]") {
  CachedWorld world;
  const auto alice = principal_for(world.add_user("alice"));
  const auto moderator = principal_for(world.add_user("mod", core::Role::moderator));
  const auto first = world.publish(alice, "first");
  // Warm both caches.
  CHECK(titles(world.feed()) == std::vector<std::string>{"first"});
  CHECK(must(world.post_service.get(nullptr, first.id)).post.title.str() == "first");
  CHECK(titles(world.feed()) == std::vector<std::string>{"first"});
  REQUIRE(hits(world.stats.post_list()) == 1);

  SECTION("create") {
    world.publish(alice, "second");
    CHECK(titles(world.feed()) == std::vector<std::string>{"second", "first"});
  }
  SECTION("bulk create") {
    world.clock.advance(std::chrono::milliseconds(10));
    const core::Post bulk{.id = core::PostId{world.ids.next()},
                          .author_id = alice.user_id,
                          .title = title("bulk"),
                          .body = body("Body of bulk"),
                          .is_published = true,
                          .created_at = world.clock.now(),
                          .updated_at = world.clock.now()};
    must(world.posts.create_many(std::span<const core::Post>(&bulk, 1)));
    CHECK(titles(world.feed()) == std::vector<std::string>{"bulk", "first"});
  }
  SECTION("edit") {
    must(world.post_service.update(alice, first.id, title_patch("edited")));
    CHECK(must(world.post_service.get(nullptr, first.id)).post.title.str() == "edited");
    CHECK(titles(world.feed()) == std::vector<std::string>{"edited"});
  }
  SECTION("unpublish") {
    must(world.post_service.update(alice, first.id, unpublish_patch()));
    CHECK(fails(world.post_service.get(nullptr, first.id)).code == core::ErrorCode::not_found);
    CHECK(world.feed().items.empty());
    CHECK(world.feed().total == 0);
  }
  SECTION("delete by the author") {
    must(world.post_service.remove(alice, first.id));
    CHECK(fails(world.post_service.get(nullptr, first.id)).code == core::ErrorCode::not_found);
    CHECK(world.feed().items.empty());
  }
  SECTION("delete by a moderator") {
    must(world.post_service.remove(moderator, first.id));
    CHECK(fails(world.post_service.get(&alice, first.id)).code == core::ErrorCode::not_found);
    CHECK(world.feed().total == 0);
  }
  SECTION("a comment leaves the post and the feed as they were (no counts are shown)") {
    must(world.comment_service.create(alice, first.id, comment_body("hello")));
    CHECK(must(world.post_service.get(nullptr, first.id)).post == first);
    CHECK(titles(world.feed()) == std::vector<std::string>{"first"});
  }
}

TEST_CASE("a like or unlike never leaves a stale like_count in a cached post or feed", "[caching][likes]") {
  CachedWorld world;
  const auto alice = principal_for(world.add_user("alice"));
  const auto bob = principal_for(world.add_user("bob"));
  const auto post = world.publish(alice, "liked");
  // Warm the post, its slug entry and the feed.
  CHECK(must(world.post_service.get(nullptr, post.id)).post.like_count == 0);
  CHECK(must(world.post_service.get_by_slug(nullptr, post.slug)).post.like_count == 0);
  CHECK(world.feed().items.front().like_count == 0);
  CHECK(must(world.post_service.get(nullptr, post.id)).post.like_count == 0);
  REQUIRE(hits(world.stats.post()) == 1);

  must(world.post_service.like(bob, post.id));
  CHECK(must(world.post_service.get(nullptr, post.id)).post.like_count == 1);
  CHECK(must(world.post_service.get_by_slug(nullptr, post.slug)).post.like_count == 1);
  CHECK(world.feed().items.front().like_count == 1);
  CHECK(must(world.post_service.get(&bob, post.id)).liked);

  must(world.post_service.unlike(bob, post.id));
  CHECK(must(world.post_service.get(nullptr, post.id)).post.like_count == 0);
  CHECK(world.feed().items.front().like_count == 0);
  CHECK_FALSE(must(world.post_service.get(&bob, post.id)).liked);

  SECTION("a like that fails still invalidates") {
    // A like that fails (unknown post) still invalidates: it may have been applied.
    const auto before = world.cache.written.size();
    CHECK_FALSE(world.likes.like(bob.user_id, core::PostId{testing::SequentialIds::make(99'999)}).ok());
    CHECK(world.cache.written.size() == before + 1);
    CHECK(world.cache.written.back() == "post:gen");
  }
}

TEST_CASE("posts by slug are cached, and invalidated by edits", "[caching][slugs]") {
  CachedWorld world;
  const auto alice = principal_for(world.add_user("alice"));
  const auto post = world.publish(alice, "by slug");
  CHECK(must(world.post_service.get_by_slug(nullptr, post.slug)).post == post);
  auto behind = post;
  behind.body = body("changed behind");
  must(world.stored_posts.update(behind));
  CHECK(must(world.post_service.get_by_slug(nullptr, post.slug)).post.body.str() == "Body of by slug");
  CHECK(hits(world.stats.post()) == 1);

  core::PostPatch retitle;
  retitle.title = title("new title");
  const auto renamed = must(world.post_service.update(alice, post.id, retitle)).post;
  CHECK(fails(world.post_service.get_by_slug(nullptr, post.slug)).code == core::ErrorCode::not_found);
  CHECK(must(world.post_service.get_by_slug(nullptr, renamed.slug)).post.title.str() == "new title");
  must(world.post_service.remove(alice, post.id));
  CHECK(fails(world.post_service.get_by_slug(nullptr, renamed.slug)).code == core::ErrorCode::not_found);
}

TEST_CASE("popular tags are cached and invalidated by post writes", "[caching][tags]") {
  CachedWorld world;
  const auto alice = principal_for(world.add_user("alice"));
  const auto post =
      must(world.post_service.create(
               alice, core::NewPost{.title = title("t"), .body = body("b"), .tags = tags({"one"})}))
          .post;
  CHECK(must(world.post_service.popular_tags()) == tags({"one"}));
  CHECK(must(world.post_service.popular_tags()) == tags({"one"}));
  CHECK(hits(world.stats.post_list()) == 1);
  core::PostPatch retag;
  retag.tags = tags({"two"});
  must(world.post_service.update(alice, post.id, retag));
  CHECK(must(world.post_service.popular_tags()) == tags({"two"}));
  must(world.post_service.update(alice, post.id, unpublish_patch()));
  CHECK(must(world.post_service.popular_tags()).empty());
}

TEST_CASE("offset paging and page paging share no wrong entry", "[caching][lists][offset]") {
  CachedWorld world;
  const auto alice = principal_for(world.add_user("alice"));
  for (int i = 0; i < 5; ++i)
    world.publish(alice, "post-" + std::to_string(i));
  const auto at = [&](std::int64_t offset, std::int64_t limit) {
    core::PostListing listing;
    listing.page = must(core::PageRequest::at_offset(offset, limit));
    core::Page<core::Post> out;
    for (auto& view : must(world.post_service.list(nullptr, listing)).items)
      out.items.push_back(view.post);
    return titles(out);
  };
  CHECK(titles(world.feed(1, 2)) == std::vector<std::string>{"post-4", "post-3"});
  // Offset 1 holds page 1's second post first: never the cached page 1.
  CHECK(at(1, 2) == std::vector<std::string>{"post-3", "post-2"});
  CHECK(at(1, 2) == std::vector<std::string>{"post-3", "post-2"});
  // Offset 2 with limit 2 is page 2 exactly: sharing its entry is right.
  CHECK(titles(world.feed(2, 2)) == std::vector<std::string>{"post-2", "post-1"});
  const auto before = hits(world.stats.post_list());
  CHECK(at(2, 2) == std::vector<std::string>{"post-2", "post-1"});
  CHECK(hits(world.stats.post_list()) == before + 1);
  // Beyond the first kCachedPages pages' worth of offset: read through.
  const auto counted = hits(world.stats.post_list()) + misses(world.stats.post_list());
  CHECK(at(4, 1) == std::vector<std::string>{"post-0"});
  CHECK(hits(world.stats.post_list()) + misses(world.stats.post_list()) == counted);
}

TEST_CASE("filtered lists, feeds and cursors are read through", "[caching][lists]") {
  CachedWorld world;
  const auto alice_user = world.add_user("alice");
  const auto alice = principal_for(alice_user);
  const auto bob_user = world.add_user("bob");
  const auto bob = principal_for(bob_user);
  const auto post =
      must(world.post_service.create(
               alice, core::NewPost{.title = title("t"), .body = body("b"), .tags = tags({"x"})}))
          .post;
  must(world.post_service.like(bob, post.id));
  must(world.follows.follow(bob.user_id, alice.user_id));
  const auto counted = [&] { return hits(world.stats.post_list()) + misses(world.stats.post_list()); };
  const auto before = counted();
  core::PostListing by_tag;
  by_tag.tag = tag("x");
  CHECK(must(world.post_service.list(nullptr, by_tag)).total == 1);
  core::PostListing liked;
  liked.liked_by = bob_user.id;
  CHECK(must(world.post_service.list(nullptr, liked)).total == 1);
  core::PostListing after;
  after.after = core::PostCursor{.created_at = post.created_at + seconds(1), .id = post.id};
  CHECK(must(world.post_service.list(nullptr, after)).items.size() == 1);
  CHECK(must(world.post_service.feed(bob, {}, std::nullopt)).total == 1);
  CHECK(counted() == before);
}

TEST_CASE("a page's authors are kept in process, and never stale after a user write on any instance",
          "[caching][users]") {
  CachedWorld world;
  const auto alice_user = world.add_user("alice");
  const auto post = world.publish(principal_for(alice_user), "p");
  CHECK(must(world.post_service.get(nullptr, post.id)).author.bio.str().empty());

  // Kept: a change behind the decorator (psql) is not seen while the set is kept, which shows
  // the second read cost no database round trip.
  auto behind = alice_user;
  behind.bio = bio("changed behind");
  must(world.stored_users.update(behind));
  const std::vector<core::UserId> ids{alice_user.id};
  CHECK(must(world.users.find_many(ids)).front().bio.str().empty());

  // A write through another instance's decorator (same shared cache) is seen at once.
  core::CacheGenerations other_generations{world.cache, world.ids};
  core::CacheStats other_stats;
  core::CachingUserRepository other_users{world.stored_users, world.cache, other_generations, other_stats,
                                          core::CacheTtls{}};
  auto through = alice_user;
  through.bio = bio("changed through");
  must(other_users.update(through));
  CHECK(must(world.users.find_many(ids)).front().bio.str() == "changed through");
  CHECK(must(world.post_service.get(nullptr, post.id)).author.bio.str() == "changed through");

  // And through this instance's own user service.
  must(world.user_service.update(principal_for(alice_user), alice_user.id, profile_patch()));
  CHECK(must(world.post_service.get(nullptr, post.id)).author.username.str() == "alice2");
}

TEST_CASE("a set of authors is never kept under the absent generation", "[caching][users]") {
  CachedWorld world;
  const auto alice_user = world.add_user("alice");
  const std::vector<core::UserId> ids{alice_user.id};
  CHECK(must(world.users.find_many(ids)).size() == 1);
  // The read stored a generation of its own before keeping anything...
  CHECK(std::find(world.cache.written.begin(), world.cache.written.end(), "user:gen:all") !=
        world.cache.written.end());
  // ...so a cache that loses its keys (a restart) makes the kept set unreachable.
  auto behind = alice_user;
  behind.bio = bio("changed behind");
  must(world.stored_users.update(behind));
  world.cache.lose_everything();
  CHECK(must(world.users.find_many(ids)).front().bio.str() == "changed behind");
}

TEST_CASE("a feed page kept in process costs one read of the generation", "[caching][lists][local]") {
  CachedWorld world;
  const auto alice = principal_for(world.add_user("alice"));
  world.publish(alice, "first");
  CHECK(titles(world.feed()) == std::vector<std::string>{"first"});  // miss: stored and kept
  world.cache.read.clear();
  const auto before = hits(world.stats.post_list());
  CHECK(titles(world.feed()) == std::vector<std::string>{"first"});
  // The post generation, then the users' generation for the page's authors (kept as well).
  CHECK(world.cache.read == std::vector<std::string>{"post:gen", "user:gen:all"});
  CHECK(hits(world.stats.post_list()) == before + 1);
}

TEST_CASE("a post written through another instance shows at once in a kept feed page",
          "[caching][lists][local]") {
  CachedWorld world;
  const auto alice = principal_for(world.add_user("alice"));
  world.publish(alice, "first");
  CHECK(titles(world.feed()) == std::vector<std::string>{"first"});
  CHECK(titles(world.feed()) == std::vector<std::string>{"first"});  // from the kept page
  // A second instance: its own decorators and generations over the same cache and database.
  core::CacheGenerations other_generations{world.cache, world.ids};
  core::CacheStats other_stats;
  core::CachingPostRepository other_posts{world.stored_posts, world.cache, other_generations, other_stats,
                                          core::CacheTtls{}};
  core::PostService other_service{other_posts,   world.users, world.likes,
                                  world.follows, world.clock, world.ids};
  world.clock.advance(std::chrono::milliseconds(10));
  must(other_service.create(alice, core::NewPost{title("second"), body("Body of second"), true}));
  CHECK(titles(world.feed()) == std::vector<std::string>{"second", "first"});
}

TEST_CASE("a cache that lost its keys never brings back a page kept before", "[caching][lists][local]") {
  CachedWorld world;
  const auto alice_user = world.add_user("alice");
  const auto alice = principal_for(alice_user);
  // Written behind the decorator: the generation is still absent ("0") when the feed is read.
  world.clock.advance(std::chrono::milliseconds(10));
  must(world.stored_posts.create(core::Post{.id = core::PostId{world.ids.next()},
                                            .author_id = alice_user.id,
                                            .title = title("first"),
                                            .body = body("Body of first"),
                                            .is_published = true,
                                            .created_at = world.clock.now(),
                                            .updated_at = world.clock.now()}));
  CHECK(titles(world.feed()) == std::vector<std::string>{"first"});
  world.publish(alice, "second");  // a new generation...
  world.cache.lose_everything();   // ...lost with every key: the generation reads "0" again
  CHECK(titles(world.feed()) == std::vector<std::string>{"second", "first"});
}

TEST_CASE("no stale user is served after any user write", "[caching][users]") {
  CachedWorld world;
  const auto alice_user = world.add_user("alice");
  const auto alice = principal_for(alice_user);
  const auto admin = principal_for(world.add_user("admin", core::Role::admin));
  const core::RequestContext context{"req-1"};
  CHECK(must(world.user_service.get(alice_user.id)) == alice_user);
  CHECK(must(world.user_service.get(alice_user.id)) == as_cached(alice_user));
  REQUIRE(hits(world.stats.user()) == 1);

  SECTION("profile edit") {
    must(world.user_service.update(alice, alice_user.id, profile_patch()));
    const auto read = must(world.user_service.get(alice_user.id));
    CHECK(read.username.str() == "alice2");
    CHECK(read.bio.str() == "new bio");
  }
  SECTION("block and unblock") {
    must(world.admin_service.block(admin, alice_user.id, context));
    CHECK(must(world.user_service.get(alice_user.id)).blocked);
    must(world.admin_service.unblock(admin, alice_user.id, context));
    CHECK_FALSE(must(world.user_service.get(alice_user.id)).blocked);
  }
  SECTION("role change") {
    must(world.admin_service.set_role(admin, alice_user.id, core::Role::moderator, context));
    CHECK(must(world.user_service.get(alice_user.id)).role == core::Role::moderator);
    must(world.admin_service.set_role(admin, alice_user.id, core::Role::user, context));
    CHECK(must(world.user_service.get(alice_user.id)).role == core::Role::user);
  }
}

TEST_CASE("with the cache down, every read and write still gives the right answer", "[caching][outage]") {
  CachedWorld world;
  const auto alice_user = world.add_user("alice");
  const auto alice = principal_for(alice_user);
  const auto admin = principal_for(world.add_user("admin", core::Role::admin));
  const auto post = world.publish(alice, "first");
  world.feed();
  must(world.post_service.get(nullptr, post.id));
  must(world.user_service.get(alice_user.id));

  world.cache.down = true;
  CHECK(titles(world.feed()) == std::vector<std::string>{"first"});
  must(world.post_service.update(alice, post.id, title_patch("edited while down")));
  world.publish(alice, "second");
  must(world.admin_service.block(admin, alice_user.id, core::RequestContext{"req-2"}));
  CHECK(titles(world.feed()) == std::vector<std::string>{"second", "edited while down"});
  CHECK(must(world.post_service.get(nullptr, post.id)).post.title.str() == "edited while down");
  CHECK(must(world.user_service.get(alice_user.id)).blocked);
  CHECK(errors(world.stats.post()) > 0);
  CHECK(errors(world.stats.post_list()) > 0);
  CHECK(errors(world.stats.user()) > 0);

  // Back up: the invalidations that could not be stored while it was down are stored before
  // anything cached earlier is trusted again.
  world.cache.down = false;
  CHECK(titles(world.feed()) == std::vector<std::string>{"second", "edited while down"});
  CHECK(must(world.post_service.get(nullptr, post.id)).post.title.str() == "edited while down");
  CHECK(must(world.user_service.get(alice_user.id)).blocked);
  // And caching resumes.
  const auto before = hits(world.stats.post());
  must(world.post_service.get(nullptr, post.id));
  CHECK(hits(world.stats.post()) == before + 1);
}

TEST_CASE("an entry that does not decode is a miss, and is replaced", "[caching][corrupt]") {
  const int variant = GENERATE(0, 1, 2, 3, 4);
  CachedWorld world;
  const auto alice_user = world.add_user("alice");
  const auto post = world.publish(principal_for(alice_user), "first");
  world.feed();
  must(world.post_service.get(nullptr, post.id));
  must(world.user_service.get(alice_user.id));

  const std::string encoded = core::encode_post(post);
  const std::vector<std::string> variants{"not an entry", "", "6:post/2", encoded.substr(0, 20),
                                          encoded + "x"};
  const auto garbage = variants.at(static_cast<std::size_t>(variant));
  world.cache.corrupt_entries(garbage);
  const auto post_misses = misses(world.stats.post());
  CHECK(must(world.post_service.get(nullptr, post.id)).post == post);
  CHECK(titles(world.feed()) == std::vector<std::string>{"first"});
  CHECK(must(world.user_service.get(alice_user.id)) == alice_user);
  CHECK(misses(world.stats.post()) == post_misses + 1);
  // Rewritten by the miss: the next read hits.
  const auto post_hits = hits(world.stats.post());
  must(world.post_service.get(nullptr, post.id));
  CHECK(hits(world.stats.post()) == post_hits + 1);
}

TEST_CASE("the cache holds no password hash, and changes made from a cached record keep it",
          "[caching][users][password]") {
  CachedWorld world;
  auto alice_user = world.add_user("alice");
  alice_user.password_hash = must(world.hasher.hash(password("password-alice")));
  must(world.stored_users.update(alice_user));
  const auto alice = principal_for(alice_user);
  const auto admin = principal_for(world.add_user("admin", core::Role::admin));
  const core::RequestContext context{"req-1"};
  auto stored_hash = [&] { return must(world.stored_users.find_by_id(alice_user.id)).password_hash; };

  must(world.user_service.get(alice_user.id));
  CHECK(must(world.user_service.get(alice_user.id)).password_hash.empty());
  REQUIRE(hits(world.stats.user()) == 1);
  const auto values = world.cache.stored_values();
  REQUIRE_FALSE(values.empty());
  for (const auto& value : values)
    CHECK(value.find(alice_user.password_hash) == std::string::npos);

  // Edits read the user through the cache, without the hash, and write it back.
  must(world.user_service.update(alice, alice_user.id, profile_patch()));
  CHECK(stored_hash() == alice_user.password_hash);
  must(world.admin_service.block(admin, alice_user.id, context));
  must(world.admin_service.unblock(admin, alice_user.id, context));
  must(world.admin_service.set_role(admin, alice_user.id, core::Role::moderator, context));
  CHECK(stored_hash() == alice_user.password_hash);

  // A password change checks the current password against the stored hash, not the cache's.
  core::ProfilePatch wrong;
  wrong.password = password("brand-new-pass");
  wrong.current_password = password("not-my-password");
  const auto refused = world.user_service.update(alice, alice_user.id, wrong);
  REQUIRE_FALSE(refused);
  CHECK(refused.error().details.at("current_password") == "is incorrect");
  CHECK(stored_hash() == alice_user.password_hash);
  core::ProfilePatch change;
  change.password = password("brand-new-pass");
  change.current_password = password("password-alice");
  must(world.user_service.update(alice, alice_user.id, change));
  CHECK(must(world.hasher.verify(password("brand-new-pass"), stored_hash())));
  CHECK_FALSE(must(world.hasher.verify(password("password-alice"), stored_hash())));
}

TEST_CASE("the cache codec round-trips entities and refuses anything else", "[caching][codec]") {
  testing::FakeClock clock;
  auto user =
      make_user("alice", clock.now(), core::UserId{testing::SequentialIds::make(1)}, core::Role::admin);
  user.bio = bio("line one\nline two: 12:x");
  user.blocked = true;
  user.image = image("https://img.example/a:1.png");
  const core::Post post{.id = core::PostId{testing::SequentialIds::make(2)},
                        .author_id = user.id,
                        .slug = must(core::Slug::parse("a-title-3-abc-00000002")),
                        .title = title("A: title 3:abc"),
                        .description = description("about: 4:this"),
                        .body = body("Body\twith \"quotes\" and 99:colons"),
                        .tags = tags({"c++", "two words"}),
                        .is_published = false,
                        .created_at = clock.now(),
                        .updated_at = clock.now() + seconds(5),
                        .like_count = 42};
  const core::Page<core::Post> page{.items = {post, post}, .total = 7};

  CHECK(core::decode_user(core::encode_user(user)) == as_cached(user));
  CHECK(core::encode_user(user).find(user.password_hash) == std::string::npos);
  CHECK(core::decode_post(core::encode_post(post)) == post);
  const auto decoded = core::decode_post_page(core::encode_post_page(page));
  REQUIRE(decoded.has_value());
  CHECK(decoded->total == 7);
  CHECK(decoded->items == page.items);

  const auto encoded = core::encode_post(post);
  CHECK_FALSE(core::decode_post(encoded.substr(0, encoded.size() - 1)).has_value());
  CHECK_FALSE(core::decode_post(encoded + "0:").has_value());
  CHECK_FALSE(core::decode_post("6:post/1" + encoded.substr(8)).has_value());  // an older version
  CHECK_FALSE(core::decode_user(encoded).has_value());                         // another kind
  CHECK_FALSE(core::decode_post("").has_value());
  std::string bad_flag = encoded;
  bad_flag.replace(bad_flag.find("1:0"), 3, "1:2");
  CHECK_FALSE(core::decode_post(bad_flag).has_value());
  CHECK_FALSE(core::decode_post_page("7:posts/21:12:1" + std::string("0:")).has_value());
  // Tags: the count must match the fields that follow, and stay within a post's limit.
  std::string bad_count = encoded;
  bad_count.replace(bad_count.find("1:2"), 3, "1:3");
  CHECK_FALSE(core::decode_post(bad_count).has_value());
  const std::vector<core::Tag> popular = tags({"a", "b:c"});
  CHECK(core::decode_tags(core::encode_tags(popular)) == popular);
  CHECK(core::decode_tags(core::encode_tags({})) == std::vector<core::Tag>{});
  CHECK_FALSE(core::decode_tags("6:tags/12:99").has_value());
  CHECK_FALSE(core::decode_tags("6:tags/11:1").has_value());
  CHECK_FALSE(core::decode_tags(encoded).has_value());
}

TEST_CASE("cache stats name each cache", "[caching][stats]") {
  core::CacheStats stats;
  stats.post().hits.fetch_add(2);
  stats.post_list().misses.fetch_add(3);
  stats.user().errors.fetch_add(4);
  const auto samples = stats.snapshot();
  CHECK(samples[0].cache == "post");
  CHECK(samples[0].hits == 2);
  CHECK(samples[1].cache == "post_list");
  CHECK(samples[1].misses == 3);
  CHECK(samples[2].cache == "user");
  CHECK(samples[2].errors == 4);
}

// ---- the version of public reads ------------------------------------------------------------

TEST_CASE("the version of public reads changes with every post, like and user write, on any instance",
          "[caching][version]") {
  CachedWorld world;
  core::PublicReadVersion version{world.generations};
  using Io = core::PublicReadVersion::Io;
  const auto alice_user = world.add_user("alice");
  const auto alice = principal_for(alice_user);

  const auto v0 = version.current(Io::allowed);
  REQUIRE(v0.has_value());
  world.cache.many_reads = 0;
  world.cache.read.clear();
  CHECK(version.current(Io::allowed) == v0);  // nothing written: the same, in one read of the cache
  CHECK(world.cache.many_reads == 1);
  CHECK(world.cache.read == std::vector<std::string>{"post:gen", "user:gen:all"});
  CHECK(version.current(Io::forbidden) == v0);

  const auto post = world.publish(alice, "first");
  const auto v1 = version.current(Io::allowed);
  CHECK(v1 != v0);
  must(world.likes.like(alice_user.id, post.id));
  const auto v2 = version.current(Io::allowed);
  CHECK(v2 != v1);
  must(world.user_service.update(alice, alice_user.id, profile_patch()));
  const auto v3 = version.current(Io::allowed);
  CHECK(v3 != v2);

  // Through another instance's decorators over the same cache.
  core::CacheGenerations other_generations{world.cache, world.ids};
  core::CacheStats other_stats;
  core::CachingPostRepository other_posts{world.stored_posts, world.cache, other_generations, other_stats,
                                          core::CacheTtls{}};
  auto edited = post;
  edited.title = title("edited");
  must(other_posts.update(edited));
  CHECK(version.current(Io::allowed) != v3);
}

TEST_CASE("the version of public reads is never the absent generations, and needs the cache",
          "[caching][version]") {
  CachedWorld world;
  core::PublicReadVersion version{world.generations};
  using Io = core::PublicReadVersion::Io;
  const auto first = version.current(Io::allowed);
  REQUIRE(first.has_value());
  CHECK(first->find('/') != std::string::npos);
  // Both generations were stored before they were used...
  for (const std::string key : {"post:gen", "user:gen:all"}) {
    CHECK(std::find(world.cache.written.begin(), world.cache.written.end(), key) !=
          world.cache.written.end());
  }
  // ...so a cache that loses its keys never gives an earlier version back.
  world.cache.lose_everything();
  const auto after_loss = version.current(Io::allowed);
  REQUIRE(after_loss.has_value());
  CHECK(after_loss != first);

  world.cache.down = true;
  CHECK_FALSE(version.current(Io::allowed).has_value());
  CHECK_FALSE(version.current(Io::forbidden).has_value());
}

TEST_CASE("without I/O, the version of public reads is read from an in-process cache only",
          "[caching][version]") {
  CachedWorld world;
  world.cache.local = false;
  core::PublicReadVersion version{world.generations};
  world.cache.read.clear();
  CHECK_FALSE(version.current(core::PublicReadVersion::Io::forbidden).has_value());
  CHECK(world.cache.read.empty());  // not even asked
  CHECK(version.current(core::PublicReadVersion::Io::allowed).has_value());
}

TEST_CASE("user records read through still bump the generations, and keep a page's authors",
          "[caching][users]") {
  CachedWorld world;
  core::CachingUserRepository users{world.stored_users, world.cache,       world.generations,
                                    world.stats,        core::CacheTtls{}, core::UserRecords::read_through};
  core::PublicReadVersion version{world.generations};
  const auto alice_user = world.add_user("alice");
  CHECK(must(users.find_by_id(alice_user.id)).bio.str().empty());

  // A change from another process (the CLI blocks users) shows at once in a single record...
  auto behind = alice_user;
  behind.blocked = true;
  must(world.stored_users.update(behind));
  CHECK(must(users.find_by_id(alice_user.id)).blocked);
  const auto written = world.cache.written.size();
  CHECK(must(users.find_by_id(alice_user.id)).blocked);
  CHECK(world.cache.written.size() == written);  // nothing of it was cached

  // ...while a write through the decorator changes the version of public reads.
  const auto before = version.current(core::PublicReadVersion::Io::allowed);
  auto through = alice_user;
  through.bio = bio("changed through");
  must(users.update(through));
  CHECK(version.current(core::PublicReadVersion::Io::allowed) != before);
  const std::vector<core::UserId> ids{alice_user.id};
  CHECK(must(users.find_many(ids)).front().bio.str() == "changed through");
}

TEST_CASE("the feed's total is counted once per generation, and every other page runs no count",
          "[caching][lists][total]") {
  CachedWorld world;
  const auto alice_user = world.add_user("alice");
  const auto alice = principal_for(alice_user);
  for (int i = 0; i < 10; ++i)
    world.publish(alice, "post-" + std::to_string(i));

  CHECK(world.feed(1, 2).total == 10);
  CHECK(world.last_known_total() == std::nullopt);  // the first read counts
  // Behind the decorators (psql): no new generation, so the kept total stands for the feed
  // until the list TTL; only a repository that counted again could report 11.
  world.add_behind(alice_user.id, "behind");

  SECTION("a page read through, beyond the cached pages") {
    const auto deep = world.feed(5, 2);
    CHECK(deep.total == 10);
    CHECK(world.last_known_total() == 10);
    CHECK(titles(deep) == std::vector<std::string>{"post-2", "post-1"});
  }
  SECTION("a cursor page") {
    const auto first = must(world.post_service.list(nullptr, core::PostListing{
                                                                 .author = std::nullopt,
                                                                 .page = must(core::PageRequest::make(3, 2)),
                                                             }));
    REQUIRE(first.next.has_value());
    const auto after = world.feed_after(*first.next, 2);
    CHECK(after.total == 10);
    CHECK(world.last_known_total() == 10);
    REQUIRE(after.items.size() == 2);
    CHECK(after.items.front().post.title.str() == "post-4");
  }
  SECTION("a cached page's miss") {
    CHECK(world.feed(2, 2).total == 10);
    CHECK(world.last_known_total() == 10);
  }
  SECTION("another instance on the same shared cache") {
    core::CacheGenerations other_generations{world.cache, world.ids};
    core::CacheStats other_stats;
    RecordingPostRepository other_recorded{world.stored_posts};
    core::CachingPostRepository other_posts{other_recorded, world.cache, other_generations, other_stats,
                                            core::CacheTtls{}};
    core::PostQuery deep;
    deep.page = must(core::PageRequest::make(5, 2));
    CHECK(must(other_posts.list(deep)).total == 10);
    REQUIRE(other_recorded.known_totals.size() == 1);
    CHECK(other_recorded.known_totals.front() == 10);
  }
}

TEST_CASE("after any post write or like, the next page's total is counted afresh",
          "[caching][lists][total]") {
  CachedWorld world;
  const auto alice = principal_for(world.add_user("alice"));
  const auto bob = principal_for(world.add_user("bob"));
  std::vector<core::Post> posts;
  for (int i = 0; i < 10; ++i)
    posts.push_back(world.publish(alice, "post-" + std::to_string(i)));
  CHECK(world.feed(5, 2).total == 10);
  CHECK(world.feed(4, 2).total == 10);
  REQUIRE(world.last_known_total() == 10);  // kept

  std::int64_t expected = 10;
  SECTION("create") {
    world.publish(alice, "new");
    expected = 11;
  }
  SECTION("remove") {
    must(world.post_service.remove(alice, posts.front().id));
    expected = 9;
  }
  SECTION("unpublish") {
    must(world.post_service.update(alice, posts.front().id, unpublish_patch()));
    expected = 9;
  }
  SECTION("like") {
    must(world.post_service.like(bob, posts.front().id));
  }
  SECTION("unlike") {
    must(world.likes.like(bob.user_id, posts.front().id));
    CHECK(world.feed(5, 2).total == 10);
    REQUIRE(world.last_known_total() == std::nullopt);  // counted once for that generation
    CHECK(world.feed(5, 2).total == 10);
    REQUIRE(world.last_known_total() == 10);
    must(world.post_service.unlike(bob, posts.front().id));
  }
  CHECK(world.feed(5, 2).total == expected);
  CHECK(world.last_known_total() == std::nullopt);  // a new generation: counted by this read
  CHECK(world.feed(4, 2).total == expected);
  CHECK(world.last_known_total() == expected);  // and kept for the next
}

TEST_CASE("with the cache down every feed page is read through and counted", "[caching][lists][total]") {
  CachedWorld world;
  const auto alice = principal_for(world.add_user("alice"));
  for (int i = 0; i < 10; ++i)
    world.publish(alice, "post-" + std::to_string(i));
  CHECK(world.feed(5, 2).total == 10);
  CHECK(world.feed(4, 2).total == 10);
  REQUIRE(world.last_known_total() == 10);

  world.cache.down = true;
  const auto first = world.feed(1, 2);
  CHECK(first.total == 10);
  CHECK(world.last_known_total() == std::nullopt);
  CHECK(world.feed(5, 2).total == 10);
  CHECK(world.last_known_total() == std::nullopt);
  const auto after = world.feed_after(
      core::PostCursor{.created_at = first.items.back().created_at, .id = first.items.back().id});
  CHECK(after.total == 10);
  CHECK(after.items.size() == 8);
  CHECK(world.last_known_total() == std::nullopt);
}

TEST_CASE("the feed's total is never kept under the absent generation", "[caching][lists][total]") {
  CachedWorld world;
  const auto alice_user = world.add_user("alice");
  // Written behind the decorators: the post generation is still absent ("0").
  world.add_behind(alice_user.id, "first");
  CHECK(world.feed(5, 2).total == 1);
  CHECK(world.last_known_total() == std::nullopt);
  // The read stored a generation of its own before keeping anything...
  CHECK(std::find(world.cache.written.begin(), world.cache.written.end(), "post:gen") !=
        world.cache.written.end());
  CHECK(std::find(world.cache.written.begin(), world.cache.written.end(), "post_total:0") ==
        world.cache.written.end());
  CHECK(world.feed(6, 2).total == 1);
  CHECK(world.last_known_total() == 1);
  // ...so a cache that loses its keys (a restart) makes the kept total unreachable.
  world.add_behind(alice_user.id, "second");
  world.cache.lose_everything();
  CHECK(world.feed(5, 2).total == 2);
  CHECK(world.last_known_total() == std::nullopt);
  CHECK(std::find(world.cache.written.begin(), world.cache.written.end(), "post_total:0") ==
        world.cache.written.end());
}

TEST_CASE("a kept total that does not decode is counted again and replaced", "[caching][lists][total]") {
  CachedWorld world;
  const auto alice = principal_for(world.add_user("alice"));
  for (int i = 0; i < 3; ++i)
    world.publish(alice, "post-" + std::to_string(i));
  CHECK(world.feed(5, 1).total == 3);
  const auto total_keys = [&] {
    std::vector<std::string> keys;
    for (const auto& key : world.cache.written) {
      if (key.starts_with("post_total:") && std::find(keys.begin(), keys.end(), key) == keys.end())
        keys.push_back(key);
    }
    return keys;
  };
  REQUIRE(total_keys().size() == 1);
  // Another instance, with nothing kept in process, reads the shared entry.
  const auto other_reads = [&](std::string_view stored) -> std::optional<std::int64_t> {
    for (const auto& key : total_keys())
      REQUIRE(world.cache.set(key, stored, seconds(60)).ok());
    core::CacheGenerations other_generations{world.cache, world.ids};
    core::CacheStats other_stats;
    RecordingPostRepository other_recorded{world.stored_posts};
    core::CachingPostRepository other_posts{other_recorded, world.cache, other_generations, other_stats,
                                            core::CacheTtls{}};
    core::PostQuery deep;
    deep.page = must(core::PageRequest::make(5, 1));
    CHECK(must(other_posts.list(deep)).total == 3);
    REQUIRE(other_recorded.known_totals.size() == 1);
    return other_recorded.known_totals.front();
  };
  CHECK(other_reads("3") == 3);
  CHECK(other_reads("-1") == std::nullopt);
  CHECK(other_reads("3x") == std::nullopt);
  CHECK(other_reads("") == std::nullopt);
  CHECK(other_reads("99999999999999999999") == std::nullopt);
  // Each time counted again and stored over the garbage.
  CHECK(must(world.cache.get(total_keys().front())) == std::optional<std::string>("3"));
}

TEST_CASE("filtered lists and signed-in views still count their own total", "[caching][lists][total]") {
  CachedWorld world;
  const auto alice_user = world.add_user("alice");
  const auto alice = principal_for(alice_user);
  const auto bob_user = world.add_user("bob");
  const auto bob = principal_for(bob_user);
  const auto tagged =
      must(world.post_service.create(
               alice, core::NewPost{.title = title("tagged"), .body = body("b"), .tags = tags({"x"})}))
          .post;
  for (int i = 0; i < 4; ++i)
    world.publish(alice, "post-" + std::to_string(i));
  world.publish(bob, "bob's");
  world.publish(alice, "draft", false);
  must(world.post_service.like(bob, tagged.id));
  must(world.follows.follow(bob.user_id, alice.user_id));
  // The public feed's total is kept...
  CHECK(world.feed(5, 2).total == 6);
  CHECK(world.feed(4, 2).total == 6);
  REQUIRE(world.last_known_total() == 6);

  // ...and never given to a list of other posts.
  const auto counted_alone = [&](const core::PostPage& page, std::int64_t total) {
    CHECK(page.total == total);
    CHECK(world.last_known_total() == std::nullopt);
  };
  core::PostListing by_author;
  by_author.author = alice_user.id;
  counted_alone(must(world.post_service.list(nullptr, by_author)), 5);
  core::PostListing by_tag;
  by_tag.tag = tag("x");
  counted_alone(must(world.post_service.list(nullptr, by_tag)), 1);
  core::PostListing liked;
  liked.liked_by = bob_user.id;
  counted_alone(must(world.post_service.list(nullptr, liked)), 1);
  core::PostListing searched;
  searched.search = must(core::SearchQuery::parse("post"));
  counted_alone(must(world.post_service.list(nullptr, searched)), 4);
  counted_alone(must(world.post_service.feed(bob, must(core::PageRequest::make(3, 2)), std::nullopt)), 5);
  core::PostListing own_view;
  own_view.page = must(core::PageRequest::make(5, 2));
  counted_alone(must(world.post_service.list(&alice, own_view)), 7);  // with alice's draft
  // A caller's own known total is passed on as it is.
  core::PostQuery told;
  told.page = must(core::PageRequest::make(5, 2));
  told.known_total = 42;
  CHECK(must(world.posts.list(told)).total == 42);
  CHECK(world.last_known_total() == 42);
}

TEST_CASE("authors are kept one by one, so a page sharing an author with another reads only the rest",
          "[caching][users]") {
  CachedWorld world;
  const auto alice_user = world.add_user("alice");
  const auto bob_user = world.add_user("bob");
  const std::vector<core::UserId> alice_only{alice_user.id};
  CHECK(must(world.users.find_many(alice_only)).size() == 1);

  // Changed behind the decorator: a kept author is not read again...
  auto alice_behind = alice_user;
  alice_behind.bio = bio("changed behind");
  must(world.stored_users.update(alice_behind));
  auto bob_behind = bob_user;
  bob_behind.bio = bio("bob behind");
  must(world.stored_users.update(bob_behind));
  const std::vector<core::UserId> both{bob_user.id, alice_user.id, bob_user.id};  // duplicates too
  auto found = must(world.users.find_many(both));
  REQUIRE(found.size() == 2);
  std::sort(found.begin(), found.end(), [](const core::User& a, const core::User& b) { return a.id < b.id; });
  CHECK(found[0].id == alice_user.id);
  CHECK(found[0].bio.str().empty());          // kept from the first read
  CHECK(found[1].bio.str() == "bob behind");  // not kept yet: read

  // ...and a write through the decorator makes every kept author unreachable.
  auto through = bob_user;
  through.bio = bio("through");
  must(world.users.update(through));
  found = must(world.users.find_many(both));
  std::sort(found.begin(), found.end(), [](const core::User& a, const core::User& b) { return a.id < b.id; });
  CHECK(found[0].bio.str() == "changed behind");
  CHECK(found[1].bio.str() == "through");
}

}  // namespace parley::unit
