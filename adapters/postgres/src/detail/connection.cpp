// Connections, prepared statements and the pool of the PostgreSQL adapters.
#include "detail/connection.hpp"

#include <algorithm>
#include <charconv>
#include <system_error>
#include <utility>

#include <soci/postgresql/soci-postgresql.h>

namespace parley::postgres::detail {
namespace {

using namespace std::chrono_literals;

// A connection unused for this long may have been dropped by the server (idle_session_timeout)
// or by something in between (a proxy, a NAT table): it is checked before its next use.
constexpr auto kIdleCheckAfter = 30s;

constexpr const char* kRollback = "ROLLBACK";

struct ResultDeleter {
  void operator()(PGresult* result) const noexcept { PQclear(result); }
};
using ResultPtr = std::unique_ptr<PGresult, ResultDeleter>;

PGconn* native_connection(soci::session& session) noexcept {
  // Every session of this library is opened with the postgresql backend factory.
  auto* backend = static_cast<soci::postgresql_session_backend*>(session.get_backend());
  return backend == nullptr ? nullptr : backend->conn_;
}

// libpq's multi-line messages ("...failed: Connection refused\n\tIs the server running...")
// as one line.
std::string one_line(std::string_view text) {
  std::string line;
  line.reserve(text.size());
  bool pending_space = false;
  for (const char c : text) {
    if (c == '\n' || c == '\t' || c == '\r' || c == ' ') {
      pending_space = !line.empty();
      continue;
    }
    if (pending_space) line.push_back(' ');
    pending_space = false;
    line.push_back(c);
  }
  return line;
}

// The failure of a libpq call made outside SOCI, as the error SOCI itself would throw, so one
// translation serves both. Without a SQLSTATE (a client-side failure) a broken connection is
// reported as 08006 connection_failure.
[[noreturn]] void throw_failure(PGconn* connection, const PGresult* result, std::string_view what) {
  std::string message(what);
  message += ": ";
  message += result != nullptr ? PQresultErrorMessage(result) : PQerrorMessage(connection);
  const char* state = result != nullptr ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  if (state == nullptr) state = PQstatus(connection) == CONNECTION_OK ? "XX000" : "08006";
  throw soci::postgresql_soci_error(message, state);
}

// libpq's default notice processor prints server notices (advice, not failures: a search made
// only of stop words "is ignored") and errors that arrive while no query runs (such as "FATAL:
// terminating connection due to administrator command" when the server restarts) as raw text
// on stderr, which would break the JSON log stream. The adapter already learns of a lost
// connection from the next call on it and reports it then.
void ignore_notice(void* /*context*/, const char* /*message*/) noexcept {}

}  // namespace

// ---- PreparedStatement -------------------------------------------------------------------

PreparedStatement::PreparedStatement(soci::session& session, std::string_view sql) : statement_(session) {
  statement_.alloc();
  statement_.prepare(std::string(sql), soci::details::st_repeatable_query);
  auto* backend = static_cast<soci::postgresql_statement_backend*>(statement_.get_backend());
  for (const auto& name : backend->names_) {
    if (std::find(names_.begin(), names_.end(), name) == names_.end()) names_.push_back(name);
  }
  // The server knows the result's shape once the statement is prepared.
  PGconn* connection = native_connection(session);
  const ResultPtr description(PQdescribePrepared(connection, backend->statementName_.c_str()));
  if (PQresultStatus(description.get()) != PGRES_COMMAND_OK) {
    throw_failure(connection, description.get(), "cannot describe a prepared statement");
  }
  const auto column_count = static_cast<std::size_t>(std::max(PQnfields(description.get()), 0));

  // Sized once and never resized: SOCI keeps pointers to these elements.
  values_.resize(names_.size());
  value_indicators_.assign(names_.size(), soci::i_null);
  columns_.resize(column_count);
  column_indicators_.assign(column_count, soci::i_null);
  for (std::size_t i = 0; i < names_.size(); ++i) {
    statement_.exchange(soci::use(values_[i], value_indicators_[i], names_[i]));
  }
  for (std::size_t i = 0; i < column_count; ++i) {
    statement_.exchange(soci::into(columns_[i], column_indicators_[i]));
  }
  statement_.define_and_bind();
}

PreparedStatement::~PreparedStatement() = default;

void PreparedStatement::execute(std::initializer_list<Param> params) {
  execute(std::span<const Param>(params.begin(), params.size()));
}

void PreparedStatement::execute(std::span<const Param> params) {
  std::vector<bool> given(names_.size(), false);
  for (const auto& param : params) {
    const auto found = std::find(names_.begin(), names_.end(), param.name);
    if (found == names_.end())
      throw std::logic_error("statement has no parameter :" + std::string(param.name));
    const auto index = static_cast<std::size_t>(found - names_.begin());
    if (given[index]) throw std::logic_error("parameter :" + std::string(param.name) + " given twice");
    given[index] = true;
    if (param.value) {
      values_[index] = *param.value;
      value_indicators_[index] = soci::i_ok;
    } else {
      values_[index].clear();
      value_indicators_[index] = soci::i_null;
    }
  }
  for (std::size_t i = 0; i < names_.size(); ++i) {
    if (!given[i]) throw std::logic_error("parameter :" + names_[i] + " has no value");
  }
  try {
    statement_.execute(false);
  } catch (...) {
    // SOCI 4.0.3 frees the text copies of the parameters only after an execution succeeds:
    // the next execution would overwrite and leak them. Free them now; the binding stays.
    statement_.undefine_and_bind();
    throw;
  }
}

bool PreparedStatement::next() {
  if (columns_.empty()) return false;
  return statement_.fetch();
}

long long PreparedStatement::affected_rows() {
  return statement_.get_affected_rows();
}

bool PreparedStatement::is_null(std::size_t column) const {
  return column_indicators_.at(column) == soci::i_null;
}

const std::string& PreparedStatement::text(std::size_t column) const {
  if (is_null(column)) throw std::logic_error("column " + std::to_string(column) + " is NULL");
  return columns_[column];
}

std::int64_t PreparedStatement::int64(std::size_t column) const {
  const std::string& value = text(column);
  std::int64_t number = 0;
  const auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), number);
  if (error != std::errc() || end != value.data() + value.size()) {
    throw std::logic_error("column " + std::to_string(column) + " is not an integer");
  }
  return number;
}

