// Boost.Beast HTTP/1.1 server: a listener and one Session per connection on its own strand.
// The I/O threads read, parse and write, and answer what Api::answer_now can answer without
// waiting on I/O; Api::handle (which blocks on SQLite, scrypt...) runs on a separate worker
// pool and its response is posted back to the connection's strand.
// Requests of Lane::auth (the password KDF) run on a small pool of their own with a bounded
// queue, answered 503 by the I/O thread when it is full, so a login flood never delays reads.
// One request is in flight per connection, so pipelined requests are answered in order.
#include "parley/http/server.hpp"

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <csignal>
#include <mutex>
#include <optional>
#include <string>
#include <sys/resource.h>
#include <thread>
#include <unistd.h>
#include <unordered_map>
#include <utility>
#include <vector>

// GCC 12's -Wnull-dereference fires on Asio's own inlined scheduler and strand code (after
// inlining, so -isystem does not silence it); the code at fault is Boost's, not ours.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wnull-dereference"
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/status.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#pragma GCC diagnostic pop

#include "parley/http/log.hpp"

namespace parley::http {

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
using ErrorCode = boost::system::error_code;
using Strand = asio::strand<asio::io_context::executor_type>;

constexpr std::size_t kFirstReadBytes = 4096;
// After refusing a request, read and discard what the client is still sending for a moment,
// so closing does not reset the connection before it has read our answer.
constexpr std::chrono::seconds kLingerTimeout{2};
constexpr std::size_t kMaxLingerBytes = 8 * 1024 * 1024;
constexpr std::chrono::milliseconds kAcceptRetryDelay{100};
// A sign-up, login or refresh refused because the auth pool is full is answered after this
// delay, as if it had waited in a queue: a client that retries at once (a flood, a benchmark)
// then sends tens of requests a second per connection instead of thousands, which would keep the
// I/O thread busy answering 503s ahead of everything else. A timer costs the I/O thread nothing.
constexpr std::chrono::milliseconds kShedDelay{50};

// The auth pool's threads run at ServerConfig::auth_nice: the KDF is meant to be slow, and on a
// busy CPU the scheduler then favours the I/O threads, reads and probes over it (a login flood
// otherwise costs /healthz its fair share of the CPU). Lowering one's priority needs no privilege.
void lower_auth_thread_priority(int nice) noexcept {
  thread_local bool lowered = false;
  if (lowered || nice <= 0) return;
  lowered = true;
  // Linux: PRIO_PROCESS with a thread id applies to that thread only. Best effort.
  static_cast<void>(setpriority(PRIO_PROCESS, static_cast<id_t>(gettid()), nice));
}

bool is_http_error(const ErrorCode& ec) {
  return ec.category() == bhttp::make_error_code(bhttp::error::bad_method).category();
}

// Errors that are the normal end of a connection: logged at debug level only.
bool is_routine(const ErrorCode& ec) {
  return ec == asio::error::operation_aborted || ec == asio::error::eof ||
         ec == bhttp::error::end_of_stream || ec == bhttp::error::partial_message ||
         ec == asio::error::connection_reset || ec == asio::error::broken_pipe ||
         ec == asio::error::not_connected || ec == asio::error::bad_descriptor;
}

// The one place socket errors are logged.
void fail(const ErrorCode& ec, std::string_view what) {
  const LogLevel level = is_routine(ec) ? LogLevel::debug : LogLevel::warn;
  log_event(level, "socket error", {{"op", what}, {"error", ec.message()}});
}

template <class Message>
Request to_request(Message& message, const std::string& client_ip, Listener listener) {
  Request request;
  request.listener = listener;
  request.method = std::string(message.method_string());
  request.target = std::string(message.target());
  for (const auto& field : message) {
    request.headers.add(std::string(field.name_string()), std::string(field.value()));
  }
  request.body = std::move(message.body());
  request.client_ip = client_ip;
  return request;
}

// The status line and header fields of a response, in one buffer, as Beast's serializer wrote
// them: Content-Length except for 204 and 304 (which carry no body and must not announce one),
// and the Connection field where the version's default is not what happens next. Built here
// rather than by Beast, whose serializer walked a buffer sequence per field and cost 5-7 % of
// the CPU of a request answered from a kept page (docs/performance.md).
// A character scan, not find_first_of, which calls memchr on the set once per character of
// the value (2 % of a kept page's CPU).
constexpr bool breaks_line(char c) noexcept {
  return c == '\r' || c == '\n';
}

std::string serialize_head(const Response& response, unsigned version, bool keep_alive) {
  std::string head;
  head.reserve(512);
  head.append(version == 10 ? "HTTP/1.0 " : "HTTP/1.1 ");
  head.append(std::to_string(response.status));
  head.push_back(' ');
  const auto reason = bhttp::obsolete_reason(bhttp::int_to_status(response.status));
  head.append(reason.data(), reason.size());
  head.append("\r\n");
  for (const auto& [name, value] : response.headers.fields()) {
    // Defence in depth: every value is Parley's own or checked before it gets here, but a line
    // break must never let a value start a field of its own.
    if (std::any_of(value.begin(), value.end(), breaks_line) ||
        std::any_of(name.begin(), name.end(), [](char c) { return breaks_line(c) || c == ':' || c == ' '; }))
      continue;
    head.append(name).append(": ").append(value).append("\r\n");
  }
  if (response.status != 204 && response.status != 304) {
    head.append("Content-Length: ").append(std::to_string(response.body.size())).append("\r\n");
  }
  if (version == 10 && keep_alive) head.append("Connection: keep-alive\r\n");
  if (version != 10 && !keep_alive) head.append("Connection: close\r\n");
  head.append("\r\n");
  return head;
}

void log_access(const std::string& method, const Response& response, std::int64_t duration_ms,
                const std::string& client_ip) {
  boost::json::object fields;
  fields["request_id"] = response.headers.find("X-Request-ID").value_or("");
  fields["trace_id"] = response.trace_id;
  fields["method"] = method;
  if (response.route.empty()) {
    fields["route"] = nullptr;
  } else {
    fields["route"] = response.route;
  }
  fields["status"] = response.status;
  fields["duration_ms"] = duration_ms;
  if (!response.user_id.empty()) fields["user_id"] = response.user_id;
  fields["client_ip"] = response.client_ip.empty() ? client_ip : response.client_ip;
  fields["bytes_out"] = response.body.size();
  log_event(LogLevel::info, "request", std::move(fields));
}

}  // namespace

