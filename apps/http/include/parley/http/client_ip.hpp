// Client addresses: strict IPv4/IPv6 and CIDR parsing, the trusted-proxy list, and the client
// of a request (the TCP peer, or X-Forwarded-For when the peer is a trusted proxy).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "parley/core/result.hpp"
#include "parley/http/message.hpp"

namespace parley::http {

// An IPv4 or IPv6 address, held as 16 bytes: IPv4 as its IPv4-mapped IPv6 form, so
// "192.0.2.1" and "::ffff:192.0.2.1" are the same address (a dual-stack socket reports the latter).
class IpAddress {
 public:
  // Dotted-quad IPv4 (four decimal parts 0-255, no leading zeros) or IPv6 text (RFC 4291:
  // hex groups, at most one "::", an optional dotted-quad tail), nothing around it: no
  // brackets, port, zone or white space. nullopt for anything else.
  static std::optional<IpAddress> parse(std::string_view text) noexcept;

  [[nodiscard]] bool is_v4() const noexcept;
  // Dotted quad for IPv4; RFC 5952 canonical text (lowercase, longest zero run as "::") otherwise.
  [[nodiscard]] std::string to_string() const;
  // The address with every bit after the first `bits` (of 128) cleared.
  [[nodiscard]] IpAddress masked(unsigned bits) const noexcept;
  [[nodiscard]] const std::array<std::uint8_t, 16>& bytes() const noexcept { return bytes_; }

  friend bool operator==(const IpAddress&, const IpAddress&) = default;

 private:
  std::array<std::uint8_t, 16> bytes_{};
};

// An address block: "192.0.2.0/24", "2001:db8::/32", or one address (a /32 or /128).
class IpNetwork {
 public:
  // The prefix length is decimal without leading zeros, at most 32 (IPv4) or 128 (IPv6), and
  // the address must have no bits set after it ("10.0.0.1/8" is refused: say "10.0.0.0/8").
  static std::optional<IpNetwork> parse(std::string_view text) noexcept;

  [[nodiscard]] bool contains(const IpAddress& address) const noexcept;

 private:
  IpAddress base_;
  unsigned bits_ = 128;  // of the 16-byte form: an IPv4 /24 is 96 + 24
};

// PARLEY_TRUSTED_PROXIES: the reverse proxies whose X-Forwarded-For is believed.
class TrustedProxies {
 public:
  TrustedProxies() = default;
  // A comma-separated list of addresses and CIDR blocks, white space around items allowed;
  // "" trusts nobody. invalid_input naming "trusted_proxies" and the first bad item otherwise.
  static core::Result<TrustedProxies> parse(std::string_view list);

  [[nodiscard]] bool trusts(const IpAddress& address) const noexcept;
  [[nodiscard]] bool empty() const noexcept { return networks_.empty(); }

 private:
  std::vector<IpNetwork> networks_;
};

// The request's client. The TCP peer (Request::client_ip), unless the peer is a trusted proxy:
// then X-Forwarded-For (every field, in order, as one comma-separated list) is walked from the
// right, skipping trusted hops, and the first untrusted address is the client. When every hop is
// trusted, the leftmost is the client; when a hop is not an address (a trusted proxy passing on
// garbage), the nearest trusted hop to its right is. nullopt only when the peer itself is not an
// address, which a socket never reports.
[[nodiscard]] std::optional<IpAddress> client_address(const Request& request, const TrustedProxies& proxies);

}  // namespace parley::http
