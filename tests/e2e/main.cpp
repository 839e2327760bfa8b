// Runs the e2e test cases, then stops the shared server with SIGTERM and audits its log, and
// checks every HTTP exchange of the run against api-spec/openapi.yaml: the run fails when the
// shutdown was not clean, the log breaks the contract or an exchange does not conform.
#define CATCH_CONFIG_RUNNER
#include <csignal>
#include <iostream>

#include <catch2/catch.hpp>

#include "support/exchange_log.hpp"
#include "support/fixture.hpp"

int main(int argc, char* argv[]) {
  std::signal(SIGPIPE, SIG_IGN);  // a server closing early must not kill the test process
  Catch::Session session;
  if (const int rc = session.applyCommandLine(argc, argv); rc != 0) return rc;
  parley::e2e::TempDir exchanges_dir;
  const auto exchanges = exchanges_dir.path() / "exchanges.jsonl";
  parley::e2e::start_exchange_log(exchanges);

  const int failed = session.run();
  std::vector<std::string> problems;
  try {
    problems = parley::e2e::finish_shared_server(failed != 0);
  } catch (const std::exception& e) {
    problems.emplace_back(std::string("stopping the shared server: ") + e.what());
  }
  for (const auto& problem : problems)
    std::cerr << "server log audit: " << problem << "\n";

  // Listing the test cases (CTest's discovery) makes no exchange: nothing to check then.
  bool conforms = true;
  if (parley::e2e::recorded_exchanges() > 0) {
    const auto result = parley::e2e::check_conformance(exchanges);
    conforms = result.conforms;
    std::cerr << result.report;
    if (!conforms) {
      exchanges_dir.keep();
      std::cerr << "conformance with the OpenAPI spec failed; exchanges kept in " << exchanges.string()
                << "\n";
    }
  }
  if (failed != 0) return failed;
  return problems.empty() && conforms ? 0 : 1;
}
