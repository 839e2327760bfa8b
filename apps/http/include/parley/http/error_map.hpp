// The one place where errors become HTTP statuses and the error envelope.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "parley/core/error.hpp"
#include "parley/http/message.hpp"

namespace parley::http {

struct WireError {
  unsigned status = 500;
  std::string_view code;  // e.g. "INVALID_INPUT"
};

[[nodiscard]] WireError wire_error(core::ErrorCode code) noexcept;

using ErrorDetails = std::map<std::string, std::string, std::less<>>;

// What a client may be told of `error`: for `internal` a generic message, the real one logged
// with the request id; for `unavailable` the same at warn level; else the error's message, or
// its code's default when it has none. Every renderer of errors (the native envelope here, the
// frontends' own formats) takes its message from this, so nothing internal leaks from any.
[[nodiscard]] std::string public_message(const core::Error& error, std::string_view request_id);

// A domain error as a response. `internal` answers a generic message and logs the real one
// with the request id; `unavailable` does the same at warn level. Adds WWW-Authenticate to 401s.
[[nodiscard]] Response error_response(const core::Error& error, std::string_view request_id);

// Errors of the HTTP layer itself, which have no core code (405, 413, 415, 431).
[[nodiscard]] Response protocol_error(unsigned status, std::string_view code, std::string_view message,
                                      std::string_view request_id, const ErrorDetails& details = {});

}  // namespace parley::http
