// RFC 3339 formatting and parsing by hand: g++ 12 has neither std::format nor chrono::parse.
#include "parley/core/time.hpp"

#include <cstdint>
#include <cstdio>

namespace parley::core {

namespace {

// Reads exactly `count` ASCII digits at `pos`; nullopt if any is not a digit.
std::optional<int> read_digits(std::string_view text, std::size_t pos, std::size_t count) {
  if (pos + count > text.size()) return std::nullopt;
  int value = 0;
  for (std::size_t i = pos; i < pos + count; ++i) {
    const char c = text[i];
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + (c - '0');
  }
  return value;
}

}  // namespace

std::string to_rfc3339(Timestamp t) {
  using namespace std::chrono;
  const auto day = floor<days>(t);
  const year_month_day ymd{day};
  const hh_mm_ss<milliseconds> hms{t - day};
  const int year = static_cast<int>(ymd.year());
  if (year < 0 || year > 9999) {
    // Outside four digits (never a stored time): the general formatter.
    char buffer[40];
    const int written =
        std::snprintf(buffer, sizeof buffer, "%04d-%02u-%02uT%02d:%02d:%02d.%03dZ", year,
                      static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                      static_cast<int>(hms.hours().count()), static_cast<int>(hms.minutes().count()),
                      static_cast<int>(hms.seconds().count()), static_cast<int>(hms.subseconds().count()));
    if (written < 0) return {};
    return std::string(buffer, static_cast<std::size_t>(written));
  }
  // Digits written in place: a timestamp is formatted for every post of every page rendered.
  std::string text = "0000-00-00T00:00:00.000Z";
  const auto put = [&text](std::size_t end, long long value, std::size_t digits) {
    for (std::size_t i = 0; i < digits; ++i, value /= 10)
      text[end - i] = static_cast<char>('0' + value % 10);
  };
  put(3, year, 4);
  put(6, static_cast<unsigned>(ymd.month()), 2);
  put(9, static_cast<unsigned>(ymd.day()), 2);
  put(12, hms.hours().count(), 2);
  put(15, hms.minutes().count(), 2);
  put(18, hms.seconds().count(), 2);
  put(22, hms.subseconds().count(), 3);
  return text;
}

std::optional<Timestamp> parse_rfc3339(std::string_view text) {
  using namespace std::chrono;
  // Fixed layout: YYYY-MM-DDTHH:MM:SS, then an optional fraction, then Z.
  constexpr std::size_t kFixedLength = 19;
  if (text.size() < kFixedLength + 1) return std::nullopt;
  if (text[4] != '-' || text[7] != '-' || text[13] != ':' || text[16] != ':') return std::nullopt;
  if (text[10] != 'T' && text[10] != 't') return std::nullopt;
  const auto y = read_digits(text, 0, 4);
  const auto mo = read_digits(text, 5, 2);
  const auto d = read_digits(text, 8, 2);
  const auto h = read_digits(text, 11, 2);
  const auto mi = read_digits(text, 14, 2);
  const auto s = read_digits(text, 17, 2);
  if (!y || !mo || !d || !h || !mi || !s) return std::nullopt;
  if (*h > 23 || *mi > 59 || *s > 59) return std::nullopt;  // leap seconds are not representable
  const year_month_day ymd{year{*y}, month{static_cast<unsigned>(*mo)}, day{static_cast<unsigned>(*d)}};
  if (!ymd.ok()) return std::nullopt;

  std::size_t pos = kFixedLength;
  std::int64_t millis = 0;
  if (text[pos] == '.') {
    ++pos;
    const std::size_t first = pos;
    // RFC 3339 allows any number of fraction digits; we keep milliseconds and drop the rest.
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
      if (pos - first < 3) millis = millis * 10 + (text[pos] - '0');
      ++pos;
    }
    const std::size_t digits = pos - first;
    if (digits == 0 || digits > 9) return std::nullopt;
    for (std::size_t i = digits; i < 3; ++i)
      millis *= 10;
  }
  if (pos + 1 != text.size() || (text[pos] != 'Z' && text[pos] != 'z')) return std::nullopt;

  const sys_days date{ymd};
  return Timestamp{date} + hours{*h} + minutes{*mi} + seconds{*s} + milliseconds{millis};
}

}  // namespace parley::core
