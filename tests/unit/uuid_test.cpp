// Uuid parsing, printing, ordering and hashing.
#include "parley/core/uuid.hpp"

#include <unordered_set>

#include <catch2/catch.hpp>

using parley::core::Uuid;
using parley::core::UuidHash;

TEST_CASE("a canonical uuid parses in either case and prints lowercase", "[uuid]") {
  const auto lower = Uuid::parse("0190a1b2-c3d4-7e5f-8a6b-7c8d9e0f1a2b");
  const auto upper = Uuid::parse("0190A1B2-C3D4-7E5F-8A6B-7C8D9E0F1A2B");
  REQUIRE(lower.has_value());
  REQUIRE(upper.has_value());
  CHECK(*lower == *upper);
  CHECK(upper->to_string() == "0190a1b2-c3d4-7e5f-8a6b-7c8d9e0f1a2b");
  CHECK(lower->bytes()[0] == 0x01);
  CHECK(lower->bytes()[15] == 0x2b);
}

TEST_CASE("the nil uuid is the default and prints as zeros", "[uuid]") {
  CHECK(Uuid{}.is_nil());
  CHECK(Uuid{}.to_string() == "00000000-0000-0000-0000-000000000000");
  const auto parsed = Uuid::parse("00000000-0000-0000-0000-000000000000");
  REQUIRE(parsed.has_value());
  CHECK(parsed->is_nil());
  CHECK_FALSE(Uuid::parse("00000000-0000-0000-0000-000000000001")->is_nil());
}

TEST_CASE("anything but the canonical form is rejected", "[uuid]") {
  const char* bad[] = {
      "",
      "0190a1b2-c3d4-7e5f-8a6b-7c8d9e0f1a2",     // too short
      "0190a1b2-c3d4-7e5f-8a6b-7c8d9e0f1a2b0",   // too long
      "0190a1b2c3d47e5f8a6b7c8d9e0f1a2b",        // no hyphens
      "{0190a1b2-c3d4-7e5f-8a6b-7c8d9e0f1a2b}",  // braces
      "0190a1b2-c3d4-7e5f-8a6b_7c8d9e0f1a2b",    // wrong separator
      "0190a1b-2c3d4-7e5f-8a6b-7c8d9e0f1a2b",    // hyphen misplaced
      "0190a1g2-c3d4-7e5f-8a6b-7c8d9e0f1a2b",    // not hex
      "0190a1b2-c3d4-7e5f-8a6b-7c8d9e0f1a2 ",    // space
  };
  for (const char* text : bad) {
    INFO(text);
    CHECK_FALSE(Uuid::parse(text).has_value());
  }
}

TEST_CASE("uuids order by their bytes and hash by value", "[uuid]") {
  const auto a = *Uuid::parse("00000000-0000-7000-8000-000000000001");
  const auto b = *Uuid::parse("00000000-0000-7000-8000-000000000002");
  const auto c = *Uuid::parse("00000001-0000-7000-8000-000000000000");
  CHECK(a < b);
  CHECK(b < c);
  UuidHash hash;
  CHECK(hash(a) == hash(*Uuid::parse(a.to_string())));
  std::unordered_set<Uuid, UuidHash> set{a, b, c, a};
  CHECK(set.size() == 3);
  CHECK(hash(a) != hash(b));
}

TEST_CASE("typed ids parse and print through their uuid", "[uuid]") {
  const auto id = parley::core::UserId::parse("0190a1b2-c3d4-7e5f-8a6b-7c8d9e0f1a2b");
  REQUIRE(id.has_value());
  CHECK(id->to_string() == "0190a1b2-c3d4-7e5f-8a6b-7c8d9e0f1a2b");
  CHECK_FALSE(parley::core::PostId::parse("not-a-uuid").has_value());
  CHECK(UuidHash{}(*id) == UuidHash{}(id->value));
}
