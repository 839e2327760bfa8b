// The UserRepository contract, run against every adapter.
#include <algorithm>
#include <span>

#include "contract_support.hpp"

using namespace parley;            // NOLINT(google-build-using-namespace): test brevity
using namespace parley::contract;  // NOLINT(google-build-using-namespace): fixture names in test names

TEMPLATE_TEST_CASE("UserRepository: a created user is found by id, email and username", "[users]",
                   PARLEY_STORAGE_FIXTURES) {
  TestType fixture;
  auto& users = fixture.users();
  auto alice = make_user(1, "Alice_01", "alice@example.com");
  alice.role = core::Role::moderator;
  alice.blocked = true;
  REQUIRE(users.create(alice).ok());
  REQUIRE(users.create(make_user(2, "bob", "bob@example.com")).ok());

  auto by_id = users.find_by_id(alice.id);
  REQUIRE(by_id.ok());
  CHECK(*by_id == alice);

  auto by_email = users.find_by_email(valid<core::Email>("alice@example.com"));
  REQUIRE(by_email.ok());
  CHECK(*by_email == alice);

  auto by_username = users.find_by_username(valid<core::Username>("Alice_01"));
  REQUIRE(by_username.ok());
  CHECK(*by_username == alice);
}

TEMPLATE_TEST_CASE("UserRepository: email and username lookups ignore case", "[users]",
                   PARLEY_STORAGE_FIXTURES) {
  TestType fixture;
  auto& users = fixture.users();
  const auto alice = make_user(1, "Alice", "alice@example.com");
  REQUIRE(users.create(alice).ok());

  auto by_email = users.find_by_email(valid<core::Email>("ALICE@Example.COM"));
  REQUIRE(by_email.ok());
  CHECK(by_email->id == alice.id);

  auto by_username = users.find_by_username(valid<core::Username>("aLICE"));
  REQUIRE(by_username.ok());
  CHECK(by_username->id == alice.id);
  CHECK(by_username->username.str() == "Alice");  // the stored spelling is kept
}

TEMPLATE_TEST_CASE("UserRepository: taken emails, usernames and ids are conflicts", "[users]",
                   PARLEY_STORAGE_FIXTURES) {
  TestType fixture;
  auto& users = fixture.users();
  REQUIRE(users.create(make_user(1, "alice", "alice@example.com")).ok());

  SECTION("the same email in another case") {
    auto status = users.create(make_user(2, "someone", "Alice@EXAMPLE.com"));
    REQUIRE_FALSE(status.ok());
    CHECK(code_of(status) == core::ErrorCode::conflict);
    CHECK(status.error().details.contains("email"));
  }
  SECTION("the same username in another case") {
    auto status = users.create(make_user(2, "ALICE", "other@example.com"));
    REQUIRE_FALSE(status.ok());
    CHECK(code_of(status) == core::ErrorCode::conflict);
    CHECK(status.error().details.contains("username"));
  }
  SECTION("the same id") {
    auto status = users.create(make_user(1, "carol", "carol@example.com"));
    REQUIRE_FALSE(status.ok());
    CHECK(code_of(status) == core::ErrorCode::conflict);
    CHECK(status.error().details.contains("id"));
  }
  // Whatever the outcome, nothing of the refused user was stored.
  CHECK(code_of(users.find_by_email(valid<core::Email>("other@example.com"))) == core::ErrorCode::not_found);
  CHECK(code_of(users.find_by_username(valid<core::Username>("someone"))) == core::ErrorCode::not_found);
  CHECK(code_of(users.find_by_username(valid<core::Username>("carol"))) == core::ErrorCode::not_found);
}

TEMPLATE_TEST_CASE("UserRepository: unknown users are not_found", "[users]", PARLEY_STORAGE_FIXTURES) {
  TestType fixture;
  auto& users = fixture.users();
  REQUIRE(users.create(make_user(1, "alice", "alice@example.com")).ok());

  CHECK(code_of(users.find_by_id(user_id(99))) == core::ErrorCode::not_found);
  CHECK(code_of(users.find_by_email(valid<core::Email>("nobody@example.com"))) == core::ErrorCode::not_found);
  CHECK(code_of(users.find_by_username(valid<core::Username>("nobody"))) == core::ErrorCode::not_found);
  CHECK(code_of(users.update(make_user(99, "nobody", "nobody@example.com"))) == core::ErrorCode::not_found);
  // A failed update creates nothing.
  CHECK(code_of(users.find_by_id(user_id(99))) == core::ErrorCode::not_found);
}

