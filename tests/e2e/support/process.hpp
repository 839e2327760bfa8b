// Child processes for the e2e tests: the `parley` CLI run to completion, and `parley serve`
// booted in a fresh data directory with its output captured to a log file.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>
#include <sys/types.h>
#include <utility>
#include <vector>

namespace parley::e2e {

// NAME=value pairs.
using Environment = std::vector<std::pair<std::string, std::string>>;

struct ExitStatus {
  bool exited = false;  // normal exit; otherwise killed by `signal`
  int code = -1;
  int signal = 0;
  bool timed_out = false;  // we had to kill it

  [[nodiscard]] bool success() const noexcept { return exited && code == 0 && !timed_out; }
  [[nodiscard]] std::string describe() const;
};

struct ProcessResult {
  ExitStatus status;
  std::string out;
  std::string err;
  std::chrono::milliseconds elapsed{};

  [[nodiscard]] std::string describe() const;
};

// The path of the server executable under test.
const char* parley_executable() noexcept;

// This process's environment without any PARLEY_* variable, then `overrides` on top.
std::vector<std::string> child_environment(const Environment& overrides);

// Runs argv to completion with `input` on its stdin; kills it after `timeout`.
ProcessResult run_process(const std::vector<std::string>& argv, const Environment& environment,
                          const std::string& input, std::chrono::milliseconds timeout);

// A scratch directory removed on destruction unless keep() was called.
class TempDir {
 public:
  TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  ~TempDir();
  [[nodiscard]] const std::filesystem::path& path() const noexcept { return path_; }
  void keep() noexcept { keep_ = true; }

 private:
  std::filesystem::path path_;
  bool keep_ = false;
};

class ServerProcess {
 public:
  // Starts `parley serve` with the standard test configuration plus `extra`, then waits for the
  // JSON "listening" line. Throws std::runtime_error (with the log) when it does not come up.
  explicit ServerProcess(const Environment& extra = {});
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;
  ~ServerProcess();  // kills a server still running

  [[nodiscard]] std::uint16_t port() const noexcept { return port_; }
  // The admin listener's port (PARLEY_ADMIN_LISTEN); 0 without one.
  [[nodiscard]] std::uint16_t admin_port() const noexcept { return admin_port_; }
  [[nodiscard]] const std::filesystem::path& data_dir() const noexcept { return data_dir_; }
  [[nodiscard]] const std::filesystem::path& log_path() const noexcept { return log_path_; }
  [[nodiscard]] const Environment& environment() const noexcept { return environment_; }
  [[nodiscard]] bool running() const noexcept { return pid_ > 0; }
  [[nodiscard]] std::string read_log() const;
  // The parsed "listening" line, raw.
  [[nodiscard]] const std::string& listening_line() const noexcept { return listening_line_; }

  // SIGTERM, then waits up to `timeout` for the exit (SIGKILL after that).
  ExitStatus stop(std::chrono::milliseconds timeout = std::chrono::seconds(30));
  // `parley <args...>` against the same data directory and configuration.
  [[nodiscard]] ProcessResult cli(const std::vector<std::string>& args, const std::string& input = {}) const;
  // Keep the data directory and log after destruction (for post-mortems of failed runs).
  void keep_files() noexcept { dir_.keep(); }
  [[nodiscard]] const std::filesystem::path& root() const noexcept { return dir_.path(); }

 private:
  void wait_until_listening(std::chrono::milliseconds timeout);

  TempDir dir_;
  std::filesystem::path data_dir_;
  std::filesystem::path log_path_;
  Environment environment_;
  pid_t pid_ = -1;
  std::uint16_t port_ = 0;
  std::uint16_t admin_port_ = 0;
  std::string listening_line_;
};

}  // namespace parley::e2e
