#include "support/api.hpp"

#include <algorithm>
#include <cctype>
#include <random>
#include <regex>

namespace parley::e2e {
namespace {

constexpr std::size_t kMinSecretLength = 8;  // shorter strings would match by accident

std::vector<std::string>& secret_store() {
  static std::vector<std::string> secrets;
  return secrets;
}

std::mt19937_64& random_engine() {
  static std::mt19937_64 engine{std::random_device{}()};
  return engine;
}

std::string random_hex(std::size_t digits) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::uniform_int_distribution<int> pick(0, 15);
  std::string text;
  for (std::size_t i = 0; i < digits; ++i)
    text += kHex[pick(random_engine())];
  return text;
}

std::string describe_request(const Request& request) {
  return "request: " + request.method + " " + request.target +
         (request.body.empty() ? std::string()
                               : " with a " + std::to_string(request.body.size()) + "-byte body");
}

Request json_request(std::string method, const std::string& target, const json::value& body,
                     const std::string& token, const Headers& headers) {
  Request request{std::move(method), target, headers, json::serialize(body)};
  request.headers.push_back({"Content-Type", "application/json"});
  if (!token.empty()) request.headers.push_back({"Authorization", auth_value(token)});
  return request;
}

void remember_token(const std::string& token) {
  remember_secret(token);
  // A JWT's payload and signature are each unique to the token: neither may be logged alone.
  std::size_t start = token.find('.');
  while (start != std::string::npos) {
    const std::size_t end = token.find('.', start + 1);
    remember_secret(token.substr(start + 1, end == std::string::npos ? std::string::npos : end - start - 1));
    start = end;
  }
}

}  // namespace

void remember_secret(std::string_view secret) {
  if (secret.size() < kMinSecretLength) return;
  auto& secrets = secret_store();
  if (std::find(secrets.begin(), secrets.end(), secret) == secrets.end()) secrets.emplace_back(secret);
}

std::vector<std::string> remembered_secrets() {
  return secret_store();
}

std::string unique_suffix() {
  static int counter = 0;
  return random_hex(8) + std::to_string(++counter);
}

std::string unique_username(std::string_view prefix) {
  return std::string(prefix) + "_" + unique_suffix();
}

std::string unique_email(std::string_view prefix) {
  return std::string(prefix) + "." + unique_suffix() + "@example.com";
}

std::string new_password() {
  std::string password = "pw-" + random_hex(24);
  remember_secret(password);
  return password;
}

std::string random_uuid() {
  std::string hex = random_hex(32);
  hex[12] = '4';
  hex[16] = "89ab"[hex[16] % 4];
  return hex.substr(0, 8) + "-" + hex.substr(8, 4) + "-" + hex.substr(12, 4) + "-" + hex.substr(16, 4) + "-" +
         hex.substr(20);
}

bool is_uuid(std::string_view text) {
  static const std::regex pattern("^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$");
  return std::regex_match(text.begin(), text.end(), pattern);
}

bool is_timestamp(std::string_view text) {
  static const std::regex pattern(R"(^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$)");
  return std::regex_match(text.begin(), text.end(), pattern);
}

bool is_request_id(std::string_view text) {
  static const std::regex pattern("^[A-Za-z0-9._:-]{1,128}$");
  return std::regex_match(text.begin(), text.end(), pattern);
}

std::string_view media_type(std::string_view content_type) {
  content_type = content_type.substr(0, content_type.find(';'));
  while (!content_type.empty() && content_type.back() == ' ')
    content_type.remove_suffix(1);
  return content_type;
}

std::string auth_value(const std::string& token) {
  return "Bearer " + token;
}

Response Api::send(const Request& request) const {
  for (const auto& header : request.headers) {
    if (iequals(header.name, "Authorization") || iequals(header.name, "Cookie")) {
      remember_secret(header.value);
      const std::size_t space = header.value.find(' ');
      if (space != std::string::npos) remember_token(header.value.substr(space + 1));
    }
  }
  Connection connection(port_);
  Response response = connection.round_trip(request);
  INFO(describe_request(request));
  check_sane(response);
  return response;
}

Response Api::get(const std::string& target, const std::string& token, const Headers& headers) const {
  Request request{"GET", target, headers, {}};
  if (!token.empty()) request.headers.push_back({"Authorization", auth_value(token)});
  return send(request);
}

