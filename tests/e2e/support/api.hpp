// The wire contract as test helpers: requests to a running server, envelope assertions that
// show the whole response when they fail, and accounts/posts made through the public API.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json.hpp>
#include <catch2/catch.hpp>

#include "support/http_client.hpp"
#include "support/process.hpp"

namespace Catch {
template <>
struct StringMaker<boost::json::value> {
  static std::string convert(const boost::json::value& value) { return boost::json::serialize(value); }
};
template <>
struct StringMaker<boost::json::object> {
  static std::string convert(const boost::json::object& value) { return boost::json::serialize(value); }
};
}  // namespace Catch

namespace parley::e2e {

namespace json = boost::json;

// ---- secrets: every password, token and Authorization/Cookie value a test used; the server
// log is searched for each of them at the end of the run.
void remember_secret(std::string_view secret);
std::vector<std::string> remembered_secrets();

// ---- fresh values
std::string unique_suffix();
std::string unique_username(std::string_view prefix = "u");
std::string unique_email(std::string_view prefix = "u");
std::string new_password();  // random, remembered as a secret
std::string random_uuid();   // v4, lowercase; never an id the server issued

// ---- formats of the contract
bool is_uuid(std::string_view text);        // lowercase canonical
bool is_timestamp(std::string_view text);   // RFC 3339 UTC with milliseconds
bool is_request_id(std::string_view text);  // [A-Za-z0-9._:-]{1,128}
std::string_view media_type(
    std::string_view content_type);  // "application/json; charset=x" -> "application/json"

class Api {
 public:
  explicit Api(std::uint16_t port) : port_(port) {}

  // One fresh connection per request. Every response is checked for a 5xx status.
  [[nodiscard]] Response send(const Request& request) const;
  [[nodiscard]] Response get(const std::string& target, const std::string& token = {},
                             const Headers& headers = {}) const;
  [[nodiscard]] Response del(const std::string& target, const std::string& token = {},
                             const Headers& headers = {}) const;
  [[nodiscard]] Response post(const std::string& target, const json::value& body,
                              const std::string& token = {}, const Headers& headers = {}) const;
  [[nodiscard]] Response patch(const std::string& target, const json::value& body,
                               const std::string& token = {}, const Headers& headers = {}) const;
  [[nodiscard]] Response put(const std::string& target, const json::value& body,
                             const std::string& token = {}, const Headers& headers = {}) const;
  // POST with no body and no Content-Type (logout, block, unblock).
  [[nodiscard]] Response post_empty(const std::string& target, const std::string& token = {},
                                    const Headers& headers = {}) const;
  // Any method with the given raw body and headers (Content-Type included by the caller).
  [[nodiscard]] Response raw(const std::string& method, const std::string& target, const std::string& body,
                             const Headers& headers, const std::string& token = {}) const;
  [[nodiscard]] std::uint16_t port() const noexcept { return port_; }

 private:
  std::uint16_t port_;
};

// No 5xx, and an X-Request-ID on the response. Used on every response the tests see.
void check_sane(const Response& response);
// The security headers of the contract, and Content-Type `media` when there is a body.
void check_security_headers(const Response& response, std::string_view media = "application/json");

// ---- envelope assertions
struct Meta {
  std::int64_t page = 0;
  std::int64_t size = 0;
  std::int64_t total = 0;
  std::optional<std::string> next;  // lists of posts: the cursor of the next page, when there is one
};
// Field name -> expected reason; nullopt when the contract leaves the wording to core.
using Details = std::map<std::string, std::optional<std::string>>;

json::value body_json(const Response& response);
// {"status":"ok","data":{...}} with the given HTTP status; returns data.
json::object expect_data(const Response& response, int status);
// 200 {"status":"ok","data":[...],"meta":{page,size,total[,next]}}; returns data.
json::array expect_list(const Response& response, Meta* meta = nullptr);
// 204 with an empty body.
void expect_no_content(const Response& response);
// For errors whose detail fields the contract leaves open.
struct AnyDetails {
  explicit AnyDetails() = default;
};
inline const AnyDetails kAnyDetails{};

// The error envelope with exactly the given detail fields (none by default: "details" is then
// an empty object); returns the "error" member.
json::object expect_error(const Response& response, int status, std::string_view code,
                          const Details& details = {});
// The error envelope, with "details" an object of strings whatever its fields.
json::object expect_error(const Response& response, int status, std::string_view code, AnyDetails any);

// ---- typed member access (REQUIREs presence and type)
std::string string_field(const json::object& object, std::string_view key);
bool bool_field(const json::object& object, std::string_view key);
std::int64_t int_field(const json::object& object, std::string_view key);
std::set<std::string> keys(const json::object& object);
std::vector<std::string> ids_of(const json::array& items);
bool contains_id(const json::array& items, const std::string& id);

// User as the contract shapes it; with_email says whether "email" must be there or absent,
// with_following whether "following" must be (GET /users/{id}).
void check_user_shape(const json::object& user, bool with_email, bool with_following = false);
// {id, username, bio, image, following}: a post's or comment's author, or a profile.
void check_profile_shape(const json::object& profile);
void check_post_shape(const json::object& post);
void check_comment_shape(const json::object& comment);

// ---- accounts
struct Session {
  std::string access_token;
  std::string refresh_token;
  json::object user;
};
struct Account {
  std::string id;
  std::string email;
  std::string username;
  std::string password;
  Session session;

  [[nodiscard]] const std::string& token() const noexcept { return session.access_token; }
};

// Checks a 200 Session body and remembers its tokens as secrets.
Session expect_session(const Response& response);
Account sign_up(const Api& api, std::string_view prefix = "u");
Session log_in(const Api& api, const std::string& email, const std::string& password);
Account new_user(const Api& api, std::string_view prefix = "u");
// `parley user create ... --role R` with the password on stdin, then a login.
Account new_user_with_cli(const ServerProcess& server, const Api& api, std::string_view role,
                          std::string_view prefix = "adm");
Account new_admin(const ServerProcess& server, const Api& api);
Account new_moderator(const ServerProcess& server, const Api& api);

// ---- content
json::object create_post(const Api& api, const Account& author, bool published = true,
                         const std::string& title = "A post");
json::object create_comment(const Api& api, const Account& author, const std::string& post_id,
                            const std::string& body = "A comment");

std::string auth_value(const std::string& token);  // "Bearer <token>"

}  // namespace parley::e2e
