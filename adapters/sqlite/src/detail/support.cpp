// Shared plumbing of the SQLite adapters.
#include "detail/support.hpp"

#include <algorithm>
#include <limits>

#include <soci/sqlite3/soci-sqlite3.h>

namespace parley::sqlite::detail {
namespace {

constexpr const char* kBeginImmediate = "BEGIN IMMEDIATE";
constexpr const char* kCommit = "COMMIT";
constexpr const char* kRollback = "ROLLBACK";

sqlite_api::sqlite3* native_handle(soci::session& session) {
  // The session was opened with the sqlite3 backend factory, so this is its backend type.
  auto* backend = static_cast<soci::sqlite3_session_backend*>(session.get_backend());
  if (backend == nullptr || backend->conn_ == nullptr) throw UnavailableError("connection is not open");
  return backend->conn_;
}

bool contains(std::string_view text, std::string_view part) {
  return text.find(part) != std::string_view::npos;
}

// The column (or index) named by "UNIQUE constraint failed: users.email" or
// "UNIQUE constraint failed: index 'users_username_lower_key'".
std::string conflicting_field(std::string_view message) {
  if (contains(message, "users_username_lower_key") || contains(message, "users.username")) return "username";
  constexpr std::string_view kMarker = "UNIQUE constraint failed: ";
  const auto start = message.find(kMarker);
  if (start == std::string_view::npos) return "id";
  auto target = message.substr(start + kMarker.size());
  target = target.substr(0, target.find_first_of(" ,\n"));
  const auto dot = target.find('.');
  return dot == std::string_view::npos ? std::string("id") : std::string(target.substr(dot + 1));
}

bool is_unavailable_code(int primary_code) {
  switch (primary_code) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_NOMEM:
    case SQLITE_READONLY:
    case SQLITE_IOERR:
    case SQLITE_FULL:
    case SQLITE_CANTOPEN:
    case SQLITE_PROTOCOL:
    case SQLITE_NOTADB:
    case SQLITE_CORRUPT:
      return true;
    default:
      return false;
  }
}

int primary_code(const std::exception& error) {
  if (const auto* sqlite_error = dynamic_cast<const soci::sqlite3_soci_error*>(&error)) {
    return sqlite_error->result() & 0xff;  // extended codes keep the primary one in the low byte
  }
  return -1;
}

}  // namespace

Lease::Lease(Database& database) : database_(database), pool_(database.pool()) {
  const auto timeout = std::clamp<std::chrono::milliseconds::rep>(database.config().busy_timeout.count(), 0,
                                                                  std::numeric_limits<int>::max());
  // A first try that does not wait tells a wait apart for the pool statistics.
  if (!pool_.try_lease(position_, 0)) {
    database_.note_wait_started();
    const auto started = std::chrono::steady_clock::now();
    const bool leased = pool_.try_lease(position_, static_cast<int>(timeout));
    database_.note_wait_ended(std::chrono::steady_clock::now() - started);
    if (!leased) throw UnavailableError("no free database connection");
  }
  database_.note_borrowed();
  session_ = &pool_.at(position_);
}

Lease::~Lease() {
  // A connection goes back to the pool outside any transaction, whatever happened.
  if (in_transaction(*session_)) {
    try {
      *session_ << kRollback;
    } catch (const std::exception&) {  // NOLINT(bugprone-empty-catch): nothing better to do here
    }
  }
  pool_.give_back(position_);
  database_.note_returned();
}

WriteTransaction::WriteTransaction(soci::session& session) : session_(session) {
  session_ << kBeginImmediate;
}

WriteTransaction::~WriteTransaction() {
  if (done_) return;
  try {
    session_ << kRollback;
  } catch (const std::exception&) {  // NOLINT(bugprone-empty-catch): Lease retries before reuse
  }
}

void WriteTransaction::commit() {
  session_ << kCommit;
  done_ = true;
}

void execute_script(soci::session& session, std::string_view script) {
  const std::string text(script);
  char* message = nullptr;
  const int result =
      sqlite_api::sqlite3_exec(native_handle(session), text.c_str(), nullptr, nullptr, &message);
  if (result != SQLITE_OK) {
    std::string reason = message != nullptr ? message : "unknown error";
    sqlite_api::sqlite3_free(message);
    throw soci::sqlite3_soci_error(reason, result);
  }
}

void set_busy_timeout(soci::session& session, std::chrono::milliseconds timeout) {
  const auto millis =
      std::clamp<std::chrono::milliseconds::rep>(timeout.count(), 0, std::numeric_limits<int>::max());
  const int result = sqlite_api::sqlite3_busy_timeout(native_handle(session), static_cast<int>(millis));
  if (result != SQLITE_OK) throw soci::sqlite3_soci_error("cannot set the busy timeout", result);
}

bool in_transaction(soci::session& session) noexcept {
  auto* backend = static_cast<soci::sqlite3_session_backend*>(session.get_backend());
  return backend != nullptr && backend->conn_ != nullptr &&
         sqlite_api::sqlite3_get_autocommit(backend->conn_) == 0;
}

std::string json_array(std::span<const std::string> values) {
  std::string json = "[";
  for (const auto& value : values) {
    if (json.size() > 1) json += ',';
    json += '"';
    json += value;
    json += '"';
  }
  json += ']';
  return json;
}

std::string describe(const std::exception& error) {
  if (const auto* soci_error = dynamic_cast<const soci::soci_error*>(&error)) {
    return soci_error->get_error_message();
  }
  return error.what();
}

bool is_foreign_key_violation(const std::exception& error) {
  return contains(describe(error), "FOREIGN KEY constraint failed");
}

core::Error translate(const std::exception& error, std::string_view foreign_key_message) {
  const std::string message = describe(error);
  if (dynamic_cast<const UnavailableError*>(&error) != nullptr) {
    return core::Error::unavailable("sqlite: " + message);
  }
  const int code = primary_code(error);
  if (contains(message, "UNIQUE constraint failed")) {
    return core::Error::conflict(conflicting_field(message), "is already taken");
  }
  if (contains(message, "FOREIGN KEY constraint failed")) {
    return core::Error::not_found(std::string(foreign_key_message));
  }
  if (is_unavailable_code(code) || contains(message, "database is locked") || contains(message, "is busy") ||
      contains(message, "unable to open database") || contains(message, "disk I/O error")) {
    return core::Error::unavailable("sqlite: " + message);
  }
  if (const auto* soci_error = dynamic_cast<const soci::soci_error*>(&error);
      soci_error != nullptr && soci_error->get_error_category() == soci::soci_error::connection_error) {
    return core::Error::unavailable("sqlite: " + message);
  }
  return core::Error::internal("sqlite: " + message);
}

}  // namespace parley::sqlite::detail
