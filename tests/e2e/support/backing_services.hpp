// The e2e-pg run: Parley on the PostgreSQL and Redis servers that CTest's fixture started,
// found through PARLEY_E2E_SERVICES_DIR (postgres/conninfo and redis/url below it).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "support/process.hpp"

namespace parley::e2e {

// True when PARLEY_E2E_SERVICES_DIR is set: servers run on PostgreSQL + Redis.
bool on_backing_services();

// Empty outside the e2e-pg run. In it: PARLEY_DATABASE_URL naming a database and role made
// for this call alone (so each server sees a fresh database, as a fresh data directory gives on
// SQLite), PARLEY_REDIS_URL, and a PARLEY_REDIS_KEY_PREFIX of its own (so servers never share
// rate-limit budgets). Both passwords are remembered as secrets, so the log audits
// look for them. Throws std::runtime_error when a file is missing or the database cannot be
// made: those cases fail, they never fall back to SQLite.
Environment backing_service_environment();

// The folder holding the e2e-pg servers (PARLEY_E2E_SERVICES_DIR): the postgres user can reach
// it, so clusters of a case's own live below it. Throws outside the e2e-pg run.
std::filesystem::path backing_services_dir();

// `bash script args...` (tests/services/*.sh); throws std::runtime_error with its output when
// it fails. Returns its first line of output.
std::string run_service_script(const std::string& script, const std::vector<std::string>& args);

}  // namespace parley::e2e
