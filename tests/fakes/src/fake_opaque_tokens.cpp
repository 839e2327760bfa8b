// FakeOpaqueTokens.
#include "parley/testing/fake_opaque_tokens.hpp"

namespace parley::testing {

std::string FakeOpaqueTokens::generate() {
  return "refresh-" + std::to_string(next_.fetch_add(1));
}

std::string FakeOpaqueTokens::fingerprint(std::string_view token) {
  return "fp:" + std::string(token);
}

}  // namespace parley::testing
