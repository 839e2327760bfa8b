// RandomOpaqueTokens and random_secret: size, alphabet, uniqueness, and the SHA-256 fingerprint.
#include "parley/crypto/random_opaque_tokens.hpp"

#include <algorithm>
#include <set>
#include <string>

#include <catch2/catch.hpp>

#include "parley/crypto/base64.hpp"
#include "parley/crypto/random.hpp"

namespace crypto = parley::crypto;

namespace {

bool is_base64url(const std::string& text) {
  return std::all_of(text.begin(), text.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
  });
}

bool is_lower_hex(const std::string& text) {
  return std::all_of(text.begin(), text.end(),
                     [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

}  // namespace

TEST_CASE("opaque tokens carry 256 random bits as unpadded base64url", "[crypto][opaque]") {
  crypto::RandomOpaqueTokens tokens;
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    const std::string token = tokens.generate();
    REQUIRE(token.size() == 43);
    REQUIRE(is_base64url(token));
    const auto bytes = crypto::base64url_decode(token);
    REQUIRE(bytes.has_value());
    REQUIRE(bytes->size() == crypto::RandomOpaqueTokens::kTokenBytes);
    seen.insert(token);
  }
  CHECK(seen.size() == 1000);
}

TEST_CASE("fingerprints are deterministic lowercase SHA-256 hex", "[crypto][opaque]") {
  crypto::RandomOpaqueTokens tokens;
  CHECK(tokens.fingerprint("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(tokens.fingerprint("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");

  const std::string token = tokens.generate();
  const std::string fingerprint = tokens.fingerprint(token);
  CHECK(fingerprint.size() == 64);
  CHECK(is_lower_hex(fingerprint));
  CHECK(tokens.fingerprint(token) == fingerprint);
  CHECK(crypto::RandomOpaqueTokens().fingerprint(token) == fingerprint);
  CHECK(fingerprint.find(token) == std::string::npos);
  CHECK(tokens.fingerprint(tokens.generate()) != fingerprint);
}

TEST_CASE("random secrets are base64url text of the requested entropy", "[crypto][random]") {
  const std::string secret = crypto::random_secret();
  CHECK(secret.size() == 64);  // 48 bytes
  CHECK(is_base64url(secret));
  REQUIRE(crypto::base64url_decode(secret).has_value());
  CHECK(crypto::base64url_decode(secret)->size() == 48);
  CHECK(crypto::random_secret() != secret);
  CHECK(crypto::random_secret(32).size() == 43);
  CHECK(crypto::random_secret(0).empty());
}
