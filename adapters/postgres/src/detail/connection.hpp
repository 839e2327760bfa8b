// The plumbing under every PostgreSQL adapter: a connection that can be opened again after it
// breaks, the statements prepared on it, and the pool that lends connections out.
//
// Statements are prepared once per connection and reused: the first call that needs one on a
// connection prepares it on the server (PQprepare, through SOCI's "repeatable" statements) and
// binds a text slot to each parameter and result column; later calls only refill the slots and
// execute, skipping parse and plan. Each pooled connection keeps its own statements, because
// prepared statements live in the server session; they are dropped with it when the connection
// is opened again. (SOCI's one-shot `session << ...` would instead re-parse and re-plan the
// text on every call, and a soci::statement prepared per call would add a PREPARE and a
// DEALLOCATE round trip to each.)
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <soci/soci.h>

namespace parley::postgres::detail {

// Thrown inside this library when the server cannot be reached; never escapes it.
class UnavailableError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The value of one :name placeholder in PostgreSQL's text form; nullopt binds NULL. The server
// infers each parameter's type from where it appears and parses the text as that type, so a
// value is never part of the SQL text.
struct Param {
  std::string_view name;
  std::optional<std::string> value;
};

// One statement prepared on one connection, with its parameter and column slots bound once.
// Placeholders are SOCI's :name form (SOCI rewrites them to $1, $2...; a name used twice is
// bound once); every column is read as text.
class PreparedStatement {
 public:
  PreparedStatement(soci::session& session, std::string_view sql);
  ~PreparedStatement();
  PreparedStatement(const PreparedStatement&) = delete;
  PreparedStatement& operator=(const PreparedStatement&) = delete;
  PreparedStatement(PreparedStatement&&) = delete;
  PreparedStatement& operator=(PreparedStatement&&) = delete;

  // Runs the statement, each placeholder named exactly once in `params` (std::logic_error
  // otherwise); the rows are then read with next().
  void execute(std::initializer_list<Param> params);
  // The same for a list of parameters put together at run time (a query built from fixed
  // fragments by which filters it has).
  void execute(std::span<const Param> params);
  // Moves to the next row of the last execution; false when there is none left.
  bool next();
  // Rows changed by the last execution of an INSERT, UPDATE or DELETE.
  [[nodiscard]] long long affected_rows();

  // The columns of the current row. text() and the conversions throw std::logic_error for a
  // NULL or a value of another type: a mismatch between a query and its reader is a bug.
  [[nodiscard]] bool is_null(std::size_t column) const;
  [[nodiscard]] const std::string& text(std::size_t column) const;
  [[nodiscard]] std::int64_t int64(std::size_t column) const;
  [[nodiscard]] bool boolean(std::size_t column) const;

  // The server dropped this statement with its session: skip SOCI's DEALLOCATE on destruction.
  void forget_server_statement() noexcept;

 private:
  std::vector<std::string> names_;  // distinct placeholder names, in order of first use
  std::vector<std::string> values_;
  std::vector<soci::indicator> value_indicators_;
  std::vector<std::string> columns_;
  std::vector<soci::indicator> column_indicators_;
  soci::statement statement_;
};

// One server session, used by one thread at a time (the one holding its Lease).
class Connection {
 public:
  // statement_timeout: the session's limit on any one statement (0: none), set on every open.
  Connection(std::string conninfo, std::chrono::milliseconds statement_timeout);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;
  Connection(Connection&&) = delete;
  Connection& operator=(Connection&&) = delete;

  // Opens the session, or opens a new one in place of a broken one, forgetting every prepared
  // statement. UnavailableError, with libpq's reason, when the server cannot be reached.
  void open();
  // False before open() succeeded and once libpq has seen the connection break.
  [[nodiscard]] bool is_open() const noexcept;
  // A round trip to the server; on failure the connection is closed and false returned.
  bool check() noexcept;

  // `sql` must outlive the connection (a named constant): it keys the prepared statements.
  PreparedStatement& prepared(std::string_view sql);
  // A statement without parameters or results (BEGIN, COMMIT), sent as simple text.
  void execute(const char* command);
  // Several statements in one round trip (a migration file). Placeholders are not rewritten.
  void execute_script(std::string_view script);
  // The server process serving this session, 0 when closed.
  [[nodiscard]] int backend_pid() const noexcept;

