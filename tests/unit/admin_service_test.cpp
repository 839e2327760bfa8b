// AdminService: blocking, roles, and the audit trail that records them.
#include <catch2/catch.hpp>
#include <catch2/trompeloeil.hpp>

#include "mocks.hpp"
#include "support.hpp"

using namespace parley;
using namespace parley::unit;
using core::AuditAction;
using core::ErrorCode;
using std::chrono::seconds;
using trompeloeil::_;

namespace {

const core::RequestContext kContext{.request_id = "req-123"};

struct Staff {
  World world;
  core::User target = world.sign_up("target");
  core::User root = world.sign_up("root", core::Role::admin);
  core::User mod_user = world.sign_up("mod", core::Role::moderator);
  World::Session target_session = world.log_in("target");
  core::Principal admin = world.log_in("root").principal;
  core::Principal mod = world.log_in("mod").principal;

  std::vector<core::AuditEntry> trail() {
    return must(world.audit.list(must(core::PageRequest::make(1, 100)))).items;
  }
};

}  // namespace

TEST_CASE("blocking a user signs them out everywhere and is audited", "[admin][block]") {
  Staff s;
  s.world.clock.advance(seconds(10));
  const auto blocked = must(s.world.admin_service.block(s.admin, s.target.id, kContext));
  CHECK(blocked.blocked);
  CHECK(blocked.updated_at == s.world.clock.now());
  CHECK(must(s.world.users.find_by_id(s.target.id)).blocked);
  CHECK(fails(s.world.auth.authenticate(s.target_session.tokens.access_token)).code ==
        ErrorCode::unauthorized);
  CHECK(fails(s.world.auth.refresh(s.target_session.tokens.refresh_token)).code == ErrorCode::unauthorized);
  CHECK(fails(s.world.auth.log_in(email("target@example.com"), password("password-target"))).code ==
        ErrorCode::forbidden);

  const auto trail = s.trail();
  REQUIRE(trail.size() == 1);
  CHECK(trail[0].action == AuditAction::block_user);
  CHECK(trail[0].actor_id == s.root.id);
  CHECK(trail[0].target_id == s.target.id);
  CHECK(trail[0].detail.empty());
  CHECK(trail[0].at == s.world.clock.now());
  CHECK(trail[0].request_id == "req-123");
  CHECK_FALSE(trail[0].id.value.is_nil());
}

TEST_CASE("blocking revokes every session of the target", "[admin][block][mock]") {
  Staff s;
  MockTokenStore tokens;
  core::AdminService service(s.world.users, tokens, s.world.audit, s.world.clock, s.world.ids);
  REQUIRE_CALL(tokens, revoke_user_families(s.target.id, std::optional<core::SessionId>{}))
      .RETURN(core::Status{});
  must(service.block(s.admin, s.target.id, kContext));
}

TEST_CASE("unblocking and role changes do not touch sessions", "[admin][mock]") {
  Staff s;
  MockTokenStore tokens;
  core::AdminService service(s.world.users, tokens, s.world.audit, s.world.clock, s.world.ids);
  FORBID_CALL(tokens, revoke_user_families(_, _));
  CHECK(service.unblock(s.admin, s.target.id, kContext).ok());
  CHECK(service.set_role(s.admin, s.target.id, core::Role::moderator, kContext).ok());
}

TEST_CASE("a failed revocation when blocking is reported and not audited", "[admin][block][mock]") {
  Staff s;
  MockTokenStore tokens;
  core::AdminService service(s.world.users, tokens, s.world.audit, s.world.clock, s.world.ids);
  REQUIRE_CALL(tokens, revoke_user_families(s.target.id, _)).RETURN(core::Error::unavailable("redis down"));
  CHECK(fails(service.block(s.admin, s.target.id, kContext)).code == ErrorCode::unavailable);
  CHECK(s.trail().empty());
}

TEST_CASE("unblocking lets the user back in and is audited", "[admin][unblock]") {
  Staff s;
  must(s.world.admin_service.block(s.admin, s.target.id, kContext));
  s.world.clock.advance(seconds(1));
  const auto unblocked = must(s.world.admin_service.unblock(s.admin, s.target.id, {.request_id = "req-456"}));
  CHECK_FALSE(unblocked.blocked);
  CHECK(s.world.auth.log_in(email("target@example.com"), password("password-target")).ok());
  const auto trail = s.trail();
  REQUIRE(trail.size() == 2);
  CHECK(trail[0].action == AuditAction::unblock_user);  // newest first
  CHECK(trail[0].request_id == "req-456");
  CHECK(trail[1].action == AuditAction::block_user);
}

TEST_CASE("a role change applies at once and records old and new roles", "[admin][role]") {
  Staff s;
  const auto changed =
      must(s.world.admin_service.set_role(s.admin, s.target.id, core::Role::moderator, kContext));
  CHECK(changed.role == core::Role::moderator);
  CHECK_FALSE(changed.blocked);
  CHECK(must(s.world.auth.authenticate(s.target_session.tokens.access_token)).role == core::Role::moderator);
  const auto trail = s.trail();
  REQUIRE(trail.size() == 1);
  CHECK(trail[0].action == AuditAction::change_role);
  CHECK(trail[0].detail == "user -> moderator");
}

