// Unpadded base64 in both RFC 4648 alphabets, decoding strictly (one encoding per byte string).
#include "parley/crypto/base64.hpp"

#include <array>
#include <cstdint>

namespace parley::crypto {
namespace {

constexpr std::string_view kUrlAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
constexpr std::string_view kStandardAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

constexpr std::uint8_t kInvalid = 0xFF;

using DecodeTable = std::array<std::uint8_t, 256>;

constexpr DecodeTable make_decode_table(std::string_view alphabet) {
  DecodeTable table{};
  table.fill(kInvalid);
  for (std::size_t i = 0; i < alphabet.size(); ++i) {
    table[static_cast<unsigned char>(alphabet[i])] = static_cast<std::uint8_t>(i);
  }
  return table;
}

constexpr DecodeTable kUrlTable = make_decode_table(kUrlAlphabet);
constexpr DecodeTable kStandardTable = make_decode_table(kStandardAlphabet);

std::string encode(std::string_view bytes, std::string_view alphabet) {
  std::string out;
  out.reserve((bytes.size() * 4 + 2) / 3);
  std::size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    const std::uint32_t group = (std::uint32_t{static_cast<unsigned char>(bytes[i])} << 16U) |
                                (std::uint32_t{static_cast<unsigned char>(bytes[i + 1])} << 8U) |
                                std::uint32_t{static_cast<unsigned char>(bytes[i + 2])};
    out.push_back(alphabet[(group >> 18U) & 0x3FU]);
    out.push_back(alphabet[(group >> 12U) & 0x3FU]);
    out.push_back(alphabet[(group >> 6U) & 0x3FU]);
    out.push_back(alphabet[group & 0x3FU]);
  }
  const std::size_t rest = bytes.size() - i;
  if (rest == 1) {
    const std::uint32_t group = std::uint32_t{static_cast<unsigned char>(bytes[i])} << 16U;
    out.push_back(alphabet[(group >> 18U) & 0x3FU]);
    out.push_back(alphabet[(group >> 12U) & 0x3FU]);
  } else if (rest == 2) {
    const std::uint32_t group = (std::uint32_t{static_cast<unsigned char>(bytes[i])} << 16U) |
                                (std::uint32_t{static_cast<unsigned char>(bytes[i + 1])} << 8U);
    out.push_back(alphabet[(group >> 18U) & 0x3FU]);
    out.push_back(alphabet[(group >> 12U) & 0x3FU]);
    out.push_back(alphabet[(group >> 6U) & 0x3FU]);
  }
  return out;
}

std::optional<std::string> decode(std::string_view text, const DecodeTable& table) {
  // A lone trailing character carries only 6 bits: no byte string encodes to that length.
  if (text.size() % 4 == 1) return std::nullopt;
  std::string out;
  out.reserve(text.size() / 4 * 3 + 2);
  std::uint32_t buffer = 0;
  unsigned bits = 0;
  for (const char c : text) {
    const std::uint8_t value = table[static_cast<unsigned char>(c)];
    if (value == kInvalid) return std::nullopt;
    buffer = (buffer << 6U) | value;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((buffer >> bits) & 0xFFU));
    }
  }
  // The unused low bits of the last character must be zero, otherwise several texts would
  // decode to the same bytes (a malleable signature segment, for one).
  if ((buffer & ((1U << bits) - 1U)) != 0) return std::nullopt;
  return out;
}

}  // namespace

std::string base64url_encode(std::string_view bytes) {
  return encode(bytes, kUrlAlphabet);
}

std::optional<std::string> base64url_decode(std::string_view text) {
  return decode(text, kUrlTable);
}

std::string base64_encode_unpadded(std::string_view bytes) {
  return encode(bytes, kStandardAlphabet);
}

std::optional<std::string> base64_decode_unpadded(std::string_view text) {
  return decode(text, kStandardTable);
}

}  // namespace parley::crypto