std::string_view to_string(Listener listener) noexcept {
  return listener == Listener::admin ? "admin" : "main";
}

namespace detail {
class Session;
}  // namespace detail
using detail::Session;

// One listening socket and the kind of requests it accepts.
struct Acceptor {
  Acceptor(Strand& strand, Listener kind, ListenAddress where)
      : socket(strand), retry_timer(strand), listener(kind), address(std::move(where)) {}
  tcp::acceptor socket;
  asio::steady_timer retry_timer;  // backs off after a failed accept
  Listener listener;
  ListenAddress address;
};

using detail::ServerCore;

class detail::ServerCore {
 public:
  ServerCore(ServerConfig config, const Api& api, HttpMetrics* metrics)
      : config_(std::move(config)),
        api_(api),
        metrics_(metrics),
        control_(asio::make_strand(ioc_)),
        signals_(control_, SIGINT, SIGTERM),
        grace_timer_(control_),
        workers_(config_.worker_threads),
        auth_workers_(std::max(1U, config_.auth_threads)) {
    acceptors_.push_back(
        std::make_unique<Acceptor>(control_, Listener::main, ListenAddress{config_.address, config_.port}));
    if (config_.admin)
      acceptors_.push_back(std::make_unique<Acceptor>(control_, Listener::admin, *config_.admin));
  }

  ~ServerCore() {
    // run() joins the workers; this covers a Server that never ran or failed to listen.
    workers_.stop();
    workers_.join();
    auth_workers_.stop();
    auth_workers_.join();
  }

  core::Status run();
  void stop() {
    asio::post(control_, [this] { begin_shutdown("stop requested"); });
  }

