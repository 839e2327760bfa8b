// The TokenStore contract, run against every adapter, with a clock the test controls.
#include <latch>
#include <thread>

#include "contract_support.hpp"

using namespace parley;            // NOLINT(google-build-using-namespace): test brevity
using namespace parley::contract;  // NOLINT(google-build-using-namespace): fixture names in test names
using namespace std::chrono_literals;

TEMPLATE_TEST_CASE("TokenStore: a revoked access token stays revoked until it expires", "[tokens]",
                   PARLEY_TOKEN_STORE_FIXTURES) {
  TestType fixture;
  auto& tokens = fixture.tokens();
  const auto expires_at = fixture.clock().now() + 15min;

  auto unknown = tokens.is_access_token_revoked("jti-1");
  REQUIRE(unknown.ok());
  CHECK_FALSE(*unknown);

  REQUIRE(tokens.revoke_access_token("jti-1", expires_at).ok());
  auto revoked = tokens.is_access_token_revoked("jti-1");
  REQUIRE(revoked.ok());
  CHECK(*revoked);
  auto other = tokens.is_access_token_revoked("jti-2");
  REQUIRE(other.ok());
  CHECK_FALSE(*other);

  fixture.clock().set(expires_at - 1ms);
  CHECK(tokens.is_access_token_revoked("jti-1").value());
  // At its expiry the token is dead anyway: the revocation is forgotten.
  fixture.clock().set(expires_at);
  CHECK_FALSE(tokens.is_access_token_revoked("jti-1").value());
}

TEMPLATE_TEST_CASE("TokenStore: revoking again keeps the later expiry", "[tokens]",
                   PARLEY_TOKEN_STORE_FIXTURES) {
  TestType fixture;
  auto& tokens = fixture.tokens();
  const auto start = fixture.clock().now();
  REQUIRE(tokens.revoke_access_token("jti-1", start + 30min).ok());
  REQUIRE(tokens.revoke_access_token("jti-1", start + 10min).ok());

  fixture.clock().set(start + 20min);
  CHECK(tokens.is_access_token_revoked("jti-1").value());
  fixture.clock().set(start + 30min);
  CHECK_FALSE(tokens.is_access_token_revoked("jti-1").value());
}

TEMPLATE_TEST_CASE("TokenStore: a refresh token is consumed once, then reported as used", "[tokens]",
                   PARLEY_TOKEN_STORE_FIXTURES) {
  TestType fixture;
  auto& tokens = fixture.tokens();
  const auto record = make_refresh("fp-1", session_id(1), user_id(1), fixture.clock().now() + 24h);
  REQUIRE(tokens.save_refresh_token(record).ok());
  REQUIRE(tokens.save_refresh_token(make_refresh("fp-2", session_id(1), user_id(1), record.expires_at)).ok());

  auto first = tokens.consume_refresh_token("fp-1");
  REQUIRE(first.ok());
  CHECK(*first == record);
  CHECK_FALSE(first->used);

  auto second = tokens.consume_refresh_token("fp-1");
  REQUIRE(second.ok());
  CHECK(second->used);  // presented twice: the caller revokes the family
  auto expected = record;
  expected.used = true;
  CHECK(*second == expected);

  // Consuming one token leaves its siblings alone.
  auto sibling = tokens.consume_refresh_token("fp-2");
  REQUIRE(sibling.ok());
  CHECK_FALSE(sibling->used);
}

TEMPLATE_TEST_CASE("TokenStore: unknown and expired refresh tokens are not_found", "[tokens]",
                   PARLEY_TOKEN_STORE_FIXTURES) {
  TestType fixture;
  auto& tokens = fixture.tokens();
  const auto expires_at = fixture.clock().now() + 1h;
  REQUIRE(tokens.save_refresh_token(make_refresh("fp-1", session_id(1), user_id(1), expires_at)).ok());

  CHECK(code_of(tokens.consume_refresh_token("fp-unknown")) == core::ErrorCode::not_found);

  fixture.clock().set(expires_at - 1ms);
  SECTION("just before expiry it is still valid") {
    CHECK(tokens.consume_refresh_token("fp-1").ok());
  }
  SECTION("at expiry it is gone") {
    fixture.clock().set(expires_at);
    CHECK(code_of(tokens.consume_refresh_token("fp-1")) == core::ErrorCode::not_found);
  }
  SECTION("long after expiry, and after a purge, it is gone") {
    fixture.clock().set(expires_at + 24h);
    // A write gives the store its chance to purge expired rows.
    REQUIRE(
        tokens.save_refresh_token(make_refresh("fp-2", session_id(2), user_id(1), expires_at + 48h)).ok());
    CHECK(code_of(tokens.consume_refresh_token("fp-1")) == core::ErrorCode::not_found);
    CHECK(tokens.consume_refresh_token("fp-2").ok());
  }
}

