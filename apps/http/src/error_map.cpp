// Maps core::ErrorCode to HTTP and renders the error envelope; nothing internal reaches clients.
#include "parley/http/error_map.hpp"

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include "parley/http/log.hpp"

namespace parley::http {

namespace {

constexpr std::string_view kInternalMessage = "internal error";
constexpr std::string_view kUnavailableMessage = "service temporarily unavailable";

std::string_view default_message(core::ErrorCode code) noexcept {
  switch (code) {
    case core::ErrorCode::invalid_input:
      return "invalid input";
    case core::ErrorCode::unauthorized:
      return "authentication required";
    case core::ErrorCode::forbidden:
      return "forbidden";
    case core::ErrorCode::not_found:
      return "not found";
    case core::ErrorCode::conflict:
      return "conflict";
    case core::ErrorCode::rate_limited:
      return "too many requests";
    case core::ErrorCode::unavailable:
      return kUnavailableMessage;
    case core::ErrorCode::internal:
      return kInternalMessage;
  }
  return kInternalMessage;
}

template <class Details>
Response envelope(unsigned status, std::string_view code, std::string_view message, const Details& details,
                  std::string_view request_id) {
  boost::json::object detail_object;
  for (const auto& [field, reason] : details)
    detail_object[field] = reason;
  boost::json::object error;
  error["code"] = code;
  error["message"] = message;
  error["details"] = std::move(detail_object);
  error["trace_id"] = request_id;
  boost::json::object body;
  body["status"] = "error";
  body["error"] = std::move(error);

  Response response;
  response.status = status;
  response.body = boost::json::serialize(body);
  if (status == 401) response.headers.set("WWW-Authenticate", "Bearer");
  // A dependency that is down or load being shed: worth retrying soon, not in a tight loop.
  if (status == 503) response.headers.set("Retry-After", "1");
  return response;
}

}  // namespace

WireError wire_error(core::ErrorCode code) noexcept {
  switch (code) {
    case core::ErrorCode::invalid_input:
      return {400, "INVALID_INPUT"};
    case core::ErrorCode::unauthorized:
      return {401, "UNAUTHORIZED"};
    case core::ErrorCode::forbidden:
      return {403, "FORBIDDEN"};
    case core::ErrorCode::not_found:
      return {404, "NOT_FOUND"};
    case core::ErrorCode::conflict:
      return {409, "CONFLICT"};
    case core::ErrorCode::rate_limited:
      return {429, "RATE_LIMITED"};
    case core::ErrorCode::unavailable:
      return {503, "UNAVAILABLE"};
    case core::ErrorCode::internal:
      return {500, "INTERNAL"};
  }
  return {500, "INTERNAL"};
}

std::string public_message(const core::Error& error, std::string_view request_id) {
  if (error.code == core::ErrorCode::internal) {
    log_event(LogLevel::error, "internal error", {{"request_id", request_id}, {"error", error.message}});
    return std::string(kInternalMessage);
  }
  if (error.code == core::ErrorCode::unavailable) {
    log_event(LogLevel::warn, "dependency unavailable",
              {{"request_id", request_id}, {"error", error.message}});
    return std::string(kUnavailableMessage);
  }
  return std::string(error.message.empty() ? default_message(error.code) : std::string_view(error.message));
}

Response error_response(const core::Error& error, std::string_view request_id) {
  const WireError wire = wire_error(error.code);
  const std::string message = public_message(error, request_id);
  if (error.code == core::ErrorCode::internal) {
    return envelope(wire.status, wire.code, message, ErrorDetails{}, request_id);
  }
  return envelope(wire.status, wire.code, message, error.details, request_id);
}

Response protocol_error(unsigned status, std::string_view code, std::string_view message,
                        std::string_view request_id, const ErrorDetails& details) {
  return envelope(status, code, message, details, request_id);
}

}  // namespace parley::http
