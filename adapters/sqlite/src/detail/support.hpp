// What every SQLite adapter in this library shares: borrowing a pooled session, write
// transactions, time and id conversions, and turning exceptions into core::Error.
#pragma once

#include <chrono>
#include <cstddef>
#include <exception>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>

#include <soci/soci.h>

#include "parley/core/error.hpp"
#include "parley/core/result.hpp"
#include "parley/core/time.hpp"
#include "parley/core/uuid.hpp"
#include "parley/sqlite/database.hpp"

namespace parley::sqlite::detail {

// Thrown inside this library for conditions that mean "try again later"; never escapes it.
class UnavailableError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A pooled session borrowed for one port call and given back on scope exit. Waits at most
// the configured busy timeout for a free connection (UnavailableError otherwise).
class Lease {
 public:
  explicit Lease(Database& database);
  ~Lease();
  Lease(const Lease&) = delete;
  Lease& operator=(const Lease&) = delete;
  Lease(Lease&&) = delete;
  Lease& operator=(Lease&&) = delete;

  soci::session& session() noexcept { return *session_; }

 private:
  Database& database_;
  soci::connection_pool& pool_;
  std::size_t position_ = 0;
  soci::session* session_ = nullptr;
};

// BEGIN IMMEDIATE takes the write lock up front: a transaction that reads and then writes
// cannot be refused half-way (SQLITE_BUSY without waiting, as a deferred one can in WAL mode),
// and concurrent writers queue on the busy timeout instead. Rolls back unless committed.
class WriteTransaction {
 public:
  explicit WriteTransaction(soci::session& session);
  ~WriteTransaction();
  WriteTransaction(const WriteTransaction&) = delete;
  WriteTransaction& operator=(const WriteTransaction&) = delete;
  WriteTransaction(WriteTransaction&&) = delete;
  WriteTransaction& operator=(WriteTransaction&&) = delete;

  void commit();

 private:
  soci::session& session_;
  bool done_ = false;
};

// Runs a script of several statements (soci runs only the first statement of a query).
void execute_script(soci::session& session, std::string_view script);
// Sets how long this connection waits on another's lock; PRAGMA would need the value in the SQL.
void set_busy_timeout(soci::session& session, std::chrono::milliseconds timeout);
// True while the connection is inside a transaction (not in autocommit mode).
bool in_transaction(soci::session& session) noexcept;

inline long long to_millis(core::Timestamp t) noexcept {
  return static_cast<long long>(t.time_since_epoch().count());
}
inline core::Timestamp from_millis(long long millis) noexcept {
  return core::Timestamp(std::chrono::milliseconds(millis));
}

// Ids read back from storage; internal when a stored id is not a UUID.
template <class Id>
core::Result<Id> parse_stored_id(const std::string& text) {
  if (auto id = Id::parse(text)) return *id;
  return core::Error::internal("sqlite: stored id is not a UUID");
}

// A JSON array of strings, for `IN (SELECT value FROM json_each(:ids))`: one bound parameter
// for a list of any length. The strings must need no escaping (ids, which are UUID text).
std::string json_array(std::span<const std::string> values);

// The message without soci's context, which quotes bound values (hashes, emails).
std::string describe(const std::exception& error);

// unavailable for busy, locked, I/O and connection failures; conflict naming the column for
// UNIQUE violations (username for the case-insensitive index); not_found(foreign_key_message)
// for foreign-key failures; internal for everything else.
core::Error translate(const std::exception& error, std::string_view foreign_key_message = "not found");
bool is_foreign_key_violation(const std::exception& error);

// Runs one port call: no exception escapes it.
template <class Body>
auto guarded(Body&& body) -> decltype(body()) {
  try {
    return body();
  } catch (const std::exception& error) {
    return translate(error);
  } catch (...) {
    return core::Error::internal("sqlite: unknown exception");
  }
}

}  // namespace parley::sqlite::detail
