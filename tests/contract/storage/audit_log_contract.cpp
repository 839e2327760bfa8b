// The AuditLog contract, run against every adapter.
#include "contract_support.hpp"

using namespace parley;            // NOLINT(google-build-using-namespace): test brevity
using namespace parley::contract;  // NOLINT(google-build-using-namespace): fixture names in test names

namespace {

core::AuditEntry make_entry(const core::AuditId& id, std::int64_t at, core::AuditAction action,
                            std::optional<core::UserId> actor) {
  core::AuditEntry entry;
  entry.id = id;
  entry.actor_id = actor;
  entry.action = action;
  entry.target_id = user_id(7);
  entry.detail = "user -> moderator";
  entry.at = at_ms(at);
  entry.request_id = "req-" + id.to_string();
  return entry;
}

}  // namespace

TEMPLATE_TEST_CASE("AuditLog: entries come back whole, newest first, ties by id, with totals", "[audit]",
                   PARLEY_STORAGE_FIXTURES) {
  TestType fixture;
  auto& audit = fixture.audit();
  const auto tie_low = id_from<core::AuditId>("0d000000-0000-7000-8000-000000000000");
  const auto tie_high = id_from<core::AuditId>("d0000000-0000-7000-8000-000000000000");
  const auto by_operator = make_entry(audit_id(1), 100, core::AuditAction::block_user, std::nullopt);
  const auto by_admin = make_entry(audit_id(2), 300, core::AuditAction::change_role, user_id(1));
  const auto tie_a = make_entry(tie_high, 200, core::AuditAction::unblock_user, user_id(1));
  const auto tie_b = make_entry(tie_low, 200, core::AuditAction::block_user, user_id(2));
  REQUIRE(audit.append(by_operator).ok());
  REQUIRE(audit.append(by_admin).ok());
  REQUIRE(audit.append(tie_b).ok());
  REQUIRE(audit.append(tie_a).ok());

  auto all = audit.list(page(1, 20));
  REQUIRE(all.ok());
  REQUIRE(all->items.size() == 4);
  CHECK(all->items[0] == by_admin);
  CHECK(all->items[1] == tie_a);
  CHECK(all->items[2] == tie_b);
  CHECK(all->items[3] == by_operator);
  CHECK_FALSE(all->items[3].actor_id.has_value());  // the operator CLI has no user id
  CHECK(all->total == 4);

  auto second = audit.list(page(2, 3));
  REQUIRE(second.ok());
  CHECK(item_ids(second->items) == strings({by_operator.id}));
  CHECK(second->total == 4);
  auto beyond = audit.list(page(3, 3));
  REQUIRE(beyond.ok());
  CHECK(beyond->items.empty());
  CHECK(beyond->total == 4);
}

TEMPLATE_TEST_CASE("AuditLog: an empty trail is an empty page", "[audit]", PARLEY_STORAGE_FIXTURES) {
  TestType fixture;
  auto listed = fixture.audit().list(page(1, 20));
  REQUIRE(listed.ok());
  CHECK(listed->items.empty());
  CHECK(listed->total == 0);
}

TEMPLATE_TEST_CASE("AuditLog: an entry is appended once", "[audit]", PARLEY_STORAGE_FIXTURES) {
  TestType fixture;
  auto& audit = fixture.audit();
  const auto entry = make_entry(audit_id(1), 100, core::AuditAction::block_user, user_id(1));
  REQUIRE(audit.append(entry).ok());

  CHECK(code_of(audit.append(entry)) == core::ErrorCode::conflict);
  auto listed = audit.list(page(1, 20));
  REQUIRE(listed.ok());
  CHECK(listed->total == 1);
}
