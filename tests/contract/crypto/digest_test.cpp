// SHA-256 and HMAC-SHA256 against published and locally derived known answers.
#include "parley/crypto/digest.hpp"

#include <string>

#include <catch2/catch.hpp>

namespace crypto = parley::crypto;

TEST_CASE("SHA-256 matches the FIPS 180-2 known answers", "[crypto][digest]") {
  const auto abc = crypto::sha256("abc");
  REQUIRE(abc.has_value());
  CHECK(crypto::to_hex(*abc) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  const auto empty = crypto::sha256("");
  REQUIRE(empty.has_value());
  CHECK(crypto::to_hex(*empty) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST_CASE("HMAC-SHA256 matches RFC 4231 test case 2", "[crypto][digest]") {
  const auto mac = crypto::hmac_sha256("Jefe", "what do ya want for nothing?");
  REQUIRE(mac.has_value());
  CHECK(crypto::to_hex(*mac) == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST_CASE("HMAC-SHA256 matches the openssl command line", "[crypto][digest]") {
  // Derived on the build machine with:
  //   printf '%s' 'The quick brown fox jumps over the lazy dog' |
  //     openssl dgst -sha256 -hmac 'parley-known-answer-secret-0123456789'
  const auto mac = crypto::hmac_sha256("parley-known-answer-secret-0123456789",
                                       "The quick brown fox jumps over the lazy dog");
  REQUIRE(mac.has_value());
  CHECK(crypto::to_hex(*mac) == "59e06465e74cb74c5ca6f975c4e8f6019efafe254a5286c589cd2462a5c8d440");
}

TEST_CASE("HMAC-SHA256 depends on every byte of key and data", "[crypto][digest]") {
  const std::string key = "0123456789abcdef0123456789abcdef";
  const auto base = crypto::hmac_sha256(key, "payload");
  const auto other_key = crypto::hmac_sha256("0123456789abcdef0123456789abcdeF", "payload");
  const auto other_data = crypto::hmac_sha256(key, "payloaD");
  const auto with_nul = crypto::hmac_sha256(key, std::string("payload\0", 8));
  REQUIRE((base && other_key && other_data && with_nul));
  CHECK(*base != *other_key);
  CHECK(*base != *other_data);
  CHECK(*base != *with_nul);
}