TEMPLATE_TEST_CASE("TokenStore: revoking a family revokes that session only", "[tokens]",
                   PARLEY_TOKEN_STORE_FIXTURES) {
  TestType fixture;
  auto& tokens = fixture.tokens();
  const auto expires_at = fixture.clock().now() + 24h;
  REQUIRE(tokens.save_refresh_token(make_refresh("fp-1a", session_id(1), user_id(1), expires_at)).ok());
  REQUIRE(tokens.save_refresh_token(make_refresh("fp-1b", session_id(1), user_id(1), expires_at)).ok());
  REQUIRE(tokens.save_refresh_token(make_refresh("fp-2", session_id(2), user_id(1), expires_at)).ok());
  CHECK_FALSE(tokens.is_family_revoked(session_id(1)).value());

  REQUIRE(tokens.revoke_family(session_id(1), user_id(1)).ok());

  CHECK(tokens.is_family_revoked(session_id(1)).value());
  CHECK_FALSE(tokens.is_family_revoked(session_id(2)).value());
  // The revoked session's refresh tokens can no longer be used.
  CHECK(code_of(tokens.consume_refresh_token("fp-1a")) == core::ErrorCode::not_found);
  CHECK(code_of(tokens.consume_refresh_token("fp-1b")) == core::ErrorCode::not_found);
  CHECK(tokens.consume_refresh_token("fp-2").ok());
  // Revoking twice is harmless.
  REQUIRE(tokens.revoke_family(session_id(1), user_id(1)).ok());
  CHECK(tokens.is_family_revoked(session_id(1)).value());
}

TEMPLATE_TEST_CASE("TokenStore: a family revoked before any token was saved stays revoked", "[tokens]",
                   PARLEY_TOKEN_STORE_FIXTURES) {
  TestType fixture;
  auto& tokens = fixture.tokens();
  CHECK_FALSE(tokens.is_family_revoked(session_id(9)).value());
  REQUIRE(tokens.revoke_family(session_id(9), user_id(1)).ok());
  CHECK(tokens.is_family_revoked(session_id(9)).value());

  // Its expiry is unknown, so the revocation outlives any token lifetime.
  fixture.clock().advance(24h * 365);
  REQUIRE(tokens.revoke_access_token("jti-x", fixture.clock().now() + 1min).ok());  // lets a purge run
  CHECK(tokens.is_family_revoked(session_id(9)).value());
  // A token saved into it later does not un-revoke it.
  REQUIRE(
      tokens.save_refresh_token(make_refresh("fp-9", session_id(9), user_id(1), fixture.clock().now() + 1h))
          .ok());
  CHECK(tokens.is_family_revoked(session_id(9)).value());
}

TEMPLATE_TEST_CASE("TokenStore: a revoked family is forgotten once all its tokens expired", "[tokens]",
                   PARLEY_TOKEN_STORE_FIXTURES) {
  TestType fixture;
  auto& tokens = fixture.tokens();
  const auto start = fixture.clock().now();
  REQUIRE(tokens.save_refresh_token(make_refresh("fp-1", session_id(1), user_id(1), start + 1h)).ok());
  REQUIRE(tokens.save_refresh_token(make_refresh("fp-2", session_id(1), user_id(1), start + 2h)).ok());
  REQUIRE(tokens.revoke_family(session_id(1), user_id(1)).ok());

  fixture.clock().set(start + 90min);  // one token still alive: the family stays revoked
  CHECK(tokens.is_family_revoked(session_id(1)).value());
  fixture.clock().set(start + 2h);  // every token (and every access token issued with one) is dead
  CHECK_FALSE(tokens.is_family_revoked(session_id(1)).value());
}

TEMPLATE_TEST_CASE("TokenStore: revoke_user_families revokes every session of the user but the kept one",
                   "[tokens]", PARLEY_TOKEN_STORE_FIXTURES) {
  TestType fixture;
  auto& tokens = fixture.tokens();
  const auto expires_at = fixture.clock().now() + 24h;
  REQUIRE(tokens.save_refresh_token(make_refresh("fp-1", session_id(1), user_id(1), expires_at)).ok());
  REQUIRE(tokens.save_refresh_token(make_refresh("fp-2", session_id(2), user_id(1), expires_at)).ok());
  REQUIRE(tokens.save_refresh_token(make_refresh("fp-3", session_id(3), user_id(1), expires_at)).ok());
  REQUIRE(tokens.save_refresh_token(make_refresh("fp-4", session_id(4), user_id(2), expires_at)).ok());

  SECTION("keeping one session") {
    REQUIRE(tokens.revoke_user_families(user_id(1), session_id(2)).ok());
    CHECK(tokens.is_family_revoked(session_id(1)).value());
    CHECK_FALSE(tokens.is_family_revoked(session_id(2)).value());
    CHECK(tokens.is_family_revoked(session_id(3)).value());
    CHECK(code_of(tokens.consume_refresh_token("fp-1")) == core::ErrorCode::not_found);
    CHECK(tokens.consume_refresh_token("fp-2").ok());
    CHECK(code_of(tokens.consume_refresh_token("fp-3")) == core::ErrorCode::not_found);
  }
  SECTION("keeping none") {
    REQUIRE(tokens.revoke_user_families(user_id(1), std::nullopt).ok());
    CHECK(tokens.is_family_revoked(session_id(1)).value());
    CHECK(tokens.is_family_revoked(session_id(2)).value());
    CHECK(tokens.is_family_revoked(session_id(3)).value());
    CHECK(code_of(tokens.consume_refresh_token("fp-2")) == core::ErrorCode::not_found);
  }
  // Another user's sessions are never touched.
  CHECK_FALSE(tokens.is_family_revoked(session_id(4)).value());
  CHECK(tokens.consume_refresh_token("fp-4").ok());
}