  // Used by sessions.
  [[nodiscard]] const ServerConfig& config() const noexcept { return config_; }
  [[nodiscard]] const Api& api() const noexcept { return api_; }
  [[nodiscard]] HttpMetrics* metrics() const noexcept { return metrics_; }
  [[nodiscard]] bool stopping() const noexcept { return stopping_.load(); }
  asio::thread_pool& workers() noexcept { return workers_; }
  asio::thread_pool& auth_workers() noexcept { return auth_workers_; }
  // Takes a place in the auth pool (running or queued); false when all are taken.
  bool enter_auth_lane() noexcept {
    const std::size_t places = std::max(1U, config_.auth_threads) + config_.auth_queue;
    if (auth_in_flight_.fetch_add(1) < places) return true;
    auth_in_flight_.fetch_sub(1);
    return false;
  }
  void leave_auth_lane() noexcept { auth_in_flight_.fetch_sub(1); }
  void session_closed(Session* session);

 private:
  core::Status listen(Acceptor& acceptor);
  void do_accept(Acceptor& acceptor);
  void on_accept(Acceptor& acceptor, const ErrorCode& ec, tcp::socket socket);
  void wait_for_signal();
  void begin_shutdown(std::string_view reason);
  void finish_if_drained();
  void force_stop();
  std::vector<std::shared_ptr<Session>> live_sessions();

  ServerConfig config_;
  const Api& api_;
  HttpMetrics* metrics_;

  // Declared before ioc_ so they outlive it: sessions still queued in ioc_ unregister on destruction.
  std::mutex sessions_mutex_;
  std::unordered_map<Session*, std::weak_ptr<Session>> sessions_;
  std::atomic<bool> stopping_{false};
  std::atomic<bool> finished_{false};

  asio::io_context ioc_;
  Strand control_;                                    // accepting, signals and shutdown are serialised here
  std::vector<std::unique_ptr<Acceptor>> acceptors_;  // the main listener first
  asio::signal_set signals_;
  asio::steady_timer grace_timer_;
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work_;
  asio::thread_pool workers_;
  asio::thread_pool auth_workers_;
  std::atomic<std::size_t> auth_in_flight_{0};
};

