// A bounded pool of Redis connections behind a small command API. hiredis stays inside the
// library: replies are copied into Reply, so users of this header never compile against it.
#pragma once

#include <functional>
#include <initializer_list>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "parley/core/result.hpp"
#include "parley/redis/redis_config.hpp"

namespace parley::redis {

// One reply, error replies aside (those become a core::Error).
struct Reply {
  enum class Kind { nil, integer, string, status, array };

  Kind kind = Kind::nil;
  long long integer = 0;        // Kind::integer
  std::string text;             // Kind::string (bulk) and Kind::status
  std::vector<Reply> elements;  // Kind::array

  [[nodiscard]] bool is_nil() const noexcept { return kind == Kind::nil; }
};

// Safe to share between threads: every command borrows a pooled connection for its round trip.
// Connections are made on demand (connect timeout, AUTH, SELECT, command timeout) up to
// pool_size; a caller waits at most connect_timeout + command_timeout for a free one. A
// connection whose command fails on I/O (lost connection, timeout, protocol error) is closed
// with every idle one, which are likely dead too, and the call returns unavailable: the next
// call connects afresh, so the client recovers by itself once Redis is back.
class Client {
 public:
  // Validates the config without connecting: invalid_input naming the field.
  static core::Result<std::unique_ptr<Client>> open(RedisConfig config);

  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;
  Client(Client&&) = delete;
  Client& operator=(Client&&) = delete;

  // Sends one command, every argument as is (binary-safe, never parsed by Redis as syntax).
  // unavailable when Redis cannot be reached, refuses the credentials, or is loading, busy,
  // read-only or out of memory; internal for any other error reply (a bug on our side).
  core::Result<Reply> command(std::span<const std::string_view> args);
  core::Result<Reply> command(std::initializer_list<std::string_view> args);
  // Several commands in one round trip (written together, replies read in order), on one
  // connection; not a transaction. The outer error is the round trip's (as command()'s); each
  // command's error reply is its own result.
  core::Result<std::vector<core::Result<Reply>>> pipeline(
      std::span<const std::vector<std::string_view>> commands);

  // PING: a cheap round trip for readiness checks.
  core::Status ping();

  // key_prefix + name: the only way keys are made, so every key carries the prefix.
  [[nodiscard]] std::string key(std::string_view name) const;
  [[nodiscard]] const RedisConfig& config() const noexcept;

 private:
  class Pool;
  explicit Client(std::unique_ptr<Pool> pool);

  std::unique_ptr<Pool> pool_;
};

// A connection of its own in subscribe mode, read by a thread of its own: `on_message` runs for
// every message published on `channel`, `on_state(true)` once the subscription is confirmed and
// `on_state(false)` whenever it is lost (or could not be made); both on that thread. It
// reconnects by itself (50 ms backoff, doubling to 1 s) until destroyed; the destructor stops
// and joins the thread, waiting at most a connect timeout.
class Subscriber {
 public:
  using OnMessage = std::function<void(std::string_view payload)>;
  using OnState = std::function<void(bool subscribed)>;

  Subscriber(const RedisConfig& config, std::string channel, OnMessage on_message, OnState on_state);
  ~Subscriber();
  Subscriber(const Subscriber&) = delete;
  Subscriber& operator=(const Subscriber&) = delete;
  Subscriber(Subscriber&&) = delete;
  Subscriber& operator=(Subscriber&&) = delete;

 private:
  class Loop;
  std::unique_ptr<Loop> loop_;
};

}  // namespace parley::redis
