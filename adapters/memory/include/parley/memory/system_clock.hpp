// The real wall clock, in UTC milliseconds.
#pragma once

#include "parley/core/ports/clock.hpp"

namespace parley::memory {

class SystemClock final : public core::Clock {
 public:
  core::Timestamp now() override;
};

}  // namespace parley::memory
