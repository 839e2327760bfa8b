// UserService: reading profiles, editing them, and changing passwords.
#include <catch2/catch.hpp>
#include <catch2/trompeloeil.hpp>

#include "mocks.hpp"
#include "support.hpp"

using namespace parley;
using namespace parley::unit;
using core::ErrorCode;
using std::chrono::seconds;
using trompeloeil::_;

namespace {

core::ProfilePatch bio_patch(std::string_view text) {
  core::ProfilePatch patch;
  patch.bio = bio(text);
  return patch;
}

core::ProfilePatch password_patch(std::optional<std::string_view> current, std::string_view next) {
  core::ProfilePatch patch;
  patch.password = password(next);
  if (current) patch.current_password = password(*current);
  return patch;
}

}  // namespace

TEST_CASE("a profile is found by id", "[users]") {
  World world;
  const auto user = world.sign_up("alice");
  CHECK(must(world.user_service.get(user.id)) == user);
  CHECK(fails(world.user_service.get(core::UserId{testing::SequentialIds::make(999)})).code ==
        ErrorCode::not_found);
}

TEST_CASE("the owner edits their bio; updated_at moves, created_at does not", "[users][update]") {
  World world;
  const auto user = world.sign_up("alice");
  const auto session = world.log_in("alice");
  world.clock.advance(seconds(90));
  const auto updated = must(world.user_service.update(session.principal, user.id, bio_patch("Hello there")));
  CHECK(updated.bio.str() == "Hello there");
  CHECK(updated.updated_at == world.clock.now());
  CHECK(updated.created_at == user.created_at);
  CHECK(must(world.users.find_by_id(user.id)) == updated);
}

TEST_CASE("only the owner or an admin may edit a profile", "[users][update]") {
  World world;
  const auto alice = world.sign_up("alice");
  world.sign_up("bob");
  world.sign_up("mod", core::Role::moderator);
  world.sign_up("root", core::Role::admin);

  const auto by_bob =
      fails(world.user_service.update(world.log_in("bob").principal, alice.id, bio_patch("x")));
  CHECK(by_bob.code == ErrorCode::forbidden);
  const auto by_mod =
      fails(world.user_service.update(world.log_in("mod").principal, alice.id, bio_patch("x")));
  CHECK(by_mod.code == ErrorCode::forbidden);
  CHECK(must(world.users.find_by_id(alice.id)).bio.str().empty());

  const auto by_admin =
      must(world.user_service.update(world.log_in("root").principal, alice.id, bio_patch("set")));
  CHECK(by_admin.bio.str() == "set");
  CHECK(
      must(world.user_service.update(core::Principal::operator_cli(), alice.id, bio_patch("op"))).bio.str() ==
      "op");
}

TEST_CASE("an admin editing an unknown user gets not_found", "[users][update]") {
  World world;
  world.sign_up("root", core::Role::admin);
  const auto error = fails(world.user_service.update(
      world.log_in("root").principal, core::UserId{testing::SequentialIds::make(999)}, bio_patch("x")));
  CHECK(error.code == ErrorCode::not_found);
}

TEST_CASE("an empty patch changes nothing", "[users][update]") {
  World world;
  const auto user = world.sign_up("alice");
  const auto session = world.log_in("alice");
  world.clock.advance(seconds(5));
  const auto same = must(world.user_service.update(session.principal, user.id, core::ProfilePatch{}));
  CHECK(same == user);
  CHECK(must(world.users.find_by_id(user.id)).updated_at == user.updated_at);
}

TEST_CASE("a username taken by someone else is a conflict, case-insensitively", "[users][update]") {
  World world;
  const auto alice = world.sign_up("alice");
  world.sign_up("bob");
  const auto session = world.log_in("alice");
  core::ProfilePatch patch;
  patch.username = username("BOB");
  const auto error = fails(world.user_service.update(session.principal, alice.id, patch));
  CHECK(error.code == ErrorCode::conflict);
  CHECK(error.details.contains("username"));
  CHECK(must(world.users.find_by_id(alice.id)).username.str() == "alice");
}

TEST_CASE("a user may rename themself, including a change of case", "[users][update]") {
  World world;
  const auto alice = world.sign_up("alice");
  const auto session = world.log_in("alice");
  core::ProfilePatch patch;
  patch.username = username("Alice");
  CHECK(must(world.user_service.update(session.principal, alice.id, patch)).username.str() == "Alice");
  patch.username = username("alicia");
  CHECK(must(world.user_service.update(session.principal, alice.id, patch)).username.str() == "alicia");
  CHECK(must(world.users.find_by_username(username("ALICIA"))).id == alice.id);
}

