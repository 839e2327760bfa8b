// Plain HTTP request/response types: the seam between the Beast server and the Beast-free API.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace parley::http {

// Header fields in arrival order; names compare ASCII case-insensitively.
class Headers {
 public:
  using Field = std::pair<std::string, std::string>;

  // The first field with this name, if any.
  [[nodiscard]] std::optional<std::string_view> find(std::string_view name) const;
  [[nodiscard]] bool contains(std::string_view name) const { return find(name).has_value(); }
  // Appends a field, keeping any earlier one with the same name.
  void add(std::string name, std::string value);
  // Replaces every field with this name by a single one.
  void set(std::string name, std::string value);
  void erase(std::string_view name);

  [[nodiscard]] const std::vector<Field>& fields() const noexcept { return fields_; }
  [[nodiscard]] bool empty() const noexcept { return fields_.empty(); }

 private:
  std::vector<Field> fields_;
};

[[nodiscard]] bool iequals(std::string_view a, std::string_view b) noexcept;
// Without leading and trailing spaces and tabs (HTTP's optional whitespace).
[[nodiscard]] std::string_view trim_ows(std::string_view text) noexcept;

// Which of the server's listeners a request came in on.
enum class Listener { main, admin };

struct Request {
  std::string method;  // as sent, e.g. "GET"
  std::string target;  // path and query, e.g. "/api/v1/posts?page=2"
  Headers headers;
  std::string body;
  std::string client_ip;
  Listener listener = Listener::main;
};

struct Response {
  unsigned status = 200;
  Headers headers;
  std::string body;

  // For the access log and metrics only, never sent: the matched route template ("" when none
  // matched), the authenticated user ("" when anonymous), the W3C trace id, and the client
  // behind trusted proxies ("" when it is the TCP peer).
  std::string route;
  std::string user_id;
  std::string trace_id;
  std::string client_ip;
};

}  // namespace parley::http
