// Unpadded base64 codecs: RFC 4648 vectors, round trips, and strict rejection of odd input.
#include "parley/crypto/base64.hpp"

#include <string>

#include <catch2/catch.hpp>

namespace crypto = parley::crypto;

TEST_CASE("base64url encodes the RFC 4648 test vectors without padding", "[crypto][base64]") {
  CHECK(crypto::base64url_encode("") == "");
  CHECK(crypto::base64url_encode("f") == "Zg");
  CHECK(crypto::base64url_encode("fo") == "Zm8");
  CHECK(crypto::base64url_encode("foo") == "Zm9v");
  CHECK(crypto::base64url_encode("foob") == "Zm9vYg");
  CHECK(crypto::base64url_encode("fooba") == "Zm9vYmE");
  CHECK(crypto::base64url_encode("foobar") == "Zm9vYmFy");
}

TEST_CASE("the two alphabets differ only in characters 62 and 63", "[crypto][base64]") {
  const std::string bytes("\xfb\xff\xbf", 3);
  CHECK(crypto::base64url_encode(bytes) == "-_-_");
  CHECK(crypto::base64_encode_unpadded(bytes) == "+/+/");
  CHECK(crypto::base64url_decode("-_-_") == bytes);
  CHECK(crypto::base64_decode_unpadded("+/+/") == bytes);
  CHECK_FALSE(crypto::base64url_decode("+/+/").has_value());
  CHECK_FALSE(crypto::base64_decode_unpadded("-_-_").has_value());
}

TEST_CASE("every byte value and every tail length round-trips", "[crypto][base64]") {
  std::string all;
  for (int i = 0; i < 256; ++i)
    all.push_back(static_cast<char>(i));
  for (std::size_t length = 0; length <= all.size(); ++length) {
    const std::string bytes = all.substr(0, length);
    REQUIRE(crypto::base64url_decode(crypto::base64url_encode(bytes)) == bytes);
    REQUIRE(crypto::base64_decode_unpadded(crypto::base64_encode_unpadded(bytes)) == bytes);
  }
}

TEST_CASE("decoding rejects padding, foreign characters, impossible lengths, stray bits",
          "[crypto][base64]") {
  CHECK(crypto::base64url_decode("Zm9vYg") == "foob");
  CHECK_FALSE(crypto::base64url_decode("Zm9vYg==").has_value());  // padding
  CHECK_FALSE(crypto::base64url_decode("Zm9v Yg").has_value());   // whitespace
  CHECK_FALSE(crypto::base64url_decode("Zm9v\nYg").has_value());
  CHECK_FALSE(crypto::base64url_decode("Zm9v.Yg").has_value());
  CHECK_FALSE(crypto::base64url_decode(std::string("Zm\0v", 4)).has_value());
  CHECK_FALSE(crypto::base64url_decode("Zm9vY").has_value());  // 4n+1 characters
  CHECK_FALSE(crypto::base64url_decode("Zh").has_value());     // "Zg" with a non-zero unused bit
  CHECK_FALSE(crypto::base64url_decode("Zm9").has_value());    // "Zm8" with non-zero unused bits
  CHECK_FALSE(crypto::base64url_decode("\xc3\xa9").has_value());
}