class detail::Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket&& socket, ServerCore& server, Listener listener)
      : socket_(std::move(socket)),
        deadline_timer_(socket_.get_executor()),
        server_(server),
        listener_(listener) {
    ErrorCode ec;
    const auto remote = socket_.remote_endpoint(ec);
    if (!ec) client_ip_ = remote.address().to_string();
    if (auto* metrics = server_.metrics()) metrics->connection_opened();
  }
  ~Session() {
    if (auto* metrics = server_.metrics()) {
      if (in_flight_) metrics->request_ended();
      metrics->connection_closed();
    }
    server_.session_closed(this);
  }
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  void start() {
    asio::dispatch(socket_.get_executor(), [self = shared_from_this()] { self->read_request(); });
  }

  // Posted by the server when shutdown begins: idle connections close now, busy ones after
  // their response (which then says Connection: close).
  void notify_stopping() {
    asio::post(socket_.get_executor(), [self = shared_from_this()] {
      if (self->phase_ == Phase::idle) self->close_now();
    });
  }
  void force_close() {
    asio::post(socket_.get_executor(), [self = shared_from_this()] { self->close_now(); });
  }

 private:
  enum class Phase { idle, reading, processing, writing, closing };

  void read_request() {
    if (buffer_.size() == 0 && server_.stopping()) {
      shutdown_and_close();
      return;
    }
    parser_.emplace();
    parser_->body_limit(server_.config().max_body_bytes);
    parser_->header_limit(server_.config().max_header_bytes);
    if (buffer_.size() > 0) {  // a pipelined request is already here
      read_header();
      return;
    }
    // Idle until the first byte: the keep-alive timeout applies between requests, the read
    // timeout to a brand-new connection that has yet to say anything.
    phase_ = Phase::idle;
    set_deadline(served_ == 0 ? server_.config().read_timeout : server_.config().keepalive_timeout);
    socket_.async_read_some(buffer_.prepare(kFirstReadBytes),
                            [self = shared_from_this()](const ErrorCode& ec, std::size_t bytes) {
                              self->on_first_bytes(ec, bytes);
                            });
  }

  void on_first_bytes(const ErrorCode& ec, std::size_t bytes) {
    if (ec) {
      if (ec != asio::error::eof) fail(ec, "read");
      close_now();
      return;
    }
    buffer_.commit(bytes);
    read_header();
  }

  void read_header() {
    phase_ = Phase::reading;
    started_ = std::chrono::steady_clock::now();
    set_deadline_at(started_ + server_.config().read_timeout);  // covers the whole request from here
    bhttp::async_read_header(
        socket_, buffer_, *parser_,
        [self = shared_from_this()](const ErrorCode& ec, std::size_t) { self->on_header(ec); });
  }

  void on_header(const ErrorCode& ec) {
    if (ec) {
      on_read_error(ec);
      return;
    }
    if (parser_->is_done()) {
      process();
      return;
    }
    // A client that asked before sending its body gets the go-ahead; limits were checked already.
    const auto expect = parser_->get()[bhttp::field::expect];
    if (beast::iequals(expect, "100-continue")) {
      continue_.emplace(bhttp::status::continue_, parser_->get().version());
      bhttp::async_write(socket_, *continue_, [self = shared_from_this()](const ErrorCode& wec, std::size_t) {
        if (wec) {
          fail(wec, "write");
          self->close_now();
          return;
        }
        self->read_body();
      });
      return;
    }
    read_body();
  }

  void read_body() {
    bhttp::async_read(socket_, buffer_, *parser_,
                      [self = shared_from_this()](const ErrorCode& ec, std::size_t) {
                        if (ec) {
                          self->on_read_error(ec);
                          return;
                        }
                        self->process();
                      });
  }

  void on_read_error(const ErrorCode& ec) {
    if (ec == bhttp::error::body_limit) {
      reject(Rejection::body_too_large);
    } else if (ec == bhttp::error::header_limit) {
      reject(Rejection::headers_too_large);
    } else if (is_http_error(ec) && !is_routine(ec)) {
      reject(Rejection::malformed_request);
    } else {
      fail(ec, "read");
      close_now();
    }
  }

  // Answers a request that could not be read, then closes: the stream is out of sync.
  void reject(Rejection why) {
    auto& partial_message = parser_->get();
    Request partial = to_request(partial_message, client_ip_, listener_);
    partial.body.clear();
    respond(server_.api().reject(partial, why), partial.method, partial_message.version(), false, true);
  }

  void process() {
    phase_ = Phase::processing;
    clear_deadline();
    auto& message = parser_->get();
    const unsigned version = message.version();
    const bool keep_alive = message.keep_alive();
    Request request = to_request(message, client_ip_, listener_);
    parser_.reset();
    if (auto* metrics = server_.metrics()) {
      metrics->request_started();
      in_flight_ = true;
    }

    // What can be answered without waiting on I/O is answered here, saving the worker hop.
    if (auto answer = server_.api().answer_now(request)) {
      respond(*std::move(answer), request.method, version, keep_alive, false);
      return;
    }
    const bool auth = server_.api().lane(request) == Lane::auth;
    if (auth && !server_.enter_auth_lane()) {
      // Answered by the I/O thread without a worker, after kShedDelay.
      shed_timer_.emplace(socket_.get_executor());
      shed_timer_->expires_after(kShedDelay);
      shed_timer_->async_wait([self = shared_from_this(), request = std::move(request), version,
                               keep_alive](const ErrorCode&) mutable {
        self->respond(self->server_.api().reject(request, Rejection::overloaded), request.method, version,
                      keep_alive, false);
      });
      return;
    }
    auto strand = socket_.get_executor();
    asio::post(auth ? server_.auth_workers() : server_.workers(),
               [self = shared_from_this(), strand, request = std::move(request), version, keep_alive,
                auth]() mutable {
                 if (auth) lower_auth_thread_priority(self->server_.config().auth_nice);
                 Response response = self->server_.api().handle(request);
                 if (auth) self->server_.leave_auth_lane();
                 asio::post(strand, [self, method = std::move(request.method), response = std::move(response),
                                     version, keep_alive]() mutable {
                   self->respond(std::move(response), method, version, keep_alive, false);
                 });
               });
  }

  // `refused`: the request could not be read, so after answering, the connection lingers and closes.
  void respond(Response response, const std::string& method, unsigned version, bool keep_alive,
               bool refused) {
    phase_ = Phase::writing;
    ++served_;
    close_after_write_ = !keep_alive || server_.stopping();
    const auto elapsed = std::chrono::steady_clock::now() - started_;
    // Checked here, not only in log_event: at warn level the line's JSON object was still built
    // for every response, then dropped (docs/performance.md, "The cached list").
    if (log_enabled(LogLevel::info)) {
      log_access(method, response, std::chrono::duration_cast<std::chrono::milliseconds>(elapsed).count(),
                 client_ip_);
    }
    if (auto* metrics = server_.metrics()) {
      metrics->record(method, response.route, response.status,
                      std::chrono::duration<double>(elapsed).count());
      if (in_flight_) metrics->request_ended();
      in_flight_ = false;
    }

    head_ = serialize_head(response, version, !close_after_write_);
    body_ = std::move(response.body);

    // A client too slow to read its answer is held to the same bound as one too slow to send.
    set_deadline(server_.config().read_timeout);
    // One gather write of the head and the body.
    asio::async_write(socket_,
                      std::array<asio::const_buffer, 2>{asio::buffer(head_), asio::buffer(body_.view())},
                      [self = shared_from_this(), refused](const ErrorCode& ec, std::size_t) {
                        self->on_write(ec, refused);
                      });
  }

  void on_write(const ErrorCode& ec, bool refused) {
    if (ec) {
      fail(ec, "write");
      close_now();
      return;
    }
    if (refused) {
      linger();
      return;
    }
    if (close_after_write_ || server_.stopping()) {
      shutdown_and_close();
      return;
    }
    read_request();
  }

  void linger() {
    phase_ = Phase::closing;
    ErrorCode ignored;
    socket_.shutdown(tcp::socket::shutdown_send, ignored);
    set_deadline(kLingerTimeout);
    drain();
  }

  void drain() {
    socket_.async_read_some(asio::buffer(drain_buffer_),
                            [self = shared_from_this()](const ErrorCode& ec, std::size_t bytes) {
                              self->drained_ += bytes;
                              if (ec || self->drained_ > kMaxLingerBytes) {
                                self->close_now();
                                return;
                              }
                              self->drain();
                            });
  }

  void shutdown_and_close() {
    phase_ = Phase::closing;
    ErrorCode ignored;
    socket_.shutdown(tcp::socket::shutdown_send, ignored);
    close_now();
  }

  void close_now() {
    phase_ = Phase::closing;
    ErrorCode ignored;
    socket_.close(ignored);  // pending reads and writes complete with operation_aborted
    deadline_timer_.cancel();
  }

  // Timeouts. The socket's operations carry no timer each (Beast's tcp_stream armed and cancelled
  // one per read and per write, whose heap updates and cancelled handlers were ~5 % of a kept
  // page's CPU at 1 000 connections): setting a deadline is a store, and one timer per connection
  // wakes when the earliest deadline it knows of comes, then closes the connection if the current
  // deadline has passed or waits again for it.
  void set_deadline(std::chrono::steady_clock::duration within) {
    set_deadline_at(std::chrono::steady_clock::now() + within);
  }
  void set_deadline_at(std::chrono::steady_clock::time_point deadline) {
    deadline_ = deadline;
    if (deadline_armed_ && armed_for_ <= deadline_) return;  // that wake comes first, then re-arms
    arm_deadline();
  }
  // While a worker handles the request nothing is read or written: no timeout applies.
  void clear_deadline() noexcept { deadline_ = std::chrono::steady_clock::time_point::max(); }

  void arm_deadline() {
    deadline_armed_ = true;
    armed_for_ = deadline_;
    deadline_timer_.expires_at(deadline_);  // cancels an earlier wait: it ends with operation_aborted
    deadline_timer_.async_wait([self = shared_from_this()](const ErrorCode& ec) {
      // Re-armed, or closed. (Not the closing phase: a lingering connection still has a deadline.)
      if (ec || !self->socket_.is_open()) return;
      self->deadline_armed_ = false;
      if (std::chrono::steady_clock::now() < self->deadline_) {
        if (self->deadline_ != std::chrono::steady_clock::time_point::max()) self->arm_deadline();
        return;
      }
      log_event(LogLevel::debug, "connection timed out", {{"phase", static_cast<int>(self->phase_)}});
      self->close_now();
    });
  }

  tcp::socket socket_;
  asio::steady_timer deadline_timer_;
  std::chrono::steady_clock::time_point deadline_ = std::chrono::steady_clock::time_point::max();
  std::chrono::steady_clock::time_point armed_for_{};
  bool deadline_armed_ = false;
  ServerCore& server_;
  Listener listener_;
  bool in_flight_ = false;  // counted in http_requests_in_flight until its response is written
  std::string client_ip_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  std::optional<bhttp::response<bhttp::empty_body>> continue_;
  std::optional<asio::steady_timer> shed_timer_;  // made on the first refused auth request
  std::string head_;  // the response being written: alive until its async_write completes
  Body body_;         // shares a kept page's bytes rather than copying them
  std::array<char, 16 * 1024> drain_buffer_{};
  std::size_t drained_ = 0;
  std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
  std::size_t served_ = 0;
  Phase phase_ = Phase::idle;
  bool close_after_write_ = false;
};

