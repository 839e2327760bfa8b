// The e2e-pg run only: what an operator does to PostgreSQL under a running Parley.
// - A restart under a stream of writes and reads: every answer is a success or a 503, never
//   another 5xx or a dropped connection; Parley reconnects by itself; every write it
//   acknowledged is there afterwards.
// - The backup and restore procedure of docs/operations.md, run with its own scripts: a
//   restored database serves the same accounts, posts and comments, and nothing written after
//   the backup.
#include <atomic>
#include <filesystem>
#include <mutex>
#include <thread>

#include <catch2/catch.hpp>

#include "support/backing_services.hpp"
#include "support/fixture.hpp"

#ifndef PARLEY_POSTGRES_SCRIPT
#error "PARLEY_POSTGRES_SCRIPT must be defined by the build"
#endif
#ifndef PARLEY_PG_BACKUP_SCRIPT
#error "PARLEY_PG_BACKUP_SCRIPT must be defined by the build"
#endif
#ifndef PARLEY_PG_RESTORE_SCRIPT
#error "PARLEY_PG_RESTORE_SCRIPT must be defined by the build"
#endif

namespace parley::e2e {
namespace {

namespace fs = std::filesystem;

// A PostgreSQL cluster of this case's own, so restarting it cannot disturb other cases. It
// lives below the e2e-pg services folder, which the postgres user can reach.
class OwnPostgres {
 public:
  OwnPostgres() : dir_(backing_services_dir() / ("own-postgres-" + unique_suffix())) {
    conninfo_ = run_service_script(PARLEY_POSTGRES_SCRIPT, {"start", dir_.string()});
  }
  OwnPostgres(const OwnPostgres&) = delete;
  OwnPostgres& operator=(const OwnPostgres&) = delete;
  ~OwnPostgres() {
    try {
      run_service_script(PARLEY_POSTGRES_SCRIPT, {"stop", dir_.string()});
    } catch (...) {
      // Already reported by the failing assertion that brought us here.
    }
  }

  [[nodiscard]] const std::string& conninfo() const noexcept { return conninfo_; }
  void restart() { run_service_script(PARLEY_POSTGRES_SCRIPT, {"restart", dir_.string()}); }

 private:
  fs::path dir_;
  std::string conninfo_;
};

// What one request of the traffic got: the status (0 when the connection broke or timed out,
// with `failure` saying how) and, for an acknowledged write, the post it made.
struct Outcome {
  std::string what;
  int status = 0;
  std::string failure;
  std::string post_id;
  std::string title;
};

// One request on a fresh connection, straight over the socket: Api::send flags every 5xx, and
// here a 503 is an allowed answer.
Outcome exchange(std::uint16_t port, Request request, std::string what) {
  Outcome outcome;
  outcome.what = std::move(what);
  try {
    Connection connection(port);
    const Response response = connection.round_trip(request);
    outcome.status = response.status;
    if (response.status >= 500 && response.status != 503) outcome.failure = response.describe();
    if (response.status == 201) {
      const json::value body = json::parse(response.body);
      outcome.post_id = body.at("data").at("id").as_string().c_str();
    }
  } catch (const std::exception& e) {
    outcome.failure = e.what();
  }
  return outcome;
}

// Writes a post and reads the list, over and over, until told to stop.
class Traffic {
 public:
  Traffic(std::uint16_t port, std::string token) : port_(port), token_(std::move(token)) {}

  void run(int worker) {
    for (int i = 0; !stop_; ++i) {
      const std::string title = "restart " + std::to_string(worker) + "-" + std::to_string(i);
      Request write{
          "POST",
          "/api/v1/posts",
          {{"Authorization", auth_value(token_)}, {"Content-Type", "application/json"}},
          json::serialize(json::object{{"title", title}, {"body", "written while PostgreSQL restarts"}})};
      Outcome written = exchange(port_, std::move(write), "POST /api/v1/posts");
      written.title = title;
      Outcome read = exchange(port_, Request{"GET", "/api/v1/posts?size=5", {}, {}}, "GET /api/v1/posts");
      const std::lock_guard lock(mutex_);
      outcomes_.push_back(std::move(written));
      outcomes_.push_back(std::move(read));
    }
  }
  void stop() { stop_ = true; }