bool PreparedStatement::boolean(std::size_t column) const {
  const std::string& value = text(column);
  if (value == "t") return true;
  if (value == "f") return false;
  throw std::logic_error("column " + std::to_string(column) + " is not a boolean");
}

void PreparedStatement::forget_server_statement() noexcept {
  if (auto* backend = static_cast<soci::postgresql_statement_backend*>(statement_.get_backend())) {
    backend->statementName_.clear();
  }
}

// ---- Connection --------------------------------------------------------------------------

Connection::Connection(std::string conninfo, std::chrono::milliseconds statement_timeout)
    : conninfo_(std::move(conninfo)), last_used_(std::chrono::steady_clock::now()) {
  // Every statement runs on its generic plan, the one the statements were written and
  // EXPLAINed for (V003's header): the feed's page is an index scan of posts_created_at_id_idx
  // at any OFFSET. Left to choose (plan_cache_mode=auto), PostgreSQL kept re-planning the page
  // per execution once the table was analyzed (3-4 ms of planning each), and for deep OFFSETs
  // chose a sequential scan with an on-disk sort of every post (25-55 ms at 5 000 posts;
  // docs/performance.md, round 3).
  session_settings_ = "SET plan_cache_mode = force_generic_plan";
  // Set in the session rather than through libpq's `options`, which connection poolers such as
  // PgBouncer refuse at startup.
  if (statement_timeout.count() > 0) {
    session_settings_ += "; SET statement_timeout = " + std::to_string(statement_timeout.count());
  }
}

Connection::~Connection() {
  close();
}

void Connection::open() {
  close();
  try {
    session_ = std::make_unique<soci::session>(soci::postgresql, conninfo_);
  } catch (const soci::soci_error& error) {
    throw UnavailableError("cannot connect to PostgreSQL: " + one_line(error.get_error_message()));
  }
  if (PGconn* connection = native_connection(*session_)) {
    PQsetNoticeProcessor(connection, ignore_notice, nullptr);
    const ResultPtr result(PQexec(connection, session_settings_.c_str()));
    if (PQresultStatus(result.get()) != PGRES_COMMAND_OK) {
      const std::string message = one_line(PQresultErrorMessage(result.get()));
      close();
      throw UnavailableError("cannot configure the PostgreSQL session: " + message);
    }
  }
  last_used_ = std::chrono::steady_clock::now();
}

bool Connection::is_open() const noexcept {
  if (!session_) return false;
  PGconn* connection = native_connection(*session_);
  return connection != nullptr && PQstatus(connection) == CONNECTION_OK;
}

bool Connection::check() noexcept {
  if (!is_open()) return false;
  // An empty query is the cheapest full round trip.
  const ResultPtr result(PQexec(native_connection(*session_), ""));
  if (PQresultStatus(result.get()) == PGRES_EMPTY_QUERY) return true;
  close();
  return false;
}

PreparedStatement& Connection::prepared(std::string_view sql) {
  if (!session_) throw UnavailableError("the connection is closed");
  auto found = statements_.find(sql);
  if (found == statements_.end()) {
    found = statements_.emplace(sql, std::make_unique<PreparedStatement>(*session_, sql)).first;
  }
  return *found->second;
}

void Connection::execute(const char* command) {
  if (!session_) throw UnavailableError("the connection is closed");
  *session_ << command;
}

