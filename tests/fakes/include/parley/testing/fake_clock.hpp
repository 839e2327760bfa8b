// A Clock that only moves when a test says so. Thread-safe.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>

#include "parley/core/ports/clock.hpp"

namespace parley::testing {

class FakeClock final : public core::Clock {
 public:
  // 2026-01-01T00:00:00.000Z: a fixed, readable starting point.
  static core::Timestamp default_start();

  explicit FakeClock(core::Timestamp start = default_start());

  core::Timestamp now() override;
  void set(core::Timestamp t);
  void advance(std::chrono::milliseconds by);

 private:
  std::atomic<std::int64_t> millis_;  // since the epoch
};

}  // namespace parley::testing
