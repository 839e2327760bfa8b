// ScryptPasswordHasher: round trips, the stored encoding, parameter upgrades, hostile encodings.
// Hashing uses ln=10 for speed; one test runs the production defaults.
#include "parley/crypto/scrypt_password_hasher.hpp"

#include <regex>
#include <string>

#include <catch2/catch.hpp>

namespace core = parley::core;
namespace crypto = parley::crypto;

namespace {

constexpr crypto::ScryptParams kFast{.log2_n = 10, .r = 8, .p = 1, .key_length = 32};

core::Password password(std::string text) {
  return core::Password::from_storage(std::move(text));
}

std::string hash_or_fail(crypto::ScryptPasswordHasher& hasher, const core::Password& pw) {
  auto encoded = hasher.hash(pw);
  REQUIRE(encoded.ok());
  return encoded.value();
}

// scrypt(P="correct horse battery staple", S=00 01 .. 0f, N=1024, r=8, p=1, dkLen=32), derived with
// this command, written on one line:
//   openssl kdf -keylen 32 -kdfopt pass:'correct horse battery staple'
//     -kdfopt hexsalt:000102030405060708090a0b0c0d0e0f -kdfopt n:1024 -kdfopt r:8 -kdfopt p:1 SCRYPT
// = 9a9f74cc441de571a18c4bf8580ad51f86745d14b39065ad24ad92fc05c99515, here in unpadded base64.
constexpr std::string_view kKnownEncoding =
    "$scrypt$ln=10,r=8,p=1$AAECAwQFBgcICQoLDA0ODw$mp90zEQd5XGhjEv4WArVH4Z0XRSzkGWtJK2S/AXJlRU";

}  // namespace

TEST_CASE("a hash verifies against its own password and no other", "[crypto][scrypt]") {
  crypto::ScryptPasswordHasher hasher(kFast);
  const std::string encoded = hash_or_fail(hasher, password("correct horse battery staple"));

  const auto right = hasher.verify(password("correct horse battery staple"), encoded);
  REQUIRE(right.ok());
  CHECK(right.value());

  for (const char* wrong : {"correct horse battery stapl", "correct horse battery staplf",
                            "Correct horse battery staple", "correct horse battery staple "}) {
    const auto result = hasher.verify(password(wrong), encoded);
    REQUIRE(result.ok());
    CHECK_FALSE(result.value());
  }
}

TEST_CASE("the whole password counts, including bytes after a NUL", "[crypto][scrypt]") {
  crypto::ScryptPasswordHasher hasher(kFast);
  const std::string encoded = hash_or_fail(hasher, password(std::string("abcd\0efgh", 9)));
  const auto other = hasher.verify(password(std::string("abcd\0xxxx", 9)), encoded);
  REQUIRE(other.ok());
  CHECK_FALSE(other.value());
  const auto same = hasher.verify(password(std::string("abcd\0efgh", 9)), encoded);
  REQUIRE(same.ok());
  CHECK(same.value());
}

TEST_CASE("each hash gets its own salt", "[crypto][scrypt]") {
  crypto::ScryptPasswordHasher hasher(kFast);
  const auto pw = password("the same password twice");
  const std::string first = hash_or_fail(hasher, pw);
  const std::string second = hash_or_fail(hasher, pw);
  CHECK(first != second);
  // The salts themselves differ, not only the keys.
  CHECK(first.substr(0, first.rfind('$')) != second.substr(0, second.rfind('$')));
  CHECK(hasher.verify(pw, first).value());
  CHECK(hasher.verify(pw, second).value());
}

TEST_CASE("the encoding names the algorithm, the parameters, a 16-byte salt and the key",
          "[crypto][scrypt]") {
  crypto::ScryptPasswordHasher hasher(kFast);
  const std::string encoded = hash_or_fail(hasher, password("format check password"));
  // 16 bytes of salt are 22 base64 characters, 32 bytes of key 43, both without padding.
  static const std::regex kFormat(R"(^\$scrypt\$ln=10,r=8,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$)");
  CHECK(std::regex_match(encoded, kFormat));

  crypto::ScryptPasswordHasher longer_key({.log2_n = 10, .r = 4, .p = 2, .key_length = 64});
  const std::string long_encoded = hash_or_fail(longer_key, password("format check password"));
  static const std::regex kLongFormat(R"(^\$scrypt\$ln=10,r=4,p=2\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{86}$)");
  CHECK(std::regex_match(long_encoded, kLongFormat));
  CHECK(longer_key.verify(password("format check password"), long_encoded).value());
}

