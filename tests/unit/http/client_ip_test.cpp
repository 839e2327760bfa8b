// Strict IP and CIDR parsing, and who the client of a request is behind trusted proxies.
#include "parley/http/client_ip.hpp"

#include <catch2/catch.hpp>

using parley::http::client_address;
using parley::http::IpAddress;
using parley::http::IpNetwork;
using parley::http::Request;
using parley::http::TrustedProxies;

namespace {

std::string canonical(std::string_view text) {
  const auto address = IpAddress::parse(text);
  INFO(text);
  REQUIRE(address.has_value());
  return address->to_string();
}

TrustedProxies trusted(std::string_view list) {
  auto proxies = TrustedProxies::parse(list);
  INFO(list);
  REQUIRE(proxies.ok());
  return *proxies;
}

Request from(std::string peer, std::initializer_list<std::string> forwarded = {}) {
  Request request;
  request.method = "GET";
  request.target = "/";
  request.client_ip = std::move(peer);
  for (const auto& value : forwarded)
    request.headers.add("X-Forwarded-For", value);
  return request;
}

std::string client_of(const Request& request, const TrustedProxies& proxies) {
  const auto address = client_address(request, proxies);
  REQUIRE(address.has_value());
  return address->to_string();
}

}  // namespace

TEST_CASE("IpAddress: IPv4 and IPv6 parse and print in one canonical spelling", "[http][client-ip]") {
  CHECK(canonical("192.0.2.1") == "192.0.2.1");
  CHECK(canonical("0.0.0.0") == "0.0.0.0");
  CHECK(canonical("255.255.255.255") == "255.255.255.255");
  CHECK(canonical("::ffff:192.0.2.1") == "192.0.2.1");  // IPv4-mapped: the same client
  CHECK(canonical("::FFFF:c000:0201") == "192.0.2.1");
  CHECK(canonical("2001:DB8:0:0:0:0:0:1") == "2001:db8::1");
  CHECK(canonical("2001:db8::0001") == "2001:db8::1");
  CHECK(canonical("::") == "::");
  CHECK(canonical("::1") == "::1");
  CHECK(canonical("1::") == "1::");
  CHECK(canonical("2001:db8:0:1:0:0:0:1") == "2001:db8:0:1::1");       // the longer zero run
  CHECK(canonical("2001:0:0:1:0:0:1:1") == "2001::1:0:0:1:1");         // the first of equal runs
  CHECK(canonical("2001:db8:1:1:1:1:0:1") == "2001:db8:1:1:1:1:0:1");  // one zero word stays
  CHECK(canonical("64:ff9b::192.0.2.33") == "64:ff9b::c000:221");
  CHECK(IpAddress::parse("192.0.2.1")->is_v4());
  CHECK_FALSE(IpAddress::parse("::1")->is_v4());
}

TEST_CASE("IpAddress: anything but a bare address is refused", "[http][client-ip]") {
  for (const char* bad : {"",
                          " ",
                          "192.0.2.1 ",
                          " 192.0.2.1",
                          "192.0.2",
                          "192.0.2.1.5",
                          "192.0.2.256",
                          "192.0.2.01",
                          "192.0.2.-1",
                          "192.0.2.",
                          ".192.0.2.1",
                          "1.2.3.0x4",
                          "1e2.0.0.1",
                          "localhost",
                          "[::1]",
                          "::1%eth0",
                          "[::1]:80",
                          "192.0.2.1:8080",
                          ":::",
                          "1:::2",
                          "1::2::3",
                          ":1::",
                          "1::2:",
                          "1:2:3:4:5:6:7",
                          "1:2:3:4:5:6:7:8:9",
                          "1:2:3:4:5:6:7::8",
                          "12345::",
                          "g::1",
                          "::192.0.2.1:1",
                          "::1.2.3",
                          "1:2:3:4:5:6:7:1.2.3.4",
                          "unknown"}) {
    INFO("'" << bad << "'");
    CHECK_FALSE(IpAddress::parse(bad).has_value());
  }
}

TEST_CASE("IpNetwork: CIDR blocks match the addresses inside them", "[http][client-ip]") {
  const auto private10 = IpNetwork::parse("10.0.0.0/8");
  REQUIRE(private10.has_value());
  CHECK(private10->contains(*IpAddress::parse("10.255.0.1")));
  CHECK(private10->contains(*IpAddress::parse("::ffff:10.1.2.3")));
  CHECK_FALSE(private10->contains(*IpAddress::parse("11.0.0.1")));
  CHECK_FALSE(private10->contains(*IpAddress::parse("::a01:203")));  // IPv4-compatible, not mapped

  const auto odd = IpNetwork::parse("192.0.2.64/26");
  REQUIRE(odd.has_value());
  CHECK(odd->contains(*IpAddress::parse("192.0.2.127")));
  CHECK_FALSE(odd->contains(*IpAddress::parse("192.0.2.128")));
  CHECK_FALSE(odd->contains(*IpAddress::parse("192.0.2.63")));

  const auto v6 = IpNetwork::parse("2001:db8::/32");
  REQUIRE(v6.has_value());
  CHECK(v6->contains(*IpAddress::parse("2001:db8:ffff::1")));
  CHECK_FALSE(v6->contains(*IpAddress::parse("2001:db9::1")));

  const auto one = IpNetwork::parse("127.0.0.1");
  REQUIRE(one.has_value());
  CHECK(one->contains(*IpAddress::parse("127.0.0.1")));
  CHECK_FALSE(one->contains(*IpAddress::parse("127.0.0.2")));

  const auto everyone = IpNetwork::parse("0.0.0.0/0");
  REQUIRE(everyone.has_value());
  CHECK(everyone->contains(*IpAddress::parse("203.0.113.9")));
  CHECK_FALSE(everyone->contains(*IpAddress::parse("2001:db8::1")));
  CHECK(IpNetwork::parse("::ffff:0:0/96")->contains(*IpAddress::parse("203.0.113.9")));
}

