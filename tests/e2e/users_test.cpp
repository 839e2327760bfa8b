// Profiles: who sees the email, who may edit what, and password changes.
#include <catch2/catch.hpp>

#include "support/fixture.hpp"

namespace parley::e2e {
namespace {

std::string user_path(const std::string& id) {
  return "/api/v1/users/" + id;
}

}  // namespace

TEST_CASE("GET /users/{id} is public but shows the email only to the user and to admins", "[e2e][users]") {
  ServerProcess& server = shared_server();
  const Api api = shared_api();
  const Account alice = new_user(api, "alice");
  const Account bob = new_user(api, "bob");
  const Account admin = new_admin(server, api);
  const std::string path = user_path(alice.id);

  const json::object anonymous = expect_data(api.get(path), 200);
  check_user_shape(anonymous, false, true);
  CHECK_FALSE(bool_field(anonymous, "following"));
  CHECK(string_field(anonymous, "id") == alice.id);
  CHECK(string_field(anonymous, "username") == alice.username);

  check_user_shape(expect_data(api.get(path, bob.token()), 200), false, true);

  const json::object self = expect_data(api.get(path, alice.token()), 200);
  check_user_shape(self, true, true);
  CHECK(string_field(self, "email") == alice.email);

  const json::object by_admin = expect_data(api.get(path, admin.token()), 200);
  check_user_shape(by_admin, true, true);
  CHECK(string_field(by_admin, "email") == alice.email);

  const json::object me = expect_data(api.get("/api/v1/users/me", alice.token()), 200);
  CHECK(string_field(me, "email") == alice.email);
  expect_error(api.get("/api/v1/users/me"), 401, "UNAUTHORIZED");

  expect_error(api.get(user_path(random_uuid())), 404, "NOT_FOUND");
  expect_error(api.get(user_path("not-a-uuid")), 400, "INVALID_INPUT", {{"id", "must be a UUID"}});
  expect_error(api.get(user_path("12345")), 400, "INVALID_INPUT", {{"id", "must be a UUID"}});
}

TEST_CASE("profile edits: own profile, not others', admins may edit username and bio", "[e2e][users]") {
  ServerProcess& server = shared_server();
  const Api api = shared_api();
  const Account alice = new_user(api, "alice");
  const Account bob = new_user(api, "bob");
  const Account admin = new_admin(server, api);
  const std::string path = user_path(alice.id);

  const json::object bio_set =
      expect_data(api.patch(path, {{"bio", "I write about parsers."}}, alice.token()), 200);
  check_user_shape(bio_set, true);
  CHECK(string_field(bio_set, "bio") == "I write about parsers.");
  CHECK(string_field(bio_set, "updated_at") >= string_field(bio_set, "created_at"));

  const std::string renamed = unique_username("alice2");
  const json::object renamed_user = expect_data(api.patch(path, {{"username", renamed}}, alice.token()), 200);
  CHECK(string_field(renamed_user, "username") == renamed);
  CHECK(string_field(renamed_user, "bio") == "I write about parsers.");
  CHECK(string_field(expect_data(api.get(path), 200), "username") == renamed);

  expect_error(api.patch(path, {{"bio", "hijacked"}}, bob.token()), 403, "FORBIDDEN");
  expect_error(api.patch(path, {{"bio", "anonymous"}}), 401, "UNAUTHORIZED");
  CHECK(string_field(expect_data(api.get(path), 200), "bio") == "I write about parsers.");

  const std::string by_admin_name = unique_username("moderated");
  const json::object by_admin = expect_data(
      api.patch(path, {{"username", by_admin_name}, {"bio", "Edited by an admin."}}, admin.token()), 200);
  check_user_shape(by_admin, true);
  CHECK(string_field(by_admin, "username") == by_admin_name);
  CHECK(string_field(by_admin, "bio") == "Edited by an admin.");
  CHECK(string_field(by_admin, "email") == alice.email);

  INFO("admins cannot change another user's password");
  expect_error(
      api.patch(path, {{"password", new_password()}, {"current_password", alice.password}}, admin.token()),
      403, "FORBIDDEN");
  log_in(api, alice.email, alice.password);

  std::string taken = bob.username;
  for (auto& c : taken)
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  expect_error(api.patch(path, {{"username", taken}}, alice.token()), 409, "CONFLICT",
               {{"username", "is already taken"}});

  // email and image are editable (social_test.cpp); the account's flags are not.
  expect_error(api.patch(path, {{"blocked", true}}, alice.token()), 400, "INVALID_INPUT",
               {{"blocked", "unknown field"}});
  expect_error(api.patch(path, {{"role", "admin"}}, alice.token()), 400, "INVALID_INPUT",
               {{"role", "unknown field"}});
  expect_error(api.patch(path, {{"username", 12}}, alice.token()), 400, "INVALID_INPUT",
               {{"username", "must be a string"}});
  expect_error(api.patch(path, {{"username", "x"}}, alice.token()), 400, "INVALID_INPUT",
               {{"username", std::nullopt}});
  expect_error(api.patch(path, {{"bio", std::string(501, 'b')}}, alice.token()), 400, "INVALID_INPUT",
               {{"bio", std::nullopt}});
  expect_error(api.patch(user_path(random_uuid()), {{"bio", "x"}}, admin.token()), 404, "NOT_FOUND");
  expect_error(api.patch(user_path("nope"), {{"bio", "x"}}, admin.token()), 400, "INVALID_INPUT",
               {{"id", "must be a UUID"}});
  const json::object after = expect_data(api.get(path, alice.token()), 200);
  CHECK(string_field(after, "role") == "user");
  CHECK(string_field(after, "email") == alice.email);
}

TEST_CASE("a password change needs the current password and revokes the user's other sessions only",
          "[e2e][users][password]") {
  const Api api = shared_api();
  const Account alice = new_user(api, "pwd");
  const Session other = log_in(api, alice.email, alice.password);
  const std::string path = user_path(alice.id);
  const std::string changed = new_password();

  expect_error(api.patch(path, {{"password", changed}}, alice.token()), 400, "INVALID_INPUT",
               {{"current_password", "is required"}});
  expect_error(api.patch(path, {{"password", changed}, {"current_password", new_password()}}, alice.token()),
               400, "INVALID_INPUT", {{"current_password", "is incorrect"}});
  expect_error(api.patch(path, {{"password", "Sh0rt!"}, {"current_password", alice.password}}, alice.token()),
               400, "INVALID_INPUT", {{"password", std::nullopt}});
  expect_error(api.patch(path, {{"password", changed}, {"current_password", false}}, alice.token()), 400,
               "INVALID_INPUT", {{"current_password", "must be a string"}});
  INFO("nothing changed so far: the other session is alive");
  expect_data(api.get("/api/v1/users/me", other.access_token), 200);

  const json::object updated = expect_data(
      api.patch(path, {{"password", changed}, {"current_password", alice.password}}, alice.token()), 200);
  check_user_shape(updated, true);

  INFO("the session used for the change is kept");
  expect_data(api.get("/api/v1/users/me", alice.token()), 200);
  INFO("the other session is revoked, access and refresh");
  expect_error(api.get("/api/v1/users/me", other.access_token), 401, "UNAUTHORIZED");
  expect_error(api.post("/api/v1/auth/refresh", {{"refresh_token", other.refresh_token}}), 401,
               "UNAUTHORIZED");
  INFO("the kept session can still refresh");
  expect_session(api.post("/api/v1/auth/refresh", {{"refresh_token", alice.session.refresh_token}}));

  expect_error(api.post("/api/v1/auth/login", {{"email", alice.email}, {"password", alice.password}}), 401,
               "UNAUTHORIZED");
  log_in(api, alice.email, changed);
}

}  // namespace parley::e2e
