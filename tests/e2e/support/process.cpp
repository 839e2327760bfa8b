#include "support/process.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <poll.h>
#include <signal.h>
#include <sstream>
#include <stdexcept>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

#include <boost/json.hpp>

#include "support/backing_services.hpp"

extern char** environ;

namespace parley::e2e {
namespace {

using Clock = std::chrono::steady_clock;

[[noreturn]] void fail(const std::string& what) {
  throw std::runtime_error(what + ": " + std::strerror(errno));
}

std::vector<char*> pointers(std::vector<std::string>& strings) {
  std::vector<char*> result;
  result.reserve(strings.size() + 1);
  for (auto& s : strings)
    result.push_back(s.data());
  result.push_back(nullptr);
  return result;
}

ExitStatus decode(int raw) {
  ExitStatus status;
  if (WIFEXITED(raw)) {
    status.exited = true;
    status.code = WEXITSTATUS(raw);
  } else if (WIFSIGNALED(raw)) {
    status.signal = WTERMSIG(raw);
  }
  return status;
}

// Waits for pid until the deadline; SIGKILLs it after that.
ExitStatus wait_for(pid_t pid, Clock::time_point deadline) {
  for (;;) {
    int raw = 0;
    const pid_t done = ::waitpid(pid, &raw, WNOHANG);
    if (done == pid) return decode(raw);
    if (done < 0 && errno != EINTR) fail("waitpid");
    if (Clock::now() >= deadline) {
      ::kill(pid, SIGKILL);
      while (::waitpid(pid, &raw, 0) < 0 && errno == EINTR) {
      }
      ExitStatus status = decode(raw);
      status.timed_out = true;
      return status;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

void close_fd(int& fd) noexcept {
  if (fd >= 0) ::close(fd);
  fd = -1;
}

}  // namespace

std::string ExitStatus::describe() const {
  std::string text = exited ? "exited with code " + std::to_string(code)
                            : "killed by signal " + std::to_string(signal) + " (" + strsignal(signal) + ")";
  if (timed_out) text += " after timing out";
  return text;
}

std::string ProcessResult::describe() const {
  return "process " + status.describe() + " in " + std::to_string(elapsed.count()) + " ms\nstdout: " + out +
         "\nstderr: " + err;
}

const char* parley_executable() noexcept {
  return PARLEY_EXECUTABLE;
}

std::vector<std::string> child_environment(const Environment& overrides) {
  std::vector<std::string> result;
  for (char** entry = environ; *entry != nullptr; ++entry) {
    const std::string_view variable(*entry);
    if (variable.rfind("PARLEY_", 0) != 0) result.emplace_back(variable);
  }
  for (const auto& [name, value] : overrides)
    result.push_back(name + "=" + value);
  return result;
}

ProcessResult run_process(const std::vector<std::string>& argv, const Environment& environment,
                          const std::string& input, std::chrono::milliseconds timeout) {
  std::vector<std::string> args = argv;
  std::vector<std::string> env = child_environment(environment);
  std::vector<char*> arg_pointers = pointers(args);
  std::vector<char*> env_pointers = pointers(env);

  int in_pipe[2] = {-1, -1};
  int out_pipe[2] = {-1, -1};
  int err_pipe[2] = {-1, -1};
  if (::pipe2(in_pipe, O_CLOEXEC) != 0 || ::pipe2(out_pipe, O_CLOEXEC) != 0 ||
      ::pipe2(err_pipe, O_CLOEXEC) != 0) {
    fail("pipe2");
  }
  const auto started = Clock::now();
  const pid_t pid = ::fork();
  if (pid < 0) fail("fork");
  if (pid == 0) {
    ::dup2(in_pipe[0], STDIN_FILENO);
    ::dup2(out_pipe[1], STDOUT_FILENO);
    ::dup2(err_pipe[1], STDERR_FILENO);
    ::execve(arg_pointers[0], arg_pointers.data(), env_pointers.data());
    ::_exit(127);
  }
  close_fd(in_pipe[0]);
  close_fd(out_pipe[1]);
  close_fd(err_pipe[1]);
  ::fcntl(in_pipe[1], F_SETFL, O_NONBLOCK);

  ProcessResult result;
  const auto deadline = started + timeout;
  std::size_t written = 0;
  if (input.empty()) close_fd(in_pipe[1]);
  while (out_pipe[0] >= 0 || err_pipe[0] >= 0) {
    pollfd fds[3] = {{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}, {in_pipe[1], POLLOUT, 0}};
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) break;
    const int ready = ::poll(fds, 3, static_cast<int>(left.count()));
    if (ready < 0) {
      if (errno == EINTR) continue;
      fail("poll");
    }
    for (int i = 0; i < 2; ++i) {
      if ((fds[i].revents & (POLLIN | POLLHUP | POLLERR)) == 0) continue;
      char chunk[4096];
      const auto n = ::read(fds[i].fd, chunk, sizeof chunk);
      if (n > 0) {
        (i == 0 ? result.out : result.err).append(chunk, static_cast<std::size_t>(n));
      } else if (n == 0 || errno != EINTR) {
        close_fd(i == 0 ? out_pipe[0] : err_pipe[0]);
      }
    }
    if ((fds[2].revents & (POLLOUT | POLLERR | POLLHUP)) != 0) {
      const auto n = ::write(in_pipe[1], input.data() + written, input.size() - written);
      if (n > 0) written += static_cast<std::size_t>(n);
      if ((n < 0 && errno != EAGAIN && errno != EINTR) || written == input.size()) close_fd(in_pipe[1]);
    }
  }
  close_fd(in_pipe[1]);
  close_fd(out_pipe[0]);
  close_fd(err_pipe[0]);
  result.status = wait_for(pid, deadline);
  result.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started);
  return result;
}

TempDir::TempDir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "parley-e2e-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) fail("mkdtemp");
  path_ = pattern;
}

TempDir::~TempDir() {
  if (keep_) return;
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

ServerProcess::ServerProcess(const Environment& extra)
    : data_dir_(dir_.path() / "data"), log_path_(dir_.path() / "server.log") {
  std::filesystem::create_directory(data_dir_);
  environment_ = {
      {"PARLEY_LISTEN", "127.0.0.1:0"},
      {"PARLEY_DATA_DIR", data_dir_.string()},
      {"PARLEY_SCRYPT_LOG2N", "12"},
      {"PARLEY_LOG_LEVEL", "info"},
      {"PARLEY_CORS_ORIGINS", "https://app.example"},
      // Rate limiting stays on, with budgets no ordinary test case comes near (many sign-ups
      // from 127.0.0.1 in one minute); the rate-limit cases set tight ones through `extra`.
      {"PARLEY_RATE_LIMIT_AUTH", "100000/60s"},
      {"PARLEY_RATE_LIMIT_WRITE", "100000/60s"},
      {"PARLEY_RATE_LIMIT_READ", "100000/60s"},
  };
  // In the e2e-pg run, this server's own database and the shared Redis; cli() inherits them.
  for (auto& variable : backing_service_environment())
    environment_.push_back(std::move(variable));
  // parley reads the first of duplicate variables: `extra` replaces a default, not shadows it.
  std::erase_if(environment_, [&extra](const auto& variable) {
    return std::any_of(extra.begin(), extra.end(), [&](const auto& e) { return e.first == variable.first; });
  });
  for (const auto& variable : extra)
    environment_.push_back(variable);

  std::vector<std::string> args = {parley_executable(), "serve"};
  std::vector<std::string> env = child_environment(environment_);
  std::vector<char*> arg_pointers = pointers(args);
  std::vector<char*> env_pointers = pointers(env);
  int log_fd = ::open(log_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0600);
  if (log_fd < 0) fail("open " + log_path_.string());
  int null_fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  if (null_fd < 0) fail("open /dev/null");
  pid_ = ::fork();
  if (pid_ < 0) fail("fork");
  if (pid_ == 0) {
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);  // no server outlives a crashed test process
    ::dup2(null_fd, STDIN_FILENO);
    ::dup2(log_fd, STDOUT_FILENO);
    ::dup2(log_fd, STDERR_FILENO);
    ::execve(arg_pointers[0], arg_pointers.data(), env_pointers.data());
    ::_exit(127);
  }
  close_fd(log_fd);
  close_fd(null_fd);
  try {
    wait_until_listening(std::chrono::seconds(60));
  } catch (...) {
    if (pid_ > 0) stop(std::chrono::seconds(5));
    dir_.keep();
    throw;
  }
}

ServerProcess::~ServerProcess() {
  if (pid_ > 0) {
    ::kill(pid_, SIGKILL);
    int raw = 0;
    while (::waitpid(pid_, &raw, 0) < 0 && errno == EINTR) {
    }
  }
}

std::string ServerProcess::read_log() const {
  std::ifstream in(log_path_, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

void ServerProcess::wait_until_listening(std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  const bool wants_admin_listener =
      std::any_of(environment_.begin(), environment_.end(), [](const auto& variable) {
        return variable.first == "PARLEY_ADMIN_LISTEN" && !variable.second.empty();
      });
  for (;;) {
    std::istringstream lines(read_log());
    std::string line;
    while (std::getline(lines, line)) {
      boost::system::error_code ec;
      const boost::json::value parsed = boost::json::parse(line, ec);
      if (ec || !parsed.is_object()) continue;
      const auto& object = parsed.get_object();
      const auto* msg = object.if_contains("msg");
      const auto* port = object.if_contains("port");
      if (msg == nullptr || !msg->is_string() || msg->get_string() != "listening") continue;
      if (port == nullptr || !port->is_int64() || port->get_int64() <= 0 || port->get_int64() > 65535) {
        throw std::runtime_error("the \"listening\" line has no valid \"port\": " + line);
      }
      // With PARLEY_ADMIN_LISTEN there is a second line, for the admin listener, after the main one.
      const auto* listener = object.if_contains("listener");
      if (listener != nullptr && listener->is_string() && listener->get_string() == "admin") {
        admin_port_ = static_cast<std::uint16_t>(port->get_int64());
        continue;
      }
      port_ = static_cast<std::uint16_t>(port->get_int64());
      listening_line_ = line;
      if (!wants_admin_listener || admin_port_ != 0) return;
    }
    int raw = 0;
    if (::waitpid(pid_, &raw, WNOHANG) == pid_) {
      pid_ = -1;
      throw std::runtime_error("parley serve " + decode(raw).describe() + " before listening; log " +
                               log_path_.string() + ":\n" + read_log());
    }
    if (Clock::now() >= deadline) {
      throw std::runtime_error("parley serve printed no JSON \"listening\" line with a port within " +
                               std::to_string(timeout.count()) + " ms; log " + log_path_.string() + ":\n" +
                               read_log());
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

ExitStatus ServerProcess::stop(std::chrono::milliseconds timeout) {
  if (pid_ <= 0) throw std::logic_error("the server is not running");
  ::kill(pid_, SIGTERM);
  const ExitStatus status = wait_for(pid_, Clock::now() + timeout);
  pid_ = -1;
  return status;
}

ProcessResult ServerProcess::cli(const std::vector<std::string>& args, const std::string& input) const {
  std::vector<std::string> argv = {parley_executable()};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_process(argv, environment_, input, std::chrono::seconds(60));
}

}  // namespace parley::e2e
