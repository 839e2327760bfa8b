// The connection pool and every hiredis call: the one file of the adapter that includes hiredis.
#include "parley/redis/client.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <ctime>
#include <exception>
#include <mutex>
#include <optional>
#include <pthread.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <thread>
#include <utility>

#include <hiredis/hiredis.h>

namespace parley::redis {
namespace {

constexpr int kMaxPort = 65535;

struct ContextDeleter {
  void operator()(redisContext* context) const noexcept { redisFree(context); }
};
using ContextPtr = std::unique_ptr<redisContext, ContextDeleter>;

struct ReplyDeleter {
  void operator()(redisReply* reply) const noexcept { freeReplyObject(reply); }
};
using ReplyPtr = std::unique_ptr<redisReply, ReplyDeleter>;

timeval to_timeval(std::chrono::milliseconds duration) {
  timeval tv{};
  tv.tv_sec = static_cast<time_t>(duration.count() / 1000);
  tv.tv_usec = static_cast<suseconds_t>((duration.count() % 1000) * 1000);
  return tv;
}

// Writing to a socket the server has closed raises SIGPIPE, whose default action ends the
// process. Like libpq, block it on the calling thread, leaving the process's handler alone.
// Unlike a block/unblock pair around every command (four system calls per round trip, a few
// percent of a cached request's CPU in docs/performance.md), a thread blocks it once, on its
// first command, and keeps it blocked. A SIGPIPE can only come from a write that failed, so a
// pending one we caused is swallowed on the failure path only.
void block_sigpipe_once() noexcept {
  thread_local bool blocked = false;
  if (blocked) return;
  sigset_t pipe;
  sigemptyset(&pipe);
  sigaddset(&pipe, SIGPIPE);
  pthread_sigmask(SIG_BLOCK, &pipe, nullptr);
  blocked = true;
}

void swallow_sigpipe() noexcept {
  sigset_t pending;
  sigemptyset(&pending);
  sigpending(&pending);
  if (sigismember(&pending, SIGPIPE) != 1) return;
  sigset_t pipe;
  sigemptyset(&pipe);
  sigaddset(&pipe, SIGPIPE);
  const timespec no_wait{};
  sigtimedwait(&pipe, nullptr, &no_wait);
}

// Queues one command in the context's output buffer (sent by the next read of a reply), every
// argument with its length ("%b"-style): user data is never parsed as command syntax. False
// when hiredis cannot (out of memory; the context's err says so).
bool append_command(redisContext& context, std::span<const std::string_view> args) {
  constexpr std::size_t kInlineArgs = 8;  // every command of the adapter: no allocation
  std::array<const char*, kInlineArgs> inline_argv{};
  std::array<std::size_t, kInlineArgs> inline_lengths{};
  std::vector<const char*> heap_argv;
  std::vector<std::size_t> heap_lengths;
  const char** argv = inline_argv.data();
  std::size_t* lengths = inline_lengths.data();
  if (args.size() > kInlineArgs) {
    heap_argv.resize(args.size());
    heap_lengths.resize(args.size());
    argv = heap_argv.data();
    lengths = heap_lengths.data();
  }
  for (std::size_t i = 0; i < args.size(); ++i) {
    argv[i] = args[i].empty() ? "" : args[i].data();
    lengths[i] = args[i].size();
  }
  return redisAppendCommandArgv(&context, static_cast<int>(args.size()), argv, lengths) == REDIS_OK;
}

// The next reply of a pipeline; nullptr on an I/O failure (the context's err says why).
ReplyPtr next_reply(redisContext& context) {
  void* raw = nullptr;
  if (redisGetReply(&context, &raw) != REDIS_OK || raw == nullptr) return nullptr;
  return ReplyPtr(static_cast<redisReply*>(raw));
}

// One round trip. nullptr on an I/O failure, the context's err and errstr saying why.
ReplyPtr send_command(redisContext& context, std::span<const std::string_view> args) {
  block_sigpipe_once();
  if (!append_command(context, args)) return nullptr;
  ReplyPtr reply = next_reply(context);
  if (!reply) swallow_sigpipe();
  return reply;
}

Reply convert(const redisReply& reply) {
  Reply out;
  switch (reply.type) {
    case REDIS_REPLY_STRING:
      out.kind = Reply::Kind::string;
      out.text.assign(reply.str, reply.len);
      break;
    case REDIS_REPLY_STATUS:
      out.kind = Reply::Kind::status;
      out.text.assign(reply.str, reply.len);
      break;
    case REDIS_REPLY_INTEGER:
      out.kind = Reply::Kind::integer;
      out.integer = reply.integer;
      break;
    case REDIS_REPLY_ARRAY:
      out.kind = Reply::Kind::array;
      out.elements.reserve(reply.elements);
      for (std::size_t i = 0; i < reply.elements; ++i)
        out.elements.push_back(convert(*reply.element[i]));
      break;
    default:  // REDIS_REPLY_NIL; errors never get here
      break;
  }
  return out;
}

bool is_auth_error(std::string_view code) {
  return code == "NOAUTH" || code == "WRONGPASS";
}

// Redis error replies start with an upper-case code. The ones that mean "not now" are
// unavailable, so callers bypass the cache or fail closed; anything else is our bug.
core::Error translate_error_reply(std::string_view text) {
  const std::string_view code = text.substr(0, text.find(' '));
  if (is_auth_error(code)) return core::Error::unavailable("redis: authentication rejected");
  if (code == "LOADING" || code == "BUSY" || code == "MASTERDOWN" || code == "READONLY" || code == "OOM" ||
      code == "TRYAGAIN" || code == "CLUSTERDOWN" || code == "MISCONF" || code == "NOREPLICAS" ||
      text.starts_with("ERR max number of clients")) {
    return core::Error::unavailable("redis: server cannot serve the command (" + std::string(code) + ")");
  }
  return core::Error::internal("redis: command failed: " + std::string(text));
}

core::Error io_error(std::string_view what, const redisContext& context) {
  return core::Error::unavailable("redis: " + std::string(what) + ": " + std::string(context.errstr) +
                                  " (connection lost or timed out)");
}

core::Status validate(const RedisConfig& config) {
  if (config.host.empty()) return core::Error::invalid("host", "is required");
  if (config.port < 1 || config.port > kMaxPort)
    return core::Error::invalid("port", "must be from 1 to 65535");
  if (config.database < 0) return core::Error::invalid("database", "must be non-negative");
  if (config.pool_size == 0) return core::Error::invalid("pool_size", "must be at least 1");
  if (config.connect_timeout <= std::chrono::milliseconds::zero())
    return core::Error::invalid("connect_timeout", "must be positive");
  if (config.command_timeout <= std::chrono::milliseconds::zero())
    return core::Error::invalid("command_timeout", "must be positive");
  return {};
}

// A reply as its command's result: an error reply is the command's error. `authenticated`
// turns false when the reply says the connection lost its authentication (it is then of no
// further use).
core::Result<Reply> result_of(const redisReply& reply, bool& authenticated) {
  if (reply.type == REDIS_REPLY_ERROR) {
    const std::string_view text(reply.str, reply.len);
    if (is_auth_error(text.substr(0, text.find(' ')))) authenticated = false;
    return translate_error_reply(text);
  }
  return convert(reply);
}

// A new connection: connect timeout, command timeout, keepalive, AUTH and SELECT.
core::Result<ContextPtr> connect_to(const RedisConfig& config) {
  const std::string where = config.host + ":" + std::to_string(config.port);
  ContextPtr context(
      redisConnectWithTimeout(config.host.c_str(), config.port, to_timeval(config.connect_timeout)));
  if (!context) return core::Error::unavailable("redis: cannot allocate a connection to " + where);
  if (context->err != 0)
    return core::Error::unavailable("redis: cannot connect to " + where + ": " + context->errstr);
  if (redisSetTimeout(context.get(), to_timeval(config.command_timeout)) != REDIS_OK)
    return core::Error::unavailable("redis: cannot set the command timeout on " + where);
  // Keepalive notices a peer that vanished without closing, e.g. a host that rebooted.
  static_cast<void>(redisEnableKeepAlive(context.get()));

  if (!config.password.empty()) {
    const std::array<std::string_view, 3> user_auth{"AUTH", config.username, config.password};
    const std::array<std::string_view, 2> default_auth{"AUTH", config.password};
    const ReplyPtr reply =
        config.username.empty() ? send_command(*context, default_auth) : send_command(*context, user_auth);
    if (!reply) return io_error("AUTH on " + where + " failed", *context);
    // The error text is not repeated: it may echo what was sent.
    if (reply->type == REDIS_REPLY_ERROR)
      return core::Error::unavailable("redis: authentication rejected by " + where);
  }
  if (config.database != 0) {
    const std::string database = std::to_string(config.database);
    const std::array<std::string_view, 2> select{"SELECT", database};
    const ReplyPtr reply = send_command(*context, select);
    if (!reply) return io_error("SELECT on " + where + " failed", *context);
    if (reply->type == REDIS_REPLY_ERROR)
      return core::Error::unavailable("redis: cannot select database " + database + " on " + where + ": " +
                                      std::string(reply->str, reply->len));
  }
  return context;
}

}  // namespace

class Client::Pool {
 public:
  explicit Pool(RedisConfig config) : config_(std::move(config)) {
    // Reserved once, so giving a connection back never allocates.
    idle_.reserve(config_.pool_size);
  }

