// Hs256TokenSigner: round trips, a known answer, and the forgeries and garbage verify must refuse.
#include "parley/crypto/hs256_token_signer.hpp"

#include <chrono>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "parley/crypto/base64.hpp"
#include "parley/crypto/digest.hpp"

namespace core = parley::core;
namespace crypto = parley::crypto;
using std::chrono::milliseconds;
using std::chrono::seconds;

namespace {

const std::string kSecret = "test-secret-that-is-long-enough-for-hs256!";
const std::string kStandardHeader = R"({"alg":"HS256","typ":"JWT"})";

crypto::Hs256TokenSigner make_signer(const std::string& secret = kSecret) {
  auto signer = crypto::Hs256TokenSigner::create(secret);
  REQUIRE(signer.ok());
  return std::move(signer).value();
}

core::AccessClaims sample_claims() {
  return core::AccessClaims{
      .issuer = "https://parley.example",
      .audience = "parley-api",
      .subject = *core::UserId::parse("0190a1b2-c3d4-7e5f-8a6b-7c8d9e0f1a2b"),
      .session = *core::SessionId::parse("0190a1b2-c3d4-7e5f-9a6b-000000000001"),
      .token_id = "kat-1",
      .issued_at = core::Timestamp(seconds(1767225600)),
      .expires_at = core::Timestamp(seconds(1767226500)),
  };
}

// The claims of sample_claims() as sign() serialises them.
std::string payload_json() {
  return R"({"iss":"https://parley.example","aud":"parley-api",)"
         R"("sub":"0190a1b2-c3d4-7e5f-8a6b-7c8d9e0f1a2b","sid":"0190a1b2-c3d4-7e5f-9a6b-000000000001",)"
         R"("jti":"kat-1","iat":1767225600,"exp":1767226500})";
}

std::string mac_b64(const std::string& secret, const std::string& signing_input) {
  const auto mac = crypto::hmac_sha256(secret, signing_input);
  REQUIRE(mac.has_value());
  return crypto::base64url_encode(std::string(mac->begin(), mac->end()));
}

// A token assembled by hand and signed with HMAC-SHA256 under `secret`, whatever its header says.
std::string forge(const std::string& header, const std::string& payload,
                  const std::string& secret = kSecret) {
  const std::string input = crypto::base64url_encode(header) + "." + crypto::base64url_encode(payload);
  return input + "." + mac_b64(secret, input);
}

void check_rejected(crypto::Hs256TokenSigner& signer, const std::string& token) {
  const auto result = signer.verify(token);
  REQUIRE_FALSE(result.ok());
  CHECK(result.error().code == core::ErrorCode::unauthorized);
  // One message for every cause: which check failed is not the caller's business.
  CHECK(result.error().message == "invalid token");
}

std::vector<std::string> split(const std::string& token) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  for (std::size_t dot = token.find('.'); dot != std::string::npos; dot = token.find('.', start)) {
    parts.push_back(token.substr(start, dot - start));
    start = dot + 1;
  }
  parts.push_back(token.substr(start));
  return parts;
}

}  // namespace

TEST_CASE("a signed token verifies back to the same claims", "[crypto][jwt]") {
  auto signer = make_signer();
  const core::AccessClaims claims = sample_claims();
  const auto token = signer.sign(claims);
  REQUIRE(token.ok());
  const auto verified = signer.verify(token.value());
  REQUIRE(verified.ok());
  CHECK(verified.value() == claims);
}

TEST_CASE("timestamps travel as whole seconds", "[crypto][jwt]") {
  auto signer = make_signer();
  core::AccessClaims claims = sample_claims();
  claims.issued_at += milliseconds(999);
  claims.expires_at += milliseconds(1);
  const auto verified = signer.verify(signer.sign(claims).value());
  REQUIRE(verified.ok());
  CHECK(verified->issued_at == core::Timestamp(seconds(1767225600)));
  CHECK(verified->expires_at == core::Timestamp(seconds(1767226500)));
}

