// Runs the e2e test cases, then stops the shared server with SIGTERM and audits its log: the
// run fails when the shutdown was not clean or the log breaks the contract.
#define CATCH_CONFIG_RUNNER
#include <csignal>
#include <iostream>

#include <catch2/catch.hpp>

#include "support/fixture.hpp"

int main(int argc, char* argv[]) {
  std::signal(SIGPIPE, SIG_IGN);  // a server closing early must not kill the test process
  Catch::Session session;
  if (const int rc = session.applyCommandLine(argc, argv); rc != 0) return rc;
  const int failed = session.run();
  std::vector<std::string> problems;
  try {
    problems = parley::e2e::finish_shared_server(failed != 0);
  } catch (const std::exception& e) {
    problems.emplace_back(std::string("stopping the shared server: ") + e.what());
  }
  for (const auto& problem : problems)
    std::cerr << "server log audit: " << problem << "\n";
  if (failed != 0) return failed;
  return problems.empty() ? 0 : 1;
}
