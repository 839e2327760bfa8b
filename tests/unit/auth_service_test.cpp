// AuthService: sign-up, log-in, refresh rotation, log-out and token authentication.
#include <catch2/catch.hpp>
#include <catch2/trompeloeil.hpp>

#include "mocks.hpp"
#include "support.hpp"

using namespace parley;
using namespace parley::unit;
using core::ErrorCode;
using std::chrono::milliseconds;
using std::chrono::seconds;
using trompeloeil::_;

namespace {

core::SignUp sign_up_request(std::string_view mail, std::string_view name,
                             std::string_view pw = "password-x") {
  return core::SignUp{.email = email(mail), .username = username(name), .password = password(pw)};
}

// Claims the World's AuthService would accept now.
core::AccessClaims valid_claims(World& world, const core::User& user, const core::SessionId& session) {
  const auto now = world.clock.now();
  return core::AccessClaims{
      .issuer = world.config.issuer,
      .audience = world.config.audience,
      .subject = user.id,
      .session = session,
      .token_id = "handmade-jti",
      .issued_at = now,
      .expires_at = now + std::chrono::minutes(5),
  };
}

}  // namespace

// ---- sign up ---------------------------------------------------------------------------------

TEST_CASE("sign-up creates an ordinary, unblocked user with a hashed password", "[auth][sign_up]") {
  World world;
  world.clock.advance(milliseconds(1234));
  const auto user = must(world.auth.sign_up(sign_up_request("alice@example.com", "alice", "correct-horse")));

  CHECK(user.id.value == testing::SequentialIds::make(1));
  CHECK(user.email.str() == "alice@example.com");
  CHECK(user.username.str() == "alice");
  CHECK(user.bio.str().empty());
  CHECK(user.role == core::Role::user);
  CHECK_FALSE(user.blocked);
  CHECK(user.created_at == world.clock.now());
  CHECK(user.updated_at == world.clock.now());
  CHECK(user.password_hash.find("correct-horse") == std::string::npos);
  CHECK(must(world.hasher.verify(password("correct-horse"), user.password_hash)));
  CHECK(must(world.users.find_by_id(user.id)) == user);
}

TEST_CASE("sign-up refuses a taken email, case-insensitively, naming the field", "[auth][sign_up]") {
  World world;
  world.sign_up("alice");
  const auto error = fails(world.auth.sign_up(sign_up_request("ALICE@Example.com", "someone")));
  CHECK(error.code == ErrorCode::conflict);
  CHECK(error.details.contains("email"));
  CHECK_FALSE(error.details.contains("username"));
}

TEST_CASE("sign-up refuses a taken username, case-insensitively, naming the field", "[auth][sign_up]") {
  World world;
  world.sign_up("alice");
  const auto error = fails(world.auth.sign_up(sign_up_request("other@example.com", "ALICE")));
  CHECK(error.code == ErrorCode::conflict);
  CHECK(error.details.contains("username"));
  CHECK(world.hasher.hash_calls() == 1);  // the refused sign-up never reached the KDF
}

TEST_CASE("sign-up hashes the password exactly once and stores that hash", "[auth][sign_up][mock]") {
  World world;
  MockPasswordHasher hasher;
  core::AuthService auth(world.config, world.users, world.tokens, hasher, world.signer, world.opaque,
                         world.clock, world.ids);
  REQUIRE_CALL(hasher, hash(_)).WITH(_1.str() == "password-x").TIMES(1).RETURN(std::string("hashed!"));
  const auto user = must(auth.sign_up(sign_up_request("bob@example.com", "bob")));
  CHECK(user.password_hash == "hashed!");
  CHECK(must(world.users.find_by_id(user.id)).password_hash == "hashed!");
}

TEST_CASE("sign-up passes through a repository conflict from a concurrent sign-up", "[auth][sign_up][mock]") {
  World world;
  MockUserRepository users;
  core::AuthService auth(world.config, users, world.tokens, world.hasher, world.signer, world.opaque,
                         world.clock, world.ids);
  ALLOW_CALL(users, find_by_email(_)).RETURN(core::Error::not_found("no"));
  ALLOW_CALL(users, find_by_username(_)).RETURN(core::Error::not_found("no"));
  REQUIRE_CALL(users, create(_)).RETURN(core::Error::conflict("email", "is already taken"));
  const auto error = fails(auth.sign_up(sign_up_request("race@example.com", "racer")));
  CHECK(error.code == ErrorCode::conflict);
  CHECK(error.details.contains("email"));
}

