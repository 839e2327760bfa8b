// The wall clock, truncated to the millisecond precision of core::Timestamp.
#include "parley/memory/system_clock.hpp"

namespace parley::memory {

core::Timestamp SystemClock::now() {
  return std::chrono::floor<std::chrono::milliseconds>(std::chrono::system_clock::now());
}

}  // namespace parley::memory
