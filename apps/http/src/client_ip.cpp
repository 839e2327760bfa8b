// Hand-written, strict address parsing: inet_pton accepts forms (and zones) we do not want to
// be ambiguous about, and a rate-limit key must have exactly one spelling per address.
#include "parley/http/client_ip.hpp"

#include <algorithm>
#include <charconv>
#include <cstddef>

namespace parley::http {

namespace {

using Bytes = std::array<std::uint8_t, 16>;

constexpr std::size_t kV4Offset = 12;  // IPv4 sits in the last 4 bytes of ::ffff:a.b.c.d
constexpr unsigned kV4Bits = 96;

bool is_digit(char c) noexcept {
  return c >= '0' && c <= '9';
}

int hex_value(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// A decimal number of at most `max_digits` digits without leading zeros, at most `max`.
std::optional<unsigned> parse_decimal(std::string_view text, std::size_t max_digits, unsigned max) noexcept {
  if (text.empty() || text.size() > max_digits || !std::all_of(text.begin(), text.end(), is_digit)) {
    return std::nullopt;
  }
  if (text.size() > 1 && text.front() == '0') return std::nullopt;
  unsigned value = 0;
  std::from_chars(text.data(), text.data() + text.size(), value);
  if (value > max) return std::nullopt;
  return value;
}

std::optional<std::array<std::uint8_t, 4>> parse_v4(std::string_view text) noexcept {
  std::array<std::uint8_t, 4> out{};
  for (std::size_t i = 0; i < out.size(); ++i) {
    const auto dot = text.find('.');
    const bool last = i + 1 == out.size();
    if (last != (dot == std::string_view::npos)) return std::nullopt;
    const auto part = parse_decimal(text.substr(0, dot), 3, 255);
    if (!part) return std::nullopt;
    out.at(i) = static_cast<std::uint8_t>(*part);
    text = last ? std::string_view{} : text.substr(dot + 1);
  }
  return out;
}

// The 16-bit words of one side of "::" (or of the whole address), appended to `words`. The
// last group may be a dotted quad when `allow_v4_tail`.
bool parse_v6_groups(std::string_view text, bool allow_v4_tail, std::vector<std::uint16_t>& words) {
  if (text.empty()) return true;
  for (;;) {
    const auto colon = text.find(':');
    const std::string_view group = text.substr(0, colon);
    if (colon == std::string_view::npos && allow_v4_tail && group.find('.') != std::string_view::npos) {
      const auto v4 = parse_v4(group);
      if (!v4) return false;
      words.push_back(static_cast<std::uint16_t>(((*v4)[0] << 8) | (*v4)[1]));
      words.push_back(static_cast<std::uint16_t>(((*v4)[2] << 8) | (*v4)[3]));
      return true;
    }
    if (group.empty() || group.size() > 4) return false;
    unsigned word = 0;
    for (const char c : group) {
      const int digit = hex_value(c);
      if (digit < 0) return false;
      word = (word << 4) | static_cast<unsigned>(digit);
    }
    words.push_back(static_cast<std::uint16_t>(word));
    if (colon == std::string_view::npos) return true;
    text.remove_prefix(colon + 1);
  }
}

std::optional<Bytes> parse_v6(std::string_view text) {
  std::vector<std::uint16_t> head;
  std::vector<std::uint16_t> tail;
  const auto gap = text.find("::");
  if (gap == std::string_view::npos) {
    if (!parse_v6_groups(text, true, head) || head.size() != 8) return std::nullopt;
  } else {
    const std::string_view after = text.substr(gap + 2);
    if (after.find("::") != std::string_view::npos) return std::nullopt;
    if (!parse_v6_groups(text.substr(0, gap), false, head) || !parse_v6_groups(after, true, tail)) {
      return std::nullopt;
    }
    if (head.size() + tail.size() > 7) return std::nullopt;
  }
  Bytes out{};
  std::size_t at = 0;
  for (const auto word : head) {
    out.at(at++) = static_cast<std::uint8_t>(word >> 8);
    out.at(at++) = static_cast<std::uint8_t>(word & 0xff);
  }
  at = 16 - 2 * tail.size();
  for (const auto word : tail) {
    out.at(at++) = static_cast<std::uint8_t>(word >> 8);
    out.at(at++) = static_cast<std::uint8_t>(word & 0xff);
  }
  return out;
}

bool is_v4_mapped(const Bytes& bytes) noexcept {
  return std::all_of(bytes.begin(), bytes.begin() + 10, [](std::uint8_t b) { return b == 0; }) &&
         bytes[10] == 0xff && bytes[11] == 0xff;
}

}  // namespace

std::optional<IpAddress> IpAddress::parse(std::string_view text) noexcept {
  try {
    IpAddress address;
    if (text.find(':') == std::string_view::npos) {
      const auto v4 = parse_v4(text);
      if (!v4) return std::nullopt;
      address.bytes_[10] = 0xff;
      address.bytes_[11] = 0xff;
      std::copy(v4->begin(), v4->end(), address.bytes_.begin() + kV4Offset);
      return address;
    }
    const auto v6 = parse_v6(text);
    if (!v6) return std::nullopt;
    address.bytes_ = *v6;
    return address;
  } catch (...) {  // std::bad_alloc from the word vectors
    return std::nullopt;
  }
}

bool IpAddress::is_v4() const noexcept {
  return is_v4_mapped(bytes_);
}

std::string IpAddress::to_string() const {
  if (is_v4()) {
    std::string out;
    for (std::size_t i = kV4Offset; i < bytes_.size(); ++i) {
      if (i > kV4Offset) out.push_back('.');
      out.append(std::to_string(bytes_.at(i)));
    }
    return out;
  }
  std::array<unsigned, 8> words{};
  for (std::size_t i = 0; i < words.size(); ++i)
    words.at(i) = (static_cast<unsigned>(bytes_.at(2 * i)) << 8) | bytes_.at(2 * i + 1);
  // RFC 5952: the longest run of two or more zero words (the first of equals) becomes "::".
  std::size_t best_start = words.size();
  std::size_t best_length = 1;
  for (std::size_t i = 0; i < words.size();) {
    if (words.at(i) != 0) {
      ++i;
      continue;
    }
    std::size_t j = i;
    while (j < words.size() && words.at(j) == 0)
      ++j;
    if (j - i > best_length) {
      best_start = i;
      best_length = j - i;
    }
    i = j;
  }
  static constexpr std::string_view kHex = "0123456789abcdef";
  std::string out;
  for (std::size_t i = 0; i < words.size(); ++i) {
    if (i == best_start) {
      out.append("::");
      i += best_length - 1;
      continue;
    }
    if (!out.empty() && out.back() != ':') out.push_back(':');
    const unsigned word = words.at(i);
    bool started = false;
    for (int shift = 12; shift >= 0; shift -= 4) {
      const unsigned digit = (word >> static_cast<unsigned>(shift)) & 0xfU;
      if (digit == 0 && !started && shift > 0) continue;
      started = true;
      out.push_back(kHex.at(digit));
    }
  }
  return out;
}

IpAddress IpAddress::masked(unsigned bits) const noexcept {
  IpAddress out = *this;
  for (std::size_t i = 0; i < out.bytes_.size(); ++i) {
    const unsigned first_bit = static_cast<unsigned>(i) * 8;
    if (first_bit >= bits) {
      out.bytes_.at(i) = 0;
    } else if (bits - first_bit < 8) {
      out.bytes_.at(i) &= static_cast<std::uint8_t>(0xffU << (8 - (bits - first_bit)));
    }
  }
  return out;
}

std::optional<IpNetwork> IpNetwork::parse(std::string_view text) noexcept {
  const auto slash = text.find('/');
  const auto address = IpAddress::parse(text.substr(0, slash));
  if (!address) return std::nullopt;
  // The prefix counts bits of the address as written: "::ffff:0:0/96" is IPv6 text.
  const bool written_v4 = text.substr(0, slash).find(':') == std::string_view::npos;
  const unsigned width = written_v4 ? 32 : 128;
  unsigned bits = width;
  if (slash != std::string_view::npos) {
    const auto parsed = parse_decimal(text.substr(slash + 1), 3, width);
    if (!parsed) return std::nullopt;
    bits = *parsed;
  }
  IpNetwork network;
  network.bits_ = written_v4 ? kV4Bits + bits : bits;
  network.base_ = *address;
  if (address->masked(network.bits_) != *address) return std::nullopt;
  return network;
}

bool IpNetwork::contains(const IpAddress& address) const noexcept {
  return address.masked(bits_) == base_;
}

core::Result<TrustedProxies> TrustedProxies::parse(std::string_view list) {
  TrustedProxies proxies;
  if (trim_ows(list).empty()) return proxies;
  for (;;) {
    const auto comma = list.find(',');
    const std::string_view item = trim_ows(list.substr(0, comma));
    const auto network = IpNetwork::parse(item);
    if (!network) {
      return core::Error::invalid(
          "trusted_proxies",
          "\"" + std::string(item) + "\" is not an IP address or CIDR block (e.g. 10.0.0.0/8, ::1)");
    }
    proxies.networks_.push_back(*network);
    if (comma == std::string_view::npos) return proxies;
    list.remove_prefix(comma + 1);
  }
}

bool TrustedProxies::trusts(const IpAddress& address) const noexcept {
  return std::any_of(networks_.begin(), networks_.end(),
                     [&](const IpNetwork& network) { return network.contains(address); });
}

std::optional<IpAddress> client_address(const Request& request, const TrustedProxies& proxies) {
  auto client = IpAddress::parse(request.client_ip);
  if (!client || !proxies.trusts(*client)) return client;

  std::vector<std::string_view> hops;
  for (const auto& [name, value] : request.headers.fields()) {
    if (!iequals(name, "X-Forwarded-For")) continue;
    std::string_view rest = value;
    for (;;) {
      const auto comma = rest.find(',');
      hops.push_back(trim_ows(rest.substr(0, comma)));
      if (comma == std::string_view::npos) break;
      rest.remove_prefix(comma + 1);
    }
  }
  for (auto hop = hops.rbegin(); hop != hops.rend(); ++hop) {
    const auto address = IpAddress::parse(*hop);
    if (!address) return client;  // the nearest trusted hop passed this on
    client = address;
    if (!proxies.trusts(*address)) return client;
  }
  return client;
}

}  // namespace parley::http