TEST_CASE("the operator acts as admin and is audited without an actor", "[admin][operator]") {
  Staff s;
  const auto op = core::Principal::operator_cli();
  must(s.world.admin_service.set_role(op, s.root.id, core::Role::user, kContext));
  must(s.world.admin_service.block(op, s.target.id, kContext));
  const auto trail = s.trail();
  REQUIRE(trail.size() == 2);
  CHECK_FALSE(trail[0].actor_id.has_value());
  CHECK_FALSE(trail[1].actor_id.has_value());
  CHECK(trail[1].detail == "admin -> user");
  CHECK(must(s.world.admin_service.audit_trail(op, core::PageRequest{})).total == 2);
}

TEST_CASE("only admins administer", "[admin][forbidden]") {
  Staff s;
  const auto& target_principal = s.target_session.principal;
  CHECK(fails(s.world.admin_service.block(s.mod, s.target.id, kContext)).code == ErrorCode::forbidden);
  CHECK(fails(s.world.admin_service.unblock(s.mod, s.target.id, kContext)).code == ErrorCode::forbidden);
  CHECK(fails(s.world.admin_service.set_role(target_principal, target_principal.user_id, core::Role::admin,
                                             kContext))
            .code == ErrorCode::forbidden);
  CHECK(fails(s.world.admin_service.audit_trail(s.mod, core::PageRequest{})).code == ErrorCode::forbidden);
  CHECK(fails(s.world.admin_service.audit_trail(target_principal, core::PageRequest{})).code ==
        ErrorCode::forbidden);
  CHECK(must(s.world.users.find_by_id(s.target.id)).role == core::Role::user);
  CHECK_FALSE(must(s.world.users.find_by_id(s.target.id)).blocked);
  CHECK(s.trail().empty());
}

TEST_CASE("an admin cannot block, unblock or demote themself", "[admin][forbidden]") {
  Staff s;
  CHECK(fails(s.world.admin_service.block(s.admin, s.root.id, kContext)).code == ErrorCode::forbidden);
  CHECK(fails(s.world.admin_service.unblock(s.admin, s.root.id, kContext)).code == ErrorCode::forbidden);
  CHECK(fails(s.world.admin_service.set_role(s.admin, s.root.id, core::Role::user, kContext)).code ==
        ErrorCode::forbidden);
  CHECK(must(s.world.users.find_by_id(s.root.id)).role == core::Role::admin);
  CHECK(s.trail().empty());
}

TEST_CASE("an unknown target is not_found and not audited", "[admin][not_found]") {
  Staff s;
  const core::UserId ghost{testing::SequentialIds::make(99'999)};
  CHECK(fails(s.world.admin_service.block(s.admin, ghost, kContext)).code == ErrorCode::not_found);
  CHECK(fails(s.world.admin_service.set_role(s.admin, ghost, core::Role::admin, kContext)).code ==
        ErrorCode::not_found);
  CHECK(s.trail().empty());
}

TEST_CASE("the audit trail is paged, newest first, for admins", "[admin][audit]") {
  Staff s;
  for (const auto role : {core::Role::moderator, core::Role::admin, core::Role::user}) {
    must(s.world.admin_service.set_role(s.admin, s.target.id, role, kContext));
    s.world.clock.advance(seconds(1));
  }
  const auto page = must(s.world.admin_service.audit_trail(s.admin, must(core::PageRequest::make(1, 2))));
  CHECK(page.total == 3);
  REQUIRE(page.items.size() == 2);
  CHECK(page.items[0].detail == "admin -> user");
  CHECK(page.items[1].detail == "moderator -> admin");
}

TEST_CASE("storage failures during an admin change are reported", "[admin][mock]") {
  Staff s;
  SECTION("user update fails") {
    MockUserRepository users;
    core::AdminService service(users, s.world.tokens, s.world.audit, s.world.clock, s.world.ids);
    REQUIRE_CALL(users, find_by_id(s.target.id)).LR_RETURN(s.target);
    REQUIRE_CALL(users, update(_)).RETURN(core::Error::unavailable("db down"));
    CHECK(fails(service.block(s.admin, s.target.id, kContext)).code == ErrorCode::unavailable);
    CHECK(s.trail().empty());
  }
  SECTION("audit append fails") {
    MockAuditLog audit;
    core::AdminService service(s.world.users, s.world.tokens, audit, s.world.clock, s.world.ids);
    REQUIRE_CALL(audit, append(_))
        .LR_WITH(_1.action == AuditAction::change_role && _1.target_id == s.target.id &&
                 _1.request_id == "req-123")
        .RETURN(core::Error::unavailable("db down"));
    CHECK(fails(service.set_role(s.admin, s.target.id, core::Role::moderator, kContext)).code ==
          ErrorCode::unavailable);
  }
}
