// Uuid text form and hashing.
#include "parley/core/uuid.hpp"

#include <cstddef>

namespace parley::core {

namespace {

constexpr std::size_t kTextLength = 36;

constexpr bool is_hyphen_position(std::size_t i) noexcept {
  return i == 8 || i == 13 || i == 18 || i == 23;
}

constexpr int hex_value(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::optional<Uuid> Uuid::parse(std::string_view text) {
  if (text.size() != kTextLength) return std::nullopt;
  Bytes bytes{};
  std::size_t nibble = 0;
  for (std::size_t i = 0; i < kTextLength; ++i) {
    if (is_hyphen_position(i)) {
      if (text[i] != '-') return std::nullopt;
      continue;
    }
    const int value = hex_value(text[i]);
    if (value < 0) return std::nullopt;
    auto& byte = bytes[nibble / 2];
    byte = static_cast<std::uint8_t>(nibble % 2 == 0 ? value << 4 : byte | value);
    ++nibble;
  }
  return Uuid(bytes);
}

std::string Uuid::to_string() const {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string text;
  text.reserve(kTextLength);
  for (std::size_t i = 0; i < bytes_.size(); ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) text.push_back('-');
    text.push_back(kDigits[bytes_[i] >> 4]);
    text.push_back(kDigits[bytes_[i] & 0x0F]);
  }
  return text;
}

bool Uuid::is_nil() const noexcept {
  for (const auto byte : bytes_) {
    if (byte != 0) return false;
  }
  return true;
}

std::size_t UuidHash::operator()(const Uuid& u) const noexcept {
  // FNV-1a over the 16 bytes: cheap, and every byte matters (v7 ids share their time prefix).
  std::uint64_t hash = 0xcbf29ce484222325ULL;
  for (const auto byte : u.bytes()) {
    hash ^= byte;
    hash *= 0x100000001b3ULL;
  }
  return static_cast<std::size_t>(hash);
}

}  // namespace parley::core
