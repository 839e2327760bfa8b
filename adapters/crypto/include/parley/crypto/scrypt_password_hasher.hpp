// PasswordHasher over OpenSSL's scrypt, encoded as "$scrypt$ln=15,r=8,p=1$<salt>$<key>".
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "parley/core/ports/password_hasher.hpp"

namespace parley::crypto {

// Cost parameters: N = 2^log2_n, block size r, parallelism p. Memory is about 128 * r * N bytes
// (32 MiB at the defaults).
struct ScryptParams {
  std::uint8_t log2_n = 15;
  std::uint32_t r = 8;
  std::uint32_t p = 1;
  std::size_t key_length = 32;

  friend bool operator==(const ScryptParams&, const ScryptParams&) = default;
};

class ScryptPasswordHasher final : public core::PasswordHasher {
 public:
  // Out-of-range params are not rejected here but make hash() fail with internal; the
  // composition root can check them up front with params_supported().
  explicit ScryptPasswordHasher(ScryptParams params);

  // The bounds verify() accepts in a stored encoding: log2_n 10..22, r 1..32, p 1..16,
  // key_length 16..64, and 128 * r * 2^log2_n (the memory scrypt needs) at most 4 GiB.
  [[nodiscard]] static bool params_supported(const ScryptParams& params) noexcept;

  core::Result<std::string> hash(const core::Password& password) override;
  core::Result<bool> verify(const core::Password& password, std::string_view encoded) override;
  bool needs_rehash(std::string_view encoded) override;

 private:
  ScryptParams params_;
};

}  // namespace parley::crypto
