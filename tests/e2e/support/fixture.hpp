// The server shared by the test cases of one test process, and the audit of its log that
// runs after it has been stopped at the end of the process.
#pragma once

#include <string>
#include <vector>

#include "support/api.hpp"
#include "support/exchange_log.hpp"
#include "support/process.hpp"

namespace parley::e2e {

// Started on first use with the standard test configuration.
ServerProcess& shared_server();
Api shared_api();

// Problems found in a server log: lines that are not JSON objects, request lines without the
// contract's members, and any of `secrets` appearing anywhere.
std::vector<std::string> audit_log(const std::string& log_text, const std::vector<std::string>& secrets);

// When the shared server was started: SIGTERM, exit status 0 expected, then audit_log() with
// every remembered secret. Returns the problems found (empty when all is well).
std::vector<std::string> finish_shared_server(bool keep_files);

}  // namespace parley::e2e