TEST_CASE("IpNetwork: bad prefixes and host bits are refused", "[http][client-ip]") {
  for (const char* bad :
       {"10.0.0.0/33", "10.0.0.0/", "10.0.0.0/08", "10.0.0.0/-1", "10.0.0.0/8/8", "10.0.0.1/8",
        "2001:db8::/129", "2001:db8::1/32", "/8", "10.0.0.0 /8", "10.0.0.0/ 8", "10.0.0.0/0x8"}) {
    INFO("'" << bad << "'");
    CHECK_FALSE(IpNetwork::parse(bad).has_value());
  }
}

TEST_CASE("TrustedProxies: a comma list of addresses and blocks, or nothing", "[http][client-ip]") {
  CHECK(trusted("").empty());
  CHECK(trusted("  ").empty());
  const auto proxies = trusted(" 127.0.0.1 , 10.0.0.0/8,::1,2001:db8::/48 ");
  CHECK(proxies.trusts(*IpAddress::parse("127.0.0.1")));
  CHECK(proxies.trusts(*IpAddress::parse("10.9.8.7")));
  CHECK(proxies.trusts(*IpAddress::parse("::1")));
  CHECK(proxies.trusts(*IpAddress::parse("2001:db8:0:ffff::1")));
  CHECK_FALSE(proxies.trusts(*IpAddress::parse("127.0.0.2")));

  for (const char* bad :
       {"127.0.0.1,", ",127.0.0.1", "127.0.0.1,,10.0.0.0/8", "proxy.local", "10.0.0.0/8;"}) {
    auto refused = TrustedProxies::parse(bad);
    INFO("'" << bad << "'");
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.error().code == parley::core::ErrorCode::invalid_input);
    CHECK(refused.error().details.count("trusted_proxies") == 1);
  }
}

TEST_CASE("client_address: the peer, unless it is a trusted proxy", "[http][client-ip]") {
  const auto none = trusted("");
  const auto local = trusted("127.0.0.1");
  // An untrusted peer's X-Forwarded-For is ignored: anyone can write one.
  CHECK(client_of(from("127.0.0.1", {"203.0.113.5"}), none) == "127.0.0.1");
  CHECK(client_of(from("198.51.100.7", {"203.0.113.5"}), local) == "198.51.100.7");
  // A trusted peer without the header is itself the client.
  CHECK(client_of(from("127.0.0.1"), local) == "127.0.0.1");
  CHECK(client_of(from("127.0.0.1", {"203.0.113.5"}), local) == "203.0.113.5");
  CHECK(client_of(from("::ffff:127.0.0.1", {" 2001:DB8::5 "}), local) == "2001:db8::5");
}

TEST_CASE("client_address: X-Forwarded-For is walked from the right past trusted hops", "[http][client-ip]") {
  const auto proxies = trusted("127.0.0.1,10.0.0.0/8");
  // The client forged the leftmost entry; the nearest untrusted hop is who reached our proxies.
  CHECK(client_of(from("127.0.0.1", {"1.1.1.1, 203.0.113.5, 10.0.0.2"}), proxies) == "203.0.113.5");
  // Several header fields are one list, in order.
  CHECK(client_of(from("127.0.0.1", {"1.1.1.1, 203.0.113.5", "10.0.0.2"}), proxies) == "203.0.113.5");
  // Every hop trusted: the leftmost is the client.
  CHECK(client_of(from("127.0.0.1", {"10.0.0.9, 10.0.0.2"}), proxies) == "10.0.0.9");
  // Garbage (or an empty entry) where an address should be: the nearest trusted hop.
  CHECK(client_of(from("127.0.0.1", {"unknown, 10.0.0.2"}), proxies) == "10.0.0.2");
  CHECK(client_of(from("127.0.0.1", {"203.0.113.5:443"}), proxies) == "127.0.0.1");
  CHECK(client_of(from("127.0.0.1", {""}), proxies) == "127.0.0.1");
  CHECK(client_of(from("127.0.0.1", {"garbage, 203.0.113.5"}), proxies) == "203.0.113.5");
}