Response Api::del(const std::string& target, const std::string& token, const Headers& headers) const {
  Request request{"DELETE", target, headers, {}};
  if (!token.empty()) request.headers.push_back({"Authorization", auth_value(token)});
  return send(request);
}

Response Api::post(const std::string& target, const json::value& body, const std::string& token,
                   const Headers& headers) const {
  return send(json_request("POST", target, body, token, headers));
}

Response Api::patch(const std::string& target, const json::value& body, const std::string& token,
                    const Headers& headers) const {
  return send(json_request("PATCH", target, body, token, headers));
}

Response Api::put(const std::string& target, const json::value& body, const std::string& token,
                  const Headers& headers) const {
  return send(json_request("PUT", target, body, token, headers));
}

Response Api::post_empty(const std::string& target, const std::string& token, const Headers& headers) const {
  Request request{"POST", target, headers, {}};
  if (!token.empty()) request.headers.push_back({"Authorization", auth_value(token)});
  return send(request);
}

Response Api::raw(const std::string& method, const std::string& target, const std::string& body,
                  const Headers& headers, const std::string& token) const {
  Request request{method, target, headers, body};
  if (!token.empty()) request.headers.push_back({"Authorization", auth_value(token)});
  return send(request);
}

void check_sane(const Response& response) {
  INFO(response.describe());
  CHECK(response.status < 500);
  CHECK(response.has_header("X-Request-ID"));
}

void check_security_headers(const Response& response, std::string_view media) {
  INFO(response.describe());
  CHECK(response.header("X-Content-Type-Options") == std::optional<std::string>("nosniff"));
  CHECK(response.header("Referrer-Policy") == std::optional<std::string>("no-referrer"));
  CHECK(response.header("Content-Security-Policy") ==
        std::optional<std::string>("default-src 'none'; frame-ancestors 'none'"));
  CHECK(response.header("X-Frame-Options") == std::optional<std::string>("DENY"));
  CHECK(response.header("Cache-Control") == std::optional<std::string>("no-store"));
  const auto request_id = response.header("X-Request-ID");
  REQUIRE(request_id.has_value());
  CHECK(is_request_id(*request_id));
  if (!response.body.empty()) {
    const auto content_type = response.header("Content-Type");
    REQUIRE(content_type.has_value());
    CHECK(std::string(media_type(*content_type)) == media);
  }
}

json::value body_json(const Response& response) {
  INFO(response.describe());
  boost::system::error_code ec;
  json::value value = json::parse(response.body, ec);
  INFO("JSON parse error: " << ec.message());
  REQUIRE_FALSE(ec);
  return value;
}

json::object expect_data(const Response& response, int status) {
  INFO(response.describe());
  REQUIRE(response.status == status);
  const auto content_type = response.header("Content-Type");
  REQUIRE(content_type.has_value());
  CHECK(std::string(media_type(*content_type)) == "application/json");
  json::value body = body_json(response);
  REQUIRE(body.is_object());
  const json::object& top = body.get_object();
  CHECK(keys(top) == std::set<std::string>{"data", "status"});
  CHECK(string_field(top, "status") == "ok");
  REQUIRE(top.contains("data"));
  REQUIRE(top.at("data").is_object());
  return top.at("data").get_object();
}

json::array expect_list(const Response& response, Meta* meta) {
  INFO(response.describe());
  REQUIRE(response.status == 200);
  json::value body = body_json(response);
  REQUIRE(body.is_object());
  const json::object& top = body.get_object();
  CHECK(keys(top) == std::set<std::string>{"data", "meta", "status"});
  CHECK(string_field(top, "status") == "ok");
  REQUIRE(top.contains("data"));
  REQUIRE(top.at("data").is_array());
  REQUIRE(top.contains("meta"));
  REQUIRE(top.at("meta").is_object());
  const json::object& meta_object = top.at("meta").get_object();
  std::set<std::string> meta_keys{"page", "size", "total"};
  Meta parsed;
  parsed.page = int_field(meta_object, "page");
  parsed.size = int_field(meta_object, "size");
  parsed.total = int_field(meta_object, "total");
  if (meta_object.contains("next")) {
    meta_keys.insert("next");
    parsed.next = string_field(meta_object, "next");
    CHECK_FALSE(parsed.next->empty());
  }
  CHECK(keys(meta_object) == meta_keys);
  CHECK(parsed.page >= 1);
  CHECK(parsed.size >= 1);
  CHECK(parsed.total >= static_cast<std::int64_t>(top.at("data").get_array().size()));
  CHECK(static_cast<std::int64_t>(top.at("data").get_array().size()) <= parsed.size);
  if (meta != nullptr) *meta = parsed;
  return top.at("data").get_array();
}

