// The e2e-pg run: Parley on the PostgreSQL and Redis servers that CTest's fixture started,
// found through PARLEY_E2E_SERVICES_DIR (postgres/conninfo and redis/url below it).
#pragma once

#include <string>

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

}  // namespace parley::e2e