  [[nodiscard]] std::vector<Outcome> outcomes() const {
    const std::lock_guard lock(mutex_);
    return outcomes_;
  }
  [[nodiscard]] std::size_t acknowledged_writes() const {
    const std::lock_guard lock(mutex_);
    return static_cast<std::size_t>(
        std::count_if(outcomes_.begin(), outcomes_.end(), [](const Outcome& o) { return o.status == 201; }));
  }

 private:
  std::uint16_t port_;
  std::string token_;
  std::atomic<bool> stop_{false};
  mutable std::mutex mutex_;
  std::vector<Outcome> outcomes_;
};

// Waits until `done` holds, for at most `limit`.
template <typename Predicate>
bool eventually(Predicate done, std::chrono::milliseconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return true;
}

std::string variable(const Environment& environment, const std::string& name) {
  for (const auto& [key, value] : environment)
    if (key == name) return value;
  FAIL("no " << name << " in the server's environment");
  return {};
}

// The environment of the documented scripts: the database and the PostgreSQL 15 programs.
Environment script_environment(const std::string& database_url) {
  return {{"PARLEY_DATABASE_URL", database_url},
          {"PG_BIN", fs::path(PARLEY_PSQL_EXECUTABLE).parent_path().string()}};
}

ProcessResult run_script(const std::string& script, const std::string& file,
                         const std::string& database_url) {
  return run_process({"/bin/bash", script, file}, script_environment(database_url), {},
                     std::chrono::seconds(120));
}

void check_log(ServerProcess& server) {
  const ExitStatus stopped = server.stop();
  INFO("exit: " << stopped.describe());
  CHECK(stopped.success());
  const std::string log = server.read_log();
  INFO("server log:\n" << log);
  CHECK(audit_log(log, remembered_secrets()) == std::vector<std::string>{});
}

}  // namespace

TEST_CASE(
    "PostgreSQL restarted under writes and reads: only successes or 503s, Parley reconnects by "
    "itself, and every acknowledged write is kept",
    "[.][e2e][postgres-restart]") {
  INFO("runs only in the e2e-pg registration, where PARLEY_E2E_SERVICES_DIR is set");
  REQUIRE(on_backing_services());
  OwnPostgres postgres;
  ServerProcess server({{"PARLEY_DATABASE_URL", postgres.conninfo()}});
  const Api api(server.port());
  const Account author = new_user(api, "restart");

  Traffic traffic(server.port(), author.token());
  std::vector<std::thread> workers;
  for (int worker = 0; worker < 2; ++worker)
    workers.emplace_back([&traffic, worker] { traffic.run(worker); });
  const bool warmed_up =
      eventually([&] { return traffic.acknowledged_writes() >= 10; }, std::chrono::seconds(30));

  std::string restart_failure;
  std::size_t before_restart = 0;
  bool recovered = false;
  if (warmed_up) {
    try {
      postgres.restart();
    } catch (const std::exception& e) {
      restart_failure = e.what();
    }
    before_restart = traffic.acknowledged_writes();
    recovered = eventually([&] { return traffic.acknowledged_writes() >= before_restart + 20; },
                           std::chrono::seconds(30));
  }
  traffic.stop();
  for (auto& worker : workers)
    worker.join();

  REQUIRE(warmed_up);
  INFO("postgres.sh restart: " << restart_failure);
  REQUIRE(restart_failure.empty());
  const std::vector<Outcome> outcomes = traffic.outcomes();
  std::size_t unavailable = 0;
  for (const Outcome& outcome : outcomes) {
    INFO(outcome.what << " -> " << outcome.status << " " << outcome.failure);
    CHECK(outcome.failure.empty());
    CHECK((outcome.status == 200 || outcome.status == 201 || outcome.status == 503));
    if (outcome.status == 503) ++unavailable;
  }
  INFO(outcomes.size() << " requests, " << unavailable << " answered 503, " << before_restart
                       << " writes acknowledged before the restart");
  CHECK(recovered);
  expect_data(api.get("/readyz"), 200);

  for (const Outcome& outcome : outcomes) {
    if (outcome.status != 201) continue;
    const json::object post = expect_data(api.get("/api/v1/posts/" + outcome.post_id), 200);
    CHECK(string_field(post, "title") == outcome.title);
  }
  check_log(server);
}

TEST_CASE(
    "PostgreSQL backup and restore with the documented scripts: the restored database serves the "
    "same accounts, posts and comments, and nothing written after the backup",
    "[.][e2e][postgres-backup]") {
  INFO("runs only in the e2e-pg registration, where PARLEY_E2E_SERVICES_DIR is set");
  REQUIRE(on_backing_services());
  TempDir scratch;
  const fs::path backup = scratch.path() / "parley.dump";

  Account author;
  std::string post_id;
  std::string draft_id;
  std::string comment_id;
  std::string later_id;
  {
    ServerProcess source;  // a fresh database of its own in the shared cluster
    const Api api(source.port());
    author = new_user(api, "backup");
    post_id = string_field(create_post(api, author, true, "kept by the backup"), "id");
    draft_id = string_field(create_post(api, author, false, "a draft kept by the backup"), "id");
    comment_id = string_field(create_comment(api, author, post_id, "a comment kept by the backup"), "id");

    const ProcessResult backed_up = run_script(PARLEY_PG_BACKUP_SCRIPT, backup.string(),
                                               variable(source.environment(), "PARLEY_DATABASE_URL"));
    INFO("pg-backup.sh: " << backed_up.describe());
    REQUIRE(backed_up.status.success());
    REQUIRE(fs::is_regular_file(backup));
    CHECK((fs::status(backup).permissions() & (fs::perms::group_all | fs::perms::others_all)) ==
          fs::perms::none);

    later_id = string_field(create_post(api, author, true, "written after the backup"), "id");
    check_log(source);
  }

  // An empty database of its own, as an operator would create for the restore.
  const std::string target_url = variable(backing_service_environment(), "PARLEY_DATABASE_URL");
  const ProcessResult restored = run_script(PARLEY_PG_RESTORE_SCRIPT, backup.string(), target_url);
  INFO("pg-restore.sh: " << restored.describe());
  REQUIRE(restored.status.success());
  const ProcessResult again = run_script(PARLEY_PG_RESTORE_SCRIPT, backup.string(), target_url);
  INFO("pg-restore.sh into the restored database: " << again.describe());
  CHECK_FALSE(again.status.success());
  CHECK(again.err.find("already holds") != std::string::npos);

  // No migration may be pending: the backup carried the schema and its migration history.
  ServerProcess server({{"PARLEY_DATABASE_URL", target_url}, {"PARLEY_MIGRATE_ON_START", "false"}});
  const Api api(server.port());
  const Session session = log_in(api, author.email, author.password);
  const json::object post = expect_data(api.get("/api/v1/posts/" + post_id), 200);
  CHECK(string_field(post, "title") == "kept by the backup");
  const json::object draft = expect_data(api.get("/api/v1/posts/" + draft_id, session.access_token), 200);
  CHECK(string_field(draft, "title") == "a draft kept by the backup");
  CHECK(contains_id(expect_list(api.get("/api/v1/posts/" + post_id + "/comments")), comment_id));
  expect_error(api.get("/api/v1/posts/" + later_id), 404, "NOT_FOUND");
  check_log(server);
}

}  // namespace parley::e2e
