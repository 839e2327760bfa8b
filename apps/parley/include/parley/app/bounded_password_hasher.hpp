// Admission control for the password KDF: at most `concurrency` hashes run at once and at most
// `queue` more wait; any further request is refused at once with unavailable (503 + Retry-After)
// instead of occupying a worker thread. A login flood then holds at most concurrency + queue
// worker threads, and the others keep serving reads and /healthz.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>

#include "parley/core/ports/password_hasher.hpp"

namespace parley::app {

struct HashingLimits {
  std::size_t concurrency = 1;  // PARLEY_HASH_CONCURRENCY
  std::size_t queue = 1;        // PARLEY_HASH_QUEUE
};

class BoundedPasswordHasher final : public core::PasswordHasher {
 public:
  // `inner` must outlive this decorator. concurrency must be at least 1.
  BoundedPasswordHasher(core::PasswordHasher& inner, HashingLimits limits);

  // unavailable, without hashing, when the slots and the queue are full.
  core::Result<std::string> hash(const core::Password& password) override;
  core::Result<bool> verify(const core::Password& password, std::string_view encoded) override;
  // Parses the encoding only: never limited.
  bool needs_rehash(std::string_view encoded) override;

  // Requests refused so far (password_hash_rejections_total).
  [[nodiscard]] std::uint64_t rejections() const noexcept {
    return rejections_.load(std::memory_order_relaxed);
  }
  [[nodiscard]] const HashingLimits& limits() const noexcept { return limits_; }
  // Callers hashing now, and waiting for a slot now (for tests and diagnostics).
  [[nodiscard]] std::size_t running() const;
  [[nodiscard]] std::size_t waiting() const;

 private:
  class Slot;  // a running hash; gives its place back on destruction

  // true once the caller holds a slot; false (counted) when it must be refused.
  bool admit();
  void leave() noexcept;

  core::PasswordHasher& inner_;
  HashingLimits limits_;
  mutable std::mutex mutex_;
  std::condition_variable freed_;
  std::size_t running_ = 0;
  std::size_t waiting_ = 0;
  std::atomic<std::uint64_t> rejections_{0};
};

}  // namespace parley::app
