// Error codes as text and the factories that keep messages and details consistent.
#include "parley/core/error.hpp"

#include <utility>

namespace parley::core {

namespace {

// "<field> <reason>" reads well on its own ("email is already taken"); details keep them apart.
Error field_error(ErrorCode code, std::string field, std::string reason) {
  Error error;
  error.code = code;
  if (field.empty()) {
    error.message = std::move(reason);
    return error;
  }
  error.message = field + " " + reason;
  error.details.emplace(std::move(field), std::move(reason));
  return error;
}

Error plain_error(ErrorCode code, std::string message) {
  Error error;
  error.code = code;
  error.message = std::move(message);
  return error;
}

}  // namespace

std::string_view to_string(ErrorCode code) noexcept {
  switch (code) {
    case ErrorCode::invalid_input:
      return "invalid_input";
    case ErrorCode::unauthorized:
      return "unauthorized";
    case ErrorCode::forbidden:
      return "forbidden";
    case ErrorCode::not_found:
      return "not_found";
    case ErrorCode::conflict:
      return "conflict";
    case ErrorCode::rate_limited:
      return "rate_limited";
    case ErrorCode::unavailable:
      return "unavailable";
    case ErrorCode::internal:
      return "internal";
  }
  return "internal";
}

Error Error::invalid(std::string field, std::string reason) {
  return field_error(ErrorCode::invalid_input, std::move(field), std::move(reason));
}

Error Error::unauthorized(std::string message) {
  return plain_error(ErrorCode::unauthorized, std::move(message));
}

Error Error::forbidden(std::string message) {
  return plain_error(ErrorCode::forbidden, std::move(message));
}

Error Error::not_found(std::string message) {
  return plain_error(ErrorCode::not_found, std::move(message));
}

Error Error::conflict(std::string field, std::string reason) {
  return field_error(ErrorCode::conflict, std::move(field), std::move(reason));
}

Error Error::unavailable(std::string message) {
  return plain_error(ErrorCode::unavailable, std::move(message));
}

Error Error::internal(std::string message) {
  return plain_error(ErrorCode::internal, std::move(message));
}

}  // namespace parley::core