TEST_CASE("sign-up propagates an unavailable repository without hashing", "[auth][sign_up][mock]") {
  World world;
  MockUserRepository users;
  MockPasswordHasher hasher;
  core::AuthService auth(world.config, users, world.tokens, hasher, world.signer, world.opaque, world.clock,
                         world.ids);
  FORBID_CALL(hasher, hash(_));
  SECTION("on the email check") {
    REQUIRE_CALL(users, find_by_email(_)).RETURN(core::Error::unavailable("db down"));
    CHECK(fails(auth.sign_up(sign_up_request("a@example.com", "abc"))).code == ErrorCode::unavailable);
  }
  SECTION("on the username check") {
    REQUIRE_CALL(users, find_by_email(_)).RETURN(core::Error::not_found("no"));
    REQUIRE_CALL(users, find_by_username(_)).RETURN(core::Error::unavailable("db down"));
    CHECK(fails(auth.sign_up(sign_up_request("a@example.com", "abc"))).code == ErrorCode::unavailable);
  }
}

TEST_CASE("sign-up fails when the hasher fails, and stores nothing", "[auth][sign_up][mock]") {
  World world;
  MockPasswordHasher hasher;
  core::AuthService auth(world.config, world.users, world.tokens, hasher, world.signer, world.opaque,
                         world.clock, world.ids);
  REQUIRE_CALL(hasher, hash(_)).RETURN(core::Error::internal("kdf failed"));
  CHECK(fails(auth.sign_up(sign_up_request("a@example.com", "abc"))).code == ErrorCode::internal);
  CHECK(fails(world.users.find_by_email(email("a@example.com"))).code == ErrorCode::not_found);
}

// ---- log in ----------------------------------------------------------------------------------