TEST_CASE("the owner changes their email; one taken by someone else is a conflict",
          "[users][update][email]") {
  World world;
  const auto alice = world.sign_up("alice");
  world.sign_up("bob");
  const auto session = world.log_in("alice");
  core::ProfilePatch patch;
  patch.email = email("BOB@example.com");
  const auto error = fails(world.user_service.update(session.principal, alice.id, patch));
  CHECK(error.code == ErrorCode::conflict);
  CHECK(error.details.at("email") == "is already taken");
  CHECK(must(world.users.find_by_id(alice.id)).email.str() == "alice@example.com");

  patch.email = email("alice@example.com");  // unchanged: no conflict with oneself
  CHECK(must(world.user_service.update(session.principal, alice.id, patch)).email.str() ==
        "alice@example.com");
  patch.email = email("Alice.New@Example.com");
  CHECK(must(world.user_service.update(session.principal, alice.id, patch)).email.str() ==
        "alice.new@example.com");
  CHECK(must(world.users.find_by_email(email("alice.new@example.com"))).id == alice.id);
  // The new email signs in; the old one no longer does.
  CHECK(world.auth.log_in(email("alice.new@example.com"), password(World::password_of("alice"))).ok());
  CHECK(fails(world.auth.log_in(email("alice@example.com"), password(World::password_of("alice")))).code ==
        ErrorCode::unauthorized);
}

TEST_CASE("the owner sets and removes their image", "[users][update][image]") {
  World world;
  const auto alice = world.sign_up("alice");
  CHECK(alice.image.str().empty());
  const auto session = world.log_in("alice");
  world.clock.advance(seconds(3));
  core::ProfilePatch patch;
  patch.image = image("https://img.example/me.png");
  const auto with_image = must(world.user_service.update(session.principal, alice.id, patch));
  CHECK(with_image.image.str() == "https://img.example/me.png");
  CHECK(with_image.updated_at == world.clock.now());
  CHECK(with_image.bio == alice.bio);
  CHECK(must(world.users.find_by_id(alice.id)).image.str() == "https://img.example/me.png");
  patch.image = image("");
  CHECK(must(world.user_service.update(session.principal, alice.id, patch)).image.str().empty());
}

TEST_CASE("an email check that cannot run is reported", "[users][update][email][mock]") {
  World world;
  auto alice = world.sign_up("alice");
  MockUserRepository users;
  core::UserService service(users, world.tokens, world.hasher, world.clock);
  REQUIRE_CALL(users, find_by_id(alice.id)).RETURN(alice);
  REQUIRE_CALL(users, find_by_email(_)).RETURN(core::Error::unavailable("db down"));
  FORBID_CALL(users, update(_));
  core::ProfilePatch patch;
  patch.email = email("new@example.com");
  CHECK(fails(service.update(principal_for(alice), alice.id, patch)).code == ErrorCode::unavailable);
}

TEST_CASE("a concurrent email conflict from the repository is passed through",
          "[users][update][email][mock]") {
  World world;
  auto alice = world.sign_up("alice");
  MockUserRepository users;
  core::UserService service(users, world.tokens, world.hasher, world.clock);
  REQUIRE_CALL(users, find_by_id(alice.id)).RETURN(alice);
  REQUIRE_CALL(users, find_by_email(_)).RETURN(core::Error::not_found("free"));
  REQUIRE_CALL(users, update(_)).RETURN(core::Error::conflict("email", "is already taken"));
  core::ProfilePatch patch;
  patch.email = email("new@example.com");
  CHECK(fails(service.update(principal_for(alice), alice.id, patch)).details.contains("email"));
}

TEST_CASE("a username check that cannot run is reported", "[users][update][mock]") {
  World world;
  auto alice = world.sign_up("alice");
  MockUserRepository users;
  core::UserService service(users, world.tokens, world.hasher, world.clock);
  REQUIRE_CALL(users, find_by_id(alice.id)).RETURN(alice);
  REQUIRE_CALL(users, find_by_username(_)).RETURN(core::Error::unavailable("db down"));
  FORBID_CALL(users, update(_));
  core::ProfilePatch patch;
  patch.username = username("newname");
  CHECK(fails(service.update(principal_for(alice), alice.id, patch)).code == ErrorCode::unavailable);
}

TEST_CASE("a repository conflict on update is passed through", "[users][update][mock]") {
  World world;
  auto alice = world.sign_up("alice");
  MockUserRepository users;
  core::UserService service(users, world.tokens, world.hasher, world.clock);
  REQUIRE_CALL(users, find_by_id(alice.id)).RETURN(alice);
  REQUIRE_CALL(users, find_by_username(_)).RETURN(core::Error::not_found("free"));
  REQUIRE_CALL(users, update(_)).RETURN(core::Error::conflict("username", "is already taken"));
  core::ProfilePatch patch;
  patch.username = username("newname");
  CHECK(fails(service.update(principal_for(alice), alice.id, patch)).code == ErrorCode::conflict);
}

