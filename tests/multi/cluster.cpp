#include "cluster.hpp"

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <netinet/in.h>
#include <sstream>
#include <stdexcept>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

#include "support/backing_services.hpp"

#ifndef PARLEY_NGINX_EXECUTABLE
#error "PARLEY_NGINX_EXECUTABLE, PARLEY_PYTHON3, PARLEY_OPENSSL and PARLEY_SOURCE_DIR come from the build"
#endif

namespace parley::multi {
namespace {

using Clock = std::chrono::steady_clock;
namespace fs = std::filesystem;

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

void run_or_throw(const std::vector<std::string>& argv, const std::string& what) {
  const auto result = e2e::run_process(argv, {}, {}, std::chrono::seconds(60));
  if (!result.status.success()) throw std::runtime_error(what + ": " + result.describe());
}

bool accepts_connections(std::uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const bool connected = ::connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0;
  ::close(fd);
  return connected;
}

std::unique_ptr<Cluster> g_cluster;

}  // namespace

std::uint16_t free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) throw std::runtime_error(std::string("socket: ") + std::strerror(errno));
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  if (::bind(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    ::close(fd);
    throw std::runtime_error(std::string("bind: ") + std::strerror(errno));
  }
  ::close(fd);
  return ntohs(address.sin_port);
}

