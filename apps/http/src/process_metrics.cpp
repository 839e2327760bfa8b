// process_* metrics from /proc/self (Linux): the same names and meanings as Prometheus's own
// client libraries, so stock dashboards and alerts work.
#include "parley/http/process_metrics.hpp"

#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <unistd.h>
#include <vector>

namespace parley::http {

namespace {

std::optional<std::string> read_text(const char* path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream text;
  text << in.rdbuf();
  return std::move(text).str();
}

// The fields of /proc/self/stat after the command name, which may itself hold spaces and
// parentheses: field 3 (state) is the first of them.
std::vector<std::string> stat_fields() {
  const auto text = read_text("/proc/self/stat");
  if (!text) return {};
  const auto close = text->rfind(')');
  if (close == std::string::npos) return {};
  std::istringstream rest(text->substr(close + 1));
  std::vector<std::string> fields;
  for (std::string field; rest >> field;)
    fields.push_back(field);
  return fields;
}

std::optional<double> boot_time_seconds() {
  const auto text = read_text("/proc/stat");
  if (!text) return std::nullopt;
  std::istringstream lines(*text);
  for (std::string line; std::getline(lines, line);) {
    if (line.starts_with("btime ")) return std::stod(line.substr(6));
  }
  return std::nullopt;
}

void collect(CollectorOutput& out) {
  const auto page_size = static_cast<double>(::sysconf(_SC_PAGESIZE));
  const auto ticks = static_cast<double>(::sysconf(_SC_CLK_TCK));

  if (const auto statm = read_text("/proc/self/statm")) {
    std::istringstream fields(*statm);
    double size = 0;
    double resident = 0;
    if (fields >> size >> resident) {
      out.gauge("process_virtual_memory_bytes", "Virtual memory size in bytes.", {{{}, size * page_size}});
      out.gauge("process_resident_memory_bytes", "Resident memory size in bytes.",
                {{{}, resident * page_size}});
    }
  }

  std::error_code ec;
  std::filesystem::directory_iterator fds("/proc/self/fd", ec);
  if (!ec) {
    double open = 0;
    for (const auto& entry : fds) {
      (void)entry;
      ++open;
    }
    out.gauge("process_open_fds", "Number of open file descriptors.", {{{}, open}});
  }

  // /proc/self/stat: utime and stime are fields 14 and 15, starttime field 22 (1-based), all in
  // clock ticks; stat_fields() starts at field 3.
  const auto fields = stat_fields();
  if (fields.size() > 19 && ticks > 0) {
    const double cpu = (std::stod(fields[11]) + std::stod(fields[12])) / ticks;
    out.counter("process_cpu_seconds_total", "Total user and system CPU time spent in seconds.", {{{}, cpu}});
    if (const auto boot = boot_time_seconds()) {
      out.gauge("process_start_time_seconds", "Start time of the process since unix epoch in seconds.",
                {{{}, *boot + std::stod(fields[19]) / ticks}});
    }
  }
}

}  // namespace

Collector process_collector() {
  return collect;
}

}  // namespace parley::http
