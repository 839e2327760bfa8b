// Cache over Redis: GET, MGET, SET with EX, DEL, PING, under the client's key prefix.
#pragma once

#include "parley/core/ports/cache.hpp"
#include "parley/core/ports/clock.hpp"
#include "parley/redis/client.hpp"

namespace parley::redis {

// Each value is stored with its expiry by the injected Clock, which decides what a read
// returns (as the other adapters do, so expiry is testable); the Redis TTL (EX ttl) removes
// the key on its own. Shared by every Parley instance on the same server and prefix.
class RedisCache final : public core::Cache {
 public:
  // The client must outlive the cache.
  RedisCache(Client& client, core::Clock& clock) : client_(client), clock_(clock) {}

  core::Result<std::optional<std::string>> get(std::string_view key) override;
  // One MGET.
  core::Result<std::vector<std::optional<std::string>>> get_many(
      std::span<const std::string_view> keys) override;
  core::Status set(std::string_view key, std::string_view value, std::chrono::seconds ttl) override;
  core::Status remove(std::string_view key) override;
  core::Status ping() override;

 private:
  [[nodiscard]] std::string redis_key(std::string_view key) const;

  Client& client_;
  core::Clock& clock_;
};

}  // namespace parley::redis