core::Status ServerCore::listen(Acceptor& acceptor) {
  auto& socket = acceptor.socket;
  const auto& config = acceptor.address;
  ErrorCode ec;
  const auto address = asio::ip::make_address(config.address, ec);
  if (ec) return core::Error::invalid("address", "not an IP address: " + config.address);
  const tcp::endpoint endpoint(address, config.port);
  const std::string where = config.address + ":" + std::to_string(config.port);

  if (socket.open(endpoint.protocol(), ec); ec) {
    return core::Error::unavailable("cannot open socket for " + where + ": " + ec.message());
  }
  if (socket.set_option(asio::socket_base::reuse_address(true), ec); ec) {
    return core::Error::unavailable("cannot set SO_REUSEADDR on " + where + ": " + ec.message());
  }
  if (socket.bind(endpoint, ec); ec)
    return core::Error::unavailable("cannot bind " + where + ": " + ec.message());
  if (socket.listen(asio::socket_base::max_listen_connections, ec); ec) {
    return core::Error::unavailable("cannot listen on " + where + ": " + ec.message());
  }
  const auto bound = socket.local_endpoint(ec);
  log_event(LogLevel::info, "listening",
            {{"listener", to_string(acceptor.listener)},
             {"address", bound.address().to_string()},
             {"port", bound.port()},
             {"io_threads", config_.io_threads},
             {"worker_threads", config_.worker_threads}});
  return {};
}

