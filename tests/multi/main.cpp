// Runs the multi-instance cases, then stops nginx and both instances (keeping their files when
// a case failed) and audits both Parley logs for leaked secrets and malformed lines.
#define CATCH_CONFIG_RUNNER
#include <csignal>
#include <iostream>

#include <catch2/catch.hpp>

#include "cluster.hpp"
#include "support/fixture.hpp"

int main(int argc, char* argv[]) {
  std::signal(SIGPIPE, SIG_IGN);
  Catch::Session session;
  if (const int rc = session.applyCommandLine(argc, argv); rc != 0) return rc;
  const int failed = session.run();
  std::vector<std::string> problems;
  try {
    auto* c = parley::multi::existing_cluster();
    for (auto* server : c == nullptr ? std::vector<parley::e2e::ServerProcess*>{}
                                     : std::vector<parley::e2e::ServerProcess*>{c->a.get(), c->b.get()}) {
      if (server->running()) {
        const auto status = server->stop();
        if (!status.success()) problems.push_back("an instance's SIGTERM exit: " + status.describe());
      }
      for (auto& problem : parley::e2e::audit_log(server->read_log(), parley::e2e::remembered_secrets()))
        problems.push_back(server->log_path().string() + ": " + problem);
    }
  } catch (const std::exception& e) {
    problems.emplace_back(std::string("cluster: ") + e.what());
  }
  const bool keep = failed != 0 || !problems.empty();
  parley::multi::reset_cluster(keep);
  for (const auto& problem : problems)
    std::cerr << "multi-instance audit: " << problem << "\n";
  if (keep) std::cerr << "multi-instance: files kept for inspection under the system temp folder\n";
  if (failed != 0) return failed;
  return problems.empty() ? 0 : 1;
}