NginxProcess::NginxProcess(const fs::path& dir, const std::vector<std::uint16_t>& upstreams) : dir_(dir) {
  const fs::path conf = dir_ / "conf";
  run_or_throw({PARLEY_OPENSSL, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj",
                "/CN=localhost", "-keyout", (dir_ / "privkey.pem").string(), "-out",
                (dir_ / "fullchain.pem").string()},
               "openssl req (throwaway certificate)");
  std::string servers;
  for (const auto port : upstreams)
    servers += (servers.empty() ? "" : ",") + std::string("127.0.0.1:") + std::to_string(port);

  // Another process may take a port between free_port() and nginx's bind: a few attempts.
  for (int attempt = 0; attempt < 5; ++attempt) {
    proxy_port_ = free_port();
    redirect_port_ = free_port();
    if (proxy_port_ == redirect_port_) continue;
    run_or_throw(
        {PARLEY_PYTHON3, std::string(PARLEY_SOURCE_DIR) + "/tests/deploy/render_nginx.py", "--deploy-dir",
         std::string(PARLEY_SOURCE_DIR) + "/deploy", "--out", conf.string(), "--servers", servers,
         "--http-port", std::to_string(redirect_port_), "--https-port", std::to_string(proxy_port_), "--cert",
         (dir_ / "fullchain.pem").string(), "--key", (dir_ / "privkey.pem").string(), "--plain-https-port"},
        "render_nginx.py");
    const int out_fd = ::open((dir_ / "nginx.out").c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (out_fd < 0) throw std::runtime_error("cannot create nginx.out");
    std::vector<std::string> args = {PARLEY_NGINX_EXECUTABLE,
                                     "-p",
                                     conf.string(),
                                     "-c",
                                     (conf / "nginx.conf").string(),
                                     "-e",
                                     "stderr",
                                     "-g",
                                     "daemon off;"};
    std::vector<char*> argv;
    for (auto& arg : args)
      argv.push_back(arg.data());
    argv.push_back(nullptr);
    pid_ = ::fork();
    if (pid_ < 0) throw std::runtime_error("fork");
    if (pid_ == 0) {
      ::setpgid(0, 0);                     // its workers too are killed through the group
      ::prctl(PR_SET_PDEATHSIG, SIGKILL);  // and the master dies with this test process
      ::dup2(out_fd, STDOUT_FILENO);
      ::dup2(out_fd, STDERR_FILENO);
      ::execv(argv[0], argv.data());
      ::_exit(127);
    }
    ::setpgid(pid_, pid_);
    ::close(out_fd);
    const auto deadline = Clock::now() + std::chrono::seconds(15);
    while (Clock::now() < deadline) {
      int raw = 0;
      if (::waitpid(pid_, &raw, WNOHANG) == pid_) {
        pid_ = -1;
        break;
      }
      if (accepts_connections(proxy_port_) && accepts_connections(redirect_port_)) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    if (pid_ > 0) {
      ::kill(-pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
      pid_ = -1;
    }
    if (read_output().find("Address already in use") == std::string::npos) break;
  }
  throw std::runtime_error("nginx did not start; its output:\n" + read_output());
}

NginxProcess::~NginxProcess() {
  if (pid_ <= 0) return;
  ::kill(-pid_, SIGTERM);  // fast shutdown of master and workers
  const auto deadline = Clock::now() + std::chrono::seconds(10);
  int raw = 0;
  while (::waitpid(pid_, &raw, WNOHANG) != pid_) {
    if (Clock::now() >= deadline) {
      ::kill(-pid_, SIGKILL);
      ::waitpid(pid_, &raw, 0);
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ::kill(-pid_, SIGKILL);  // any worker left behind
}

std::string NginxProcess::read_access_log() const {
  return read_file(dir_ / "conf" / "access.log");
}

std::string NginxProcess::read_output() const {
  return read_file(dir_ / "nginx.out");
}

Cluster& cluster() {
  if (g_cluster) return *g_cluster;
  auto made = std::make_unique<Cluster>();
  if (!e2e::on_backing_services()) {
    throw std::runtime_error(
        "PARLEY_E2E_SERVICES_DIR is not set: run this test through CTest, whose fixture "
        "starts PostgreSQL and Redis");
  }
  // Instance A gets a fresh database and the shared Redis (with a key prefix of its own) from
  // the fixture, runs the migrations at startup, and shares all of it with B. Both sign and check tokens with
  // one JWT secret.
  const std::string jwt_secret = e2e::random_uuid() + e2e::random_uuid();
  e2e::remember_secret(jwt_secret);
  // A day-long read window: a budget refills one hit every 0.864 s, so a quick run of requests
  // spends exactly one hit each, which the rate-limit case reads from RateLimit-Remaining.
  made->a = std::make_unique<e2e::ServerProcess>(
      e2e::Environment{{"PARLEY_JWT_SECRET", jwt_secret}, {"PARLEY_RATE_LIMIT_READ", "100000/86400s"}});
  for (const auto& [name, value] : made->a->environment()) {
    if (name == "PARLEY_DATABASE_URL" || name == "PARLEY_REDIS_URL" || name == "PARLEY_REDIS_KEY_PREFIX" ||
        name == "PARLEY_JWT_SECRET" || name == "PARLEY_RATE_LIMIT_READ")
      made->shared.emplace_back(name, value);
  }
  if (made->shared.size() != 5) throw std::runtime_error("instance A has no PostgreSQL/Redis configuration");
  // B must find the schema A made: it refuses to start on a pending migration. Its data
  // directory is one that cannot be created (procfs): on PostgreSQL with a configured JWT
  // secret Parley writes nothing to disk, which the read-only root file system of
  // deploy/k8s and deploy/compose relies on.
  e2e::Environment b_environment = made->shared;
  b_environment.emplace_back("PARLEY_MIGRATE_ON_START", "false");
  b_environment.emplace_back("PARLEY_DATA_DIR", "/proc/parley-multi-read-only/data");
  made->b = std::make_unique<e2e::ServerProcess>(b_environment);
  made->nginx = std::make_unique<NginxProcess>(made->nginx_dir.path(),
                                               std::vector<std::uint16_t>{made->a->port(), made->b->port()});
  g_cluster = std::move(made);
  return *g_cluster;
}

Cluster* existing_cluster() noexcept {
  return g_cluster.get();
}

void reset_cluster(bool keep_files) {
  if (!g_cluster) return;
  if (keep_files) {
    g_cluster->nginx_dir.keep();
    if (g_cluster->a) g_cluster->a->keep_files();
    if (g_cluster->b) g_cluster->b->keep_files();
  }
  g_cluster.reset();
}

std::vector<boost::json::object> request_lines(const std::string& log_text) {
  std::vector<boost::json::object> lines;
  std::istringstream in(log_text);
  std::string line;
  while (std::getline(in, line)) {
    boost::system::error_code ec;
    auto parsed = boost::json::parse(line, ec);
    if (ec || !parsed.is_object()) continue;
    auto& object = parsed.as_object();
    const auto* msg = object.if_contains("msg");
    if (msg != nullptr && msg->is_string() && msg->get_string() == "request")
      lines.push_back(std::move(object));
  }
  return lines;
}

std::optional<boost::json::object> line_with_request_id(const std::string& log_text, const std::string& id) {
  for (auto& line : request_lines(log_text)) {
    const auto* value = line.if_contains("request_id");
    if (value != nullptr && value->is_string() && value->get_string() == id) return line;
  }
  return std::nullopt;
}

std::string instance_that_logged(const std::string& id) {
  auto& c = cluster();
  const auto deadline = Clock::now() + std::chrono::seconds(10);
  for (;;) {
    const bool in_a = line_with_request_id(c.a->read_log(), id).has_value();
    const bool in_b = line_with_request_id(c.b->read_log(), id).has_value();
    if (in_a && in_b) return "both";
    if (in_a) return "a";
    if (in_b) return "b";
    if (Clock::now() >= deadline) return "";
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

}  // namespace parley::multi