core::Status ServerCore::run() {
  for (auto& acceptor : acceptors_) {
    if (auto listening = listen(*acceptor); !listening) return listening;
  }

  work_.emplace(ioc_.get_executor());
  wait_for_signal();
  asio::post(control_, [this] {
    for (auto& acceptor : acceptors_)
      do_accept(*acceptor);
  });

  const auto run_loop = [this] {
    for (;;) {
      try {
        ioc_.run();
        return;
      } catch (const std::exception& e) {
        log_event(LogLevel::error, "unexpected exception on an I/O thread", {{"error", e.what()}});
      }
    }
  };
  std::vector<std::thread> extra_threads;
  for (unsigned i = 1; i < config_.io_threads; ++i)
    extra_threads.emplace_back(run_loop);
  run_loop();
  for (auto& thread : extra_threads)
    thread.join();

  finished_ = true;
  workers_.join();
  auth_workers_.join();
  log_event(LogLevel::info, "stopped");
  return {};
}

void ServerCore::do_accept(Acceptor& acceptor) {
  // With one I/O thread, every handler runs on it: the io_context is the connection's implicit
  // strand, and a strand of its own per connection would only add a lock and a queue per handler.
  const asio::any_io_executor executor =
      config_.io_threads > 1 ? asio::any_io_executor(asio::make_strand(ioc_)) : ioc_.get_executor();
  acceptor.socket.async_accept(executor, [this, &acceptor](const ErrorCode& ec, tcp::socket socket) {
    on_accept(acceptor, ec, std::move(socket));
  });
}

