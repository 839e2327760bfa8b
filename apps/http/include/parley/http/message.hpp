// Plain HTTP request/response types: the seam between the Beast server and the Beast-free API.
#pragma once

#include <iosfwd>
#include <memory>
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

// A response's body: bytes of its own, or bytes shared with a rendering Parley keeps (a kept
// page is answered without copying it). Reads like a std::string_view of the bytes.
class Body {
 public:
  Body() = default;
  Body(std::string bytes) noexcept : owned_(std::move(bytes)) {}  // NOLINT(google-explicit-constructor)
  Body(const char* bytes) : owned_(bytes) {}                      // NOLINT(google-explicit-constructor)
  // Never null: a kept rendering exists.
  explicit Body(std::shared_ptr<const std::string> shared) noexcept : shared_(std::move(shared)) {}

  Body& operator=(std::string bytes) noexcept {
    owned_ = std::move(bytes);
    shared_.reset();
    return *this;
  }

  [[nodiscard]] std::string_view view() const noexcept {
    return shared_ ? std::string_view(*shared_) : owned_;
  }
  operator std::string_view() const noexcept { return view(); }  // NOLINT(google-explicit-constructor)
  [[nodiscard]] std::size_t size() const noexcept { return view().size(); }
  [[nodiscard]] bool empty() const noexcept { return view().empty(); }
  [[nodiscard]] std::size_t find(std::string_view needle, std::size_t from = 0) const noexcept {
    return view().find(needle, from);
  }
  // True when the bytes are a kept rendering's, not a copy.
  [[nodiscard]] bool shared() const noexcept { return shared_ != nullptr; }

  friend bool operator==(const Body& a, const Body& b) noexcept { return a.view() == b.view(); }
  friend bool operator==(const Body& a, std::string_view b) noexcept { return a.view() == b; }
  friend bool operator==(const Body& a, const std::string& b) noexcept { return a.view() == b; }
  friend bool operator==(const Body& a, const char* b) noexcept { return a.view() == b; }
  friend std::ostream& operator<<(std::ostream& out, const Body& body);  // the bytes

 private:
  std::string owned_;
  std::shared_ptr<const std::string> shared_;
};

struct Response {
  unsigned status = 200;
  Headers headers;
  Body body;

  // For the access log and metrics only, never sent: the matched route template ("" when none
  // matched), the authenticated user ("" when anonymous), the W3C trace id, and the client
  // behind trusted proxies ("" when it is the TCP peer).
  std::string route;
  std::string user_id;
  std::string trace_id;
  std::string client_ip;
};

}  // namespace parley::http
