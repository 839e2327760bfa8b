// Cache over Redis: GET, MGET, SET with EX, DEL, PING, under the client's key prefix.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "parley/core/ports/cache.hpp"
#include "parley/core/ports/clock.hpp"
#include "parley/redis/client.hpp"

namespace parley::redis {

// Each value is stored with its expiry by the injected Clock, which decides what a read
// returns (as the other adapters do, so expiry is testable); the Redis TTL (EX ttl) removes
// the key on its own. Shared by every Parley instance on the same server and prefix.
//
// Watched keys (hot, rarely written: the cache generations, each user's record and generation)
// are also held in process and read without a round trip, kept fresh by Redis pub/sub: every
// set or remove of a watched key is followed by a PUBLISH of its name on `<prefix>cache:watch`,
// and every instance watching it drops its copy when the message arrives (microseconds to a
// millisecond later on a LAN). A watched entry is a key, or a prefix ending in '*' ("user:*":
// every key that starts with "user:"). What a read found is held, an absent key too (only a
// set, which announces itself, can make it present). A copy is only kept while this instance's
// subscription is confirmed (dropped the moment it is lost, taken again once it is back), only
// when no message for that key arrived between the read and keeping it, and for at most
// kHeldFor, which bounds what a lost message could cost; at most kMaxHeld copies at once. A set
// or remove drops this instance's copy before returning, so it reads its own writes at once.
// The Redis user needs PUBLISH and SUBSCRIBE on that channel (ACL `&<prefix>cache:watch`, or
// `&*`); without them nothing is held and every read is a round trip, as without watched keys.
class RedisCache final : public core::Cache {
 public:
  static constexpr std::chrono::milliseconds kHeldFor{1000};
  static constexpr std::size_t kMaxHeld = 16'384;

  // The client must outlive the cache. With `watched` keys, a subscriber thread is started.
  RedisCache(Client& client, core::Clock& clock, std::vector<std::string> watched = {});
  ~RedisCache() override;
  RedisCache(const RedisCache&) = delete;
  RedisCache& operator=(const RedisCache&) = delete;
  RedisCache(RedisCache&&) = delete;
  RedisCache& operator=(RedisCache&&) = delete;

  core::Result<std::optional<std::string>> get(std::string_view key) override;
  // One MGET, or none when every key is watched and held.
  core::Result<std::vector<std::optional<std::string>>> get_many(
      std::span<const std::string_view> keys) override;
  // Answered when every key is watched and held; nullopt otherwise.
  std::optional<core::Result<std::vector<std::optional<std::string>>>> get_many_now(
      std::span<const std::string_view> keys) override;
  core::Status set(std::string_view key, std::string_view value, std::chrono::seconds ttl) override;
  core::Status remove(std::string_view key) override;
  core::Status ping() override;

  // Whether the subscription that keeps held copies fresh is confirmed; for tests and readiness.
  [[nodiscard]] bool watching() const;

 private:
  // Messages are remembered per bucket of keys, so a message for one key does not keep another
  // from being held (two keys sharing a bucket only cost a round trip).
  static constexpr std::size_t kEpochBuckets = 256;

  struct Held {
    std::optional<std::string> value;             // nullopt: the key was absent
    core::Timestamp expires_at;                   // the stored entry's own expiry (max when absent)
    std::chrono::steady_clock::time_point until;  // kHeldFor after it was read
  };

  [[nodiscard]] std::string redis_key(std::string_view key) const;
  [[nodiscard]] bool is_watched(std::string_view key) const;
  [[nodiscard]] bool watching_any() const;
  static std::size_t bucket_of(std::string_view key);
  // Every key's held value when each is watched and held (and unexpired).
  std::optional<std::vector<std::optional<std::string>>> held(std::span<const std::string_view> keys);
  // Keeps what one read found under watched keys, each unless a message for it or a change of
  // the subscription came since `epoch` (read before the read).
  void hold(std::span<const std::string_view> keys, const std::vector<std::optional<std::string>>& payloads,
            std::uint64_t epoch);
  // Drops the held copy of `key` (all of them for an empty key) and moves the epoch on. Under
  // the lock.
  void drop_locked(std::string_view key);
  void drop(std::string_view key);
  // Room for one more copy: copies past their kHeldFor go first (looked for at most every
  // kHeldFor / 10 while full). Under the lock.
  bool make_room(std::chrono::steady_clock::time_point now);
  // Runs a write of `key`; of a watched key, with a PUBLISH of its name in the same round trip
  // (telling every instance), and drops this one's copy.
  core::Result<Reply> write(std::string_view key, std::span<const std::string_view> command);
  core::Result<std::vector<std::optional<std::string>>> read_many(std::span<const std::string_view> keys);

  Client& client_;
  core::Clock& clock_;
  std::vector<std::string> watched_;   // exact keys, sorted
  std::vector<std::string> prefixes_;  // of the entries ending in '*', without it
  std::string channel_;
  mutable std::mutex mutex_;
  std::map<std::string, Held, std::less<>> held_;
  std::uint64_t epoch_ = 0;     // moved on by every message and change of the subscription
  std::uint64_t reset_at_ = 0;  // the epoch of the last change of the subscription
  std::array<std::uint64_t, kEpochBuckets> dropped_at_{};  // the epoch of each bucket's last message
  std::chrono::steady_clock::time_point pruned_at_{};
  bool subscribed_ = false;
  std::unique_ptr<Subscriber> subscriber_;  // last: its thread calls into the members above
};

}  // namespace parley::redis
