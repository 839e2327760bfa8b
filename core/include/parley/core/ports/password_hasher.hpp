// Port: a memory-hard password KDF. Slow by design: callers must not run it on I/O threads.
#pragma once

#include <string>
#include <string_view>

#include "parley/core/domain/text.hpp"
#include "parley/core/result.hpp"

namespace parley::core {

class PasswordHasher {
 public:
  virtual ~PasswordHasher() = default;

  // A self-describing encoding: algorithm, parameters, salt and hash. internal on failure.
  virtual Result<std::string> hash(const Password& password) = 0;
  // false on a mismatch; internal when `encoded` is not an encoding this hasher knows.
  virtual Result<bool> verify(const Password& password, std::string_view encoded) = 0;
  // True when `encoded` uses weaker parameters than the current ones.
  virtual bool needs_rehash(std::string_view encoded) = 0;
};

}  // namespace parley::core
