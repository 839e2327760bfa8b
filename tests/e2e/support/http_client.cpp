#include "support/http_client.hpp"

#include <algorithm>
#include <arpa/inet.h>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdexcept>
#include <sys/socket.h>
#include <unistd.h>
#include <utility>

#include "support/exchange_log.hpp"

namespace parley::e2e {
namespace {

constexpr std::size_t kDescribeBodyLimit = 4000;
constexpr std::size_t kSendChunk = 64 * 1024;

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t'))
    text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t'))
    text.remove_suffix(1);
  return text;
}

int remaining_ms(std::chrono::steady_clock::time_point deadline) {
  auto left =
      std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
  return static_cast<int>(std::max<std::chrono::milliseconds::rep>(left.count(), 0));
}

bool is_gone(int error) {
  return error == EPIPE || error == ECONNRESET || error == ENOTCONN;
}

bool method_has_body(std::string_view method) {
  return method == "POST" || method == "PUT" || method == "PATCH";
}

std::size_t parse_size(std::string_view text, int base, const char* what) {
  std::size_t value = 0;
  const auto* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value, base);
  if (ec != std::errc{} || ptr != end || text.empty()) {
    throw std::runtime_error(std::string("malformed ") + what + ": '" + std::string(text) + "'");
  }
  return value;
}

}  // namespace

bool iequals(std::string_view a, std::string_view b) noexcept {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

std::optional<std::string> Response::header(std::string_view name) const {
  for (const auto& h : headers) {
    if (iequals(h.name, name)) return h.value;
  }
  return std::nullopt;
}

std::string Response::describe() const {
  std::string text = "response: HTTP " + std::to_string(status) + " " + reason + "\n";
  for (const auto& h : headers)
    text += "  " + h.name + ": " + h.value + "\n";
  text += "body (" + std::to_string(body.size()) + " bytes): ";
  text += body.size() > kDescribeBodyLimit ? body.substr(0, kDescribeBodyLimit) + "..." : body;
  return text;
}

std::string serialize(const Request& request, std::uint16_t port) {
  auto has = [&](std::string_view name) {
    return std::any_of(request.headers.begin(), request.headers.end(),
                       [&](const Header& h) { return iequals(h.name, name); });
  };
  std::string out = request.method + " " + request.target + " HTTP/1.1\r\n";
  if (request.add_framing_headers && !has("Host")) out += "Host: 127.0.0.1:" + std::to_string(port) + "\r\n";
  for (const auto& h : request.headers)
    out += h.name + ": " + h.value + "\r\n";
  if (request.add_framing_headers && !has("Content-Length") && !has("Transfer-Encoding") &&
      (!request.body.empty() || method_has_body(request.method))) {
    out += "Content-Length: " + std::to_string(request.body.size()) + "\r\n";
  }
  out += "\r\n";
  out += request.body;
  return out;
}

Connection::Connection(std::uint16_t port) : port_(port) {
  fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd_ < 0) throw std::runtime_error(std::string("socket: ") + std::strerror(errno));
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd_, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
    const int error = errno;
    close();
    throw std::runtime_error("connect to 127.0.0.1:" + std::to_string(port) + ": " + std::strerror(error));
  }
  const int one = 1;
  ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

std::uint16_t Connection::local_port() const {
  sockaddr_in address{};
  socklen_t length = sizeof address;
  if (::getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    throw std::runtime_error(std::string("getsockname: ") + std::strerror(errno));
  }
  return ntohs(address.sin_port);
}

Connection::Connection(Connection&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)),
      port_(other.port_),
      buffer_(std::move(other.buffer_)),
      unanswered_(std::move(other.unanswered_)) {}

Connection& Connection::operator=(Connection&& other) noexcept {
  if (this != &other) {
    close();
    fd_ = std::exchange(other.fd_, -1);
    port_ = other.port_;
    buffer_ = std::move(other.buffer_);
    unanswered_ = std::move(other.unanswered_);
  }
  return *this;
}

Connection::~Connection() {
  close();
}

void Connection::close() noexcept {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

bool Connection::send_raw(std::string_view bytes) {
  while (!bytes.empty()) {
    const auto sent = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (sent < 0) {
      if (errno == EINTR) continue;
      if (is_gone(errno)) return false;
      throw std::runtime_error(std::string("send: ") + std::strerror(errno));
    }
    unanswered_.append(bytes.substr(0, static_cast<std::size_t>(sent)));
    bytes.remove_prefix(static_cast<std::size_t>(sent));
  }
  return true;
}

bool Connection::send_until_answered(std::string_view bytes, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!bytes.empty()) {
    pollfd p{fd_, POLLIN | POLLOUT, 0};
    const int ready = ::poll(&p, 1, remaining_ms(deadline));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) return false;  // the peer stopped reading without answering
    if ((p.revents & (POLLIN | POLLHUP | POLLERR)) != 0) return false;
    const auto sent =
        ::send(fd_, bytes.data(), std::min(bytes.size(), kSendChunk), MSG_NOSIGNAL | MSG_DONTWAIT);
    if (sent < 0) {
      if (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK) continue;
      if (is_gone(errno)) return false;
      throw std::runtime_error(std::string("send: ") + std::strerror(errno));
    }
    unanswered_.append(bytes.substr(0, static_cast<std::size_t>(sent)));
    bytes.remove_prefix(static_cast<std::size_t>(sent));
  }
  return true;
}