TEST_CASE("an encoding from the openssl command line verifies (known answer)", "[crypto][scrypt]") {
  // Configured differently on purpose: the stored parameters, not the current ones, are used.
  crypto::ScryptPasswordHasher hasher({.log2_n = 12, .r = 8, .p = 1, .key_length = 32});
  const auto right = hasher.verify(password("correct horse battery staple"), kKnownEncoding);
  REQUIRE(right.ok());
  CHECK(right.value());
  const auto wrong = hasher.verify(password("correct horse battery stapler"), kKnownEncoding);
  REQUIRE(wrong.ok());
  CHECK_FALSE(wrong.value());
  CHECK(hasher.needs_rehash(kKnownEncoding));
}

TEST_CASE("stored parameters are honoured and weaker ones ask for a rehash", "[crypto][scrypt]") {
  crypto::ScryptPasswordHasher old_hasher(kFast);
  crypto::ScryptPasswordHasher new_hasher({.log2_n = 12, .r = 8, .p = 1, .key_length = 32});
  const auto pw = password("upgrade me please");

  const std::string old_hash = hash_or_fail(old_hasher, pw);
  const auto verified = new_hasher.verify(pw, old_hash);
  REQUIRE(verified.ok());
  CHECK(verified.value());
  CHECK(new_hasher.needs_rehash(old_hash));
  CHECK_FALSE(old_hasher.needs_rehash(old_hash));

  const std::string new_hash = hash_or_fail(new_hasher, pw);
  CHECK(new_hash.starts_with("$scrypt$ln=12,r=8,p=1$"));
  CHECK_FALSE(new_hasher.needs_rehash(new_hash));
  // Stronger than current is not a reason to rehash.
  CHECK_FALSE(old_hasher.needs_rehash(new_hash));
  CHECK(old_hasher.verify(pw, new_hash).value());

  SECTION("a smaller r, p or key length is weaker too") {
    crypto::ScryptPasswordHasher small_r({.log2_n = 10, .r = 4, .p = 1, .key_length = 32});
    crypto::ScryptPasswordHasher short_key({.log2_n = 10, .r = 8, .p = 1, .key_length = 16});
    CHECK(old_hasher.needs_rehash(hash_or_fail(small_r, pw)));
    CHECK(old_hasher.needs_rehash(hash_or_fail(short_key, pw)));
    crypto::ScryptPasswordHasher more_p({.log2_n = 10, .r = 8, .p = 2, .key_length = 32});
    CHECK(more_p.needs_rehash(old_hash));
  }
}

