// Port: a key-value cache with expiry. Only get / set / remove: what to cache and when to
// invalidate is core logic. Every method may return `unavailable`; callers then bypass it.
#pragma once

#include <chrono>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "parley/core/result.hpp"

namespace parley::core {

class Cache {
 public:
  virtual ~Cache() = default;

  // nullopt on a miss or an expired entry.
  virtual Result<std::optional<std::string>> get(std::string_view key) = 0;
  // get() of every key, in order, in one round trip where the cache has one (a networked cache
  // overrides this); unavailable as a whole when any read is.
  virtual Result<std::vector<std::optional<std::string>>> get_many(std::span<const std::string_view> keys) {
    std::vector<std::optional<std::string>> values;
    values.reserve(keys.size());
    for (const std::string_view key : keys) {
      auto value = get(key);
      if (!value) return std::move(value).error();
      values.push_back(*std::move(value));
    }
    return values;
  }
  // get_many(), when it can be answered without waiting on I/O (from an event loop's thread);
  // nullopt when it cannot. By default: get_many() when in_process().
  virtual std::optional<Result<std::vector<std::optional<std::string>>>> get_many_now(
      std::span<const std::string_view> keys) {
    if (!in_process()) return std::nullopt;
    return get_many(keys);
  }
  // ttl must be positive.
  virtual Status set(std::string_view key, std::string_view value, std::chrono::seconds ttl) = 0;
  // Removing an absent key succeeds.
  virtual Status remove(std::string_view key) = 0;
  virtual Status ping() = 0;
  // True when every call is answered in this process without waiting on I/O (an in-process
  // map): such a cache may be read from an event loop's thread. False for a networked cache.
  [[nodiscard]] virtual bool in_process() const noexcept { return false; }
};

}  // namespace parley::core
