// What every PostgreSQL adapter in this library shares: running a port call on a pooled
// connection, time and id conversions, and turning exceptions into core::Error.
#pragma once

#include <chrono>
#include <cstdint>
#include <exception>
#include <span>
#include <string>
#include <type_traits>

#include "parley/core/error.hpp"
#include "parley/core/result.hpp"
#include "parley/core/time.hpp"
#include "parley/core/uuid.hpp"
#include "parley/postgres/database.hpp"

#include "detail/connection.hpp"

namespace parley::postgres::detail {

// Timestamps go to the server as RFC 3339 text ("2026-01-01T00:00:00.123Z"), which it parses
// into timestamptz exactly, and come back as milliseconds since the epoch through the schema's
// epoch_millis(), so no time zone setting or float rounding is involved either way.
inline std::string to_param(core::Timestamp t) {
  return core::to_rfc3339(t);
}
inline core::Timestamp from_millis(std::int64_t millis) noexcept {
  return core::Timestamp(std::chrono::milliseconds(millis));
}
inline std::string to_param(bool flag) {
  return flag ? "true" : "false";
}

// A PostgreSQL array literal ({"a","b"}) of `values`, each quoted, '"' and backslash escaped, for
// `= ANY(CAST(:ids AS uuid[]))` or `unnest(CAST(:tags AS text[]))`: one bound parameter for a
// list of any length, read as plain values whatever they hold.
std::string array_literal(std::span<const std::string> values);

// Ids read back from storage; internal when a stored id is not a UUID.
template <class Id>
core::Result<Id> parse_stored_id(const std::string& text) {
  if (auto id = Id::parse(text)) return *id;
  return core::Error::internal("postgres: stored id is not a UUID");
}

// The server's message, first line only: the DETAIL lines and SOCI's context quote the bound
// values (emails, hashes), which must not reach logs or clients.
std::string describe(const std::exception& error);

// conflict naming the field for unique violations (23505); not_found naming what is missing for
// foreign-key violations (23503); unavailable for connection failures (class 08, the server
// shutting down or refusing connections: 57P01-57P03, resources: class 53) and for transient
// failures worth retrying (serialization failure, deadlock, lock or statement timeout);
// internal for everything else.
core::Error translate(const std::exception& error);

// What a port call does, which decides whether it may run again after its connection broke.
enum class Access {
  read,   // changes nothing: run once more on a new connection, transparently
  write,  // the server may have applied it before the connection dropped: reported unavailable
};

// Runs one port call on a borrowed connection: no exception escapes it. A call whose
// connection broke is reported as unavailable (writes) or retried once on a new connection
// (reads); either way the pool opens a new connection for the next call.
template <class Body>
auto run(Database& database, Access access, Body&& body) -> std::invoke_result_t<Body&, Connection&> {
  try {
    Lease lease(database.pool());
    try {
      return body(lease.connection());
    } catch (const std::exception& error) {
      if (lease.connection().is_open()) throw;  // the server answered: translate its error
      database.pool().report_broken();
      if (access == Access::write)
        return core::Error::unavailable("postgres: connection lost: " + describe(error));
      database.pool().reopen(lease.connection());
      return body(lease.connection());
    }
  } catch (const std::exception& error) {
    return translate(error);
  } catch (...) {
    return core::Error::internal("postgres: unknown exception");
  }
}

}  // namespace parley::postgres::detail
