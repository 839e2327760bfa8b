// UUIDv7 generation; see the header for the bit layout and the monotonic counter.
#include "parley/crypto/uuid_v7_generator.hpp"

#include <algorithm>
#include <array>
#include <cstddef>

#include "csprng.hpp"

namespace parley::crypto {
namespace {

constexpr std::uint64_t kMaxUnixMs = (std::uint64_t{1} << 48U) - 1U;
constexpr unsigned kCounterBits = 30;
constexpr std::uint32_t kCounterLimit = std::uint32_t{1} << kCounterBits;
// Seeds stay below half the range (RFC 9562 §6.2: counter's leftmost bit starts at zero),
// leaving at least 2^29 increments before an overflow.
constexpr std::uint32_t kSeedMask = (std::uint32_t{1} << (kCounterBits - 1U)) - 1U;

// Bytes drawn per id: 4 to seed the counter (used when the millisecond changes) and 6 for the
// random tail (44 bits used).
struct RandomDraw {
  std::array<std::uint8_t, 10> bytes{};

  [[nodiscard]] std::uint32_t counter_seed() const noexcept {
    const std::uint32_t value = (std::uint32_t{bytes[0]} << 24U) | (std::uint32_t{bytes[1]} << 16U) |
                                (std::uint32_t{bytes[2]} << 8U) | std::uint32_t{bytes[3]};
    return value & kSeedMask;
  }
};

// Draws come from a per-thread batch of CSPRNG bytes, refilled 48 draws at a time: each
// RAND_bytes call costs a getpid() system call (OpenSSL's fork check), which was one of the
// three system calls of a request answered from a kept page (docs/performance.md). The bytes
// are the same CSPRNG's; ids are identifiers, not secrets, and Parley never forks after start.
RandomDraw next_draw() {
  constexpr std::size_t kDrawsPerBatch = 48;
  thread_local std::array<std::uint8_t, kDrawsPerBatch * sizeof(RandomDraw::bytes)> batch{};
  thread_local std::size_t used = batch.size();
  if (used == batch.size()) {
    detail::fill_random_or_abort(batch, "a UUIDv7");
    used = 0;
  }
  RandomDraw draw;
  std::copy_n(batch.begin() + static_cast<std::ptrdiff_t>(used), draw.bytes.size(), draw.bytes.begin());
  std::fill_n(batch.begin() + static_cast<std::ptrdiff_t>(used), draw.bytes.size(), std::uint8_t{0});
  used += draw.bytes.size();
  return draw;
}

std::uint64_t unix_ms(core::Timestamp t) noexcept {
  const auto ms = t.time_since_epoch().count();
  if (ms < 0) return 0;
  return std::min(static_cast<std::uint64_t>(ms), kMaxUnixMs);
}

std::uint8_t byte_of(std::uint64_t value, unsigned shift) noexcept {
  return static_cast<std::uint8_t>((value >> shift) & 0xFFU);
}

}  // namespace

UuidV7Generator::UuidV7Generator(core::Clock& clock) : clock_(clock) {}

core::Uuid UuidV7Generator::next() {
  const RandomDraw draw = next_draw();
  const std::uint64_t now_ms = unix_ms(clock_.now());

  std::uint64_t ms = 0;
  std::uint32_t counter = 0;
  {
    const std::lock_guard lock(mutex_);
    if (!has_last_ || now_ms > last_ms_) {
      last_ms_ = now_ms;
      counter_ = draw.counter_seed();
      has_last_ = true;
    } else if (counter_ + 1U < kCounterLimit) {
      // Same millisecond, or the clock stepped back: stay on the last timestamp and count on,
      // so ids keep increasing.
      ++counter_;
    } else {
      // Counter exhausted: borrow the next millisecond rather than wrap (RFC 9562 §6.2).
      last_ms_ = std::min(last_ms_ + 1U, kMaxUnixMs);
      counter_ = draw.counter_seed();
    }
    ms = last_ms_;
    counter = counter_;
  }

  core::Uuid::Bytes b{};
  for (unsigned i = 0; i < 6; ++i)
    b[i] = byte_of(ms, 40U - 8U * i);
  // Counter bits 29..18 fill rand_a (after the version nibble), bits 17..0 the top of rand_b
  // (after the variant bits), so byte order follows counter order.
  b[6] = static_cast<std::uint8_t>(0x70U | ((counter >> 26U) & 0x0FU));
  b[7] = static_cast<std::uint8_t>((counter >> 18U) & 0xFFU);
  b[8] = static_cast<std::uint8_t>(0x80U | ((counter >> 12U) & 0x3FU));
  b[9] = static_cast<std::uint8_t>((counter >> 4U) & 0xFFU);
  b[10] = static_cast<std::uint8_t>(((counter & 0x0FU) << 4U) | (draw.bytes[4] & 0x0FU));
  for (unsigned i = 11; i < 16; ++i)
    b[i] = draw.bytes[i - 6];
  return core::Uuid(b);
}

}  // namespace parley::crypto
