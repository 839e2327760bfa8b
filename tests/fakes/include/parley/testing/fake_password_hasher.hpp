// A cheap PasswordHasher: "fake$<cost>$<salt>$<digest>", where the salt is a counter (two
// hashes of one password differ) and the digest a non-cryptographic hash of salt and password.
// needs_rehash is true for encodings with a cost below the current one. Thread-safe.
#pragma once

#include <atomic>

#include "parley/core/ports/password_hasher.hpp"

namespace parley::testing {

class FakePasswordHasher final : public core::PasswordHasher {
 public:
  explicit FakePasswordHasher(int cost = 1) : cost_(cost) {}

  core::Result<std::string> hash(const core::Password& password) override;
  // internal when `encoded` does not start with "fake$" or is otherwise malformed.
  core::Result<bool> verify(const core::Password& password, std::string_view encoded) override;
  bool needs_rehash(std::string_view encoded) override;

  // Raising the cost makes older encodings need a rehash.
  void set_cost(int cost) { cost_ = cost; }
  [[nodiscard]] int hash_calls() const { return hash_calls_; }
  [[nodiscard]] int verify_calls() const { return verify_calls_; }

 private:
  std::atomic<int> cost_;
  std::atomic<int> salt_{0};
  std::atomic<int> hash_calls_{0};
  std::atomic<int> verify_calls_{0};
};

}  // namespace parley::testing
