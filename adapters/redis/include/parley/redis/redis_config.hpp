// Connection settings for the Redis adapter, and the redis:// URL they are usually read from.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>

#include "parley/core/result.hpp"

namespace parley::redis {

struct RedisConfig {
  std::string host = "127.0.0.1";
  int port = 6379;
  std::string username;  // an ACL user; empty authenticates as "default" (requirepass)
  std::string password;  // empty: no AUTH at all
  int database = 0;
  // Prepended to every key, so several deployments (or test runs) can share one server.
  std::string key_prefix = "parley:";
  std::chrono::milliseconds connect_timeout{500};
  // Bounds every command's round trip. A caller waits at most connect_timeout +
  // command_timeout for a free pooled connection.
  std::chrono::milliseconds command_timeout{500};
  std::size_t pool_size = 8;
};

// Parses `redis://[user[:password]@]host[:port][/db]`: user and password are percent-decoded,
// host may be a bracketed IPv6 address, port defaults to 6379 and db to 0. Every other field
// keeps its default. invalid_input naming the field at fault (url, username, password, host,
// port, database) otherwise; the message never repeats the password.
core::Result<RedisConfig> parse_redis_url(std::string_view url);

}  // namespace parley::redis
