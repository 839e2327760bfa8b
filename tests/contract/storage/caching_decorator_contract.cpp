// The core caching decorators over every Cache adapter (in-process and Redis): two instances
// sharing one cache and one database, as two Parley servers sharing Redis and PostgreSQL do.
// A write through either is seen at once by the other.
#include "parley/core/caching/caching_repositories.hpp"

#include "contract_support.hpp"

using namespace parley;            // NOLINT(google-build-using-namespace): test brevity
using namespace parley::contract;  // NOLINT(google-build-using-namespace): fixture names in test names

namespace {

// One server's decorator stack: its own generations bookkeeping and counters.
struct Instance {
  // first_id: each instance draws generations from its own range, as two servers' UUIDv7s differ.
  Instance(core::UserRepository& users, core::PostRepository& posts, core::Cache& cache,
           std::uint64_t first_id)
      : ids(first_id),
        generations(cache, ids),
        cached_users(users, cache, generations, stats, core::CacheTtls{}),
        cached_posts(posts, cache, generations, stats, core::CacheTtls{}) {}

  testing::SequentialIds ids;
  core::CacheStats stats;
  core::CacheGenerations generations;
  core::CachingUserRepository cached_users;
  core::CachingPostRepository cached_posts;
};

core::PostQuery public_feed() {
  core::PostQuery query;
  query.page = page(1, 20);
  return query;
}

}  // namespace

TEMPLATE_TEST_CASE("Caching decorators: a write through one instance is seen at once by another",
                   "[cache][caching]", PARLEY_CACHE_FIXTURES) {
  TestType fixture;
  memory::MemoryStore store;
  memory::MemoryUserRepository users{store};
  memory::MemoryPostRepository posts{store};
  Instance first(users, posts, fixture.cache(), 500'000);
  Instance second(users, posts, fixture.cache(), 900'000);

  auto alice = make_user(1, "alice", "alice@example.com");
  REQUIRE(users.create(alice).ok());
  const auto post = make_post(post_id(1), alice.id, 100);
  REQUIRE(first.cached_posts.create(post).ok());

  // Both warm their reads; the second reads of each come from the shared cache.
  for (Instance* instance : {&first, &second}) {
    REQUIRE(instance->cached_posts.find_by_id(post.id).ok());
    REQUIRE(instance->cached_posts.list(public_feed()).ok());
    REQUIRE(instance->cached_users.find_by_id(alice.id).ok());
  }
  CHECK(second.stats.post().hits.load() == 1);
  CHECK(second.stats.post_list().hits.load() == 1);
  CHECK(second.stats.user().hits.load() == 1);

  auto edited = post;
  edited.title = valid<core::PostTitle>("Edited through the second");
  REQUIRE(second.cached_posts.update(edited).ok());
  auto seen = first.cached_posts.find_by_id(post.id);
  REQUIRE(seen.ok());
  CHECK(*seen == edited);
  auto feed = first.cached_posts.list(public_feed());
  REQUIRE(feed.ok());
  REQUIRE(feed->items.size() == 1);
  CHECK(feed->items.front() == edited);

  alice.blocked = true;
  alice.bio = valid<core::Bio>("blocked now");
  REQUIRE(second.cached_users.update(alice).ok());
  auto user = first.cached_users.find_by_id(alice.id);
  REQUIRE(user.ok());
  CHECK(*user == alice);

  REQUIRE(first.cached_posts.remove(post.id).ok());
  CHECK(code_of(second.cached_posts.find_by_id(post.id)) == core::ErrorCode::not_found);
  feed = second.cached_posts.list(public_feed());
  REQUIRE(feed.ok());
  CHECK(feed->items.empty());
  CHECK(feed->total == 0);

  for (Instance* instance : {&first, &second}) {
    CHECK(instance->stats.post().errors.load() == 0);
    CHECK(instance->stats.post_list().errors.load() == 0);
    CHECK(instance->stats.user().errors.load() == 0);
  }
}
