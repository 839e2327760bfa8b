// FakeTokenSigner: the payload is iss-aud-sub-sid-jti-iat-exp, each claim hex-encoded so any
// text survives, followed by a keyed digest over it.
#include "parley/testing/fake_token_signer.hpp"

#include <charconv>
#include <cstdint>
#include <optional>
#include <vector>

#include "fnv.hpp"

namespace parley::testing {

namespace {

constexpr std::string_view kPrefix = "fake.";

std::string tag(std::string_view secret, std::string_view payload_hex) {
  return detail::hex_digest(std::string(secret) + "|" + std::string(payload_hex));
}

std::optional<std::string> from_hex(std::string_view hex) {
  if (hex.size() % 2 != 0) return std::nullopt;
  std::string bytes;
  bytes.reserve(hex.size() / 2);
  for (std::size_t i = 0; i < hex.size(); i += 2) {
    unsigned value = 0;
    const auto [end, ec] = std::from_chars(hex.data() + i, hex.data() + i + 2, value, 16);
    if (ec != std::errc{} || end != hex.data() + i + 2) return std::nullopt;
    bytes.push_back(static_cast<char>(value));
  }
  return bytes;
}

std::optional<core::Timestamp> seconds_to_time(std::string_view text) {
  std::int64_t seconds = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), seconds);
  if (ec != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  return core::Timestamp{std::chrono::seconds{seconds}};
}

std::string time_to_seconds(core::Timestamp t) {
  return std::to_string(std::chrono::floor<std::chrono::seconds>(t).time_since_epoch().count());
}

core::Error rejected(std::string why) {
  return core::Error::unauthorized("invalid token: " + why);
}

}  // namespace

core::Result<std::string> FakeTokenSigner::sign(const core::AccessClaims& claims) {
  const std::string fields[] = {claims.issuer,
                                claims.audience,
                                claims.subject.to_string(),
                                claims.session.to_string(),
                                claims.token_id,
                                time_to_seconds(claims.issued_at),
                                time_to_seconds(claims.expires_at)};
  std::string payload;
  for (std::size_t i = 0; i < std::size(fields); ++i) {
    if (i > 0) payload += '-';  // never a hex digit, so claims split back unambiguously
    payload += detail::to_hex(fields[i]);
  }
  return std::string(kPrefix) + payload + "." + tag(secret_, payload);
}

core::Result<core::AccessClaims> FakeTokenSigner::verify(std::string_view token) {
  if (!token.starts_with(kPrefix)) return rejected("malformed");
  token.remove_prefix(kPrefix.size());
  const auto dot = token.find('.');
  if (dot == std::string_view::npos) return rejected("malformed");
  const auto payload = token.substr(0, dot);
  if (token.substr(dot + 1) != tag(secret_, payload)) return rejected("bad signature");

  std::vector<std::string> fields;
  std::string_view rest = payload;
  while (true) {
    const auto dash = rest.find('-');
    auto field = from_hex(rest.substr(0, dash));
    if (!field) return rejected("malformed");
    fields.push_back(std::move(*field));
    if (dash == std::string_view::npos) break;
    rest.remove_prefix(dash + 1);
  }
  if (fields.size() != 7) return rejected("missing claim");
  const auto subject = core::UserId::parse(fields[2]);
  const auto session = core::SessionId::parse(fields[3]);
  const auto issued_at = seconds_to_time(fields[5]);
  const auto expires_at = seconds_to_time(fields[6]);
  if (!subject || !session || !issued_at || !expires_at || fields[4].empty()) return rejected("bad claim");
  return core::AccessClaims{
      .issuer = fields[0],
      .audience = fields[1],
      .subject = *subject,
      .session = *session,
      .token_id = fields[4],
      .issued_at = *issued_at,
      .expires_at = *expires_at,
  };
}

}  // namespace parley::testing
