// Sign-up, login, token refresh with rotation and reuse detection, logout, bearer checks.
#include <cctype>

#include <catch2/catch.hpp>

#include "support/fixture.hpp"

namespace parley::e2e {
namespace {

constexpr const char* kSignup = "/api/v1/auth/signup";
constexpr const char* kLogin = "/api/v1/auth/login";
constexpr const char* kRefresh = "/api/v1/auth/refresh";
constexpr const char* kLogout = "/api/v1/auth/logout";
constexpr const char* kMe = "/api/v1/users/me";

std::string upper(std::string text) {
  for (auto& c : text)
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return text;
}

std::string lower(std::string text) {
  for (auto& c : text)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

Session refresh(const Api& api, const std::string& refresh_token) {
  return expect_session(api.post(kRefresh, {{"refresh_token", refresh_token}}));
}

void expect_me(const Api& api, const Account& account, const std::string& token) {
  const json::object me = expect_data(api.get(kMe, token), 200);
  check_user_shape(me, true);
  CHECK(string_field(me, "id") == account.id);
}

void expect_rejected(const Api& api, const std::string& token) {
  expect_error(api.get(kMe, token), 401, "UNAUTHORIZED");
}

}  // namespace

TEST_CASE("signup, login, post, comment, edit and delete: the whole happy path", "[e2e][flow]") {
  const Api api = shared_api();
  const Account alice = sign_up(api, "alice");
  const Session session = log_in(api, alice.email, alice.password);
  CHECK(string_field(session.user, "id") == alice.id);
  CHECK(string_field(session.user, "email") == alice.email);

  const json::object me = expect_data(api.get(kMe, session.access_token), 200);
  check_user_shape(me, true);
  CHECK(string_field(me, "username") == alice.username);

  const auto created =
      api.post("/api/v1/posts", {{"title", "Hello Parley"}, {"body", "First post."}}, session.access_token);
  const json::object post = expect_data(created, 201);
  check_post_shape(post);
  CHECK(string_field(post, "author_id") == alice.id);
  CHECK(string_field(post, "title") == "Hello Parley");
  CHECK(string_field(post, "body") == "First post.");
  CHECK(bool_field(post, "is_published"));  // the default
  const std::string post_id = string_field(post, "id");
  const std::string post_path = "/api/v1/posts/" + post_id;

  const json::object fetched = expect_data(api.get(post_path), 200);
  CHECK(fetched == post);

  const auto commented =
      api.post(post_path + "/comments", {{"body", "Nice to see you here."}}, session.access_token);
  const json::object comment = expect_data(commented, 201);
  check_comment_shape(comment);
  CHECK(string_field(comment, "post_id") == post_id);
  CHECK(string_field(comment, "author_id") == alice.id);
  const std::string comment_id = string_field(comment, "id");

  Meta meta;
  json::array comments = expect_list(api.get(post_path + "/comments"), &meta);
  CHECK(ids_of(comments) == std::vector<std::string>{comment_id});
  CHECK(meta.total == 1);
  CHECK(meta.page == 1);
  CHECK(meta.size == 20);

  const json::object edited =
      expect_data(api.patch(post_path, {{"title", "Hello again"}}, session.access_token), 200);
  check_post_shape(edited);
  CHECK(string_field(edited, "id") == post_id);
  CHECK(string_field(edited, "title") == "Hello again");
  CHECK(string_field(edited, "body") == "First post.");
  CHECK(string_field(edited, "created_at") == string_field(post, "created_at"));
  CHECK(string_field(edited, "updated_at") >= string_field(post, "updated_at"));
  CHECK(string_field(expect_data(api.get(post_path), 200), "title") == "Hello again");

  expect_no_content(api.del(post_path + "/comments/" + comment_id, session.access_token));
  comments = expect_list(api.get(post_path + "/comments"), &meta);
  CHECK(comments.empty());
  CHECK(meta.total == 0);

  expect_no_content(api.del(post_path, session.access_token));
  expect_error(api.get(post_path), 404, "NOT_FOUND");
  expect_error(api.get(post_path + "/comments"), 404, "NOT_FOUND");
  expect_error(api.del(post_path, session.access_token), 404, "NOT_FOUND");
}

TEST_CASE("signup normalises the email and rejects taken emails and usernames case-insensitively",
          "[e2e][auth]") {
  const Api api = shared_api();
  const std::string local = "Mixed." + unique_suffix();
  const std::string username = unique_username("Case");
  const std::string password = new_password();
  const json::object user = expect_data(
      api.post(kSignup, {{"email", local + "@Example.COM"}, {"username", username}, {"password", password}}),
      201);
  const std::string stored_email = string_field(user, "email");
  CHECK(stored_email == lower(local) + "@example.com");
  CHECK(string_field(user, "username") == username);

  SECTION("the same email in another case is taken") {
    expect_error(api.post(kSignup, {{"email", upper(local) + "@EXAMPLE.com"},
                                    {"username", unique_username("other")},
                                    {"password", new_password()}}),
                 409, "CONFLICT", {{"email", "is already taken"}});
  }
  SECTION("the same username in another case is taken") {
    expect_error(api.post(kSignup, {{"email", unique_email("other")},
                                    {"username", upper(username)},
                                    {"password", new_password()}}),
                 409, "CONFLICT", {{"username", "is already taken"}});
  }
  SECTION("the stored account still logs in with the lowercased email") {
    const Session session = log_in(api, stored_email, password);
    CHECK(string_field(session.user, "id") == string_field(user, "id"));
  }
}

TEST_CASE("signup validates every field and the body", "[e2e][auth][validation]") {
  const Api api = shared_api();
  const std::string password = new_password();
  struct Case {
    const char* name;
    json::value body;
    Details details;
  };
  const std::vector<Case> cases = {
      {"bad email",
       {{"email", "not-an-email"}, {"username", unique_username()}, {"password", password}},
       {{"email", "must be a valid email address"}}},
      {"email without a dotted domain",
       {{"email", "someone@localhost"}, {"username", unique_username()}, {"password", password}},
       {{"email", "must be a valid email address"}}},
      {"short password",
       {{"email", unique_email()}, {"username", unique_username()}, {"password", "Ab1!"}},
       {{"password", std::nullopt}}},
      {"whitespace password",
       {{"email", unique_email()}, {"username", unique_username()}, {"password", "            "}},
       {{"password", std::nullopt}}},
      {"short username",
       {{"email", unique_email()}, {"username", "ab"}, {"password", password}},
       {{"username", std::nullopt}}},
      {"long username",
       {{"email", unique_email()}, {"username", std::string(33, 'u')}, {"password", password}},
       {{"username", std::nullopt}}},
      {"username with a space",
       {{"email", unique_email()}, {"username", "two words"}, {"password", password}},
       {{"username", std::nullopt}}},
      {"missing password",
       {{"email", unique_email()}, {"username", unique_username()}},
       {{"password", "is required"}}},
      {"missing email",
       {{"username", unique_username()}, {"password", password}},
       {{"email", "is required"}}},
      {"missing username",
       {{"email", unique_email()}, {"password", password}},
       {{"username", "is required"}}},
      {"email of the wrong JSON type",
       {{"email", 42}, {"username", unique_username()}, {"password", password}},
       {{"email", "must be a string"}}},
      {"password of the wrong JSON type",
       {{"email", unique_email()}, {"username", unique_username()}, {"password", true}},
       {{"password", "must be a string"}}},
      {"username null",
       {{"email", unique_email()}, {"username", nullptr}, {"password", password}},
       {{"username", "must be a string"}}},
      {"unknown field",
       {{"email", unique_email()},
        {"username", unique_username()},
        {"password", password},
        {"nickname", "x"}},
       {{"nickname", "unknown field"}}},
      {"role cannot be chosen at signup",
       {{"email", unique_email()},
        {"username", unique_username()},
        {"password", password},
        {"role", "admin"}},
       {{"role", "unknown field"}}},
      {"an array instead of an object", json::array{1, 2}, {{"body", "must be a JSON object"}}},
      {"a string instead of an object", "signup", {{"body", "must be a JSON object"}}},
  };
  for (const auto& c : cases) {
    INFO("case: " << c.name << " body " << json::serialize(c.body));
    expect_error(api.post(kSignup, c.body), 400, "INVALID_INPUT", c.details);
  }
  INFO("case: malformed JSON");
  expect_error(api.raw("POST", kSignup, R"({"email": "a@b.co", )", {{"Content-Type", "application/json"}}),
               400, "INVALID_INPUT", {{"body", "malformed JSON"}});
}

TEST_CASE("login with a wrong password or an unknown email is 401 with one message", "[e2e][auth]") {
  const Api api = shared_api();
  const Account account = sign_up(api, "login");
  const std::string wrong = new_password();
  const json::object wrong_password =
      expect_error(api.post(kLogin, {{"email", account.email}, {"password", wrong}}), 401, "UNAUTHORIZED");
  const json::object unknown_email = expect_error(
      api.post(kLogin, {{"email", unique_email("nobody")}, {"password", wrong}}), 401, "UNAUTHORIZED");
  CHECK(string_field(wrong_password, "message") == string_field(unknown_email, "message"));
  expect_error(api.post(kLogin, {{"email", account.email}}), 400, "INVALID_INPUT",
               {{"password", "is required"}});
  expect_error(api.post(kLogin, {{"email", account.email}, {"password", 12345678}}), 400, "INVALID_INPUT",
               {{"password", "must be a string"}});
  expect_error(
      api.post(kLogin, {{"email", account.email}, {"password", account.password}, {"remember", true}}), 400,
      "INVALID_INPUT", {{"remember", "unknown field"}});
  log_in(api, account.email, account.password);
}

TEST_CASE("refresh rotates the pair - presenting a used refresh token revokes the whole family",
          "[e2e][auth][refresh]") {
  const Api api = shared_api();
  const Account account = new_user(api, "rot");
  const Session first = account.session;

  const Session second = refresh(api, first.refresh_token);
  CHECK(second.refresh_token != first.refresh_token);
  CHECK(second.access_token != first.access_token);
  CHECK(string_field(second.user, "id") == account.id);
  expect_me(api, account, second.access_token);

  const Session third = refresh(api, second.refresh_token);
  CHECK(third.refresh_token != second.refresh_token);
  expect_me(api, account, third.access_token);

  // Another login is another family: it must survive the revocation below.
  const Session other_family = log_in(api, account.email, account.password);

  INFO("re-presenting the first (already used) refresh token");
  expect_error(api.post(kRefresh, {{"refresh_token", first.refresh_token}}), 401, "UNAUTHORIZED");
  INFO("the newest refresh token of the family is revoked with it");
  expect_error(api.post(kRefresh, {{"refresh_token", third.refresh_token}}), 401, "UNAUTHORIZED");
  INFO("and so are the access tokens issued in that family");
  expect_rejected(api, third.access_token);
  expect_rejected(api, second.access_token);
  expect_rejected(api, first.access_token);

  expect_me(api, account, other_family.access_token);
  refresh(api, other_family.refresh_token);

  expect_error(api.post(kRefresh, {{"refresh_token", "e2e-not-a-refresh-token-" + unique_suffix()}}), 401,
               "UNAUTHORIZED");
  expect_error(api.post(kRefresh, json::object{}), 400, "INVALID_INPUT", {{"refresh_token", "is required"}});
  expect_error(api.post(kRefresh, {{"refresh_token", 7}}), 400, "INVALID_INPUT",
               {{"refresh_token", "must be a string"}});
}

TEST_CASE("logout revokes the access token at once and the refresh token, and only that session",
          "[e2e][auth][logout]") {
  const Api api = shared_api();
  const Account account = new_user(api, "out");
  const Session other = log_in(api, account.email, account.password);

  expect_no_content(api.post_empty(kLogout, account.token()));
  expect_rejected(api, account.token());
  expect_error(api.post(kRefresh, {{"refresh_token", account.session.refresh_token}}), 401, "UNAUTHORIZED");
  expect_error(api.post_empty(kLogout, account.token()), 401, "UNAUTHORIZED");

  expect_me(api, account, other.access_token);
  // Logout takes no body, so its Content-Type is ignored.
  expect_no_content(api.raw("POST", kLogout, "", {{"Content-Type", "text/plain"}}, other.access_token));
  expect_rejected(api, other.access_token);
  expect_error(api.post_empty(kLogout), 401, "UNAUTHORIZED");
}

TEST_CASE("protected endpoints answer 401 with a Bearer challenge for missing or bad credentials",
          "[e2e][auth]") {
  const Api api = shared_api();
  const Account account = new_user(api, "bear");
  std::string tampered = account.token();
  tampered.back() = tampered.back() == 'A' ? 'B' : 'A';
  const std::vector<std::pair<const char*, Headers>> cases = {
      {"no Authorization header", {}},
      {"a garbage bearer token", {{"Authorization", "Bearer e2e-garbage-" + unique_suffix()}}},
      {"an empty bearer token", {{"Authorization", "Bearer "}}},
      {"basic credentials", {{"Authorization", "Basic ZTJlLXVzZXI6ZTJlLXBhc3N3b3Jk"}}},
      {"a token with a tampered signature", {{"Authorization", "Bearer " + tampered}}},
      {"the token without the Bearer scheme", {{"Authorization", account.token()}}},
  };
  for (const auto& [name, headers] : cases) {
    INFO("case: " << name);
    expect_error(api.get(kMe, {}, headers), 401, "UNAUTHORIZED");
    expect_error(api.send(Request{"POST", "/api/v1/posts",
                                  [&] {
                                    Headers with_type = headers;
                                    with_type.push_back({"Content-Type", "application/json"});
                                    return with_type;
                                  }(),
                                  R"({"title":"t","body":"b"})"}),
                 401, "UNAUTHORIZED");
  }
  expect_me(api, account, account.token());
}

}  // namespace parley::e2e
