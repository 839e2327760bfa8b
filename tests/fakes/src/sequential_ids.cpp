// SequentialIds: the counter fills the time-like prefix and the tail, with v7 and variant bits set.
#include "parley/testing/sequential_ids.hpp"

namespace parley::testing {

core::Uuid SequentialIds::next() {
  return make(next_.fetch_add(1));
}

core::Uuid SequentialIds::make(std::uint64_t n) {
  core::Uuid::Bytes bytes{};
  // Bytes 0-5 (the UUIDv7 timestamp field) and 10-15 both hold the low 48 bits, big-endian.
  for (int i = 5; i >= 0; --i) {
    const auto byte = static_cast<std::uint8_t>((n >> (8 * (5 - i))) & 0xFF);
    bytes[static_cast<std::size_t>(i)] = byte;
    bytes[static_cast<std::size_t>(i + 10)] = byte;
  }
  bytes[6] = 0x70;  // version 7
  bytes[8] = 0x80;  // RFC 4122 variant
  return core::Uuid(bytes);
}

}  // namespace parley::testing
