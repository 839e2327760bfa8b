// Port: unguessable opaque tokens (refresh tokens) and the fingerprint they are stored under.
#pragma once

#include <string>
#include <string_view>

namespace parley::core {

class OpaqueTokens {
 public:
  virtual ~OpaqueTokens() = default;

  // At least 256 bits from a CSPRNG, URL-safe text.
  virtual std::string generate() = 0;
  // A one-way digest (e.g. SHA-256 hex): a leaked store does not leak usable tokens.
  virtual std::string fingerprint(std::string_view token) = 0;
};

}  // namespace parley::core
