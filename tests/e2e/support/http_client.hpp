// A small HTTP/1.1 client over POSIX sockets for black-box tests: it sends raw bytes (so
// pipelined and deliberately broken requests are possible) and parses responses strictly.
// Every response it reads is recorded with the request it answers (support/exchange_log.hpp)
// for the check against the OpenAPI spec.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace parley::e2e {

struct Header {
  std::string name;
  std::string value;
};
using Headers = std::vector<Header>;

struct Request {
  std::string method = "GET";
  std::string target = "/";
  Headers headers;
  std::string body;
  // Adds Host and, when the method carries a body, Content-Length unless given in headers.
  bool add_framing_headers = true;
};

struct Response {
  int status = 0;
  std::string reason;
  Headers headers;
  std::string body;

  // Case-insensitive; the first occurrence.
  [[nodiscard]] std::optional<std::string> header(std::string_view name) const;
  [[nodiscard]] bool has_header(std::string_view name) const { return header(name).has_value(); }
  // Status line, headers and (truncated) body: what a failing assertion should show.
  [[nodiscard]] std::string describe() const;
};

// The bytes of `request` as sent on the wire.
std::string serialize(const Request& request, std::uint16_t port);

bool iequals(std::string_view a, std::string_view b) noexcept;

class Connection {
 public:
  static constexpr std::chrono::milliseconds kDefaultTimeout{15'000};

  // Connects to 127.0.0.1:port; throws std::runtime_error when that fails.
  explicit Connection(std::uint16_t port);
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;
  Connection(Connection&& other) noexcept;
  Connection& operator=(Connection&& other) noexcept;
  ~Connection();

  // Sends every byte; false when the peer closed or reset the connection first.
  bool send_raw(std::string_view bytes);
  // Sends like send_raw but stops as soon as the peer answers or closes (an early 413, a 431):
  // true when every byte went out.
  bool send_until_answered(std::string_view bytes, std::chrono::milliseconds timeout = kDefaultTimeout);
  // The next response; nullopt when the peer closed the connection (or reset it) before
  // sending anything. Throws on a timeout or a truncated or malformed response.
  std::optional<Response> read_response(std::chrono::milliseconds timeout = kDefaultTimeout,
                                        bool response_to_head = false);
  // send_raw(serialize(request)) then read_response(); throws when no response arrives.
  Response round_trip(const Request& request);
  // True when the peer closes the connection within `wait` without sending anything more.
  bool closed_by_peer(std::chrono::milliseconds wait);
  [[nodiscard]] std::uint16_t port() const noexcept { return port_; }
  // This end's port (getsockname): tells the server's side of this connection apart.
  [[nodiscard]] std::uint16_t local_port() const;

 private:
  // Reads more bytes into buffer_: false on end of stream or reset; throws on timeout.
  bool fill(std::chrono::steady_clock::time_point deadline);
  void close() noexcept;

  int fd_ = -1;
  std::uint16_t port_ = 0;
  std::string buffer_;
  std::string unanswered_;  // bytes sent and not yet answered: recorded with their response
};

}  // namespace parley::e2e