  [[nodiscard]] const RedisConfig& config() const noexcept { return config_; }

  // Every command written at once, then every reply read: one round trip. An error reply is
  // that command's result; the connection stays usable (unless it lost its authentication).
  core::Result<std::vector<core::Result<Reply>>> run_all(
      std::span<const std::vector<std::string_view>> commands) {
    auto acquired = acquire();
    if (!acquired) return std::move(acquired).error();
    Lease lease(*this, std::move(acquired).value());
    block_sigpipe_once();
    for (const auto& args : commands) {
      if (!append_command(*lease.context, args)) return io_error("cannot queue a command", *lease.context);
    }
    std::vector<core::Result<Reply>> replies;
    replies.reserve(commands.size());
    bool authenticated = true;
    for (std::size_t i = 0; i < commands.size(); ++i) {
      const ReplyPtr reply = next_reply(*lease.context);
      if (!reply) {
        swallow_sigpipe();
        return io_error("pipeline failed", *lease.context);
      }
      replies.emplace_back(result_of(*reply, authenticated));
    }
    lease.healthy = authenticated;
    return replies;
  }

  core::Result<Reply> run(std::span<const std::string_view> args) {
    auto acquired = acquire();
    if (!acquired) return std::move(acquired).error();
    Lease lease(*this, std::move(acquired).value());
    const ReplyPtr reply = send_command(*lease.context, args);
    if (!reply) return io_error("command failed", *lease.context);
    bool authenticated = true;
    auto out = result_of(*reply, authenticated);
    lease.healthy = authenticated;
    return out;
  }