bool Connection::fill(std::chrono::steady_clock::time_point deadline) {
  if (fd_ < 0) return false;
  for (;;) {
    pollfd p{fd_, POLLIN, 0};
    const int ready = ::poll(&p, 1, remaining_ms(deadline));
    if (ready < 0) {
      if (errno == EINTR) continue;
      throw std::runtime_error(std::string("poll: ") + std::strerror(errno));
    }
    if (ready == 0) throw std::runtime_error("timed out waiting for the server to send data");
    char chunk[16 * 1024];
    const auto received = ::recv(fd_, chunk, sizeof chunk, 0);
    if (received < 0) {
      if (errno == EINTR || errno == EAGAIN) continue;
      if (is_gone(errno)) return false;
      throw std::runtime_error(std::string("recv: ") + std::strerror(errno));
    }
    if (received == 0) return false;
    buffer_.append(chunk, static_cast<std::size_t>(received));
    return true;
  }
}

std::optional<Response> Connection::read_response(std::chrono::milliseconds timeout, bool response_to_head) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    std::size_t header_end = buffer_.find("\r\n\r\n");
    while (header_end == std::string::npos) {
      if (!fill(deadline)) {
        if (buffer_.empty()) return std::nullopt;
        throw std::runtime_error("connection closed inside a response head: '" + buffer_ + "'");
      }
      header_end = buffer_.find("\r\n\r\n");
    }
    const std::string head = buffer_.substr(0, header_end);
    std::size_t consumed = header_end + 4;

    Response response;
    std::size_t line_end = head.find("\r\n");
    const std::string_view status_line = std::string_view(head).substr(0, line_end);
    if (status_line.size() < 12 || status_line.substr(0, 5) != "HTTP/" || status_line[8] != ' ') {
      throw std::runtime_error("malformed status line: '" + std::string(status_line) + "'");
    }
    response.status = static_cast<int>(parse_size(status_line.substr(9, 3), 10, "status code"));
    response.reason = std::string(trim(status_line.substr(12)));
    while (line_end != std::string::npos) {
      const std::size_t start = line_end + 2;
      line_end = head.find("\r\n", start);
      const std::string_view line = std::string_view(head).substr(
          start, line_end == std::string::npos ? std::string::npos : line_end - start);
      const std::size_t colon = line.find(':');
      if (colon == std::string_view::npos || colon == 0) {
        throw std::runtime_error("malformed header line: '" + std::string(line) + "'");
      }
      response.headers.push_back(
          {std::string(line.substr(0, colon)), std::string(trim(line.substr(colon + 1)))});
    }

    auto need = [&](std::size_t bytes) {
      while (buffer_.size() < bytes) {
        if (!fill(deadline)) throw std::runtime_error("connection closed inside a response body");
      }
    };
    const bool informational = response.status >= 100 && response.status < 200;
    const bool bodiless =
        informational || response.status == 204 || response.status == 304 || response_to_head;
    const auto encoding = response.header("Transfer-Encoding");
    const auto length = response.header("Content-Length");
    if (bodiless) {
      // nothing follows the head
    } else if (encoding && iequals(*encoding, "chunked")) {
      for (;;) {
        std::size_t size_end = buffer_.find("\r\n", consumed);
        while (size_end == std::string::npos) {
          if (!fill(deadline)) throw std::runtime_error("connection closed inside a chunked body");
          size_end = buffer_.find("\r\n", consumed);
        }
        std::string_view size_text = std::string_view(buffer_).substr(consumed, size_end - consumed);
        size_text = size_text.substr(0, size_text.find(';'));
        const std::size_t chunk_size = parse_size(trim(size_text), 16, "chunk size");
        consumed = size_end + 2;
        if (chunk_size == 0) {
          for (;;) {  // trailer fields up to the empty line
            std::size_t trailer_end = buffer_.find("\r\n", consumed);
            while (trailer_end == std::string::npos) {
              if (!fill(deadline)) throw std::runtime_error("connection closed inside chunk trailers");
              trailer_end = buffer_.find("\r\n", consumed);
            }
            const bool last = trailer_end == consumed;
            consumed = trailer_end + 2;
            if (last) break;
          }
          break;
        }
        need(consumed + chunk_size + 2);
        response.body.append(buffer_, consumed, chunk_size);
        consumed += chunk_size + 2;
      }
    } else if (length) {
      const std::size_t body_size = parse_size(*length, 10, "Content-Length");
      need(consumed + body_size);
      response.body = buffer_.substr(consumed, body_size);
      consumed += body_size;
    } else {
      while (fill(deadline)) {
      }
      response.body = buffer_.substr(consumed);
      consumed = buffer_.size();
    }
    buffer_.erase(0, consumed);
    if (informational) continue;  // e.g. 100 Continue: the real response follows
    // Responses come in request order: this one answers the first request not yet answered.
    const std::size_t answered = first_request_length(unanswered_);
    record_exchange(std::string_view(unanswered_).substr(0, answered), response);
    unanswered_.erase(0, answered);
    return response;
  }
}

Response Connection::round_trip(const Request& request) {
  if (!send_raw(serialize(request, port_))) {
    throw std::runtime_error("the server closed the connection while " + request.method + " " +
                             request.target + " was being sent");
  }
  auto response = read_response();
  if (!response) {
    throw std::runtime_error("the server closed the connection without answering " + request.method + " " +
                             request.target);
  }
  return std::move(*response);
}

bool Connection::closed_by_peer(std::chrono::milliseconds wait) {
  if (!buffer_.empty()) return false;
  const auto deadline = std::chrono::steady_clock::now() + wait;
  try {
    return !fill(deadline);
  } catch (const std::runtime_error&) {
    return false;  // still open when the wait ran out
  }
}

}  // namespace parley::e2e
