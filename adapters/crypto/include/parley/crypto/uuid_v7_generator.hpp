// IdGenerator producing RFC 9562 UUIDv7 ids that sort in creation order within this process.
#pragma once

#include <cstdint>
#include <mutex>

#include "parley/core/ports/clock.hpp"
#include "parley/core/ports/id_generator.hpp"
#include "parley/core/uuid.hpp"

namespace parley::crypto {

// Layout (RFC 9562 §5.7 with the §6.2 method 1 counter): 48-bit Unix milliseconds, version 7,
// a 30-bit counter spread over rand_a (12 bits) and the top of rand_b (18 bits), variant 0b10,
// then 44 random bits. The counter starts at a random value below 2^29 each millisecond and
// increments within it, so ids from one generator strictly increase; it cannot realistically
// overflow, but if it did, the timestamp would advance by one millisecond instead of wrapping.
// Thread-safe.
class UuidV7Generator final : public core::IdGenerator {
 public:
  // `clock` must outlive the generator.
  explicit UuidV7Generator(core::Clock& clock);

  // Aborts if the CSPRNG fails (see random.cpp for why).
  core::Uuid next() override;

 private:
  core::Clock& clock_;
  std::mutex mutex_;
  std::uint64_t last_ms_ = 0;  // guarded by mutex_
  std::uint32_t counter_ = 0;  // guarded by mutex_
  bool has_last_ = false;      // guarded by mutex_
};

}  // namespace parley::crypto