void ServerCore::on_accept(Acceptor& acceptor, const ErrorCode& ec, tcp::socket socket) {
  if (stopping_ || !acceptor.socket.is_open()) return;
  if (ec) {
    // Out of descriptors and the like: back off briefly instead of spinning.
    fail(ec, "accept");
    acceptor.retry_timer.expires_after(kAcceptRetryDelay);
    acceptor.retry_timer.async_wait([this, &acceptor](const ErrorCode& timer_ec) {
      if (!timer_ec && !stopping_) do_accept(acceptor);
    });
    return;
  }
  auto session = std::make_shared<Session>(std::move(socket), *this, acceptor.listener);
  {
    const std::lock_guard lock(sessions_mutex_);
    sessions_.emplace(session.get(), session);
  }
  session->start();
  do_accept(acceptor);
}

void ServerCore::wait_for_signal() {
  signals_.async_wait([this](const ErrorCode& ec, int signal_number) {
    if (ec) return;
    if (stopping_) {
      log_event(LogLevel::warn, "second signal: stopping now", {{"signal", signal_number}});
      force_stop();
      return;
    }
    // Re-arm first: begin_shutdown may finish at once, and that cancels the wait it finds.
    wait_for_signal();
    begin_shutdown(signal_number == SIGINT ? "SIGINT" : "SIGTERM");
  });
}

std::vector<std::shared_ptr<Session>> ServerCore::live_sessions() {
  std::vector<std::shared_ptr<Session>> live;
  const std::lock_guard lock(sessions_mutex_);
  for (const auto& [raw, weak] : sessions_) {
    if (auto session = weak.lock()) live.push_back(std::move(session));
  }
  return live;
}

void ServerCore::begin_shutdown(std::string_view reason) {
  if (stopping_.exchange(true)) return;
  const auto live = live_sessions();
  log_event(LogLevel::info, "shutting down",
            {{"reason", reason},
             {"open_connections", live.size()},
             {"grace_seconds", config_.shutdown_grace.count()}});
  for (auto& acceptor : acceptors_) {
    ErrorCode ignored;
    acceptor->socket.close(ignored);
    acceptor->retry_timer.cancel();
  }
  grace_timer_.expires_after(config_.shutdown_grace);
  grace_timer_.async_wait([this](const ErrorCode& ec) {
    if (!ec) force_stop();
  });
  for (const auto& session : live)
    session->notify_stopping();
  finish_if_drained();
}

void ServerCore::finish_if_drained() {
  if (!stopping_ || finished_) return;
  {
    const std::lock_guard lock(sessions_mutex_);
    if (!sessions_.empty()) return;
  }
  grace_timer_.cancel();
  signals_.cancel();
  work_.reset();  // nothing left to do: every I/O thread's run() returns
}

void ServerCore::force_stop() {
  const auto live = live_sessions();
  log_event(LogLevel::warn, "shutdown grace period over, closing connections",
            {{"open_connections", live.size()}});
  for (const auto& session : live)
    session->force_close();
  // Requests still running on workers finish there; run() joins them before returning.
  workers_.stop();
  auth_workers_.stop();
  ioc_.stop();
}

void ServerCore::session_closed(Session* session) {
  bool drained = false;
  {
    const std::lock_guard lock(sessions_mutex_);
    sessions_.erase(session);
    drained = sessions_.empty() && stopping_;
  }
  if (drained && !finished_) asio::post(control_, [this] { finish_if_drained(); });
}

Server::Server(ServerConfig config, const Api& api, HttpMetrics* metrics)
    : core_(std::make_unique<ServerCore>(std::move(config), api, metrics)) {}

Server::~Server() = default;

core::Status Server::run() {
  return core_->run();
}

void Server::stop() {
  core_->stop();
}

}  // namespace parley::http
