// FNV-1a and hex helpers shared by the fakes. Not cryptographic, and not meant to be.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace parley::testing::detail {

inline std::uint64_t fnv1a(std::string_view text, std::uint64_t hash = 0xcbf29ce484222325ULL) {
  for (const char c : text) {
    hash ^= static_cast<std::uint8_t>(c);
    hash *= 0x100000001b3ULL;
  }
  return hash;
}

inline std::string to_hex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(bytes.size() * 2);
  for (const char c : bytes) {
    const auto byte = static_cast<std::uint8_t>(c);
    hex.push_back(kDigits[byte >> 4]);
    hex.push_back(kDigits[byte & 0x0F]);
  }
  return hex;
}

inline std::string hex_digest(std::string_view text) {
  std::string bytes(8, '\0');
  auto hash = fnv1a(text);
  for (auto it = bytes.rbegin(); it != bytes.rend(); ++it) {
    *it = static_cast<char>(hash & 0xFF);
    hash >>= 8;
  }
  return to_hex(bytes);
}

}  // namespace parley::testing::detail
