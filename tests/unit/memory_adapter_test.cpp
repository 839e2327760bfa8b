// Behaviour specific to the memory adapter: expiry, eviction and cascades. The port contracts
// themselves are covered by tests/contract.
#include <thread>

#include <catch2/catch.hpp>

#include "parley/memory/memory_cache.hpp"
#include "parley/memory/system_clock.hpp"

#include "support.hpp"

using namespace parley;
using namespace parley::unit;
using core::ErrorCode;
using std::chrono::seconds;

TEST_CASE("cache entries expire by the injected clock", "[memory][cache]") {
  testing::FakeClock clock;
  memory::MemoryCache cache(clock);
  must(cache.set("k", "v", seconds(10)));
  CHECK(must(cache.get("k")) == std::optional<std::string>("v"));
  clock.advance(seconds(9));
  CHECK(must(cache.get("k")).has_value());
  clock.advance(seconds(1));
  CHECK_FALSE(must(cache.get("k")).has_value());
  CHECK(cache.size() == 0);  // purged on the way
}

TEST_CASE("cache set overwrites, remove is idempotent, ttl must be positive", "[memory][cache]") {
  testing::FakeClock clock;
  memory::MemoryCache cache(clock);
  must(cache.set("k", "one", seconds(5)));
  must(cache.set("k", "two", seconds(5)));
  CHECK(must(cache.get("k")) == std::optional<std::string>("two"));
  must(cache.remove("k"));
  must(cache.remove("k"));
  CHECK_FALSE(must(cache.get("k")).has_value());
  CHECK(fails(cache.set("k", "v", seconds(0))).code == ErrorCode::invalid_input);
  CHECK(cache.ping().ok());
}

TEST_CASE("a full cache drops expired entries first, then the one expiring soonest", "[memory][cache]") {
  testing::FakeClock clock;
  memory::MemoryCache cache(clock, 2);
  must(cache.set("short", "1", seconds(5)));
  must(cache.set("long", "2", seconds(50)));
  must(cache.set("new", "3", seconds(20)));
  CHECK(cache.size() == 2);
  CHECK_FALSE(must(cache.get("short")).has_value());
  CHECK(must(cache.get("long")).has_value());
  must(cache.set("new", "3b", seconds(20)));  // overwriting never evicts
  CHECK(must(cache.get("long")).has_value());
  clock.advance(seconds(30));  // "new" has expired
  must(cache.set("newer", "4", seconds(100)));
  CHECK(must(cache.get("long")).has_value());
  CHECK(must(cache.get("newer")).has_value());
}

TEST_CASE("consuming a refresh token is one-shot and reports the earlier use", "[memory][tokens]") {
  testing::FakeClock clock;
  memory::MemoryTokenStore store(clock);
  const core::RefreshTokenRecord record{.fingerprint = "fp",
                                        .family = core::SessionId{testing::SequentialIds::make(1)},
                                        .user_id = core::UserId{testing::SequentialIds::make(2)},
                                        .expires_at = clock.now() + seconds(60),
                                        .used = false};
  must(store.save_refresh_token(record));
  CHECK_FALSE(must(store.consume_refresh_token("fp")).used);
  CHECK(must(store.consume_refresh_token("fp")).used);
  CHECK(fails(store.consume_refresh_token("other")).code == ErrorCode::not_found);
  clock.advance(seconds(60));
  CHECK(fails(store.consume_refresh_token("fp")).code == ErrorCode::not_found);
}

TEST_CASE("an access token revocation lasts until the token's expiry", "[memory][tokens]") {
  testing::FakeClock clock;
  memory::MemoryTokenStore store(clock);
  must(store.revoke_access_token("jti", clock.now() + seconds(30)));
  must(store.revoke_access_token("dead", clock.now()));
  CHECK(must(store.is_access_token_revoked("jti")));
  CHECK_FALSE(must(store.is_access_token_revoked("dead")));
  CHECK_FALSE(must(store.is_access_token_revoked("never")));
  clock.advance(seconds(30));
  CHECK_FALSE(must(store.is_access_token_revoked("jti")));
}

