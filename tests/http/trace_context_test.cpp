// W3C traceparent: the strict parse and how a request's trace is continued or started.
#include <string>

#include <catch2/catch.hpp>

#include "parley/http/edge.hpp"

namespace parley::http {
namespace {

constexpr const char* kValid = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

bool is_lower_hex(const std::string& text, std::size_t length) {
  return text.size() == length && text.find_first_not_of("0123456789abcdef") == std::string::npos &&
         text.find_first_not_of('0') != std::string::npos;
}

TEST_CASE("a valid traceparent is parsed into its parts", "[trace]") {
  const auto parsed = parse_traceparent(kValid);
  REQUIRE(parsed);
  CHECK(parsed->trace_id == "4bf92f3577b34da6a3ce929d0e0e4736");
  CHECK(parsed->parent_id == "00f067aa0ba902b7");
  CHECK(parsed->flags == "01");
  CHECK(format_traceparent(*parsed) == kValid);
  CHECK(parse_traceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00"));
}

TEST_CASE("malformed traceparents are rejected", "[trace]") {
  const char* const malformed[] = {
      "",
      "garbage",
      "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",   // unknown version
      "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",   // forbidden version
      "00-00000000000000000000000000000000-00f067aa0ba902b7-01",   // all-zero trace id
      "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",   // all-zero parent id
      "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",   // upper-case hex
      "00-4bf92f3577b34da6a3ce929d0e0e473-00f067aa0ba902b7-01",    // short trace id
      "00-4bf92f3577b34da6a3ce929d0e0e47366-00f067aa0ba902b7-01",  // long trace id
      "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b-01",    // short parent id
      "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-1",    // short flags
      "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0g",   // non-hex flags
      "00_4bf92f3577b34da6a3ce929d0e0e4736_00f067aa0ba902b7_01",   // wrong separators
      "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-",  // trailing data for version 00
      " 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",  // leading space
      "00-4bf92f3577b34da6a3ce929d0e0e473z-00f067aa0ba902b7-01",   // non-hex trace id
  };
  for (const char* header : malformed) {
    INFO(header);
    CHECK_FALSE(parse_traceparent(header));
  }
}

TEST_CASE("a valid incoming trace is continued with a new parent id", "[trace]") {
  Request request;
  request.headers.add("traceparent", kValid);
  const TraceContext first = continue_trace(request);
  const TraceContext second = continue_trace(request);
  CHECK(first.trace_id == "4bf92f3577b34da6a3ce929d0e0e4736");
  CHECK(first.flags == "01");
  CHECK(is_lower_hex(first.parent_id, 16));
  CHECK(first.parent_id != "00f067aa0ba902b7");
  CHECK(first.parent_id != second.parent_id);
  CHECK(parse_traceparent(format_traceparent(first)));
}

TEST_CASE("a fresh trace starts when the header is absent or invalid", "[trace]") {
  Request absent;
  Request invalid;
  invalid.headers.add("traceparent", "00-00000000000000000000000000000000-00f067aa0ba902b7-01");
  for (const Request* request : {&absent, &invalid}) {
    const TraceContext fresh = continue_trace(*request);
    CHECK(is_lower_hex(fresh.trace_id, 32));
    CHECK(is_lower_hex(fresh.parent_id, 16));
    CHECK(fresh.flags == "00");
    CHECK(parse_traceparent(format_traceparent(fresh)));
  }
  CHECK(continue_trace(absent).trace_id != continue_trace(absent).trace_id);
}

}  // namespace
}  // namespace parley::http