void Connection::execute_script(std::string_view script) {
  if (!session_) throw UnavailableError("the connection is closed");
  PGconn* connection = native_connection(*session_);
  // PQexec, unlike SOCI (which runs a statement at a time and rewrites colons), runs a whole
  // script in one round trip, as it is.
  const ResultPtr result(PQexec(connection, std::string(script).c_str()));
  const auto status = PQresultStatus(result.get());
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
    throw_failure(connection, result.get(), "cannot execute script");
  }
}

int Connection::backend_pid() const noexcept {
  if (!is_open()) return 0;
  return PQbackendPID(native_connection(*session_));
}

void Connection::finish_call() noexcept {
  last_used_ = std::chrono::steady_clock::now();
  // A broken session is opened again by the next borrower; there is nothing to roll back.
  if (!is_open()) return;
  PGconn* connection = native_connection(*session_);
  const auto status = PQtransactionStatus(connection);
  if (status == PQTRANS_IDLE) return;
  if (status == PQTRANS_INTRANS || status == PQTRANS_INERROR) {
    const ResultPtr result(PQexec(connection, kRollback));
    if (PQresultStatus(result.get()) == PGRES_COMMAND_OK) return;
  }
  // Still busy or unable to roll back: this session cannot be trusted any more.
  close();
}

std::chrono::steady_clock::duration Connection::idle_time() const noexcept {
  return std::chrono::steady_clock::now() - last_used_;
}

void Connection::close() noexcept {
  // Closing the session drops its prepared statements on the server: skip one DEALLOCATE
  // round trip per statement (and any attempt on a dead connection).
  for (auto& [sql, statement] : statements_) {
    statement->forget_server_statement();
  }
  statements_.clear();
  session_.reset();
}

// ---- ConnectionPool ----------------------------------------------------------------------

ConnectionPool::ConnectionPool(const std::string& conninfo, std::size_t size,
                               std::chrono::milliseconds acquire_timeout,
                               std::chrono::milliseconds statement_timeout)
    : acquire_timeout_(acquire_timeout) {
  connections_.reserve(size);
  idle_.reserve(size);  // release() then never allocates
  for (std::size_t i = 0; i < size; ++i) {
    connections_.push_back(std::make_unique<Connection>(conninfo, statement_timeout));
    idle_.push_back(connections_.back().get());
  }
}

ConnectionPool::~ConnectionPool() = default;

void ConnectionPool::open_all() {
  for (auto& connection : connections_) {
    connection->open();
    connection->set_checked_epoch(broken_epoch_.load());
  }
}

Connection& ConnectionPool::acquire() {
  Connection* connection = nullptr;
  {
    std::unique_lock lock(mutex_);
    if (idle_.empty()) {
      waits_.fetch_add(1, std::memory_order_relaxed);  // counted as it starts, so it can be seen
      const auto started = std::chrono::steady_clock::now();
      const bool free = released_.wait_for(lock, acquire_timeout_, [this] { return !idle_.empty(); });
      const auto waited =
          std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - started);
      wait_nanoseconds_.fetch_add(static_cast<std::uint64_t>(std::max<std::int64_t>(waited.count(), 0)),
                                  std::memory_order_relaxed);
      if (!free) {
        throw UnavailableError("no free database connection within " +
                               std::to_string(acquire_timeout_.count()) + " ms");
      }
    }
    connection = idle_.back();  // the most recently used: its statements are likely prepared
    idle_.pop_back();
  }
  try {
    make_usable(*connection);
  } catch (...) {
    release(*connection);
    throw;
  }
  return *connection;
}

void ConnectionPool::release(Connection& connection) noexcept {
  {
    const std::lock_guard lock(mutex_);
    idle_.push_back(&connection);
  }
  released_.notify_one();
}

std::size_t ConnectionPool::in_use() {
  const std::lock_guard lock(mutex_);
  return connections_.size() - idle_.size();
}

void ConnectionPool::report_broken() noexcept {
  broken_epoch_.fetch_add(1);
}

void ConnectionPool::reopen(Connection& connection) {
  const auto epoch = broken_epoch_.load();
  connection.open();
  connection.set_checked_epoch(epoch);
}

void ConnectionPool::make_usable(Connection& connection) {
  const auto epoch = broken_epoch_.load();
  const bool suspect = connection.checked_epoch() < epoch || connection.idle_time() > kIdleCheckAfter;
  if (!connection.is_open() || (suspect && !connection.check())) connection.open();
  connection.set_checked_epoch(epoch);
}

// ---- Transaction -------------------------------------------------------------------------

Transaction::Transaction(Connection& connection) : connection_(connection) {
  connection_.execute("BEGIN");
}

Transaction::~Transaction() {
  if (done_) return;
  try {
    connection_.execute(kRollback);
  } catch (const std::exception&) {  // NOLINT(bugprone-empty-catch): Lease's finish_call retries or closes
  }
}

void Transaction::commit() {
  connection_.execute("COMMIT");
  done_ = true;
}

}  // namespace parley::postgres::detail