TEST_CASE("revoking a user's families keeps the one asked for", "[memory][tokens]") {
  testing::FakeClock clock;
  memory::MemoryTokenStore store(clock);
  const core::UserId user{testing::SequentialIds::make(1)};
  const core::UserId other_user{testing::SequentialIds::make(2)};
  const core::SessionId a{testing::SequentialIds::make(10)};
  const core::SessionId b{testing::SequentialIds::make(11)};
  const core::SessionId c{testing::SequentialIds::make(12)};
  const auto expiry = clock.now() + seconds(600);
  must(store.save_refresh_token({.fingerprint = "a", .family = a, .user_id = user, .expires_at = expiry}));
  must(store.save_refresh_token({.fingerprint = "b", .family = b, .user_id = user, .expires_at = expiry}));
  must(store.save_refresh_token(
      {.fingerprint = "c", .family = c, .user_id = other_user, .expires_at = expiry}));
  must(store.revoke_user_families(user, a));
  CHECK_FALSE(must(store.is_family_revoked(a)));
  CHECK(must(store.is_family_revoked(b)));
  CHECK_FALSE(must(store.is_family_revoked(c)));
  CHECK(fails(store.consume_refresh_token("b")).code == ErrorCode::not_found);
  CHECK(store.consume_refresh_token("a").ok());
  must(store.revoke_user_families(user, std::nullopt));
  CHECK(must(store.is_family_revoked(a)));
  CHECK(store.ping().ok());
}

TEST_CASE("a revoked family is remembered while its tokens live, then forgotten", "[memory][tokens]") {
  testing::FakeClock clock;
  memory::MemoryTokenStore store(clock);
  const core::UserId user{testing::SequentialIds::make(1)};
  const core::SessionId known{testing::SequentialIds::make(10)};
  const core::SessionId unknown{testing::SequentialIds::make(11)};
  must(store.save_refresh_token(
      {.fingerprint = "k", .family = known, .user_id = user, .expires_at = clock.now() + seconds(100)}));
  must(store.revoke_family(known, user));
  must(store.revoke_family(unknown, user));
  CHECK(must(store.is_family_revoked(known)));
  CHECK(must(store.is_family_revoked(unknown)));
  clock.advance(seconds(100));
  CHECK_FALSE(must(store.is_family_revoked(known)));
  must(store.revoke_access_token("sweep", clock.now() + seconds(1)));  // triggers a purge
  CHECK(must(store.is_family_revoked(unknown)));
}

TEST_CASE("the memory store ties comments to posts", "[memory][store]") {
  World world;
  const auto now = world.clock.now();
  const core::Post post{.id = core::PostId{world.ids.next()},
                        .author_id = core::UserId{world.ids.next()},
                        .title = title("t"),
                        .body = body("b"),
                        .is_published = true,
                        .created_at = now,
                        .updated_at = now};
  core::Comment comment{.id = core::CommentId{world.ids.next()},
                        .post_id = core::PostId{world.ids.next()},
                        .author_id = post.author_id,
                        .body = comment_body("c"),
                        .created_at = now};
  CHECK(fails(world.comments.create(comment)).code == ErrorCode::not_found);
  must(world.posts.create(post));
  comment.post_id = post.id;
  must(world.comments.create(comment));
  CHECK(fails(world.comments.create(comment)).code == ErrorCode::conflict);
  must(world.posts.remove(post.id));
  CHECK(fails(world.comments.find_by_id(comment.id)).code == ErrorCode::not_found);
}

TEST_CASE("the memory user repository is case-insensitive on usernames and emails", "[memory][store]") {
  World world;
  auto alice = make_user("Alice", world.clock.now(), core::UserId{world.ids.next()});
  must(world.users.create(alice));
  CHECK(must(world.users.find_by_username(username("aLiCe"))).id == alice.id);
  auto clash = make_user("alice", world.clock.now(), core::UserId{world.ids.next()});
  clash.email = email("other@example.com");
  CHECK(fails(world.users.create(clash)).details.contains("username"));
  auto bob = make_user("bob", world.clock.now(), core::UserId{world.ids.next()});
  must(world.users.create(bob));
  bob.email = core::Email::from_storage("ALICE@example.com");
  CHECK(fails(world.users.update(bob)).details.contains("email"));
  CHECK(fails(world.users.create(alice)).code == ErrorCode::conflict);
  CHECK(world.users.ping().ok());
}

TEST_CASE("the system clock tells the time in milliseconds", "[memory][clock]") {
  memory::SystemClock clock;
  const auto before = std::chrono::floor<std::chrono::milliseconds>(std::chrono::system_clock::now());
  const auto now = clock.now();
  CHECK(now >= before);
  CHECK(now - before < seconds(5));
}

TEST_CASE("the memory token store survives concurrent consumers: one wins", "[memory][tokens][threads]") {
  testing::FakeClock clock;
  memory::MemoryTokenStore store(clock);
  must(store.save_refresh_token({.fingerprint = "shared",
                                 .family = core::SessionId{testing::SequentialIds::make(1)},
                                 .user_id = core::UserId{testing::SequentialIds::make(2)},
                                 .expires_at = clock.now() + seconds(60)}));
  std::atomic<int> fresh{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&] {
      auto record = store.consume_refresh_token("shared");
      if (record && !record->used) ++fresh;
    });
  }
  for (auto& thread : threads)
    thread.join();
  CHECK(fresh == 1);
}