TEST_CASE("a password change needs the current password", "[users][password]") {
  World world;
  const auto alice = world.sign_up("alice");
  const auto session = world.log_in("alice");

  const auto missing = fails(
      world.user_service.update(session.principal, alice.id, password_patch(std::nullopt, "brand-new-pass")));
  CHECK(missing.code == ErrorCode::invalid_input);
  CHECK(missing.details.at("current_password") == "is required");

  const auto wrong = fails(world.user_service.update(session.principal, alice.id,
                                                     password_patch("not-my-password", "brand-new-pass")));
  CHECK(wrong.code == ErrorCode::invalid_input);
  CHECK(wrong.details.at("current_password") == "is incorrect");
  CHECK(must(world.users.find_by_id(alice.id)).password_hash == alice.password_hash);
}

TEST_CASE("a changed password works, the old one does not", "[users][password]") {
  World world;
  const auto alice = world.sign_up("alice");
  const auto session = world.log_in("alice");
  must(world.user_service.update(session.principal, alice.id,
                                 password_patch("password-alice", "brand-new-pass")));
  CHECK(world.auth.log_in(email("alice@example.com"), password("brand-new-pass")).ok());
  CHECK(fails(world.auth.log_in(email("alice@example.com"), password("password-alice"))).code ==
        ErrorCode::unauthorized);
}

TEST_CASE("changing the password ends other sessions but keeps the current one", "[users][password]") {
  World world;
  const auto alice = world.sign_up("alice");
  const auto current = world.log_in("alice");
  const auto other = world.log_in("alice");
  must(world.user_service.update(current.principal, alice.id,
                                 password_patch("password-alice", "brand-new-pass")));
  CHECK(world.auth.authenticate(current.tokens.access_token).ok());
  CHECK(world.auth.refresh(current.tokens.refresh_token).ok());
  CHECK(fails(world.auth.authenticate(other.tokens.access_token)).code == ErrorCode::unauthorized);
  CHECK(fails(world.auth.refresh(other.tokens.refresh_token)).code == ErrorCode::unauthorized);
}

TEST_CASE("a password change revokes the user's families except the actor's", "[users][password][mock]") {
  World world;
  const auto alice = world.sign_up("alice");
  MockTokenStore tokens;
  core::UserService service(world.users, tokens, world.hasher, world.clock);
  const auto principal = principal_for(alice);
  REQUIRE_CALL(tokens, revoke_user_families(alice.id, std::optional<core::SessionId>(principal.session)))
      .RETURN(core::Status{});
  must(service.update(principal, alice.id, password_patch("password-alice", "brand-new-pass")));
}

TEST_CASE("a failed session revocation after a password change is reported", "[users][password][mock]") {
  World world;
  const auto alice = world.sign_up("alice");
  MockTokenStore tokens;
  core::UserService service(world.users, tokens, world.hasher, world.clock);
  REQUIRE_CALL(tokens, revoke_user_families(alice.id, _)).RETURN(core::Error::unavailable("redis down"));
  CHECK(fails(service.update(principal_for(alice), alice.id,
                             password_patch("password-alice", "brand-new-pass")))
            .code == ErrorCode::unavailable);
}

TEST_CASE("a bio change does not touch sessions", "[users][update][mock]") {
  World world;
  const auto alice = world.sign_up("alice");
  MockTokenStore tokens;
  core::UserService service(world.users, tokens, world.hasher, world.clock);
  FORBID_CALL(tokens, revoke_user_families(_, _));
  CHECK(service.update(principal_for(alice), alice.id, bio_patch("hi")).ok());
}

TEST_CASE("an admin may not change someone else's password", "[users][password]") {
  World world;
  const auto alice = world.sign_up("alice");
  world.sign_up("root", core::Role::admin);
  const auto error = fails(world.user_service.update(world.log_in("root").principal, alice.id,
                                                     password_patch("password-alice", "brand-new-pass")));
  CHECK(error.code == ErrorCode::forbidden);
  CHECK(must(world.users.find_by_id(alice.id)).password_hash == alice.password_hash);
  CHECK(fails(world.user_service.update(core::Principal::operator_cli(), alice.id,
                                        password_patch("password-alice", "brand-new-pass")))
            .code == ErrorCode::forbidden);
}

TEST_CASE("hasher failures during a password change are reported", "[users][password][mock]") {
  World world;
  const auto alice = world.sign_up("alice");
  MockPasswordHasher hasher;
  core::UserService service(world.users, world.tokens, hasher, world.clock);
  SECTION("verify") {
    REQUIRE_CALL(hasher, verify(_, alice.password_hash)).RETURN(core::Error::internal("bad encoding"));
    CHECK(fails(service.update(principal_for(alice), alice.id,
                               password_patch("password-alice", "brand-new-pass")))
              .code == ErrorCode::internal);
  }
  SECTION("hash") {
    REQUIRE_CALL(hasher, verify(_, alice.password_hash)).RETURN(true);
    REQUIRE_CALL(hasher, hash(_)).RETURN(core::Error::internal("kdf failed"));
    CHECK(fails(service.update(principal_for(alice), alice.id,
                               password_patch("password-alice", "brand-new-pass")))
              .code == ErrorCode::internal);
  }
  CHECK(must(world.users.find_by_id(alice.id)).password_hash == alice.password_hash);
}
