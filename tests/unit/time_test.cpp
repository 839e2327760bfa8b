// RFC 3339 formatting and parsing.
#include "parley/core/time.hpp"

#include <catch2/catch.hpp>

using namespace std::chrono;
using parley::core::parse_rfc3339;
using parley::core::Timestamp;
using parley::core::to_rfc3339;

namespace {

Timestamp make(year_month_day date, hours h, minutes m, seconds s, milliseconds ms) {
  return Timestamp{sys_days{date}} + h + m + s + ms;
}

}  // namespace

TEST_CASE("timestamps format as RFC 3339 UTC with milliseconds", "[time]") {
  CHECK(to_rfc3339(make(year{2026} / November / 23, 10h, 15min, 30s, 123ms)) == "2026-11-23T10:15:30.123Z");
  CHECK(to_rfc3339(Timestamp{}) == "1970-01-01T00:00:00.000Z");
  CHECK(to_rfc3339(Timestamp{} - 1ms) == "1969-12-31T23:59:59.999Z");
  CHECK(to_rfc3339(make(year{2024} / February / 29, 23h, 59min, 59s, 7ms)) == "2024-02-29T23:59:59.007Z");
  CHECK(to_rfc3339(make(year{9999} / December / 31, 23h, 59min, 59s, 999ms)) == "9999-12-31T23:59:59.999Z");
  CHECK(to_rfc3339(make(year{5} / January / 9, 1h, 2min, 3s, 40ms)) == "0005-01-09T01:02:03.040Z");
  // Past four digits of year, still each field in its place.
  CHECK(to_rfc3339(make(year{10000} / March / 4, 5h, 6min, 7s, 8ms)) == "10000-03-04T05:06:07.008Z");
}

TEST_CASE("RFC 3339 text parses back to the same instant", "[time]") {
  CHECK(parse_rfc3339("2026-11-23T10:15:30.123Z") ==
        make(year{2026} / November / 23, 10h, 15min, 30s, 123ms));
  CHECK(parse_rfc3339("2026-11-23T10:15:30Z") == make(year{2026} / November / 23, 10h, 15min, 30s, 0ms));
  CHECK(parse_rfc3339("1970-01-01T00:00:00.000Z") == Timestamp{});
}

TEST_CASE("fractions of any length are read to the millisecond", "[time]") {
  const auto base = make(year{2026} / January / 2, 3h, 4min, 5s, 0ms);
  CHECK(parse_rfc3339("2026-01-02T03:04:05.5Z") == base + 500ms);
  CHECK(parse_rfc3339("2026-01-02T03:04:05.05Z") == base + 50ms);
  CHECK(parse_rfc3339("2026-01-02T03:04:05.123456789Z") == base + 123ms);
}

TEST_CASE("lowercase t and z are accepted, as RFC 3339 allows", "[time]") {
  CHECK(parse_rfc3339("2026-01-02t03:04:05.006z") == make(year{2026} / January / 2, 3h, 4min, 5s, 6ms));
}

TEST_CASE("formatting then parsing is the identity", "[time]") {
  const Timestamp start = make(year{1999} / December / 31, 23h, 59min, 58s, 999ms);
  for (int step = 0; step < 500; ++step) {
    const Timestamp t = start + hours{step * 173} + milliseconds{step * 7919};
    INFO(to_rfc3339(t));
    CHECK(parse_rfc3339(to_rfc3339(t)) == t);
  }
}

TEST_CASE("malformed or non-UTC timestamps are rejected", "[time]") {
  const char* bad[] = {
      "",
      "2026-11-23",
      "2026-11-23T10:15:30",              // no zone
      "2026-11-23T10:15:30+00:00",        // offsets are not accepted
      "2026-11-23 10:15:30Z",             // space instead of T
      "2026-02-30T10:15:30Z",             // no such day
      "2023-02-29T10:15:30Z",             // not a leap year
      "2026-13-01T10:15:30Z",             // no such month
      "2026-11-23T24:00:00Z",             // hour out of range
      "2026-11-23T10:60:00Z",             // minute out of range
      "2026-11-23T10:15:60Z",             // leap seconds are not representable
      "2026-11-23T10:15:30.Z",            // empty fraction
      "2026-11-23T10:15:30.1234567891Z",  // ten fraction digits
      "2026-11-23T10:15:30.12aZ",         // junk in the fraction
      "2026-11-23T10:15:30Zjunk",         // trailing junk
      "2026-1a-23T10:15:30Z",             // non-digit
      "+2026-11-23T10:15:30Z",            // sign
  };
  for (const char* text : bad) {
    INFO(text);
    CHECK_FALSE(parse_rfc3339(text).has_value());
  }
}
