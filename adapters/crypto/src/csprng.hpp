// Internal: filling buffers from OpenSSL's CSPRNG, with or without a way to report failure.
#pragma once

#include <cstdint>
#include <span>

namespace parley::crypto::detail {

// False when RAND_bytes fails (an unseeded or broken DRBG); `out` must then not be used.
[[nodiscard]] bool fill_random(std::span<std::uint8_t> out) noexcept;

// For callers whose port offers no error channel: prints `what` to stderr and aborts on failure.
void fill_random_or_abort(std::span<std::uint8_t> out, const char* what) noexcept;

}  // namespace parley::crypto::detail