TEST_CASE("the token is a compact JWT with the fixed header (known answer)", "[crypto][jwt]") {
  auto signer = make_signer("parley-known-answer-secret-0123456789");
  const auto token = signer.sign(sample_claims());
  REQUIRE(token.ok());
  // header.payload is base64url({"alg":"HS256","typ":"JWT"}) . base64url(payload_json()); the
  // signature was derived on the build machine with:
  //   printf '%s' "$HEADER_DOT_PAYLOAD" |
  //     openssl dgst -sha256 -binary -hmac 'parley-known-answer-secret-0123456789' |
  //     basenc --base64url | tr -d '='
  CHECK(token.value() ==
        "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9."
        "eyJpc3MiOiJodHRwczovL3BhcmxleS5leGFtcGxlIiwiYXVkIjoicGFybGV5LWFwaSIsInN1YiI6IjAxOTBhMWIyLWMz"
        "ZDQtN2U1Zi04YTZiLTdjOGQ5ZTBmMWEyYiIsInNpZCI6IjAxOTBhMWIyLWMzZDQtN2U1Zi05YTZiLTAwMDAwMDAwMDAw"
        "MSIsImp0aSI6ImthdC0xIiwiaWF0IjoxNzY3MjI1NjAwLCJleHAiOjE3NjcyMjY1MDB9."
        "eTAGPGL2ATU8hRNouwiGInK6fkdzUc4DkPuyPTUp0Os");
  const auto parts = split(token.value());
  REQUIRE(parts.size() == 3);
  CHECK(crypto::base64url_decode(parts[0]) == kStandardHeader);
  CHECK(crypto::base64url_decode(parts[1]) == payload_json());
}

TEST_CASE("hand-made tokens in the accepted shape verify", "[crypto][jwt]") {
  // Controls for the forgery tests below: the helper itself produces acceptable tokens.
  auto signer = make_signer();
  CHECK(signer.verify(forge(kStandardHeader, payload_json())).ok());
  CHECK(signer.verify(forge(R"({"alg":"HS256"})", payload_json())).ok());
  CHECK(signer.verify(forge(R"({"typ":"JWT","alg":"HS256"})", payload_json())).ok());
  // Unknown claims are ignored (RFC 7519 §4), so newer issuers can add some.
  const std::string with_extra = R"({"iss":"i","aud":"a","sub":"0190a1b2-c3d4-7e5f-8a6b-7c8d9e0f1a2b",)"
                                 R"("sid":"0190a1b2-c3d4-7e5f-9a6b-000000000001","jti":"j","iat":0,)"
                                 R"("exp":253402300799,"role":"admin"})";
  const auto verified = signer.verify(forge(kStandardHeader, with_extra));
  REQUIRE(verified.ok());
  CHECK(verified->issuer == "i");
  CHECK(verified->expires_at == core::Timestamp(seconds(253402300799)));
  // The longest accepted jti.
  const std::string long_jti = R"({"iss":"i","aud":"a","sub":"0190a1b2-c3d4-7e5f-8a6b-7c8d9e0f1a2b",)"
                               R"("sid":"0190a1b2-c3d4-7e5f-9a6b-000000000001","jti":")" +
                               std::string(128, 'j') + R"(","iat":1,"exp":2})";
  CHECK(signer.verify(forge(kStandardHeader, long_jti)).ok());
}

TEST_CASE("tampering with any segment is detected", "[crypto][jwt]") {
  auto signer = make_signer();
  const std::string token = signer.sign(sample_claims()).value();
  const auto parts = split(token);
  REQUIRE(parts.size() == 3);

  SECTION("payload replaced with other valid claims") {
    const std::string other_subject = R"({"iss":"https://parley.example","aud":"parley-api",)"
                                      R"("sub":"0190a1b2-c3d4-7e5f-8a6b-ffffffffffff",)"
                                      R"("sid":"0190a1b2-c3d4-7e5f-9a6b-000000000001",)"
                                      R"("jti":"kat-1","iat":1767225600,"exp":1767226500})";
    check_rejected(signer, parts[0] + "." + crypto::base64url_encode(other_subject) + "." + parts[2]);
  }
  SECTION("payload with one character changed") {
    std::string payload = parts[1];
    payload[10] = payload[10] == 'A' ? 'B' : 'A';
    check_rejected(signer, parts[0] + "." + payload + "." + parts[2]);
  }
  SECTION("header re-encoded with the same meaning") {
    check_rejected(
        signer, crypto::base64url_encode(R"({"typ":"JWT","alg":"HS256"})") + "." + parts[1] + "." + parts[2]);
  }
  SECTION("signature with one character changed") {
    std::string signature = parts[2];
    signature[0] = signature[0] == 'A' ? 'B' : 'A';
    check_rejected(signer, parts[0] + "." + parts[1] + "." + signature);
  }
  SECTION("signature truncated or extended") {
    check_rejected(signer, parts[0] + "." + parts[1] + "." + parts[2].substr(0, 32));
    check_rejected(signer, token + "AAAA");
  }
  SECTION("signature missing") {
    check_rejected(signer, parts[0] + "." + parts[1] + ".");
    check_rejected(signer, parts[0] + "." + parts[1]);
  }
}

TEST_CASE("a token signed with another secret is rejected", "[crypto][jwt]") {
  auto signer = make_signer();
  auto other = make_signer("another-secret-that-is-also-long-enough");
  check_rejected(signer, other.sign(sample_claims()).value());
  check_rejected(signer, forge(kStandardHeader, payload_json(), "another-secret-that-is-also-long-enough"));
}

