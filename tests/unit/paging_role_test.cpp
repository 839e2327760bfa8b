// Roles, audit actions and page requests.
#include <catch2/catch.hpp>

#include "parley/core/domain/entities.hpp"
#include "parley/core/domain/paging.hpp"
#include "parley/core/domain/role.hpp"

using parley::core::AuditAction;
using parley::core::ErrorCode;
using parley::core::PageRequest;
using parley::core::Role;

TEST_CASE("roles round-trip through their names", "[role]") {
  for (const Role role : {Role::user, Role::moderator, Role::admin}) {
    const auto parsed = parley::core::parse_role(to_string(role));
    REQUIRE(parsed.ok());
    CHECK(*parsed == role);
  }
  CHECK(to_string(Role::moderator) == "moderator");
}

TEST_CASE("unknown role names are invalid input naming role", "[role]") {
  for (const char* text : {"", "Admin", "root", "user "}) {
    const auto parsed = parley::core::parse_role(text);
    REQUIRE_FALSE(parsed.ok());
    CHECK(parsed.error().code == ErrorCode::invalid_input);
    CHECK(parsed.error().details.contains("role"));
  }
}

TEST_CASE("only moderators and admins moderate", "[role]") {
  CHECK_FALSE(parley::core::can_moderate(Role::user));
  CHECK(parley::core::can_moderate(Role::moderator));
  CHECK(parley::core::can_moderate(Role::admin));
}

TEST_CASE("audit actions round-trip through their names", "[audit]") {
  CHECK(to_string(AuditAction::block_user) == "block_user");
  CHECK(to_string(AuditAction::unblock_user) == "unblock_user");
  CHECK(to_string(AuditAction::change_role) == "change_role");
  for (const auto action : {AuditAction::block_user, AuditAction::unblock_user, AuditAction::change_role}) {
    CHECK(parley::core::parse_audit_action(to_string(action)) == action);
  }
  CHECK_FALSE(parley::core::parse_audit_action("delete_user").has_value());
  CHECK_FALSE(parley::core::parse_audit_action("").has_value());
}

TEST_CASE("absent paging values take the defaults", "[paging]") {
  const auto request = PageRequest::make(std::nullopt, std::nullopt);
  REQUIRE(request.ok());
  CHECK(request->page == 1);
  CHECK(request->size == PageRequest::kDefaultSize);
  CHECK(request->offset() == 0);
}

TEST_CASE("page size is capped at the maximum, not refused", "[paging]") {
  CHECK(PageRequest::make(1, 100)->size == 100);
  CHECK(PageRequest::make(1, 101)->size == PageRequest::kMaxSize);
  CHECK(PageRequest::make(1, 1'000'000'000)->size == PageRequest::kMaxSize);
  CHECK(PageRequest::make(1, 1)->size == 1);
}

TEST_CASE("page and size below 1 or page above the maximum are invalid", "[paging]") {
  struct Case {
    std::optional<std::int64_t> page;
    std::optional<std::int64_t> size;
    const char* field;
  };
  const Case cases[] = {
      {0, std::nullopt, "page"},
      {-1, std::nullopt, "page"},
      {PageRequest::kMaxPage + 1, std::nullopt, "page"},
      {std::nullopt, 0, "size"},
      {std::nullopt, -5, "size"},
  };
  for (const auto& c : cases) {
    const auto request = PageRequest::make(c.page, c.size);
    REQUIRE_FALSE(request.ok());
    CHECK(request.error().code == ErrorCode::invalid_input);
    CHECK(request.error().details.contains(c.field));
  }
  CHECK(PageRequest::make(PageRequest::kMaxPage, 100).ok());
}

TEST_CASE("the offset skips the earlier pages", "[paging]") {
  CHECK(PageRequest::make(3, 10)->offset() == 20);
  CHECK(PageRequest::make(PageRequest::kMaxPage, 100)->offset() == (PageRequest::kMaxPage - 1) * 100);
}
