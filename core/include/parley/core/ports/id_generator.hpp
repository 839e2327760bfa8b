// Port: new unique ids (time-ordered UUIDv7 in production).
#pragma once

#include "parley/core/uuid.hpp"

namespace parley::core {

class IdGenerator {
 public:
  virtual ~IdGenerator() = default;
  virtual Uuid next() = 0;
};

}  // namespace parley::core
