// The fakes are honest enough to test against: they are checked here so other suites can trust them.
#include <set>

#include <catch2/catch.hpp>

#include "support.hpp"

using namespace parley;
using namespace parley::unit;
using core::ErrorCode;

TEST_CASE("the fake clock starts at a fixed time and moves only when told", "[fakes]") {
  testing::FakeClock clock;
  CHECK(core::to_rfc3339(clock.now()) == "2026-01-01T00:00:00.000Z");
  clock.advance(std::chrono::milliseconds(1500));
  CHECK(core::to_rfc3339(clock.now()) == "2026-01-01T00:00:01.500Z");
  clock.set(at("2030-05-06T07:08:09.010Z"));
  CHECK(core::to_rfc3339(clock.now()) == "2030-05-06T07:08:09.010Z");
}

TEST_CASE("sequential ids are distinct, ordered, v7-shaped and reproducible", "[fakes]") {
  testing::SequentialIds ids;
  const auto first = ids.next();
  const auto second = ids.next();
  CHECK(first == testing::SequentialIds::make(1));
  CHECK(second == testing::SequentialIds::make(2));
  CHECK(first < second);
  CHECK(first.to_string() == "00000000-0001-7000-8000-000000000001");
  CHECK(testing::SequentialIds::make(0x1234).to_string() == "00000000-1234-7000-8000-000000001234");
  std::set<core::Uuid> seen;
  testing::SequentialIds more(1000);
  for (int i = 0; i < 1000; ++i)
    seen.insert(more.next());
  CHECK(seen.size() == 1000);
  CHECK(*seen.begin() == testing::SequentialIds::make(1000));
}

TEST_CASE("the fake hasher salts, verifies and flags weaker costs", "[fakes]") {
  testing::FakePasswordHasher hasher;
  const auto one = must(hasher.hash(password("secret-pass")));
  const auto two = must(hasher.hash(password("secret-pass")));
  CHECK(one != two);
  CHECK(one.starts_with("fake$1$"));
  CHECK(must(hasher.verify(password("secret-pass"), one)));
  CHECK_FALSE(must(hasher.verify(password("secret-pasS"), one)));
  CHECK(fails(hasher.verify(password("secret-pass"), "$argon2id$v=19$...")).code == ErrorCode::internal);
  CHECK(fails(hasher.verify(password("secret-pass"), "fake$x$s1$00")).code == ErrorCode::internal);
  CHECK(fails(hasher.verify(password("secret-pass"), "fake$1$s1")).code == ErrorCode::internal);
  CHECK_FALSE(hasher.needs_rehash(one));
  hasher.set_cost(3);
  CHECK(hasher.needs_rehash(one));
  CHECK(hasher.needs_rehash("garbage"));
  CHECK(hasher.hash_calls() == 2);
  CHECK(hasher.verify_calls() == 5);
}

TEST_CASE("the fake signer round-trips claims at second precision and rejects tampering", "[fakes]") {
  testing::FakeTokenSigner signer;
  const core::AccessClaims claims{.issuer = "iss with\nnewline",
                                  .audience = "aud",
                                  .subject = core::UserId{testing::SequentialIds::make(1)},
                                  .session = core::SessionId{testing::SequentialIds::make(2)},
                                  .token_id = "jti",
                                  .issued_at = at("2026-01-01T00:00:00.000Z"),
                                  .expires_at = at("2026-01-01T00:15:00.999Z")};
  const auto token = must(signer.sign(claims));
  const auto back = must(signer.verify(token));
  CHECK(back.issuer == claims.issuer);
  CHECK(back.audience == "aud");
  CHECK(back.subject == claims.subject);
  CHECK(back.session == claims.session);
  CHECK(back.token_id == "jti");
  CHECK(back.issued_at == claims.issued_at);
  CHECK(back.expires_at == at("2026-01-01T00:15:00.000Z"));

  for (std::size_t i = 5; i < token.size(); i += 7) {
    auto tampered = token;
    tampered[i] = tampered[i] == '0' ? '1' : '0';
    INFO(i);
    CHECK(fails(signer.verify(tampered)).code == ErrorCode::unauthorized);
  }
  CHECK(fails(testing::FakeTokenSigner("other").verify(token)).code == ErrorCode::unauthorized);
  CHECK(fails(signer.verify("fake.nodot")).code == ErrorCode::unauthorized);
  CHECK(fails(signer.verify("jwt.a.b")).code == ErrorCode::unauthorized);
}

TEST_CASE("the fake signer refuses a well-signed token with bad claims", "[fakes]") {
  testing::FakeTokenSigner signer;
  core::AccessClaims claims{.issuer = "i",
                            .audience = "a",
                            .subject = core::UserId{testing::SequentialIds::make(1)},
                            .session = core::SessionId{testing::SequentialIds::make(2)},
                            .token_id = "",
                            .issued_at = {},
                            .expires_at = {}};
  CHECK(fails(signer.verify(must(signer.sign(claims)))).code == ErrorCode::unauthorized);  // empty jti
}

TEST_CASE("fake opaque tokens are distinct with a recognisable fingerprint", "[fakes]") {
  testing::FakeOpaqueTokens tokens;
  const auto a = tokens.generate();
  const auto b = tokens.generate();
  CHECK(a != b);
  CHECK(tokens.fingerprint(a) == "fp:" + a);
}

TEST_CASE("the fake signer keeps empty claims apart", "[fakes]") {
  testing::FakeTokenSigner signer;
  const core::AccessClaims claims{.issuer = "",
                                  .audience = "",
                                  .subject = core::UserId{testing::SequentialIds::make(1)},
                                  .session = core::SessionId{testing::SequentialIds::make(2)},
                                  .token_id = "jti",
                                  .issued_at = {},
                                  .expires_at = {}};
  const auto back = must(signer.verify(must(signer.sign(claims))));
  CHECK(back == claims);
}
