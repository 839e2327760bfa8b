// The closed set of errors that crosses every port and service boundary.
#pragma once

#include <map>
#include <string>
#include <string_view>

namespace parley::core {

enum class ErrorCode {
  invalid_input,  // the caller sent something malformed; details name the fields
  unauthorized,   // no, bad, expired or revoked credentials
  forbidden,      // authenticated, but the rules do not allow it
  not_found,      // absent, or hidden from this caller (drafts)
  conflict,       // a uniqueness rule or a concurrent change
  rate_limited,   // too many requests
  unavailable,    // a backing service (database, cache) cannot be reached
  internal,       // a bug or an unexpected state; never carries internals to clients
};

std::string_view to_string(ErrorCode code) noexcept;

struct Error {
  ErrorCode code = ErrorCode::internal;
  std::string message;
  // field -> reason, e.g. {"email": "is already taken"}; empty when no field is at fault.
  std::map<std::string, std::string, std::less<>> details;

  static Error invalid(std::string field, std::string reason);
  static Error unauthorized(std::string message);
  static Error forbidden(std::string message);
  static Error not_found(std::string message);
  static Error conflict(std::string field, std::string reason);
  static Error unavailable(std::string message);
  static Error internal(std::string message);

  friend bool operator==(const Error&, const Error&) = default;
};

}  // namespace parley::core