TEMPLATE_TEST_CASE("TokenStore: a user without sessions can have them all revoked", "[tokens]",
                   PARLEY_TOKEN_STORE_FIXTURES) {
  TestType fixture;
  CHECK(fixture.tokens().revoke_user_families(user_id(5), std::nullopt).ok());
  CHECK(fixture.tokens().revoke_user_families(user_id(5), session_id(1)).ok());
  CHECK_FALSE(fixture.tokens().is_family_revoked(session_id(1)).value());
}

TEMPLATE_TEST_CASE("TokenStore: of two concurrent consumes of one token exactly one sees it unused",
                   "[tokens]", PARLEY_TOKEN_STORE_FIXTURES) {
  TestType fixture;
  auto& tokens = fixture.tokens();
  constexpr int kRounds = 25;  // many races, each with a fresh token, to give a lost update a chance
  const auto expires_at = fixture.clock().now() + 24h;
  for (int round = 0; round < kRounds; ++round) {
    const std::string fingerprint = "fp-race-" + std::to_string(round);
    REQUIRE(tokens.save_refresh_token(make_refresh(fingerprint, session_id(1), user_id(1), expires_at)).ok());

    std::latch start(2);
    std::optional<core::Result<core::RefreshTokenRecord>> results[2];
    auto consume = [&](int slot) {
      start.arrive_and_wait();
      results[slot].emplace(tokens.consume_refresh_token(fingerprint));
    };
    std::thread first(consume, 0);
    std::thread second(consume, 1);
    first.join();
    second.join();

    INFO("round " << round);
    REQUIRE(results[0]->ok());
    REQUIRE(results[1]->ok());
    const int unused = (results[0]->value().used ? 0 : 1) + (results[1]->value().used ? 0 : 1);
    CHECK(unused == 1);
  }
}

TEMPLATE_TEST_CASE("TokenStore: ping succeeds when storage is reachable", "[tokens]",
                   PARLEY_TOKEN_STORE_FIXTURES) {
  TestType fixture;
  CHECK(fixture.tokens().ping().ok());
}

TEMPLATE_TEST_CASE("TokenStore: revoked() answers both checks at once, the token's first", "[tokens]",
                   PARLEY_TOKEN_STORE_FIXTURES) {
  using Revoked = core::TokenStore::Revoked;
  TestType fixture;
  auto& tokens = fixture.tokens();
  const auto expires_at = fixture.clock().now() + 15min;
  REQUIRE(tokens.save_refresh_token(make_refresh("fp-r", session_id(3), user_id(3), expires_at + 24h)).ok());

  CHECK(tokens.revoked("jti-r", session_id(3)).value() == Revoked::none);
  CHECK(tokens.revoked("jti-r", session_id(4)).value() == Revoked::none);  // a family never seen

  REQUIRE(tokens.revoke_family(session_id(3), user_id(3)).ok());
  CHECK(tokens.revoked("jti-r", session_id(3)).value() == Revoked::session);
  CHECK(tokens.revoked("jti-r", session_id(4)).value() == Revoked::none);

  REQUIRE(tokens.revoke_access_token("jti-r", expires_at).ok());
  CHECK(tokens.revoked("jti-r", session_id(3)).value() == Revoked::access_token);
  CHECK(tokens.revoked("jti-r", session_id(4)).value() == Revoked::access_token);
  CHECK(tokens.revoked("jti-s", session_id(4)).value() == Revoked::none);

  // Each as the separate checks say: the token's revocation ends with the token.
  fixture.clock().set(expires_at);
  CHECK(tokens.revoked("jti-r", session_id(4)).value() == Revoked::none);
  CHECK(tokens.revoked("jti-r", session_id(3)).value() == Revoked::session);
}