 private:
  // A borrowed connection, given back on scope exit: kept when healthy, closed otherwise
  // (also when an exception unwinds, as the connection's state is then unknown).
  struct Lease {
    Lease(Pool& owner, ContextPtr borrowed) : pool(owner), context(std::move(borrowed)) {}
    ~Lease() { pool.release(std::move(context), healthy); }
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    Lease(Lease&&) = delete;
    Lease& operator=(Lease&&) = delete;

    Pool& pool;
    ContextPtr context;
    bool healthy = false;
  };

  core::Result<ContextPtr> acquire() {
    const auto deadline =
        std::chrono::steady_clock::now() + config_.connect_timeout + config_.command_timeout;
    std::unique_lock lock(mutex_);
    const bool ready =
        available_.wait_until(lock, deadline, [&] { return !idle_.empty() || open_ < config_.pool_size; });
    if (!ready) return core::Error::unavailable("redis: no free connection in the pool");
    if (!idle_.empty()) {
      ContextPtr context = std::move(idle_.back());
      idle_.pop_back();
      return context;
    }
    ++open_;  // the slot is ours while we connect outside the lock
    lock.unlock();
    try {
      auto connected = connect_to(config_);
      if (!connected) give_up_slot();
      return connected;
    } catch (...) {
      give_up_slot();
      throw;
    }
  }

  void give_up_slot() noexcept {
    {
      const std::lock_guard lock(mutex_);
      --open_;
    }
    available_.notify_one();
  }

  void release(ContextPtr context, bool healthy) noexcept {
    {
      const std::lock_guard lock(mutex_);
      if (healthy) {
        idle_.push_back(std::move(context));  // never allocates: capacity is pool_size
      } else {
        // When one connection failed on I/O the server most likely restarted or went away:
        // the idle ones would fail the next callers one by one, so they go too.
        open_ -= 1 + idle_.size();
        idle_.clear();
      }
    }
    if (healthy) {
      available_.notify_one();
    } else {
      available_.notify_all();
    }
  }

