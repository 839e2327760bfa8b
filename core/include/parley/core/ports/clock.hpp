// Port: the current time, so rules about expiry are testable.
#pragma once

#include "parley/core/time.hpp"

namespace parley::core {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual Timestamp now() = 0;
};

}  // namespace parley::core
