// The Cache contract, run against every adapter, with a clock the test controls.
#include <array>
#include <span>

#include "contract_support.hpp"

using namespace parley;            // NOLINT(google-build-using-namespace): test brevity
using namespace parley::contract;  // NOLINT(google-build-using-namespace): fixture names in test names
using namespace std::chrono_literals;

TEMPLATE_TEST_CASE("Cache: a set value is returned until it expires", "[cache]", PARLEY_CACHE_FIXTURES) {
  TestType fixture;
  auto& cache = fixture.cache();

  auto miss = cache.get("post:1");
  REQUIRE(miss.ok());
  CHECK_FALSE(miss->has_value());

  REQUIRE(cache.set("post:1", "{\"title\":\"hello\"}", 60s).ok());
  auto hit = cache.get("post:1");
  REQUIRE(hit.ok());
  CHECK(*hit == std::optional<std::string>("{\"title\":\"hello\"}"));
  auto other = cache.get("post:2");
  REQUIRE(other.ok());
  CHECK_FALSE(other->has_value());

  fixture.clock().advance(59'999ms);
  CHECK(cache.get("post:1").value() == std::optional<std::string>("{\"title\":\"hello\"}"));
  fixture.clock().advance(1ms);
  auto expired = cache.get("post:1");
  REQUIRE(expired.ok());
  CHECK_FALSE(expired->has_value());
}

TEMPLATE_TEST_CASE("Cache: set replaces the value and its expiry", "[cache]", PARLEY_CACHE_FIXTURES) {
  TestType fixture;
  auto& cache = fixture.cache();
  REQUIRE(cache.set("k", "old", 10s).ok());
  REQUIRE(cache.set("k", "new", 60s).ok());
  CHECK(cache.get("k").value() == std::optional<std::string>("new"));

  fixture.clock().advance(30s);  // past the first ttl, within the second
  CHECK(cache.get("k").value() == std::optional<std::string>("new"));
}

TEMPLATE_TEST_CASE("Cache: remove deletes a key, and removing an absent key succeeds", "[cache]",
                   PARLEY_CACHE_FIXTURES) {
  TestType fixture;
  auto& cache = fixture.cache();
  REQUIRE(cache.set("a", "1", 60s).ok());
  REQUIRE(cache.set("b", "2", 60s).ok());

  REQUIRE(cache.remove("a").ok());
  CHECK_FALSE(cache.get("a").value().has_value());
  CHECK(cache.get("b").value() == std::optional<std::string>("2"));
  CHECK(cache.remove("a").ok());
  CHECK(cache.remove("never-set").ok());
}

TEMPLATE_TEST_CASE("Cache: values are kept byte for byte", "[cache]", PARLEY_CACHE_FIXTURES) {
  TestType fixture;
  const std::string binary("a\0b\xff\n", 5);
  REQUIRE(fixture.cache().set("bin", binary, 60s).ok());
  CHECK(fixture.cache().get("bin").value() == std::optional<std::string>(binary));
  REQUIRE(fixture.cache().set("empty", "", 60s).ok());
  CHECK(fixture.cache().get("empty").value() == std::optional<std::string>(""));
}

TEMPLATE_TEST_CASE("Cache: a non-positive ttl is refused", "[cache]", PARLEY_CACHE_FIXTURES) {
  TestType fixture;
  CHECK_FALSE(fixture.cache().set("k", "v", 0s).ok());
  CHECK_FALSE(fixture.cache().set("k", "v", -5s).ok());
  CHECK_FALSE(fixture.cache().get("k").value().has_value());
}

TEMPLATE_TEST_CASE("Cache: ping succeeds when the cache is reachable", "[cache]", PARLEY_CACHE_FIXTURES) {
  TestType fixture;
  CHECK(fixture.cache().ping().ok());
}

TEMPLATE_TEST_CASE("Cache: get_many answers each key as get does, in order", "[cache]",
                   PARLEY_CACHE_FIXTURES) {
  TestType fixture;
  auto& cache = fixture.cache();
  REQUIRE(cache.set("a", "first", 10s).ok());
  REQUIRE(cache.set("c", std::string("third\0bytes", 11), 60s).ok());
  const std::array<std::string_view, 4> keys{"a", "b", "c", "a"};
  auto values = cache.get_many(keys);
  REQUIRE(values.ok());
  REQUIRE(values->size() == 4);
  CHECK((*values)[0] == std::optional<std::string>("first"));
  CHECK_FALSE((*values)[1].has_value());
  CHECK((*values)[2] == std::optional<std::string>(std::string("third\0bytes", 11)));
  CHECK((*values)[3] == std::optional<std::string>("first"));

  fixture.clock().advance(10s);  // "a" has expired, "c" has not
  values = cache.get_many(keys);
  REQUIRE(values.ok());
  CHECK_FALSE((*values)[0].has_value());
  CHECK((*values)[2] == std::optional<std::string>(std::string("third\0bytes", 11)));
  CHECK_FALSE((*values)[3].has_value());

  auto none = cache.get_many(std::span<const std::string_view>{});
  REQUIRE(none.ok());
  CHECK(none->empty());
}
