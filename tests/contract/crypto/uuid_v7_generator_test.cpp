// UuidV7Generator: RFC 9562 version and variant, timestamp from the Clock, strict ordering.
#include "parley/crypto/uuid_v7_generator.hpp"

#include <chrono>
#include <cstdint>
#include <set>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include "parley/testing/fake_clock.hpp"

namespace core = parley::core;
namespace crypto = parley::crypto;
using std::chrono::milliseconds;

namespace {

using parley::testing::FakeClock;

constexpr std::int64_t kStartMs = 1767225600123;  // 2026-01-01T00:00:00.123Z

core::Timestamp at(std::int64_t unix_ms) {
  return core::Timestamp(milliseconds(unix_ms));
}

std::uint64_t timestamp_of(const core::Uuid& id) {
  std::uint64_t ms = 0;
  for (std::size_t i = 0; i < 6; ++i)
    ms = (ms << 8U) | id.bytes()[i];
  return ms;
}

void check_version_and_variant(const core::Uuid& id) {
  CHECK((id.bytes()[6] & 0xF0U) == 0x70U);
  CHECK((id.bytes()[8] & 0xC0U) == 0x80U);
}

}  // namespace

TEST_CASE("ids are version 7, variant 10, stamped with the clock's milliseconds", "[crypto][uuid]") {
  FakeClock clock(at(kStartMs));
  crypto::UuidV7Generator generator(clock);
  const core::Uuid id = generator.next();
  check_version_and_variant(id);
  CHECK(timestamp_of(id) == static_cast<std::uint64_t>(kStartMs));
  CHECK_FALSE(id.is_nil());

  const std::string text = id.to_string();
  REQUIRE(text.size() == 36);
  CHECK(text.substr(0, 13) == "019b76da-a87b");  // kStartMs is 0x019b76daa87b
  CHECK(text[14] == '7');
  CHECK(std::string("89ab").find(text[19]) != std::string::npos);

  clock.set(at(kStartMs + 86'400'000));
  CHECK(timestamp_of(generator.next()) == static_cast<std::uint64_t>(kStartMs + 86'400'000));
}

TEST_CASE("10000 ids within one millisecond strictly increase in byte order", "[crypto][uuid]") {
  FakeClock clock(at(kStartMs));
  crypto::UuidV7Generator generator(clock);
  std::vector<core::Uuid> ids;
  ids.reserve(10000);
  for (int i = 0; i < 10000; ++i)
    ids.push_back(generator.next());

  std::set<core::Uuid> distinct(ids.begin(), ids.end());
  CHECK(distinct.size() == ids.size());
  for (std::size_t i = 0; i < ids.size(); ++i) {
    check_version_and_variant(ids[i]);
    REQUIRE(timestamp_of(ids[i]) == static_cast<std::uint64_t>(kStartMs));
    if (i > 0) REQUIRE(ids[i - 1].bytes() < ids[i].bytes());
  }
}

TEST_CASE("ids increase across milliseconds and when the clock steps back", "[crypto][uuid]") {
  FakeClock clock(at(kStartMs));
  crypto::UuidV7Generator generator(clock);
  core::Uuid previous = generator.next();
  for (std::int64_t step = 1; step <= 100; ++step) {
    clock.set(at(kStartMs + step));
    const core::Uuid id = generator.next();
    REQUIRE(timestamp_of(id) == static_cast<std::uint64_t>(kStartMs + step));
    REQUIRE(previous.bytes() < id.bytes());
    previous = id;
  }

  // An NTP step backwards must not break the order: the last timestamp is kept.
  clock.set(at(kStartMs - 5000));
  for (int i = 0; i < 100; ++i) {
    const core::Uuid id = generator.next();
    REQUIRE(timestamp_of(id) == static_cast<std::uint64_t>(kStartMs + 100));
    REQUIRE(previous.bytes() < id.bytes());
    previous = id;
  }
  clock.set(at(kStartMs + 101));
  const core::Uuid caught_up = generator.next();
  CHECK(timestamp_of(caught_up) == static_cast<std::uint64_t>(kStartMs + 101));
  CHECK(previous.bytes() < caught_up.bytes());
}

TEST_CASE("separate generators in the same millisecond do not collide", "[crypto][uuid]") {
  FakeClock clock(at(kStartMs));
  crypto::UuidV7Generator first(clock);
  crypto::UuidV7Generator second(clock);
  std::set<core::Uuid> ids;
  for (int i = 0; i < 1000; ++i) {
    ids.insert(first.next());
    ids.insert(second.next());
  }
  CHECK(ids.size() == 2000);
}

TEST_CASE("concurrent callers get distinct ids, each thread's in order", "[crypto][uuid]") {
  FakeClock clock(at(kStartMs));
  crypto::UuidV7Generator generator(clock);
  constexpr int kThreads = 4;
  constexpr int kPerThread = 2500;
  std::vector<std::vector<core::Uuid>> per_thread(kThreads);
  {
    std::vector<std::jthread> threads;
    for (auto& ids : per_thread) {
      threads.emplace_back([&generator, &ids, &clock] {
        for (int i = 0; i < kPerThread; ++i) {
          // Threads move the clock back and forth under each other; order must survive that.
          if (i % 500 == 0) clock.set(at(kStartMs + i));
          ids.push_back(generator.next());
        }
      });
    }
  }
  std::set<core::Uuid> all;
  for (const auto& ids : per_thread) {
    REQUIRE(ids.size() == static_cast<std::size_t>(kPerThread));
    for (std::size_t i = 1; i < ids.size(); ++i)
      REQUIRE(ids[i - 1].bytes() < ids[i].bytes());
    all.insert(ids.begin(), ids.end());
  }
  CHECK(all.size() == static_cast<std::size_t>(kThreads * kPerThread));
}
