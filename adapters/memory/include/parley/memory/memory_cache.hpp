// Cache in a map: entries expire by the injected Clock and are purged lazily; when full,
// the entry closest to expiry is evicted.
#pragma once

#include <cstddef>
#include <map>
#include <mutex>
#include <string>

#include "parley/core/ports/cache.hpp"
#include "parley/core/ports/clock.hpp"

namespace parley::memory {

class MemoryCache final : public core::Cache {
 public:
  static constexpr std::size_t kDefaultMaxEntries = 10'000;

  explicit MemoryCache(core::Clock& clock, std::size_t max_entries = kDefaultMaxEntries);

  core::Result<std::optional<std::string>> get(std::string_view key) override;
  core::Status set(std::string_view key, std::string_view value, std::chrono::seconds ttl) override;
  core::Status remove(std::string_view key) override;
  core::Status ping() override;
  [[nodiscard]] bool in_process() const noexcept override { return true; }

  // Live and not-yet-purged entries; for tests of the bound.
  [[nodiscard]] std::size_t size() const;

 private:
  struct Entry {
    std::string value;
    core::Timestamp expires_at;
  };

  void purge_expired(core::Timestamp now);

  core::Clock& clock_;
  std::size_t max_entries_;
  mutable std::mutex mutex_;
  std::map<std::string, Entry, std::less<>> entries_;
};

}  // namespace parley::memory