  // Ends a port call: rolls back a transaction left open, closing the connection if even that
  // fails, so the next borrower starts clean.
  void finish_call() noexcept;

  // How long since the connection was opened or last given back.
  [[nodiscard]] std::chrono::steady_clock::duration idle_time() const noexcept;
  [[nodiscard]] std::uint64_t checked_epoch() const noexcept { return checked_epoch_; }
  void set_checked_epoch(std::uint64_t epoch) noexcept { checked_epoch_ = epoch; }

 private:
  void close() noexcept;

  std::string conninfo_;
  std::string session_settings_;  // the SET statements every opened session starts with
  std::unique_ptr<soci::session> session_;
  std::unordered_map<std::string_view, std::unique_ptr<PreparedStatement>> statements_;
  std::uint64_t checked_epoch_ = 0;
  std::chrono::steady_clock::time_point last_used_;
};

// A fixed set of connections lent out one call at a time.
class ConnectionPool {
 public:
  ConnectionPool(const std::string& conninfo, std::size_t size, std::chrono::milliseconds acquire_timeout,
                 std::chrono::milliseconds statement_timeout);
  ~ConnectionPool();
  ConnectionPool(const ConnectionPool&) = delete;
  ConnectionPool& operator=(const ConnectionPool&) = delete;
  ConnectionPool(ConnectionPool&&) = delete;
  ConnectionPool& operator=(ConnectionPool&&) = delete;

  // Opens every connection (UnavailableError when one cannot be opened).
  void open_all();
  // Waits up to the acquire timeout for a free connection and makes it usable: opened again
  // when broken, checked first when another connection was found broken since its last use.
  // UnavailableError when none is free in time or the server cannot be reached.
  Connection& acquire();
  void release(Connection& connection) noexcept;
  // A connection was found broken: the server may have restarted or dropped every session, so
  // every other connection is checked with a round trip before its next use. That way a
  // restart costs at most one failed write, not one per pooled connection.
  void report_broken() noexcept;
  // Opens a borrowed connection again after it broke.
  void reopen(Connection& connection);

  // For the pool statistics: connections lent out, waits for one and the time spent waiting.
  [[nodiscard]] std::size_t size() const noexcept { return connections_.size(); }
  [[nodiscard]] std::size_t in_use();
  [[nodiscard]] std::uint64_t waits() const noexcept { return waits_.load(std::memory_order_relaxed); }
  [[nodiscard]] std::uint64_t wait_nanoseconds() const noexcept {
    return wait_nanoseconds_.load(std::memory_order_relaxed);
  }

 private:
  void make_usable(Connection& connection);

  std::chrono::milliseconds acquire_timeout_;
  std::vector<std::unique_ptr<Connection>> connections_;
  std::mutex mutex_;
  std::condition_variable released_;
  std::vector<Connection*> idle_;
  std::atomic<std::uint64_t> broken_epoch_{0};
  std::atomic<std::uint64_t> waits_{0};
  std::atomic<std::uint64_t> wait_nanoseconds_{0};
};

// A pooled connection borrowed for one port call and given back, clean, on scope exit.
class Lease {
 public:
  explicit Lease(ConnectionPool& pool) : pool_(pool), connection_(pool.acquire()) {}
  ~Lease() {
    connection_.finish_call();
    pool_.release(connection_);
  }
  Lease(const Lease&) = delete;
  Lease& operator=(const Lease&) = delete;
  Lease(Lease&&) = delete;
  Lease& operator=(Lease&&) = delete;

  [[nodiscard]] Connection& connection() noexcept { return connection_; }

 private:
  ConnectionPool& pool_;
  Connection& connection_;
};

// BEGIN on construction; rolls back unless committed.
class Transaction {
 public:
  explicit Transaction(Connection& connection);
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  Transaction(Transaction&&) = delete;
  Transaction& operator=(Transaction&&) = delete;

  void commit();

 private:
  Connection& connection_;
  bool done_ = false;
};

}  // namespace parley::postgres::detail