  RedisConfig config_;
  std::mutex mutex_;
  std::condition_variable available_;
  std::vector<ContextPtr> idle_;
  std::size_t open_ = 0;  // idle + borrowed + being connected
};

Client::Client(std::unique_ptr<Pool> pool) : pool_(std::move(pool)) {}

Client::~Client() = default;

core::Result<std::unique_ptr<Client>> Client::open(RedisConfig config) {
  if (auto valid = validate(config); !valid) return std::move(valid).error();
  return std::unique_ptr<Client>(new Client(std::make_unique<Pool>(std::move(config))));
}

core::Result<Reply> Client::command(std::span<const std::string_view> args) {
  if (args.empty()) return core::Error::internal("redis: empty command");
  try {
    return pool_->run(args);
  } catch (const std::exception& error) {
    return core::Error::internal(std::string("redis: ") + error.what());
  }
}

core::Result<std::vector<core::Result<Reply>>> Client::pipeline(
    std::span<const std::vector<std::string_view>> commands) {
  if (commands.empty()) return std::vector<core::Result<Reply>>{};
  for (const auto& args : commands) {
    if (args.empty()) return core::Error::internal("redis: empty command");
  }
  try {
    return pool_->run_all(commands);
  } catch (const std::exception& error) {
    return core::Error::internal(std::string("redis: ") + error.what());
  }
}

core::Result<Reply> Client::command(std::initializer_list<std::string_view> args) {
  return command(std::span<const std::string_view>(args.begin(), args.size()));
}

core::Status Client::ping() {
  auto reply = command({"PING"});
  if (!reply) return std::move(reply).error();
  if (reply->kind != Reply::Kind::status || reply->text != "PONG")
    return core::Error::internal("redis: unexpected reply to PING");
  return {};
}

std::string Client::key(std::string_view name) const {
  std::string key = pool_->config().key_prefix;
  key.append(name);
  return key;
}

const RedisConfig& Client::config() const noexcept {
  return pool_->config();
}

// ---- subscriber ------------------------------------------------------------------------------

class Subscriber::Loop {
 public:
  Loop(RedisConfig config, std::string channel, OnMessage on_message, OnState on_state)
      : config_(std::move(config)),
        channel_(std::move(channel)),
        on_message_(std::move(on_message)),
        on_state_(std::move(on_state)),
        thread_([this] { run(); }) {}

  ~Loop() {
    {
      const std::lock_guard lock(mutex_);
      stopping_ = true;
      // Wakes a read blocked on the socket; the thread then sees stopping_.
      if (fd_ >= 0) ::shutdown(fd_, SHUT_RDWR);
    }
    wake_.notify_all();
    thread_.join();
  }
  Loop(const Loop&) = delete;
  Loop& operator=(const Loop&) = delete;
  Loop(Loop&&) = delete;
  Loop& operator=(Loop&&) = delete;

 private:
  static constexpr std::chrono::milliseconds kFirstBackoff{50};
  static constexpr std::chrono::milliseconds kMaxBackoff{1000};

  void run() noexcept {
    block_sigpipe_once();
    std::chrono::milliseconds backoff = kFirstBackoff;
    while (!stopped()) {
      try {
        if (listen()) backoff = kFirstBackoff;
      } catch (...) {  // NOLINT(bugprone-empty-catch): reported as a lost subscription below
      }
      notify(false);
      std::unique_lock lock(mutex_);
      wake_.wait_for(lock, backoff, [&] { return stopping_; });
      backoff = std::min(backoff * 2, kMaxBackoff);
    }
  }

  // One connection: subscribes and reads messages until it fails. True when it subscribed.
  bool listen() {
    auto connected = connect_to(config_);
    if (!connected) return false;
    ContextPtr context = std::move(connected).value();
    // Messages may be hours apart: no read timeout (keepalive still notices a vanished peer).
    if (redisSetTimeout(context.get(), timeval{}) != REDIS_OK) return false;
    {
      const std::lock_guard lock(mutex_);
      if (stopping_) return false;
      fd_ = context->fd;
    }
    const auto forget_fd = [&] {
      const std::lock_guard lock(mutex_);
      fd_ = -1;
    };
    const std::array<std::string_view, 2> subscribe{"SUBSCRIBE", channel_};
    const ReplyPtr confirmed = send_command(*context, subscribe);
    if (!confirmed || confirmed->type != REDIS_REPLY_ARRAY) {
      forget_fd();
      return false;
    }
    notify(true);
    for (;;) {
      const ReplyPtr reply = next_reply(*context);
      if (!reply) break;
      // {"message", channel, payload}
      if (reply->type != REDIS_REPLY_ARRAY || reply->elements != 3) continue;
      const redisReply& kind = *reply->element[0];
      const redisReply& payload = *reply->element[2];
      if (kind.type == REDIS_REPLY_STRING && std::string_view(kind.str, kind.len) == "message" &&
          payload.type == REDIS_REPLY_STRING) {
        on_message_(std::string_view(payload.str, payload.len));
      }
    }
    forget_fd();
    swallow_sigpipe();
    return true;
  }

  void notify(bool subscribed) noexcept {
    try {
      on_state_(subscribed);
    } catch (...) {  // NOLINT(bugprone-empty-catch): a callback's failure must not end the loop
    }
  }

  bool stopped() {
    const std::lock_guard lock(mutex_);
    return stopping_;
  }

  RedisConfig config_;
  std::string channel_;
  OnMessage on_message_;
  OnState on_state_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  int fd_ = -1;
  std::thread thread_;  // last: started once everything above is
};

Subscriber::Subscriber(const RedisConfig& config, std::string channel, OnMessage on_message, OnState on_state)
    : loop_(std::make_unique<Loop>(config, std::move(channel), std::move(on_message), std::move(on_state))) {}

Subscriber::~Subscriber() = default;

}  // namespace parley::redis