TEST_CASE("malformed or absurd encodings are an internal error, never a crash", "[crypto][scrypt]") {
  crypto::ScryptPasswordHasher hasher(kFast);
  const auto pw = password("correct horse battery staple");
  const std::string salt = "AAECAwQFBgcICQoLDA0ODw";
  const std::string key = "mp90zEQd5XGhjEv4WArVH4Z0XRSzkGWtJK2S/AXJlRU";

  const std::string encoding = GENERATE_COPY(
      std::string(""), std::string("$"), std::string("$scrypt$"), std::string("scrypt$ln=10,r=8,p=1$") + salt,
      "$argon2id$v=19$m=65536,t=3,p=4$" + salt + "$" + key,          // another algorithm
      "$scrypt$ln=10,r=8,p=1$" + salt,                               // no key
      "$scrypt$ln=10,r=8,p=1$" + salt + "$",                         // empty key
      "$scrypt$ln=10,r=8,p=1$$" + key,                               // empty salt
      "$scrypt$ln=10,r=8,p=1$" + salt + "$" + key + "$",             // extra segment
      "$scrypt$ln=10,r=8$" + salt + "$" + key,                       // missing p
      "$scrypt$ln=10,r=8,p=1,x=2$" + salt + "$" + key,               // extra parameter
      "$scrypt$r=8,ln=10,p=1$" + salt + "$" + key,                   // wrong order
      "$scrypt$ln=9,r=8,p=1$" + salt + "$" + key,                    // N too small
      "$scrypt$ln=23,r=8,p=1$" + salt + "$" + key,                   // N too large
      "$scrypt$ln=4294967306,r=8,p=1$" + salt + "$" + key,           // overflows
      "$scrypt$ln=010,r=8,p=1$" + salt + "$" + key,                  // leading zero
      "$scrypt$ln=+10,r=8,p=1$" + salt + "$" + key,                  // sign
      "$scrypt$ln=ten,r=8,p=1$" + salt + "$" + key,                  // not a number
      "$scrypt$ln=,r=8,p=1$" + salt + "$" + key,                     // empty number
      "$scrypt$ln=10,r=0,p=1$" + salt + "$" + key,                   // r too small
      "$scrypt$ln=10,r=33,p=1$" + salt + "$" + key,                  // r too large
      "$scrypt$ln=10,r=8,p=0$" + salt + "$" + key,                   // p too small
      "$scrypt$ln=10,r=8,p=17$" + salt + "$" + key,                  // p too large
      "$scrypt$ln=22,r=32,p=1$" + salt + "$" + key,                  // 16 GiB of memory
      "$scrypt$ln=10,r=8,p=1$" + salt + "==$" + key,                 // padded salt
      "$scrypt$ln=10,r=8,p=1$" + salt + "$" + key + "=",             // padded key
      "$scrypt$ln=10,r=8,p=1$AAEC!wQFBgcICQoLDA0ODw$" + key,         // not base64
      "$scrypt$ln=10,r=8,p=1$AAECAwQFBgcICQ$" + key,                 // 10-byte salt
      "$scrypt$ln=10,r=8,p=1$" + salt + "$AAECAwQFBgcICQ",           // 10-byte key
      "$scrypt$ln=10,r=8,p=1$" + salt + "$" + std::string(88, 'A'),  // 66-byte key
      "$SCRYPT$ln=10,r=8,p=1$" + salt + "$" + key);                  // case matters

  CAPTURE(encoding);
  const auto result = hasher.verify(pw, encoding);
  REQUIRE_FALSE(result.ok());
  CHECK(result.error().code == core::ErrorCode::internal);
  // The message never echoes what was stored.
  CHECK(result.error().message.find(key) == std::string::npos);
  CHECK(hasher.needs_rehash(encoding));
}

TEST_CASE("unsupported configured parameters make hash() fail cleanly", "[crypto][scrypt]") {
  CHECK(crypto::ScryptPasswordHasher::params_supported(crypto::ScryptParams{}));
  CHECK(crypto::ScryptPasswordHasher::params_supported(kFast));
  // The largest accepted cost (4 GiB); checked only, never computed here.
  CHECK(crypto::ScryptPasswordHasher::params_supported({.log2_n = 22, .r = 8, .p = 16, .key_length = 64}));
  const crypto::ScryptParams too_weak{.log2_n = 9};
  const crypto::ScryptParams too_big{.log2_n = 23};
  const crypto::ScryptParams too_much_memory{.log2_n = 22, .r = 32};
  const crypto::ScryptParams zero_r{.r = 0};
  const crypto::ScryptParams short_key{.key_length = 15};
  const crypto::ScryptParams long_key{.key_length = 65};
  for (const auto& params : {too_weak, too_big, too_much_memory, zero_r, short_key, long_key}) {
    CHECK_FALSE(crypto::ScryptPasswordHasher::params_supported(params));
    crypto::ScryptPasswordHasher hasher(params);
    const auto result = hasher.hash(password("correct horse battery staple"));
    REQUIRE_FALSE(result.ok());
    CHECK(result.error().code == core::ErrorCode::internal);
  }
}

TEST_CASE("the production defaults hash and verify", "[crypto][scrypt][slow]") {
  crypto::ScryptPasswordHasher hasher(crypto::ScryptParams{});
  const auto pw = password("correct horse battery staple");
  const std::string encoded = hash_or_fail(hasher, pw);
  CHECK(encoded.starts_with("$scrypt$ln=15,r=8,p=1$"));
  CHECK(hasher.verify(pw, encoded).value());
  CHECK_FALSE(hasher.verify(password("correct horse battery stapler"), encoded).value());
  CHECK_FALSE(hasher.needs_rehash(encoded));
}
