// Error codes and factories.
#include "parley/core/error.hpp"

#include <catch2/catch.hpp>

#include "parley/core/result.hpp"

using parley::core::Error;
using parley::core::ErrorCode;

TEST_CASE("error codes have stable snake_case names", "[error]") {
  CHECK(to_string(ErrorCode::invalid_input) == "invalid_input");
  CHECK(to_string(ErrorCode::unauthorized) == "unauthorized");
  CHECK(to_string(ErrorCode::forbidden) == "forbidden");
  CHECK(to_string(ErrorCode::not_found) == "not_found");
  CHECK(to_string(ErrorCode::conflict) == "conflict");
  CHECK(to_string(ErrorCode::rate_limited) == "rate_limited");
  CHECK(to_string(ErrorCode::unavailable) == "unavailable");
  CHECK(to_string(ErrorCode::internal) == "internal");
}

TEST_CASE("field errors name the field in details and message", "[error]") {
  const auto invalid = Error::invalid("email", "is required");
  CHECK(invalid.code == ErrorCode::invalid_input);
  CHECK(invalid.message == "email is required");
  REQUIRE(invalid.details.size() == 1);
  CHECK(invalid.details.at("email") == "is required");

  const auto conflict = Error::conflict("username", "is already taken");
  CHECK(conflict.code == ErrorCode::conflict);
  CHECK(conflict.message == "username is already taken");
  CHECK(conflict.details.at("username") == "is already taken");
}

TEST_CASE("a field error without a field has no details", "[error]") {
  const auto conflict = Error::conflict("", "the post changed meanwhile");
  CHECK(conflict.code == ErrorCode::conflict);
  CHECK(conflict.message == "the post changed meanwhile");
  CHECK(conflict.details.empty());
}

TEST_CASE("plain errors carry their code and message only", "[error]") {
  const Error errors[] = {Error::unauthorized("a"), Error::forbidden("b"), Error::not_found("c"),
                          Error::unavailable("d"), Error::internal("e")};
  const ErrorCode codes[] = {ErrorCode::unauthorized, ErrorCode::forbidden, ErrorCode::not_found,
                             ErrorCode::unavailable, ErrorCode::internal};
  const char* messages[] = {"a", "b", "c", "d", "e"};
  for (std::size_t i = 0; i < 5; ++i) {
    CHECK(errors[i].code == codes[i]);
    CHECK(errors[i].message == messages[i]);
    CHECK(errors[i].details.empty());
  }
}

TEST_CASE("Result holds either a value or an error", "[error]") {
  parley::core::Result<int> value = 42;
  REQUIRE(value.ok());
  CHECK(*value == 42);
  parley::core::Result<int> error = Error::not_found("gone");
  REQUIRE_FALSE(error.ok());
  CHECK(error.error().code == ErrorCode::not_found);
  parley::core::Status status;
  CHECK(status.ok());
  parley::core::Status failed = Error::internal("boom");
  CHECK_FALSE(failed.ok());
  CHECK(failed.error().message == "boom");
}
