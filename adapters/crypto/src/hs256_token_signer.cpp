// Compact JWTs signed with HMAC-SHA256. Verification authenticates the bytes before parsing any
// JSON and pins the algorithm, so neither "alg":"none" nor algorithm confusion can get through.
#include "parley/crypto/hs256_token_signer.hpp"

#include <chrono>
#include <cstdint>
#include <exception>
#include <optional>
#include <string>
#include <utility>

#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <openssl/crypto.h>

#include "parley/crypto/base64.hpp"
#include "parley/crypto/digest.hpp"

namespace parley::crypto {
namespace {

namespace json = boost::json;

// The only header this signer writes.
constexpr std::string_view kHeaderJson = R"({"alg":"HS256","typ":"JWT"})";

constexpr std::size_t kMaxTokenIdBytes = 128;
// NumericDate bounds: 1970-01-01T00:00:00Z to 9999-12-31T23:59:59Z, the range RFC 3339 can print.
constexpr std::int64_t kMinNumericDate = 0;
constexpr std::int64_t kMaxNumericDate = 253402300799;

core::Error invalid_token() {
  return core::Error::unauthorized("invalid token");
}

// Truncates to whole seconds, as NumericDate has no fraction in our tokens.
std::int64_t to_numeric_date(core::Timestamp t) {
  return std::chrono::floor<std::chrono::seconds>(t).time_since_epoch().count();
}

core::Timestamp from_numeric_date(std::int64_t seconds) {
  return core::Timestamp(std::chrono::seconds(seconds));
}

bool numeric_date_in_range(std::int64_t seconds) {
  return seconds >= kMinNumericDate && seconds <= kMaxNumericDate;
}

bool token_id_acceptable(std::string_view jti) {
  return !jti.empty() && jti.size() <= kMaxTokenIdBytes;
}

std::optional<json::object> parse_object(std::string_view text) {
  boost::system::error_code ec;
  json::value value = json::parse(text, ec);
  if (ec || !value.is_object()) return std::nullopt;
  return std::move(value.as_object());
}

// Only {"alg":"HS256"} with an optional "typ":"JWT": any other member ("crit", "kid", "jku",
// "jwk", ...) asks for processing this verifier does not do, so the token is refused.
bool header_acceptable(std::string_view header_json) {
  const auto header = parse_object(header_json);
  if (!header) return false;
  const json::value* alg = header->if_contains("alg");
  if (alg == nullptr || !alg->is_string() || alg->get_string() != "HS256") return false;
  const json::value* typ = header->if_contains("typ");
  if (typ != nullptr && (!typ->is_string() || typ->get_string() != "JWT")) return false;
  return header->size() == (typ == nullptr ? 1U : 2U);
}

std::optional<std::string_view> string_claim(const json::object& claims, std::string_view name) {
  const json::value* value = claims.if_contains(name);
  if (value == nullptr || !value->is_string()) return std::nullopt;
  const json::string& text = value->get_string();
  return std::string_view(text.data(), text.size());
}

// Integers only: 1.5 and 1e9 are doubles in JSON terms and are refused. Boost.JSON parses an
// integer as uint64 only above INT64_MAX, which is out of range anyway.
std::optional<std::int64_t> numeric_date_claim(const json::object& claims, std::string_view name) {
  const json::value* value = claims.if_contains(name);
  if (value == nullptr || !value->is_int64()) return std::nullopt;
  const std::int64_t seconds = value->get_int64();
  if (!numeric_date_in_range(seconds)) return std::nullopt;
  return seconds;
}

std::optional<core::AccessClaims> claims_from_json(std::string_view payload_json) {
  const auto claims = parse_object(payload_json);
  if (!claims) return std::nullopt;
  const auto iss = string_claim(*claims, "iss");
  const auto aud = string_claim(*claims, "aud");
  const auto sub = string_claim(*claims, "sub");
  const auto sid = string_claim(*claims, "sid");
  const auto jti = string_claim(*claims, "jti");
  const auto iat = numeric_date_claim(*claims, "iat");
  const auto exp = numeric_date_claim(*claims, "exp");
  if (!iss || !aud || !sub || !sid || !jti || !iat || !exp) return std::nullopt;
  if (!token_id_acceptable(*jti)) return std::nullopt;
  auto subject = core::UserId::parse(*sub);
  auto session = core::SessionId::parse(*sid);
  if (!subject || !session) return std::nullopt;
  return core::AccessClaims{
      .issuer = std::string(*iss),
      .audience = std::string(*aud),
      .subject = *subject,
      .session = *session,
      .token_id = std::string(*jti),
      .issued_at = from_numeric_date(*iat),
      .expires_at = from_numeric_date(*exp),
  };
}

}  // namespace

core::Result<Hs256TokenSigner> Hs256TokenSigner::create(std::string secret) {
  if (secret.size() < kMinSecretBytes) return core::Error::invalid("secret", "must be at least 32 bytes");
  return Hs256TokenSigner(std::move(secret));
}

Hs256TokenSigner::Hs256TokenSigner(std::string secret) : secret_(std::move(secret)) {}

Hs256TokenSigner::~Hs256TokenSigner() {
  OPENSSL_cleanse(secret_.data(), secret_.size());
}

core::Result<std::string> Hs256TokenSigner::sign(const core::AccessClaims& claims) try {
  const std::int64_t iat = to_numeric_date(claims.issued_at);
  const std::int64_t exp = to_numeric_date(claims.expires_at);
  if (!token_id_acceptable(claims.token_id) || !numeric_date_in_range(iat) || !numeric_date_in_range(exp)) {
    return core::Error::internal("access token claims out of range");
  }

  // Members in a fixed order, so equal claims always give the same token.
  json::object payload;
  payload["iss"] = claims.issuer;
  payload["aud"] = claims.audience;
  payload["sub"] = claims.subject.to_string();
  payload["sid"] = claims.session.to_string();
  payload["jti"] = claims.token_id;
  payload["iat"] = iat;
  payload["exp"] = exp;

  std::string token = base64url_encode(kHeaderJson);
  token += '.';
  token += base64url_encode(json::serialize(payload));
  const auto mac = hmac_sha256(secret_, token);
  if (!mac) return core::Error::internal("token signing failed");
  token += '.';
  token += base64url_encode(std::string_view(reinterpret_cast<const char*>(mac->data()), mac->size()));
  if (token.size() > kMaxTokenBytes) return core::Error::internal("access token too long");
  return token;
} catch (const std::exception&) {
  return core::Error::internal("token signing failed");
}

core::Result<core::AccessClaims> Hs256TokenSigner::verify(std::string_view token) try {
  if (token.empty() || token.size() > kMaxTokenBytes) return invalid_token();

  const std::size_t first_dot = token.find('.');
  if (first_dot == std::string_view::npos) return invalid_token();
  const std::size_t second_dot = token.find('.', first_dot + 1);
  if (second_dot == std::string_view::npos) return invalid_token();
  if (token.find('.', second_dot + 1) != std::string_view::npos) return invalid_token();

  const std::string_view header_b64 = token.substr(0, first_dot);
  const std::string_view payload_b64 = token.substr(first_dot + 1, second_dot - first_dot - 1);
  const std::string_view signature_b64 = token.substr(second_dot + 1);
  if (header_b64.empty() || payload_b64.empty() || signature_b64.empty()) return invalid_token();

  // Decoding all three first rejects foreign characters and padding anywhere in the token.
  const auto header_json = base64url_decode(header_b64);
  const auto payload_json = base64url_decode(payload_b64);
  const auto signature = base64url_decode(signature_b64);
  if (!header_json || !payload_json || !signature) return invalid_token();

  // Authenticate before interpreting: the MAC covers the encoded header and payload as sent.
  const auto expected = hmac_sha256(secret_, token.substr(0, second_dot));
  if (!expected) return core::Error::internal("token verification failed");
  if (signature->size() != expected->size() ||
      CRYPTO_memcmp(signature->data(), expected->data(), expected->size()) != 0) {
    return invalid_token();
  }

  // The algorithm is pinned rather than read from the header; a header naming anything else is
  // still refused, as it was not written by this signer.
  if (!header_acceptable(*header_json)) return invalid_token();
  auto claims = claims_from_json(*payload_json);
  if (!claims) return invalid_token();
  return std::move(*claims);
} catch (const std::exception&) {
  return core::Error::internal("token verification failed");
}

}  // namespace parley::crypto
