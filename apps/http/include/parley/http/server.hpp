// The HTTP/1.1 server: Beast and Asio stay behind this header, in server.cpp only.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "parley/core/result.hpp"
#include "parley/http/api.hpp"
#include "parley/http/http_metrics.hpp"

namespace parley::http {

namespace detail {
class ServerCore;  // the Beast/Asio machinery, defined in server.cpp
}  // namespace detail

struct ListenAddress {
  std::string address;
  std::uint16_t port = 0;  // 0 picks a free port; the "listening" log line tells which
};

struct ServerConfig {
  std::string address = "127.0.0.1";
  std::uint16_t port = 8080;  // 0 picks a free port; the "listening" log line tells which
  // A second listener whose requests carry Listener::admin (PARLEY_ADMIN_LISTEN); same limits.
  std::optional<ListenAddress> admin;
  unsigned io_threads = 1;
  unsigned worker_threads = 4;
  // The pool of Lane::auth requests (sign-up, login, refresh) and how many more may wait for it;
  // beyond that they are answered 503 + Retry-After by the I/O thread (PARLEY_HASH_*).
  unsigned auth_threads = 1;
  std::size_t auth_queue = 2;
  // The nice value of the auth pool's threads (PARLEY_AUTH_THREAD_NICE): above 0 the scheduler
  // favours the I/O threads, reads and probes over the KDF on a busy CPU. 0 leaves it alone.
  int auth_nice = 10;
  std::uint64_t max_body_bytes = 1'048'576;
  std::uint32_t max_header_bytes = 16'384;
  std::chrono::seconds read_timeout{30};       // to read one request once its first byte came
  std::chrono::seconds keepalive_timeout{60};  // idle between requests on a kept-alive connection
  std::chrono::seconds shutdown_grace{20};     // how long in-flight requests get on shutdown
};

class Server {
 public:
  // `metrics` (optional) records every response, in-flight requests and open connections.
  Server(ServerConfig config, const Api& api, HttpMetrics* metrics = nullptr);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds, logs "listening", serves until SIGINT/SIGTERM or stop(), drains in-flight requests
  // (at most shutdown_grace), joins every thread and returns. unavailable when it cannot listen.
  core::Status run();
  // Starts the same graceful shutdown as SIGTERM. Callable from any thread.
  void stop();

 private:
  std::unique_ptr<detail::ServerCore> core_;
};

}  // namespace parley::http
