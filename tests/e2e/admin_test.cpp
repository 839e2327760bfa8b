// Admin API and operator CLI: blocking, roles, the audit trail, and who may do any of it.
#include <catch2/catch.hpp>

#include "support/fixture.hpp"

namespace parley::e2e {
namespace {

std::string admin_user_path(const std::string& id, const std::string& action) {
  return "/api/v1/admin/users/" + id + "/" + action;
}

void expect_token_rejected(const Api& api, const std::string& token) {
  expect_error(api.get("/api/v1/users/me", token), 401, "UNAUTHORIZED");
}

json::object find_by_request_id(const json::array& entries, const std::string& request_id) {
  for (const auto& entry : entries) {
    if (entry.is_object() && entry.as_object().contains("request_id") &&
        entry.as_object().at("request_id") == request_id.c_str()) {
      return entry.as_object();
    }
  }
  FAIL("no audit entry with request_id " << request_id << " in " << json::serialize(entries));
  return {};
}

void check_audit_shape(const json::object& entry) {
  INFO("audit entry: " << json::serialize(entry));
  CHECK(keys(entry) ==
        std::set<std::string>{"action", "actor_id", "at", "detail", "id", "request_id", "target_id"});
  CHECK(is_uuid(string_field(entry, "id")));
  CHECK(is_uuid(string_field(entry, "target_id")));
  CHECK(is_timestamp(string_field(entry, "at")));
  string_field(entry, "detail");
  string_field(entry, "request_id");
  REQUIRE(entry.contains("actor_id"));
  CHECK((entry.at("actor_id").is_null() || is_uuid(string_field(entry, "actor_id"))));
  const std::string action = string_field(entry, "action");
  CHECK((action == "block_user" || action == "unblock_user" || action == "change_role"));
}

json::array audit_trail(const Api& api, const Account& admin) {
  const json::array entries = expect_list(api.get("/api/v1/admin/audit?size=100", admin.token()));
  for (const auto& entry : entries) {
    REQUIRE(entry.is_object());
    check_audit_shape(entry.as_object());
  }
  return entries;
}

}  // namespace

TEST_CASE("blocking through the admin API locks the user out at once - unblocking restores login",
          "[e2e][admin][block]") {
  ServerProcess& server = shared_server();
  const Api api = shared_api();
  const Account admin = new_admin(server, api);
  const Account target = new_user(api, "target");
  const Session second_session = log_in(api, target.email, target.password);

  const json::object blocked =
      expect_data(api.post_empty(admin_user_path(target.id, "block"), admin.token()), 200);
  check_user_shape(blocked, true);
  CHECK(string_field(blocked, "id") == target.id);
  CHECK(bool_field(blocked, "blocked"));

  INFO("every existing token of the target fails at once");
  expect_token_rejected(api, target.token());
  expect_token_rejected(api, second_session.access_token);
  expect_error(api.post("/api/v1/posts", {{"title", "t"}, {"body", "b"}}, target.token()), 401,
               "UNAUTHORIZED");
  expect_error(api.post("/api/v1/auth/refresh", {{"refresh_token", target.session.refresh_token}}), 401,
               "UNAUTHORIZED");
  INFO("and login is refused with 403");
  expect_error(api.post("/api/v1/auth/login", {{"email", target.email}, {"password", target.password}}), 403,
               "FORBIDDEN");
  CHECK(bool_field(expect_data(api.get("/api/v1/users/" + target.id), 200), "blocked"));

  const json::object unblocked =
      expect_data(api.post_empty(admin_user_path(target.id, "unblock"), admin.token()), 200);
  CHECK_FALSE(bool_field(unblocked, "blocked"));
  const Session fresh = log_in(api, target.email, target.password);
  expect_data(api.get("/api/v1/users/me", fresh.access_token), 200);
  INFO("blocking revoked the old sessions for good");
  expect_token_rejected(api, target.token());

  // Block and unblock take no body: a Content-Type of any kind is ignored.
  const json::object blocked_again = expect_data(api.raw("POST", admin_user_path(target.id, "block"), "",
                                                         {{"Content-Type", "text/plain"}}, admin.token()),
                                                 200);
  CHECK(bool_field(blocked_again, "blocked"));
  expect_token_rejected(api, fresh.access_token);
  expect_data(api.post_empty(admin_user_path(target.id, "unblock"), admin.token()), 200);

  expect_error(api.post_empty(admin_user_path(admin.id, "block"), admin.token()), 403, "FORBIDDEN");
  expect_data(api.get("/api/v1/users/me", admin.token()), 200);
  expect_error(api.post_empty(admin_user_path(random_uuid(), "block"), admin.token()), 404, "NOT_FOUND");
  expect_error(api.post_empty(admin_user_path(random_uuid(), "unblock"), admin.token()), 404, "NOT_FOUND");
  expect_error(api.post_empty(admin_user_path("not-a-uuid", "block"), admin.token()), 400, "INVALID_INPUT",
               {{"id", "must be a UUID"}});
}

TEST_CASE("role changes through the admin API", "[e2e][admin][role]") {
  ServerProcess& server = shared_server();
  const Api api = shared_api();
  const Account admin = new_admin(server, api);
  const Account target = new_user(api, "promo");
  const Account writer = new_user(api, "writer");
  const std::string draft = string_field(create_post(api, writer, false, "Hidden"), "id");
  const std::string role_path = admin_user_path(target.id, "role");

  expect_error(api.get("/api/v1/posts/" + draft, target.token()), 404, "NOT_FOUND");
  const json::object promoted = expect_data(api.put(role_path, {{"role", "moderator"}}, admin.token()), 200);
  check_user_shape(promoted, true);
  CHECK(string_field(promoted, "role") == "moderator");
  CHECK(string_field(expect_data(api.get("/api/v1/users/" + target.id), 200), "role") == "moderator");

  const Session as_moderator = log_in(api, target.email, target.password);
  CHECK(string_field(as_moderator.user, "role") == "moderator");
  expect_data(api.get("/api/v1/posts/" + draft, as_moderator.access_token), 200);
  INFO("a moderator is still not an admin");
  expect_error(api.get("/api/v1/admin/audit", as_moderator.access_token), 403, "FORBIDDEN");

  CHECK(string_field(expect_data(api.put(role_path, {{"role", "user"}}, admin.token()), 200), "role") ==
        "user");

  expect_error(api.put(role_path, {{"role", "superuser"}}, admin.token()), 400, "INVALID_INPUT",
               {{"role", std::nullopt}});
  expect_error(api.put(role_path, {{"role", 3}}, admin.token()), 400, "INVALID_INPUT",
               {{"role", "must be a string"}});
  expect_error(api.put(role_path, json::object{}, admin.token()), 400, "INVALID_INPUT",
               {{"role", "is required"}});
  expect_error(api.put(role_path, {{"role", "user"}, {"reason", "x"}}, admin.token()), 400, "INVALID_INPUT",
               {{"reason", "unknown field"}});
  expect_error(
      api.raw("PUT", role_path, R"({"role":"user"})", {{"Content-Type", "text/plain"}}, admin.token()), 415,
      "UNSUPPORTED_MEDIA_TYPE");
  expect_error(api.put(admin_user_path(admin.id, "role"), {{"role", "user"}}, admin.token()), 403,
               "FORBIDDEN");
  expect_error(api.put(admin_user_path(random_uuid(), "role"), {{"role", "user"}}, admin.token()), 404,
               "NOT_FOUND");
  const json::object method_error =
      expect_error(deliberately(Deliberate::unmatched_route,
                                [&] {
                                  return api.post(role_path, {{"role", "user"}}, admin.token());
                                }),
                   405, "METHOD_NOT_ALLOWED");
  CHECK(string_field(method_error, "code") == "METHOD_NOT_ALLOWED");
}

TEST_CASE("admin routes refuse anonymous callers (401) and non-admins (403)", "[e2e][admin]") {
  ServerProcess& server = shared_server();
  const Api api = shared_api();
  const Account user = new_user(api, "plain");
  const Account moderator = new_moderator(server, api);
  const Account victim = new_user(api, "victim");
  for (const Account* caller : {&user, &moderator}) {
    INFO("caller role: " << string_field(caller->session.user, "role"));
    expect_error(api.post_empty(admin_user_path(victim.id, "block"), caller->token()), 403, "FORBIDDEN");
    expect_error(api.post_empty(admin_user_path(victim.id, "unblock"), caller->token()), 403, "FORBIDDEN");
    expect_error(api.put(admin_user_path(victim.id, "role"), {{"role", "admin"}}, caller->token()), 403,
                 "FORBIDDEN");
    expect_error(api.put(admin_user_path(caller->id, "role"), {{"role", "admin"}}, caller->token()), 403,
                 "FORBIDDEN");
    expect_error(api.get("/api/v1/admin/audit", caller->token()), 403, "FORBIDDEN");
  }
  expect_error(api.post_empty(admin_user_path(victim.id, "block")), 401, "UNAUTHORIZED");
  expect_error(api.put(admin_user_path(victim.id, "role"), {{"role", "admin"}}), 401, "UNAUTHORIZED");
  expect_error(api.get("/api/v1/admin/audit"), 401, "UNAUTHORIZED");
  const json::object still = expect_data(api.get("/api/v1/users/me", victim.token()), 200);
  CHECK_FALSE(bool_field(still, "blocked"));
  CHECK(string_field(expect_data(api.get("/api/v1/users/me", user.token()), 200), "role") == "user");
}

TEST_CASE("the audit trail lists admin actions with actor, action, target and request id",
          "[e2e][admin][audit]") {
  ServerProcess& server = shared_server();
  const Api api = shared_api();
  const Account admin = new_admin(server, api);
  const Account target = new_user(api, "audited");
  const std::string block_id = "e2e-audit-block-" + unique_suffix();
  const std::string unblock_id = "e2e-audit-unblock-" + unique_suffix();
  const std::string role_id = "e2e:audit.role_" + unique_suffix();

  const auto blocked =
      api.post_empty(admin_user_path(target.id, "block"), admin.token(), {{"X-Request-ID", block_id}});
  expect_data(blocked, 200);
  CHECK(blocked.header("X-Request-ID") == std::optional<std::string>(block_id));
  expect_data(
      api.post_empty(admin_user_path(target.id, "unblock"), admin.token(), {{"X-Request-ID", unblock_id}}),
      200);
  expect_data(api.put(admin_user_path(target.id, "role"), {{"role", "moderator"}}, admin.token(),
                      {{"X-Request-ID", role_id}}),
              200);

  Meta meta;
  const json::array entries = expect_list(api.get("/api/v1/admin/audit?size=100", admin.token()), &meta);
  CHECK(meta.total >= 3);
  for (const auto& entry : entries)
    check_audit_shape(entry.as_object());

  const json::object block = find_by_request_id(entries, block_id);
  CHECK(string_field(block, "action") == "block_user");
  CHECK(string_field(block, "actor_id") == admin.id);
  CHECK(string_field(block, "target_id") == target.id);
  const json::object unblock = find_by_request_id(entries, unblock_id);
  CHECK(string_field(unblock, "action") == "unblock_user");
  CHECK(string_field(unblock, "actor_id") == admin.id);
  CHECK(string_field(unblock, "target_id") == target.id);
  const json::object role = find_by_request_id(entries, role_id);
  CHECK(string_field(role, "action") == "change_role");
  CHECK(string_field(role, "actor_id") == admin.id);
  CHECK(string_field(role, "target_id") == target.id);
  CHECK(string_field(role, "detail").find("moderator") != std::string::npos);

  INFO("newest first");
  const auto ids = ids_of(entries);
  const auto position = [&](const json::object& entry) {
    return std::find(ids.begin(), ids.end(), string_field(entry, "id")) - ids.begin();
  };
  CHECK(position(role) < position(unblock));
  CHECK(position(unblock) < position(block));
  CHECK(string_field(entries.at(0).as_object(), "request_id") == role_id);

  const json::array first_page =
      expect_list(api.get("/api/v1/admin/audit?page=1&size=1", admin.token()), &meta);
  CHECK(ids_of(first_page) == std::vector<std::string>{ids.at(0)});
  CHECK(meta.size == 1);
  expect_error(api.get("/api/v1/admin/audit?page=abc", admin.token()), 400, "INVALID_INPUT",
               {{"page", "must be an integer"}});
}

TEST_CASE("operator CLI: user create, grant-role, block and unblock against the running server",
          "[e2e][cli]") {
  ServerProcess& server = shared_server();
  const Api api = shared_api();
  const Account admin = new_admin(server, api);
  CHECK(string_field(expect_data(api.get("/api/v1/users/me", admin.token()), 200), "role") == "admin");
  const Account target = new_user(api, "cli");
  const Account writer = new_user(api, "cliw");
  const std::string draft = string_field(create_post(api, writer, false, "CLI draft"), "id");

  SECTION("grant-role") {
    const ProcessResult granted =
        server.cli({"user", "grant-role", "--email", target.email, "--role", "moderator"});
    INFO(granted.describe());
    REQUIRE(granted.status.success());
    CHECK(string_field(expect_data(api.get("/api/v1/users/" + target.id), 200), "role") == "moderator");
    const Session as_moderator = log_in(api, target.email, target.password);
    CHECK(string_field(as_moderator.user, "role") == "moderator");
    expect_data(api.get("/api/v1/posts/" + draft, as_moderator.access_token), 200);

    const json::array entries = audit_trail(api, admin);
    bool found = false;
    for (const auto& entry : entries) {
      const auto& object = entry.as_object();
      if (object.at("target_id") == target.id.c_str() && object.at("action") == "change_role") {
        found = true;
        CHECK(object.at("actor_id").is_null());
      }
    }
    CHECK(found);
    const ProcessResult bad_role =
        server.cli({"user", "grant-role", "--email", target.email, "--role", "emperor"});
    INFO(bad_role.describe());
    CHECK((bad_role.status.exited && (bad_role.status.code == 1 || bad_role.status.code == 2)));
    CHECK_FALSE(bad_role.err.empty());
  }

  SECTION("block and unblock") {
    const ProcessResult blocked = server.cli({"user", "block", "--email", target.email});
    INFO(blocked.describe());
    REQUIRE(blocked.status.success());
    expect_token_rejected(api, target.token());
    expect_error(api.post("/api/v1/auth/login", {{"email", target.email}, {"password", target.password}}),
                 403, "FORBIDDEN");
    CHECK(bool_field(expect_data(api.get("/api/v1/users/" + target.id), 200), "blocked"));

    bool found = false;
    for (const auto& entry : audit_trail(api, admin)) {
      const auto& object = entry.as_object();
      if (object.at("target_id") == target.id.c_str() && object.at("action") == "block_user") {
        found = true;
        CHECK(object.at("actor_id").is_null());
      }
    }
    CHECK(found);

    const ProcessResult unblocked = server.cli({"user", "unblock", "--email", target.email});
    INFO(unblocked.describe());
    REQUIRE(unblocked.status.success());
    log_in(api, target.email, target.password);
  }

  SECTION("failures and usage errors") {
    const ProcessResult duplicate = server.cli(
        {"user", "create", "--email", target.email, "--username", unique_username("dup"), "--role", "admin"},
        new_password() + "\n");
    INFO(duplicate.describe());
    CHECK(duplicate.status.exited);
    CHECK(duplicate.status.code == 1);
    CHECK_FALSE(duplicate.err.empty());

    const ProcessResult unknown = server.cli({"user", "block", "--email", unique_email("ghost")});
    INFO(unknown.describe());
    CHECK(unknown.status.exited);
    CHECK(unknown.status.code == 1);
    CHECK_FALSE(unknown.err.empty());

    const ProcessResult missing =
        server.cli({"user", "create", "--username", unique_username("noemail")}, new_password() + "\n");
    INFO(missing.describe());
    CHECK(missing.status.exited);
    CHECK(missing.status.code == 2);

    const ProcessResult nonsense = server.cli({"frobnicate"});
    INFO(nonsense.describe());
    CHECK(nonsense.status.exited);
    CHECK(nonsense.status.code == 2);
    CHECK_FALSE(nonsense.err.empty());

    for (const std::vector<std::string>& help : {std::vector<std::string>{"--help"}, {"help"}}) {
      const ProcessResult shown = server.cli(help);
      INFO(shown.describe());
      CHECK(shown.status.success());
      const std::string text = shown.out + shown.err;
      CHECK(text.find("serve") != std::string::npos);
      CHECK(text.find("grant-role") != std::string::npos);
    }
    const ProcessResult migrated = server.cli({"migrate"});
    INFO(migrated.describe());
    CHECK(migrated.status.success());
    expect_data(api.get("/readyz"), 200);

    const ProcessResult version = server.cli({"version"});
    INFO(version.describe());
    CHECK(version.status.success());
    CHECK_FALSE(version.out.empty());
  }

  SECTION("the password comes from stdin with its newline stripped") {
    const std::string email = unique_email("stdin");
    const std::string password = new_password();
    const ProcessResult created = server.cli(
        {"user", "create", "--email", email, "--username", unique_username("stdin")}, password + "\n");
    INFO(created.describe());
    REQUIRE(created.status.success());
    const Session session = log_in(api, email, password);
    CHECK(string_field(session.user, "role") == "user");
    CHECK(created.out.find(string_field(session.user, "id")) != std::string::npos);
  }
}

}  // namespace parley::e2e