TEMPLATE_TEST_CASE("UserRepository: update replaces every field but id and created_at", "[users]",
                   PARLEY_STORAGE_FIXTURES) {
  TestType fixture;
  auto& users = fixture.users();
  const auto original = make_user(1, "alice", "alice@example.com");
  REQUIRE(users.create(original).ok());

  auto changed = original;
  changed.email = valid<core::Email>("alice.new@example.org");
  changed.username = valid<core::Username>("Alice.New");
  changed.bio = valid<core::Bio>("");
  changed.role = core::Role::admin;
  changed.blocked = true;
  changed.password_hash = "fake$2$new$digest";
  changed.updated_at = at_ms(5'000);
  changed.created_at = at_ms(9'999);  // must be ignored
  REQUIRE(users.update(changed).ok());

  auto stored = users.find_by_id(original.id);
  REQUIRE(stored.ok());
  auto expected = changed;
  expected.created_at = original.created_at;
  CHECK(*stored == expected);
  // The old email and username are free again; the new ones find the user.
  CHECK(code_of(users.find_by_email(valid<core::Email>("alice@example.com"))) == core::ErrorCode::not_found);
  auto renamed = users.find_by_username(valid<core::Username>("alice.new"));
  REQUIRE(renamed.ok());
  CHECK(renamed->id == original.id);
  CHECK(users.create(make_user(2, "alice", "alice@example.com")).ok());
}

TEMPLATE_TEST_CASE("UserRepository: update without a password hash keeps the stored one", "[users]",
                   PARLEY_STORAGE_FIXTURES) {
  TestType fixture;
  auto& users = fixture.users();
  const auto original = make_user(1, "alice", "alice@example.com");
  REQUIRE(users.create(original).ok());

  // A user as a cache gives it back (no hash), edited and written back.
  auto changed = original;
  changed.password_hash.clear();
  changed.bio = valid<core::Bio>("edited");
  changed.updated_at = at_ms(5'000);
  REQUIRE(users.update(changed).ok());

  auto stored = users.find_by_email(original.email);
  REQUIRE(stored.ok());
  CHECK(stored->password_hash == original.password_hash);
  CHECK(stored->bio.str() == "edited");
  CHECK(stored->updated_at == at_ms(5'000));
}

TEMPLATE_TEST_CASE("UserRepository: update keeps names unique", "[users]", PARLEY_STORAGE_FIXTURES) {
  TestType fixture;
  auto& users = fixture.users();
  const auto alice = make_user(1, "alice", "alice@example.com");
  const auto bob = make_user(2, "bob", "bob@example.com");
  REQUIRE(users.create(alice).ok());
  REQUIRE(users.create(bob).ok());

  SECTION("taking another user's username in another case is a conflict") {
    auto renamed = bob;
    renamed.username = valid<core::Username>("ALICE");
    auto status = users.update(renamed);
    REQUIRE_FALSE(status.ok());
    CHECK(code_of(status) == core::ErrorCode::conflict);
    CHECK(status.error().details.contains("username"));
    auto unchanged = users.find_by_id(bob.id);
    REQUIRE(unchanged.ok());
    CHECK(unchanged->username.str() == "bob");
  }
  SECTION("taking another user's email is a conflict") {
    auto moved = bob;
    moved.email = valid<core::Email>("alice@example.com");
    auto status = users.update(moved);
    REQUIRE_FALSE(status.ok());
    CHECK(code_of(status) == core::ErrorCode::conflict);
    CHECK(status.error().details.contains("email"));
  }
  SECTION("changing the case of one's own username is not a conflict") {
    auto recased = alice;
    recased.username = valid<core::Username>("ALICE");
    REQUIRE(users.update(recased).ok());
    auto stored = users.find_by_id(alice.id);
    REQUIRE(stored.ok());
    CHECK(stored->username.str() == "ALICE");
  }
}

TEMPLATE_TEST_CASE("UserRepository: ping succeeds when storage is reachable", "[users]",
                   PARLEY_STORAGE_FIXTURES) {
  TestType fixture;
  CHECK(fixture.users().ping().ok());
}

TEMPLATE_TEST_CASE("UserRepository: the image is stored, replaced by update and read back", "[users][social]",
                   PARLEY_STORAGE_FIXTURES) {
  TestType fixture;
  auto& users = fixture.users();
  auto alice = make_user(1, "alice", "alice@example.com");
  alice.image = core::ImageUrl::from_storage("https://img.example.com/alice.png");
  const auto bob = make_user(2, "bob", "bob@example.com");  // no image: stored empty
  REQUIRE(users.create(alice).ok());
  REQUIRE(users.create(bob).ok());

  auto found = users.find_by_id(alice.id);
  REQUIRE(found.ok());
  CHECK(found->image.str() == "https://img.example.com/alice.png");
  found = users.find_by_id(bob.id);
  REQUIRE(found.ok());
  CHECK(found->image.str().empty());

  auto changed = alice;
  changed.image = core::ImageUrl::from_storage("");
  changed.email = valid<core::Email>("alice@new.example.com");
  changed.updated_at = at_ms(500);
  REQUIRE(users.update(changed).ok());
  found = users.find_by_email(valid<core::Email>("alice@new.example.com"));
  REQUIRE(found.ok());
  CHECK(*found == changed);
  CHECK(code_of(users.find_by_email(valid<core::Email>("alice@example.com"))) == core::ErrorCode::not_found);
}

TEMPLATE_TEST_CASE("UserRepository: changing the email to a taken one is a conflict on email",
                   "[users][social]", PARLEY_STORAGE_FIXTURES) {
  TestType fixture;
  auto& users = fixture.users();
  const auto alice = make_user(1, "alice", "alice@example.com");
  REQUIRE(users.create(alice).ok());
  REQUIRE(users.create(make_user(2, "bob", "bob@example.com")).ok());

  auto changed = alice;
  changed.email = valid<core::Email>("BOB@example.com");
  changed.bio = valid<core::Bio>("changed");
  auto status = users.update(changed);
  REQUIRE_FALSE(status.ok());
  CHECK(code_of(status) == core::ErrorCode::conflict);
  CHECK(status.error().details.contains("email"));
  CHECK_FALSE(status.error().details.contains("username"));
  auto stored = users.find_by_id(alice.id);
  REQUIRE(stored.ok());
  CHECK(*stored == alice);  // nothing of the refused update was kept
}

TEMPLATE_TEST_CASE("UserRepository: find_many returns the users that exist among the ids", "[users][social]",
                   PARLEY_STORAGE_FIXTURES) {
  TestType fixture;
  auto& users = fixture.users();
  const auto alice = make_user(1, "alice", "alice@example.com");
  const auto bob = make_user(2, "bob", "bob@example.com");
  const auto carol = make_user(3, "carol", "carol@example.com");
  for (const auto& user : {alice, bob, carol})
    REQUIRE(users.create(user).ok());

  // Unknown ids are left out.
  const std::vector<core::UserId> ids{carol.id, user_id(99), alice.id};
  auto found = users.find_many(ids);
  REQUIRE(found.ok());
  std::vector<std::string> names;
  for (const auto& user : *found)
    names.push_back(user.username.str());
  std::sort(names.begin(), names.end());
  CHECK(names == std::vector<std::string>{"alice", "carol"});
  for (const auto& user : *found)
    CHECK(user == (user.id == alice.id ? alice : carol));  // every field, not just the id

  auto none = users.find_many(std::span<const core::UserId>());
  REQUIRE(none.ok());
  CHECK(none->empty());
  const std::vector<core::UserId> unknown{user_id(98), user_id(99)};
  auto missing = users.find_many(unknown);
  REQUIRE(missing.ok());
  CHECK(missing->empty());
}