void expect_no_content(const Response& response) {
  INFO(response.describe());
  REQUIRE(response.status == 204);
  CHECK(response.body.empty());
}

namespace {

json::object check_error(const Response& response, int status, std::string_view code,
                         const Details* details) {
  INFO(response.describe());
  REQUIRE(response.status == status);
  const auto content_type = response.header("Content-Type");
  REQUIRE(content_type.has_value());
  CHECK(std::string(media_type(*content_type)) == "application/json");
  json::value body = body_json(response);
  REQUIRE(body.is_object());
  const json::object& top = body.get_object();
  CHECK(keys(top) == std::set<std::string>{"error", "status"});
  CHECK(string_field(top, "status") == "error");
  REQUIRE(top.contains("error"));
  REQUIRE(top.at("error").is_object());
  json::object error = top.at("error").get_object();
  CHECK(keys(error) == std::set<std::string>{"code", "details", "message", "trace_id"});
  CHECK(string_field(error, "code") == std::string(code));
  CHECK_FALSE(string_field(error, "message").empty());
  CHECK(string_field(error, "trace_id") == response.header("X-Request-ID").value_or("<no X-Request-ID>"));
  REQUIRE(error.contains("details"));
  REQUIRE(error.at("details").is_object());
  const json::object& got = error.at("details").get_object();
  for (const auto& [field, value] : got) {
    INFO("details." << std::string(field));
    CHECK(value.is_string());
  }
  if (details != nullptr) {
    std::set<std::string> expected_fields;
    for (const auto& [field, reason] : *details)
      expected_fields.insert(field);
    CHECK(keys(got) == expected_fields);
    for (const auto& [field, reason] : *details) {
      if (!reason || !got.contains(field) || !got.at(field).is_string()) continue;
      INFO("details." << field);
      CHECK(std::string(got.at(field).get_string()) == *reason);
    }
  }
  if (status == 401) {
    const auto challenge = response.header("WWW-Authenticate");
    REQUIRE(challenge.has_value());
    CHECK(challenge->rfind("Bearer", 0) == 0);
  }
  if (status == 405) CHECK_FALSE(response.header("Allow").value_or("").empty());
  return error;
}

}  // namespace

json::object expect_error(const Response& response, int status, std::string_view code,
                          const Details& details) {
  return check_error(response, status, code, &details);
}

json::object expect_error(const Response& response, int status, std::string_view code, AnyDetails /*any*/) {
  return check_error(response, status, code, nullptr);
}

std::string string_field(const json::object& object, std::string_view key) {
  INFO("member \"" << std::string(key) << "\" of " << json::serialize(object));
  REQUIRE(object.contains(key));
  REQUIRE(object.at(key).is_string());
  return std::string(object.at(key).get_string());
}

bool bool_field(const json::object& object, std::string_view key) {
  INFO("member \"" << std::string(key) << "\" of " << json::serialize(object));
  REQUIRE(object.contains(key));
  REQUIRE(object.at(key).is_bool());
  return object.at(key).get_bool();
}

std::int64_t int_field(const json::object& object, std::string_view key) {
  INFO("member \"" << std::string(key) << "\" of " << json::serialize(object));
  REQUIRE(object.contains(key));
  REQUIRE((object.at(key).is_int64() || object.at(key).is_uint64()));
  return object.at(key).to_number<std::int64_t>();
}

std::set<std::string> keys(const json::object& object) {
  std::set<std::string> names;
  for (const auto& member : object)
    names.emplace(member.key());
  return names;
}

std::vector<std::string> ids_of(const json::array& items) {
  std::vector<std::string> ids;
  for (const auto& item : items) {
    REQUIRE(item.is_object());
    ids.push_back(string_field(item.get_object(), "id"));
  }
  return ids;
}