TEST_CASE("headers naming another algorithm or extra processing are rejected", "[crypto][jwt]") {
  auto signer = make_signer();
  const std::string payload_b64 = crypto::base64url_encode(payload_json());

  SECTION("alg none, unsigned") {
    check_rejected(signer,
                   crypto::base64url_encode(R"({"alg":"none","typ":"JWT"})") + "." + payload_b64 + ".");
    check_rejected(signer, crypto::base64url_encode(R"({"alg":"none"})") + "." + payload_b64 + ".");
  }
  SECTION("HS512 with a signature of HMAC-SHA512 length") {
    const std::string input = crypto::base64url_encode(R"({"alg":"HS512","typ":"JWT"})") + "." + payload_b64;
    check_rejected(signer, input + "." + crypto::base64url_encode(std::string(64, 'x')));
  }
  // Each of these carries a valid HMAC-SHA256 under the right secret, so only the header check
  // stands between it and acceptance.
  const std::string header = GENERATE(
      as<std::string>{}, R"({"alg":"none","typ":"JWT"})", R"({"alg":"HS512","typ":"JWT"})",
      R"({"alg":"RS256","typ":"JWT"})", R"({"alg":"hs256","typ":"JWT"})", R"({"alg":"HS256 ","typ":"JWT"})",
      R"({"typ":"JWT"})", R"({"alg":null,"typ":"JWT"})", R"({"alg":["HS256"],"typ":"JWT"})",
      R"({"alg":256,"typ":"JWT"})", R"({"alg":"HS256","typ":"JWE"})", R"({"alg":"HS256","typ":1})",
      R"({"alg":"HS256","typ":"JWT","kid":"1"})", R"({"alg":"HS256","typ":"JWT","crit":["exp"]})",
      R"({"alg":"HS256","typ":"JWT","jku":"https://evil.example/k"})",
      R"({"alg":"HS256","typ":"JWT","jwk":{"kty":"oct","k":"AAAA"}})",
      R"({"alg":"HS256","typ":"JWT","b64":false})", R"({})", R"([])", R"("HS256")",
      R"({"alg":"HS256","typ":"JWT")", R"(not json)");
  CAPTURE(header);
  check_rejected(signer, forge(header, payload_json()));
}

