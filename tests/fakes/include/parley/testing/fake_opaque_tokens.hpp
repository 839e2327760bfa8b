// OpaqueTokens that are predictable: "refresh-1", "refresh-2", ...; fingerprint is "fp:" + token.
// Thread-safe.
#pragma once

#include <atomic>
#include <cstdint>

#include "parley/core/ports/opaque_tokens.hpp"

namespace parley::testing {

class FakeOpaqueTokens final : public core::OpaqueTokens {
 public:
  std::string generate() override;
  std::string fingerprint(std::string_view token) override;

 private:
  std::atomic<std::uint64_t> next_{1};
};

}  // namespace parley::testing