bool contains_id(const json::array& items, const std::string& id) {
  const auto ids = ids_of(items);
  return std::find(ids.begin(), ids.end(), id) != ids.end();
}

namespace {

// null, or an http(s) URL.
void check_image(const json::object& object) {
  REQUIRE(object.contains("image"));
  const json::value& image = object.at("image");
  if (image.is_null()) return;
  REQUIRE(image.is_string());
  const std::string url(image.get_string());
  CHECK((url.starts_with("http://") || url.starts_with("https://")));
}

}  // namespace

void check_user_shape(const json::object& user, bool with_email, bool with_following) {
  INFO("user: " << json::serialize(user));
  std::set<std::string> expected{"bio",   "blocked", "created_at", "id",
                                 "image", "role",    "updated_at", "username"};
  if (with_email) expected.insert("email");
  if (with_following) expected.insert("following");
  CHECK(keys(user) == expected);
  CHECK(is_uuid(string_field(user, "id")));
  check_image(user);
  if (with_following) bool_field(user, "following");
  const std::string role = string_field(user, "role");
  CHECK((role == "user" || role == "moderator" || role == "admin"));
  bool_field(user, "blocked");
  string_field(user, "bio");
  CHECK(is_timestamp(string_field(user, "created_at")));
  CHECK(is_timestamp(string_field(user, "updated_at")));
}

void check_profile_shape(const json::object& profile) {
  INFO("profile: " << json::serialize(profile));
  CHECK(keys(profile) == std::set<std::string>{"bio", "following", "id", "image", "username"});
  CHECK(is_uuid(string_field(profile, "id")));
  string_field(profile, "username");
  string_field(profile, "bio");
  check_image(profile);
  bool_field(profile, "following");
}

namespace {

// The "author" member: a profile, and the same user as "author_id".
void check_author(const json::object& object) {
  REQUIRE(object.contains("author"));
  REQUIRE(object.at("author").is_object());
  const json::object& author = object.at("author").get_object();
  check_profile_shape(author);
  CHECK(string_field(author, "id") == string_field(object, "author_id"));
}

}  // namespace