TEST_CASE("a payload missing any claim is rejected", "[crypto][jwt]") {
  auto signer = make_signer();
  const std::vector<std::pair<std::string, std::string>> claims = {
      {"iss", R"("https://parley.example")"},
      {"aud", R"("parley-api")"},
      {"sub", R"("0190a1b2-c3d4-7e5f-8a6b-7c8d9e0f1a2b")"},
      {"sid", R"("0190a1b2-c3d4-7e5f-9a6b-000000000001")"},
      {"jti", R"("kat-1")"},
      {"iat", "1767225600"},
      {"exp", "1767226500"},
  };
  for (std::size_t missing = 0; missing <= claims.size(); ++missing) {
    std::string payload = "{";
    for (std::size_t i = 0; i < claims.size(); ++i) {
      if (i == missing) continue;
      if (payload.size() > 1) payload += ",";
      payload += "\"" + claims[i].first + "\":" + claims[i].second;
    }
    payload += "}";
    CAPTURE(payload);
    if (missing == claims.size()) {
      CHECK(signer.verify(forge(kStandardHeader, payload)).ok());  // control: nothing missing
    } else {
      check_rejected(signer, forge(kStandardHeader, payload));
    }
  }
}

TEST_CASE("claims of the wrong type or outside sane ranges are rejected", "[crypto][jwt]") {
  auto signer = make_signer();
  const std::string good = payload_json();
  const auto replace = [&good](const std::string& from, const std::string& to) {
    std::string payload = good;
    const std::size_t at = payload.find(from);
    REQUIRE(at != std::string::npos);
    return payload.replace(at, from.size(), to);
  };

  const std::string payload = GENERATE_COPY(
      replace(R"("iss":"https://parley.example")", R"("iss":42)"),
      replace(R"("iss":"https://parley.example")", R"("iss":null)"),
      replace(R"("aud":"parley-api")", R"("aud":["parley-api"])"),
      replace(R"("sub":"0190a1b2-c3d4-7e5f-8a6b-7c8d9e0f1a2b")", R"("sub":"alice")"),
      replace(R"("sub":"0190a1b2-c3d4-7e5f-8a6b-7c8d9e0f1a2b")",
              R"("sub":"0190a1b2c3d47e5f8a6b7c8d9e0f1a2b")"),
      replace(R"("sid":"0190a1b2-c3d4-7e5f-9a6b-000000000001")", R"("sid":1)"),
      replace(R"("sid":"0190a1b2-c3d4-7e5f-9a6b-000000000001")", R"("sid":"")"),
      replace(R"("jti":"kat-1")", R"("jti":"")"),
      replace(R"("jti":"kat-1")", R"("jti":")" + std::string(129, 'j') + "\""),
      replace(R"("jti":"kat-1")", R"("jti":7)"), replace(R"("iat":1767225600)", R"("iat":"1767225600")"),
      replace(R"("iat":1767225600)", R"("iat":1767225600.5)"),
      replace(R"("iat":1767225600)", R"("iat":1.7672256E9)"), replace(R"("iat":1767225600)", R"("iat":-1)"),
      replace(R"("exp":1767226500)", R"("exp":253402300800)"),
      replace(R"("exp":1767226500)", R"("exp":18446744073709551615)"),
      replace(R"("exp":1767226500)", R"("exp":true)"), replace(R"("exp":1767226500)", R"("exp":null)"),
      std::string("[]"), std::string(R"("claims")"), std::string("{"), std::string("null"));
  CAPTURE(payload);
  check_rejected(signer, forge(kStandardHeader, payload));
}

TEST_CASE("secrets shorter than 32 bytes are refused", "[crypto][jwt]") {
  const auto too_short = crypto::Hs256TokenSigner::create(std::string(31, 's'));
  REQUIRE_FALSE(too_short.ok());
  CHECK(too_short.error().code == core::ErrorCode::invalid_input);
  CHECK(too_short.error().details.count("secret") == 1);
  CHECK_FALSE(crypto::Hs256TokenSigner::create("").ok());
  CHECK(crypto::Hs256TokenSigner::create(std::string(32, 's')).ok());
}

TEST_CASE("sign refuses claims it could not verify back", "[crypto][jwt]") {
  auto signer = make_signer();
  core::AccessClaims no_jti = sample_claims();
  no_jti.token_id.clear();
  core::AccessClaims long_jti = sample_claims();
  long_jti.token_id = std::string(129, 'j');
  core::AccessClaims before_epoch = sample_claims();
  before_epoch.issued_at = core::Timestamp(seconds(-1));
  for (const auto& claims : {no_jti, long_jti, before_epoch}) {
    const auto token = signer.sign(claims);
    REQUIRE_FALSE(token.ok());
    CHECK(token.error().code == core::ErrorCode::internal);
  }
}

TEST_CASE("garbage is rejected without a crash", "[crypto][jwt]") {
  auto signer = make_signer();
  const std::string token = signer.sign(sample_claims()).value();
  const auto parts = split(token);

  const std::string garbage = GENERATE_COPY(
      std::string(""), std::string("."), std::string(".."), std::string("..."), std::string("abc"),
      std::string("a.b"), std::string("a.b.c"), std::string("a.b.c.d"), token + ".", "." + token,
      token + "." + parts[2],                            // four segments
      parts[0] + ".." + parts[2],                        // empty payload
      "." + parts[1] + "." + parts[2],                   // empty header
      parts[0] + "=." + parts[1] + "." + parts[2],       // padding
      parts[0] + "." + parts[1] + "." + parts[2] + "=",  // padding
      parts[0] + "." + parts[1] + "+." + parts[2],       // standard alphabet
      parts[0] + "." + parts[1] + "." + parts[2].substr(0, 42) + "/", " " + token, token + "\n",
      "Bearer " + token,                                    // whitespace
      parts[0] + "." + parts[1] + "\xc3\xa9." + parts[2],   // non-ASCII
      std::string(token).insert(20, std::string(1, '\0')),  // embedded NUL
      std::string(100000, 'A'), std::string(100000, '.'),   // huge
      std::string(5000, 'A') + "." + std::string(5000, 'A') + "." + std::string(43, 'A'));
  CAPTURE(garbage.substr(0, 200));
  check_rejected(signer, garbage);
}

TEST_CASE("tokens longer than 4 KiB are rejected even when correctly signed", "[crypto][jwt]") {
  auto signer = make_signer();
  const auto padded = [](std::size_t pad) {
    return std::string(R"({"iss":"i","aud":"a","sub":"0190a1b2-c3d4-7e5f-8a6b-7c8d9e0f1a2b",)") +
           R"("sid":"0190a1b2-c3d4-7e5f-9a6b-000000000001","jti":"j","iat":1,"exp":2,"pad":")" +
           std::string(pad, 'p') + "\"}";
  };
  const std::string small = forge(kStandardHeader, padded(2800));
  const std::string large = forge(kStandardHeader, padded(3000));
  REQUIRE(small.size() <= crypto::Hs256TokenSigner::kMaxTokenBytes);
  REQUIRE(large.size() > crypto::Hs256TokenSigner::kMaxTokenBytes);
  CHECK(signer.verify(small).ok());
  check_rejected(signer, large);
}