TEST_CASE("log-in issues an access token with the configured claims", "[auth][log_in]") {
  World world;
  const auto user = world.sign_up("alice");
  world.clock.advance(milliseconds(2'500));  // 2.5 s: iat is whole seconds on the wire
  const auto now = world.clock.now();
  const auto tokens = must(world.auth.log_in(email("alice@example.com"), password("password-alice")));

  const auto claims = must(world.signer.verify(tokens.access_token));
  const auto whole_now = std::chrono::floor<seconds>(now);
  CHECK(claims.issuer == "parley");
  CHECK(claims.audience == "parley-api");
  CHECK(claims.subject == user.id);
  CHECK(core::Uuid::parse(claims.token_id).has_value());
  CHECK_FALSE(claims.session.value.is_nil());
  CHECK(claims.issued_at == whole_now);
  CHECK(claims.expires_at == whole_now + world.config.access_ttl);
  CHECK(tokens.expires_in == world.config.access_ttl);
  CHECK(tokens.user.id == user.id);
  CHECK_FALSE(tokens.refresh_token.empty());
}

TEST_CASE("log-in uses the configured issuer, audience and lifetime", "[auth][log_in]") {
  World world;
  world.sign_up("alice");
  core::AuthConfig config{.issuer = "iss-x", .audience = "aud-y", .access_ttl = seconds(60)};
  core::AuthService auth(config, world.users, world.tokens, world.hasher, world.signer, world.opaque,
                         world.clock, world.ids);
  const auto tokens = must(auth.log_in(email("alice@example.com"), password("password-alice")));
  const auto claims = must(world.signer.verify(tokens.access_token));
  CHECK(claims.issuer == "iss-x");
  CHECK(claims.audience == "aud-y");
  CHECK(claims.expires_at - claims.issued_at == seconds(60));
  CHECK(tokens.expires_in == seconds(60));
  CHECK(auth.authenticate(tokens.access_token).ok());
  CHECK(fails(world.auth.authenticate(tokens.access_token)).code == ErrorCode::unauthorized);
}

TEST_CASE("each log-in is a new session", "[auth][log_in]") {
  World world;
  world.sign_up("alice");
  const auto first = world.log_in("alice");
  const auto second = world.log_in("alice");
  CHECK(first.principal.session != second.principal.session);
  CHECK(first.principal.token_id != second.principal.token_id);
  CHECK(first.tokens.refresh_token != second.tokens.refresh_token);
}

TEST_CASE("an unknown email and a wrong password give the same answer", "[auth][log_in]") {
  World world;
  world.sign_up("alice");
  const auto unknown = fails(world.auth.log_in(email("nobody@example.com"), password("password-alice")));
  const auto wrong = fails(world.auth.log_in(email("alice@example.com"), password("wrong-password")));
  CHECK(unknown.code == ErrorCode::unauthorized);
  CHECK(wrong.code == ErrorCode::unauthorized);
  CHECK(unknown.message == "invalid email or password");
  CHECK(wrong.message == unknown.message);
}

TEST_CASE("an unknown email still runs the KDF against a dummy hash made once", "[auth][log_in]") {
  World world;
  const int hashes_before = world.hasher.hash_calls();
  CHECK(fails(world.auth.log_in(email("nobody@example.com"), password("whatever-1"))).code ==
        ErrorCode::unauthorized);
  CHECK(world.hasher.verify_calls() == 1);
  CHECK(world.hasher.hash_calls() == hashes_before + 1);  // the dummy, created lazily
  CHECK(fails(world.auth.log_in(email("nobody2@example.com"), password("whatever-2"))).code ==
        ErrorCode::unauthorized);
  CHECK(world.hasher.verify_calls() == 2);
  CHECK(world.hasher.hash_calls() == hashes_before + 1);  // reused, not made again
}

TEST_CASE("an unknown email verifies against the dummy hash", "[auth][log_in][mock]") {
  World world;
  MockPasswordHasher hasher;
  core::AuthService auth(world.config, world.users, world.tokens, hasher, world.signer, world.opaque,
                         world.clock, world.ids);
  REQUIRE_CALL(hasher, hash(_)).TIMES(1).RETURN(std::string("dummy-hash"));
  REQUIRE_CALL(hasher, verify(_, "dummy-hash")).WITH(_1.str() == "guess-123").TIMES(2).RETURN(false);
  CHECK(fails(auth.log_in(email("ghost@example.com"), password("guess-123"))).code ==
        ErrorCode::unauthorized);
  CHECK(fails(auth.log_in(email("ghost@example.com"), password("guess-123"))).code ==
        ErrorCode::unauthorized);
}

TEST_CASE("an unknown email is unauthorized even when the dummy hash cannot be made",
          "[auth][log_in][mock]") {
  World world;
  MockPasswordHasher hasher;
  core::AuthService auth(world.config, world.users, world.tokens, hasher, world.signer, world.opaque,
                         world.clock, world.ids);
  REQUIRE_CALL(hasher, hash(_)).TIMES(2).RETURN(core::Error::internal("kdf failed"));  // retried next time
  FORBID_CALL(hasher, verify(_, _));
  CHECK(fails(auth.log_in(email("ghost@example.com"), password("guess-123"))).code ==
        ErrorCode::unauthorized);
  CHECK(fails(auth.log_in(email("ghost@example.com"), password("guess-123"))).code ==
        ErrorCode::unauthorized);
}

TEST_CASE("an unknown email gets the hasher's unavailable, as a known one would", "[auth][log_in][mock]") {
  World world;
  MockPasswordHasher hasher;
  core::AuthService auth(world.config, world.users, world.tokens, hasher, world.signer, world.opaque,
                         world.clock, world.ids);
  trompeloeil::sequence seq;
  REQUIRE_CALL(hasher, hash(_)).IN_SEQUENCE(seq).RETURN(core::Error::unavailable("saturated"));
  REQUIRE_CALL(hasher, hash(_)).IN_SEQUENCE(seq).RETURN(std::string("dummy-hash"));
  REQUIRE_CALL(hasher, verify(_, "dummy-hash"))
      .IN_SEQUENCE(seq)
      .RETURN(core::Error::unavailable("saturated"));
  CHECK(fails(auth.log_in(email("ghost@example.com"), password("guess-123"))).code == ErrorCode::unavailable);
  CHECK(fails(auth.log_in(email("ghost@example.com"), password("guess-123"))).code == ErrorCode::unavailable);
}

TEST_CASE("a blocked user with the right password is forbidden; a wrong one stays unauthorized",
          "[auth][log_in]") {
  World world;
  auto user = world.sign_up("alice");
  user.blocked = true;
  must(world.users.update(user));
  const auto right = fails(world.auth.log_in(email("alice@example.com"), password("password-alice")));
  CHECK(right.code == ErrorCode::forbidden);
  CHECK(right.message == "account is blocked");
  CHECK(fails(world.auth.log_in(email("alice@example.com"), password("wrong-password"))).code ==
        ErrorCode::unauthorized);
}

TEST_CASE("log-in propagates repository and hasher failures", "[auth][log_in][mock]") {
  World world;
  SECTION("repository unavailable") {
    MockUserRepository users;
    core::AuthService auth(world.config, users, world.tokens, world.hasher, world.signer, world.opaque,
                           world.clock, world.ids);
    REQUIRE_CALL(users, find_by_email(_)).RETURN(core::Error::unavailable("db down"));
    CHECK(fails(auth.log_in(email("a@example.com"), password("password-a"))).code == ErrorCode::unavailable);
  }
  SECTION("stored hash not understood") {
    auto user = world.sign_up("alice");
    user.password_hash = "argon2id$unknown";
    must(world.users.update(user));
    CHECK(fails(world.auth.log_in(email("alice@example.com"), password("password-alice"))).code ==
          ErrorCode::internal);
  }
}

TEST_CASE("a weaker stored hash is upgraded after a successful log-in", "[auth][log_in]") {
  World world;
  const auto user = world.sign_up("alice");
  REQUIRE(user.password_hash.starts_with("fake$1$"));
  world.hasher.set_cost(2);
  must(world.auth.log_in(email("alice@example.com"), password("password-alice")));
  const auto stored = must(world.users.find_by_id(user.id));
  CHECK(stored.password_hash.starts_with("fake$2$"));
  CHECK(stored.updated_at == user.updated_at);
  CHECK(world.auth.log_in(email("alice@example.com"), password("password-alice")).ok());
}

TEST_CASE("a failed rehash does not fail the log-in", "[auth][log_in][mock]") {
  World world;
  const auto user = world.sign_up("alice");
  MockPasswordHasher hasher;
  core::AuthService auth(world.config, world.users, world.tokens, hasher, world.signer, world.opaque,
                         world.clock, world.ids);
  REQUIRE_CALL(hasher, verify(_, user.password_hash)).RETURN(true);
  REQUIRE_CALL(hasher, needs_rehash(user.password_hash)).RETURN(true);
  REQUIRE_CALL(hasher, hash(_)).RETURN(core::Error::internal("kdf failed"));
  CHECK(auth.log_in(email("alice@example.com"), password("password-alice")).ok());
  CHECK(must(world.users.find_by_id(user.id)).password_hash == user.password_hash);
}

TEST_CASE("no rehash when the stored hash is current", "[auth][log_in][mock]") {
  World world;
  const auto user = world.sign_up("alice");
  MockPasswordHasher hasher;
  core::AuthService auth(world.config, world.users, world.tokens, hasher, world.signer, world.opaque,
                         world.clock, world.ids);
  REQUIRE_CALL(hasher, verify(_, user.password_hash)).RETURN(true);
  REQUIRE_CALL(hasher, needs_rehash(user.password_hash)).RETURN(false);
  FORBID_CALL(hasher, hash(_));
  CHECK(auth.log_in(email("alice@example.com"), password("password-alice")).ok());
}

TEST_CASE("log-in stores the refresh token by fingerprint with family, user and expiry",
          "[auth][log_in][mock]") {
  World world;
  const auto user = world.sign_up("alice");
  MockTokenStore tokens;
  core::AuthService auth(world.config, world.users, tokens, world.hasher, world.signer, world.opaque,
                         world.clock, world.ids);
  core::RefreshTokenRecord saved;
  REQUIRE_CALL(tokens, save_refresh_token(_)).LR_SIDE_EFFECT(saved = _1).RETURN(core::Status{});
  const auto issued = must(auth.log_in(email("alice@example.com"), password("password-alice")));
  const auto claims = must(world.signer.verify(issued.access_token));
  CHECK(saved.fingerprint == "fp:" + issued.refresh_token);
  CHECK(saved.family == claims.session);
  CHECK(saved.user_id == user.id);
  CHECK(saved.expires_at == std::chrono::floor<seconds>(world.clock.now()) + world.config.refresh_ttl);
  CHECK_FALSE(saved.used);
}

TEST_CASE("log-in fails when the session cannot be stored or signed", "[auth][log_in][mock]") {
  World world;
  world.sign_up("alice");
  SECTION("token store down") {
    MockTokenStore tokens;
    core::AuthService auth(world.config, world.users, tokens, world.hasher, world.signer, world.opaque,
                           world.clock, world.ids);
    REQUIRE_CALL(tokens, save_refresh_token(_)).RETURN(core::Error::unavailable("redis down"));
    CHECK(fails(auth.log_in(email("alice@example.com"), password("password-alice"))).code ==
          ErrorCode::unavailable);
  }
  SECTION("signer fails") {
    MockTokenSigner signer;
    core::AuthService auth(world.config, world.users, world.tokens, world.hasher, signer, world.opaque,
                           world.clock, world.ids);
    REQUIRE_CALL(signer, sign(_)).RETURN(core::Error::internal("no key"));
    CHECK(fails(auth.log_in(email("alice@example.com"), password("password-alice"))).code ==
          ErrorCode::internal);
  }
}

// ---- refresh ---------------------------------------------------------------------------------

TEST_CASE("refresh rotates the pair within the same session", "[auth][refresh]") {
  World world;
  const auto user = world.sign_up("alice");
  const auto session = world.log_in("alice");
  world.clock.advance(seconds(5));
  const auto rotated = must(world.auth.refresh(session.tokens.refresh_token));
  CHECK(rotated.refresh_token != session.tokens.refresh_token);
  CHECK(rotated.access_token != session.tokens.access_token);
  CHECK(rotated.user.id == user.id);
  const auto principal = must(world.auth.authenticate(rotated.access_token));
  CHECK(principal.session == session.principal.session);
  CHECK(principal.user_id == user.id);
  CHECK(world.auth.refresh(rotated.refresh_token).ok());  // the new one works in turn
}

TEST_CASE("a refresh token presented twice revokes its whole session", "[auth][refresh]") {
  World world;
  world.sign_up("alice");
  const auto session = world.log_in("alice");
  const auto rotated = must(world.auth.refresh(session.tokens.refresh_token));

  const auto reuse = fails(world.auth.refresh(session.tokens.refresh_token));
  CHECK(reuse.code == ErrorCode::unauthorized);
  // Everything issued for that session is dead now: the thief's and the owner's tokens alike.
  CHECK(fails(world.auth.refresh(rotated.refresh_token)).code == ErrorCode::unauthorized);
  CHECK(fails(world.auth.authenticate(rotated.access_token)).code == ErrorCode::unauthorized);
  CHECK(fails(world.auth.authenticate(session.tokens.access_token)).code == ErrorCode::unauthorized);
  // Other sessions of the same user are untouched.
  CHECK(world.log_in("alice").principal.user_id == session.principal.user_id);
}

TEST_CASE("refresh reuse revokes the family it belongs to", "[auth][refresh][mock]") {
  World world;
  const auto user = world.sign_up("alice");
  MockTokenStore tokens;
  core::AuthService auth(world.config, world.users, tokens, world.hasher, world.signer, world.opaque,
                         world.clock, world.ids);
  const core::SessionId family{testing::SequentialIds::make(777)};
  const core::RefreshTokenRecord used{.fingerprint = "fp:stolen",
                                      .family = family,
                                      .user_id = user.id,
                                      .expires_at = world.clock.now() + seconds(60),
                                      .used = true};
  REQUIRE_CALL(tokens, consume_refresh_token("fp:stolen")).RETURN(used);
  REQUIRE_CALL(tokens, revoke_family(family, user.id)).RETURN(core::Status{});
  FORBID_CALL(tokens, save_refresh_token(_));
  const auto error = fails(auth.refresh("stolen"));
  CHECK(error.code == ErrorCode::unauthorized);
  CHECK(error.message == "refresh token reuse detected");
}

TEST_CASE("an unknown refresh token is unauthorized", "[auth][refresh]") {
  World world;
  CHECK(fails(world.auth.refresh("never-issued")).code == ErrorCode::unauthorized);
  CHECK(fails(world.auth.refresh("")).code == ErrorCode::unauthorized);
}

TEST_CASE("a refresh token works until its expiry and not after", "[auth][refresh]") {
  World world;
  world.sign_up("alice");
  const auto first = world.log_in("alice");
  const auto second = world.log_in("alice");
  world.clock.advance(world.config.refresh_ttl - seconds(1));
  CHECK(world.auth.refresh(first.tokens.refresh_token).ok());
  world.clock.advance(seconds(1));
  CHECK(fails(world.auth.refresh(second.tokens.refresh_token)).code == ErrorCode::unauthorized);
}

TEST_CASE("an expired record from the store is unauthorized without revoking", "[auth][refresh][mock]") {
  World world;
  const auto user = world.sign_up("alice");
  MockTokenStore tokens;
  core::AuthService auth(world.config, world.users, tokens, world.hasher, world.signer, world.opaque,
                         world.clock, world.ids);
  const core::RefreshTokenRecord expired{.fingerprint = "fp:old",
                                         .family = core::SessionId{testing::SequentialIds::make(5)},
                                         .user_id = user.id,
                                         .expires_at = world.clock.now(),
                                         .used = false};
  REQUIRE_CALL(tokens, consume_refresh_token("fp:old")).RETURN(expired);
  FORBID_CALL(tokens, revoke_family(_, _));
  FORBID_CALL(tokens, save_refresh_token(_));
  CHECK(fails(auth.refresh("old")).code == ErrorCode::unauthorized);
}

TEST_CASE("refresh after log-out is unauthorized", "[auth][refresh]") {
  World world;
  world.sign_up("alice");
  const auto session = world.log_in("alice");
  must(world.auth.log_out(session.principal));
  CHECK(fails(world.auth.refresh(session.tokens.refresh_token)).code == ErrorCode::unauthorized);
}

TEST_CASE("refresh checks the family against revocation", "[auth][refresh][mock]") {
  World world;
  const auto user = world.sign_up("alice");
  MockTokenStore tokens;
  core::AuthService auth(world.config, world.users, tokens, world.hasher, world.signer, world.opaque,
                         world.clock, world.ids);
  const core::SessionId family{testing::SequentialIds::make(42)};
  const core::RefreshTokenRecord record{.fingerprint = "fp:t",
                                        .family = family,
                                        .user_id = user.id,
                                        .expires_at = world.clock.now() + seconds(60),
                                        .used = false};
  REQUIRE_CALL(tokens, consume_refresh_token("fp:t")).RETURN(record);
  FORBID_CALL(tokens, save_refresh_token(_));
  SECTION("revoked family") {
    REQUIRE_CALL(tokens, is_family_revoked(family)).RETURN(true);
    CHECK(fails(auth.refresh("t")).code == ErrorCode::unauthorized);
  }
  SECTION("store cannot tell: fail closed") {
    REQUIRE_CALL(tokens, is_family_revoked(family)).RETURN(core::Error::unavailable("redis down"));
    CHECK(fails(auth.refresh("t")).code == ErrorCode::unavailable);
  }
}

TEST_CASE("refresh for a blocked or vanished user is unauthorized and ends the session",
          "[auth][refresh][mock]") {
  World world;
  auto user = world.sign_up("alice");
  MockTokenStore tokens;
  MockUserRepository users;
  core::AuthService auth(world.config, users, tokens, world.hasher, world.signer, world.opaque, world.clock,
                         world.ids);
  const core::SessionId family{testing::SequentialIds::make(43)};
  const core::RefreshTokenRecord record{.fingerprint = "fp:t",
                                        .family = family,
                                        .user_id = user.id,
                                        .expires_at = world.clock.now() + seconds(60),
                                        .used = false};
  REQUIRE_CALL(tokens, consume_refresh_token("fp:t")).RETURN(record);
  REQUIRE_CALL(tokens, is_family_revoked(family)).RETURN(false);
  FORBID_CALL(tokens, save_refresh_token(_));
  SECTION("blocked") {
    user.blocked = true;
    REQUIRE_CALL(users, find_by_id(user.id)).RETURN(user);
    REQUIRE_CALL(tokens, revoke_family(family, user.id)).RETURN(core::Status{});
    CHECK(fails(auth.refresh("t")).code == ErrorCode::unauthorized);
  }
  SECTION("missing") {
    REQUIRE_CALL(users, find_by_id(user.id)).RETURN(core::Error::not_found("gone"));
    REQUIRE_CALL(tokens, revoke_family(family, user.id)).RETURN(core::Status{});
    CHECK(fails(auth.refresh("t")).code == ErrorCode::unauthorized);
  }
  SECTION("repository unavailable: no verdict, no revocation") {
    REQUIRE_CALL(users, find_by_id(user.id)).RETURN(core::Error::unavailable("db down"));
    FORBID_CALL(tokens, revoke_family(_, _));
    CHECK(fails(auth.refresh("t")).code == ErrorCode::unavailable);
  }
  SECTION("revocation itself fails") {
    user.blocked = true;
    REQUIRE_CALL(users, find_by_id(user.id)).RETURN(user);
    REQUIRE_CALL(tokens, revoke_family(family, user.id)).RETURN(core::Error::unavailable("redis down"));
    CHECK(fails(auth.refresh("t")).code == ErrorCode::unavailable);
  }
}

TEST_CASE("refresh of a blocked user revokes the session for good", "[auth][refresh]") {
  World world;
  auto user = world.sign_up("alice");
  const auto session = world.log_in("alice");
  user.blocked = true;
  must(world.users.update(user));  // blocked behind the service's back: no revocation yet
  CHECK(fails(world.auth.refresh(session.tokens.refresh_token)).code == ErrorCode::unauthorized);
  user.blocked = false;
  must(world.users.update(user));
  CHECK(fails(world.auth.authenticate(session.tokens.access_token)).message == "session revoked");
}

TEST_CASE("refresh propagates a token store outage", "[auth][refresh][mock]") {
  World world;
  MockTokenStore tokens;
  core::AuthService auth(world.config, world.users, tokens, world.hasher, world.signer, world.opaque,
                         world.clock, world.ids);
  REQUIRE_CALL(tokens, consume_refresh_token("fp:t")).RETURN(core::Error::unavailable("redis down"));
  CHECK(fails(auth.refresh("t")).code == ErrorCode::unavailable);
}

// ---- log out ---------------------------------------------------------------------------------

TEST_CASE("log-out kills the access token and the session at once", "[auth][log_out]") {
  World world;
  world.sign_up("alice");
  const auto session = world.log_in("alice");
  const auto other = world.log_in("alice");
  must(world.auth.log_out(session.principal));
  CHECK(fails(world.auth.authenticate(session.tokens.access_token)).code == ErrorCode::unauthorized);
  CHECK(fails(world.auth.refresh(session.tokens.refresh_token)).code == ErrorCode::unauthorized);
  CHECK(world.auth.authenticate(other.tokens.access_token).ok());
}

TEST_CASE("log-out revokes the presented jti until its expiry, and its family", "[auth][log_out][mock]") {
  World world;
  MockTokenStore tokens;
  core::AuthService auth(world.config, world.users, tokens, world.hasher, world.signer, world.opaque,
                         world.clock, world.ids);
  const auto user = make_user("alice", world.clock.now(), core::UserId{testing::SequentialIds::make(9)});
  const auto principal = principal_for(user);
  trompeloeil::sequence seq;
  REQUIRE_CALL(tokens, revoke_access_token(principal.token_id, principal.token_expires_at))
      .IN_SEQUENCE(seq)
      .RETURN(core::Status{});
  REQUIRE_CALL(tokens, revoke_family(principal.session, user.id)).IN_SEQUENCE(seq).RETURN(core::Status{});
  must(auth.log_out(principal));
}

TEST_CASE("log-out reports a store failure", "[auth][log_out][mock]") {
  World world;
  MockTokenStore tokens;
  core::AuthService auth(world.config, world.users, tokens, world.hasher, world.signer, world.opaque,
                         world.clock, world.ids);
  const auto principal =
      principal_for(make_user("alice", world.clock.now(), core::UserId{testing::SequentialIds::make(9)}));
  SECTION("access token revocation fails") {
    REQUIRE_CALL(tokens, revoke_access_token(_, _)).RETURN(core::Error::unavailable("down"));
    FORBID_CALL(tokens, revoke_family(_, _));
    CHECK(fails(auth.log_out(principal)).code == ErrorCode::unavailable);
  }
  SECTION("family revocation fails") {
    REQUIRE_CALL(tokens, revoke_access_token(_, _)).RETURN(core::Status{});
    REQUIRE_CALL(tokens, revoke_family(_, _)).RETURN(core::Error::unavailable("down"));
    CHECK(fails(auth.log_out(principal)).code == ErrorCode::unavailable);
  }
}

// ---- authenticate ----------------------------------------------------------------------------

TEST_CASE("authenticate builds the principal from the token and the stored user", "[auth][authenticate]") {
  World world;
  const auto user = world.sign_up("alice");
  const auto tokens = must(world.auth.log_in(email("alice@example.com"), password("password-alice")));
  const auto claims = must(world.signer.verify(tokens.access_token));
  const auto principal = must(world.auth.authenticate(tokens.access_token));
  CHECK(principal.user_id == user.id);
  CHECK(principal.role == core::Role::user);
  CHECK(principal.session == claims.session);
  CHECK(principal.token_id == claims.token_id);
  CHECK(principal.token_expires_at == claims.expires_at);
  CHECK_FALSE(principal.is_operator);
}

TEST_CASE("a role change applies to tokens already issued", "[auth][authenticate]") {
  World world;
  auto user = world.sign_up("alice");
  const auto session = world.log_in("alice");
  user.role = core::Role::moderator;
  must(world.users.update(user));
  CHECK(must(world.auth.authenticate(session.tokens.access_token)).role == core::Role::moderator);
}

TEST_CASE("malformed and tampered tokens are unauthorized", "[auth][authenticate]") {
  World world;
  world.sign_up("alice");
  const auto session = world.log_in("alice");
  CHECK(fails(world.auth.authenticate("")).code == ErrorCode::unauthorized);
  CHECK(fails(world.auth.authenticate("not a token")).code == ErrorCode::unauthorized);
  auto tampered = session.tokens.access_token;
  tampered[10] = tampered[10] == 'a' ? 'b' : 'a';
  CHECK(fails(world.auth.authenticate(tampered)).code == ErrorCode::unauthorized);
  testing::FakeTokenSigner other_key("another-secret");
  const auto forged = must(other_key.sign(must(world.signer.verify(session.tokens.access_token))));
  CHECK(fails(world.auth.authenticate(forged)).code == ErrorCode::unauthorized);
}

TEST_CASE("a signer failure of any kind is unauthorized", "[auth][authenticate][mock]") {
  World world;
  MockTokenSigner signer;
  core::AuthService auth(world.config, world.users, world.tokens, world.hasher, signer, world.opaque,
                         world.clock, world.ids);
  REQUIRE_CALL(signer, verify("t")).RETURN(core::Error::internal("decoder bug"));
  CHECK(fails(auth.authenticate("t")).code == ErrorCode::unauthorized);
}

TEST_CASE("an access token expires exactly at exp", "[auth][authenticate]") {
  World world;
  world.sign_up("alice");
  const auto session = world.log_in("alice");
  world.clock.set(session.principal.token_expires_at - milliseconds(1));
  CHECK(world.auth.authenticate(session.tokens.access_token).ok());
  world.clock.set(session.principal.token_expires_at);
  const auto error = fails(world.auth.authenticate(session.tokens.access_token));
  CHECK(error.code == ErrorCode::unauthorized);
  CHECK(error.message == "token expired");
}

TEST_CASE("tokens for another issuer or audience are refused", "[auth][authenticate]") {
  World world;
  const auto user = world.sign_up("alice");
  const core::SessionId session{testing::SequentialIds::make(500)};
  auto claims = valid_claims(world, user, session);
  REQUIRE(world.auth.authenticate(must(world.signer.sign(claims))).ok());

  SECTION("issuer") {
    claims.issuer = "someone-else";
    CHECK(fails(world.auth.authenticate(must(world.signer.sign(claims)))).message == "invalid token issuer");
  }
  SECTION("audience") {
    claims.audience = "another-api";
    CHECK(fails(world.auth.authenticate(must(world.signer.sign(claims)))).message ==
          "invalid token audience");
  }
}

TEST_CASE("iat in the future is tolerated only within the clock skew", "[auth][authenticate]") {
  World world;
  const auto user = world.sign_up("alice");
  auto claims = valid_claims(world, user, core::SessionId{testing::SequentialIds::make(501)});
  claims.issued_at = world.clock.now() + world.config.clock_skew;
  CHECK(world.auth.authenticate(must(world.signer.sign(claims))).ok());
  claims.issued_at = world.clock.now() + world.config.clock_skew + seconds(1);
  const auto error = fails(world.auth.authenticate(must(world.signer.sign(claims))));
  CHECK(error.code == ErrorCode::unauthorized);
  CHECK(error.message == "token issued in the future");
}

TEST_CASE("a token must expire after it was issued", "[auth][authenticate]") {
  World world;
  const auto user = world.sign_up("alice");
  auto claims = valid_claims(world, user, core::SessionId{testing::SequentialIds::make(502)});
  claims.issued_at = world.clock.now() + seconds(20);
  claims.expires_at = world.clock.now() + seconds(10);
  CHECK(fails(world.auth.authenticate(must(world.signer.sign(claims)))).message == "invalid token lifetime");
}

TEST_CASE("a revoked jti or session is unauthorized", "[auth][authenticate]") {
  World world;
  world.sign_up("alice");
  const auto session = world.log_in("alice");
  SECTION("jti") {
    must(world.tokens.revoke_access_token(session.principal.token_id, session.principal.token_expires_at));
    CHECK(fails(world.auth.authenticate(session.tokens.access_token)).message == "token revoked");
  }
  SECTION("session") {
    must(world.tokens.revoke_family(session.principal.session, session.principal.user_id));
    CHECK(fails(world.auth.authenticate(session.tokens.access_token)).message == "session revoked");
  }
}

TEST_CASE("authenticate fails closed when revocations cannot be checked", "[auth][authenticate][mock]") {
  World world;
  const auto user = world.sign_up("alice");
  MockTokenStore tokens;
  core::AuthService auth(world.config, world.users, tokens, world.hasher, world.signer, world.opaque,
                         world.clock, world.ids);
  const auto claims = valid_claims(world, user, core::SessionId{testing::SequentialIds::make(503)});
  const auto token = must(world.signer.sign(claims));
  SECTION("jti check unavailable") {
    REQUIRE_CALL(tokens, is_access_token_revoked(claims.token_id)).RETURN(core::Error::unavailable("down"));
    FORBID_CALL(tokens, is_family_revoked(_));
    CHECK(fails(auth.authenticate(token)).code == ErrorCode::unavailable);
  }
  SECTION("jti check fails oddly: still unavailable, never a pass") {
    REQUIRE_CALL(tokens, is_access_token_revoked(claims.token_id)).RETURN(core::Error::internal("bad reply"));
    CHECK(fails(auth.authenticate(token)).code == ErrorCode::unavailable);
  }
  SECTION("family check unavailable") {
    REQUIRE_CALL(tokens, is_access_token_revoked(claims.token_id)).RETURN(false);
    REQUIRE_CALL(tokens, is_family_revoked(claims.session)).RETURN(core::Error::unavailable("down"));
    CHECK(fails(auth.authenticate(token)).code == ErrorCode::unavailable);
  }
  SECTION("both checks pass") {
    REQUIRE_CALL(tokens, is_access_token_revoked(claims.token_id)).RETURN(false);
    REQUIRE_CALL(tokens, is_family_revoked(claims.session)).RETURN(false);
    CHECK(auth.authenticate(token).ok());
  }
}

TEST_CASE("a token of a missing or blocked user is unauthorized", "[auth][authenticate]") {
  World world;
  auto user = world.sign_up("alice");
  SECTION("missing") {
    const auto ghost = make_user("ghost", world.clock.now(), core::UserId{testing::SequentialIds::make(999)});
    auto claims = valid_claims(world, ghost, core::SessionId{testing::SequentialIds::make(504)});
    CHECK(fails(world.auth.authenticate(must(world.signer.sign(claims)))).code == ErrorCode::unauthorized);
  }
  SECTION("blocked") {
    const auto session = world.log_in("alice");
    user.blocked = true;
    must(world.users.update(user));
    CHECK(fails(world.auth.authenticate(session.tokens.access_token)).message == "account is blocked");
  }
}

TEST_CASE("authenticate propagates an unavailable user repository", "[auth][authenticate][mock]") {
  World world;
  const auto user = world.sign_up("alice");
  MockUserRepository users;
  core::AuthService auth(world.config, users, world.tokens, world.hasher, world.signer, world.opaque,
                         world.clock, world.ids);
  const auto claims = valid_claims(world, user, core::SessionId{testing::SequentialIds::make(505)});
  REQUIRE_CALL(users, find_by_id(user.id)).RETURN(core::Error::unavailable("db down"));
  CHECK(fails(auth.authenticate(must(world.signer.sign(claims)))).code == ErrorCode::unavailable);
}
