// CSPRNG access: RAND_bytes behind a span interface, and random_secret().
#include "parley/crypto/random.hpp"

#include <algorithm>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "parley/crypto/base64.hpp"

#include "csprng.hpp"

namespace parley::crypto {
namespace detail {

bool fill_random(std::span<std::uint8_t> out) noexcept {
  // RAND_bytes takes an int length; a larger request is served in chunks.
  constexpr std::size_t kMaxChunk = INT_MAX;
  while (!out.empty()) {
    const std::size_t chunk = std::min(out.size(), kMaxChunk);
    if (RAND_bytes(out.data(), static_cast<int>(chunk)) != 1) return false;
    out = out.subspan(chunk);
  }
  return true;
}

// Aborting is reserved for CSPRNG failure: ids, refresh tokens and secrets made without
// randomness would be guessable, and the ports that need them offer no error channel, so
// carrying on would silently hand out predictable credentials.
void fill_random_or_abort(std::span<std::uint8_t> out, const char* what) noexcept {
  if (fill_random(out)) return;
  std::fprintf(stderr, "parley: fatal: the CSPRNG (RAND_bytes) failed while generating %s\n", what);
  std::abort();
}

}  // namespace detail

std::string random_secret(std::size_t bytes) {
  std::vector<std::uint8_t> buffer(bytes);
  detail::fill_random_or_abort(buffer, "a secret");
  std::string text =
      base64url_encode(std::string_view(reinterpret_cast<const char*>(buffer.data()), buffer.size()));
  OPENSSL_cleanse(buffer.data(), buffer.size());
  return text;
}

}  // namespace parley::crypto
