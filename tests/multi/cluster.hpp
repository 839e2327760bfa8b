// The multi-instance setup: two `parley serve` processes sharing one PostgreSQL database and
// one Redis server (started by CTest's fixture), and nginx in front of them, run with the
// configuration of deploy/nginx/ rendered for loopback (tests/deploy/render_nginx.py).
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <sys/types.h>
#include <vector>

#include <boost/json.hpp>

#include "support/api.hpp"
#include "support/process.hpp"

namespace parley::multi {

// nginx as a non-daemon child in its own process group, killed with its workers on destruction.
class NginxProcess {
 public:
  // Renders deploy/nginx for `upstreams` (loopback ports) into `dir` and starts nginx on two
  // free loopback ports; throws std::runtime_error (with nginx's output) when it does not come up.
  NginxProcess(const std::filesystem::path& dir, const std::vector<std::uint16_t>& upstreams);
  NginxProcess(const NginxProcess&) = delete;
  NginxProcess& operator=(const NginxProcess&) = delete;
  ~NginxProcess();

  // The server block of deploy/nginx/parley.conf's HTTPS server, listening without TLS.
  [[nodiscard]] std::uint16_t port() const noexcept { return proxy_port_; }
  // The plain-HTTP server block (redirects to HTTPS).
  [[nodiscard]] std::uint16_t redirect_port() const noexcept { return redirect_port_; }
  [[nodiscard]] std::string read_access_log() const;
  [[nodiscard]] std::string read_output() const;

 private:
  std::filesystem::path dir_;
  pid_t pid_ = -1;
  std::uint16_t proxy_port_ = 0;
  std::uint16_t redirect_port_ = 0;
};

struct Cluster {
  e2e::Environment shared;  // database, Redis and JWT secret of both instances
  std::unique_ptr<e2e::ServerProcess> a;
  std::unique_ptr<e2e::ServerProcess> b;
  e2e::TempDir nginx_dir;
  std::unique_ptr<NginxProcess> nginx;
};

// Started on first use; torn down by reset_cluster() (and, on a crash, by PR_SET_PDEATHSIG).
Cluster& cluster();
// The cluster if cluster() has made it, else nullptr (never starts one).
Cluster* existing_cluster() noexcept;
void reset_cluster(bool keep_files);

// The JSON "request" lines of a Parley log.
std::vector<boost::json::object> request_lines(const std::string& log_text);
// The request line with this request_id in `log_text`, if any.
std::optional<boost::json::object> line_with_request_id(const std::string& log_text, const std::string& id);
// Waits (up to 10 s) until `id` appears in A's or B's log; returns "a", "b", "both" or "" (never).
std::string instance_that_logged(const std::string& id);

std::uint16_t free_port();

}  // namespace parley::multi