void check_post_shape(const json::object& post) {
  INFO("post: " << json::serialize(post));
  CHECK(keys(post) == std::set<std::string>{"author", "author_id", "body", "created_at", "description", "id",
                                            "is_published", "like_count", "liked", "slug", "tags", "title",
                                            "updated_at"});
  CHECK(is_uuid(string_field(post, "id")));
  CHECK(is_uuid(string_field(post, "author_id")));
  check_author(post);
  const std::string slug = string_field(post, "slug");
  CHECK_FALSE(slug.empty());
  CHECK(slug.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-") == std::string::npos);
  // make_slug ends every slug with '-' and the last 8 hex digits of the id.
  const std::string id = string_field(post, "id");
  CHECK(slug.ends_with("-" + id.substr(id.size() - 8)));
  string_field(post, "title");
  string_field(post, "description");
  string_field(post, "body");
  REQUIRE(post.contains("tags"));
  REQUIRE(post.at("tags").is_array());
  std::vector<std::string> tags;
  for (const auto& tag : post.at("tags").get_array()) {
    REQUIRE(tag.is_string());
    tags.emplace_back(tag.get_string());
  }
  CHECK(std::is_sorted(tags.begin(), tags.end()));
  CHECK(std::adjacent_find(tags.begin(), tags.end()) == tags.end());
  CHECK(tags.size() <= 10);
  bool_field(post, "is_published");
  CHECK(int_field(post, "like_count") >= 0);
  bool_field(post, "liked");
  CHECK(is_timestamp(string_field(post, "created_at")));
  CHECK(is_timestamp(string_field(post, "updated_at")));
}

void check_comment_shape(const json::object& comment) {
  INFO("comment: " << json::serialize(comment));
  CHECK(keys(comment) == std::set<std::string>{"author", "author_id", "body", "created_at", "id", "post_id"});
  CHECK(is_uuid(string_field(comment, "id")));
  CHECK(is_uuid(string_field(comment, "post_id")));
  CHECK(is_uuid(string_field(comment, "author_id")));
  check_author(comment);
  string_field(comment, "body");
  CHECK(is_timestamp(string_field(comment, "created_at")));
}

Session expect_session(const Response& response) {
  const json::object data = expect_data(response, 200);
  INFO(response.describe());
  CHECK(keys(data) ==
        std::set<std::string>{"access_token", "expires_in", "refresh_token", "token_type", "user"});
  Session session;
  session.access_token = string_field(data, "access_token");
  session.refresh_token = string_field(data, "refresh_token");
  remember_token(session.access_token);
  remember_token(session.refresh_token);
  CHECK_FALSE(session.access_token.empty());
  CHECK_FALSE(session.refresh_token.empty());
  CHECK(session.access_token != session.refresh_token);
  CHECK(string_field(data, "token_type") == "Bearer");
  CHECK(int_field(data, "expires_in") == 900);
  REQUIRE(data.contains("user"));
  REQUIRE(data.at("user").is_object());
  session.user = data.at("user").get_object();
  check_user_shape(session.user, true);
  return session;
}

Account sign_up(const Api& api, std::string_view prefix) {
  Account account;
  account.email = unique_email(prefix);
  account.username = unique_username(prefix);
  account.password = new_password();
  const auto response =
      api.post("/api/v1/auth/signup",
               {{"email", account.email}, {"username", account.username}, {"password", account.password}});
  const json::object user = expect_data(response, 201);
  INFO(response.describe());
  check_user_shape(user, true);
  CHECK(string_field(user, "email") == account.email);
  CHECK(string_field(user, "username") == account.username);
  CHECK(string_field(user, "role") == "user");
  CHECK(string_field(user, "bio").empty());
  CHECK_FALSE(bool_field(user, "blocked"));
  account.id = string_field(user, "id");
  return account;
}

Session log_in(const Api& api, const std::string& email, const std::string& password) {
  return expect_session(api.post("/api/v1/auth/login", {{"email", email}, {"password", password}}));
}

Account new_user(const Api& api, std::string_view prefix) {
  Account account = sign_up(api, prefix);
  account.session = log_in(api, account.email, account.password);
  CHECK(string_field(account.session.user, "id") == account.id);
  return account;
}

Account new_user_with_cli(const ServerProcess& server, const Api& api, std::string_view role,
                          std::string_view prefix) {
  Account account;
  account.email = unique_email(prefix);
  account.username = unique_username(prefix);
  account.password = new_password();
  const ProcessResult result = server.cli({"user", "create", "--email", account.email, "--username",
                                           account.username, "--role", std::string(role)},
                                          account.password + "\n");
  INFO("parley user create: " << result.describe());
  REQUIRE(result.status.success());
  static const std::regex uuid_pattern("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
  std::smatch match;
  REQUIRE(std::regex_search(result.out, match, uuid_pattern));
  account.id = match.str();
  account.session = log_in(api, account.email, account.password);
  CHECK(string_field(account.session.user, "id") == account.id);
  CHECK(string_field(account.session.user, "role") == std::string(role));
  return account;
}

Account new_admin(const ServerProcess& server, const Api& api) {
  return new_user_with_cli(server, api, "admin", "adm");
}

Account new_moderator(const ServerProcess& server, const Api& api) {
  return new_user_with_cli(server, api, "moderator", "mod");
}

json::object create_post(const Api& api, const Account& author, bool published, const std::string& title) {
  const auto response =
      api.post("/api/v1/posts", {{"title", title}, {"body", "Body of " + title}, {"is_published", published}},
               author.token());
  const json::object post = expect_data(response, 201);
  INFO(response.describe());
  check_post_shape(post);
  CHECK(string_field(post, "author_id") == author.id);
  CHECK(string_field(post, "title") == title);
  CHECK(bool_field(post, "is_published") == published);
  return post;
}

json::object create_comment(const Api& api, const Account& author, const std::string& post_id,
                            const std::string& body) {
  const auto response = api.post("/api/v1/posts/" + post_id + "/comments", {{"body", body}}, author.token());
  const json::object comment = expect_data(response, 201);
  INFO(response.describe());
  check_comment_shape(comment);
  CHECK(string_field(comment, "post_id") == post_id);
  CHECK(string_field(comment, "author_id") == author.id);
  CHECK(string_field(comment, "body") == body);
  return comment;
}

}  // namespace parley::e2e
