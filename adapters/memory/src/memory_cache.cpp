// A bounded TTL map behind the Cache port.
#include "parley/memory/memory_cache.hpp"

#include <algorithm>

namespace parley::memory {

MemoryCache::MemoryCache(core::Clock& clock, std::size_t max_entries)
    : clock_(clock), max_entries_(std::max<std::size_t>(max_entries, 1)) {}

core::Result<std::optional<std::string>> MemoryCache::get(std::string_view key) {
  const std::lock_guard lock(mutex_);
  const auto it = entries_.find(key);
  if (it == entries_.end()) return std::optional<std::string>{};
  if (it->second.expires_at <= clock_.now()) {
    entries_.erase(it);
    return std::optional<std::string>{};
  }
  return std::optional<std::string>{it->second.value};
}

core::Status MemoryCache::set(std::string_view key, std::string_view value, std::chrono::seconds ttl) {
  if (ttl <= std::chrono::seconds::zero()) return core::Error::invalid("ttl", "must be positive");
  const std::lock_guard lock(mutex_);
  const auto now = clock_.now();
  const auto expires_at = now + ttl;
  if (const auto it = entries_.find(key); it != entries_.end()) {
    it->second = Entry{std::string(value), expires_at};
    return {};
  }
  if (entries_.size() >= max_entries_) {
    purge_expired(now);
    if (entries_.size() >= max_entries_) {
      // Still full: drop the entry that would have expired first.
      const auto victim = std::min_element(
          entries_.begin(), entries_.end(),
          [](const auto& a, const auto& b) { return a.second.expires_at < b.second.expires_at; });
      entries_.erase(victim);
    }
  }
  entries_.emplace(std::string(key), Entry{std::string(value), expires_at});
  return {};
}

core::Status MemoryCache::remove(std::string_view key) {
  const std::lock_guard lock(mutex_);
  if (const auto it = entries_.find(key); it != entries_.end()) entries_.erase(it);
  return {};
}

core::Status MemoryCache::ping() {
  return {};
}

std::size_t MemoryCache::size() const {
  const std::lock_guard lock(mutex_);
  return entries_.size();
}

void MemoryCache::purge_expired(core::Timestamp now) {
  std::erase_if(entries_, [&](const auto& entry) { return entry.second.expires_at <= now; });
}

}  // namespace parley::memory
