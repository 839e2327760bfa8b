#include "support/fixture.hpp"

#include <memory>
#include <sstream>

namespace parley::e2e {
namespace {

std::unique_ptr<ServerProcess>& shared_slot() {
  static std::unique_ptr<ServerProcess> server;
  return server;
}

bool has_string(const json::object& line, std::string_view key) {
  const auto* value = line.if_contains(key);
  return value != nullptr && value->is_string() && !value->get_string().empty();
}

bool has_number(const json::object& line, std::string_view key) {
  const auto* value = line.if_contains(key);
  return value != nullptr && value->is_number();
}

}  // namespace

ServerProcess& shared_server() {
  auto& slot = shared_slot();
  if (!slot) slot = std::make_unique<ServerProcess>();
  return *slot;
}

Api shared_api() {
  return Api(shared_server().port());
}

std::vector<std::string> audit_log(const std::string& log_text, const std::vector<std::string>& secrets) {
  std::vector<std::string> problems;
  std::istringstream lines(log_text);
  std::string line;
  int number = 0;
  int request_lines = 0;
  while (std::getline(lines, line)) {
    ++number;
    if (line.empty()) continue;
    const std::string where = "log line " + std::to_string(number) + ": ";
    boost::system::error_code ec;
    const json::value parsed = json::parse(line, ec);
    if (ec || !parsed.is_object()) {
      problems.push_back(where + "not a JSON object: " + line);
      continue;
    }
    const json::object& object = parsed.get_object();
    if (!has_string(object, "time") || !is_timestamp(object.at("time").get_string()) ||
        !has_string(object, "level") || !has_string(object, "msg")) {
      problems.push_back(where + "lacks \"time\" (RFC 3339 UTC with ms), \"level\" or \"msg\": " + line);
    }
    if (object.contains("msg") && object.at("msg") == "request") {
      ++request_lines;
      for (const char* key : {"request_id", "client_ip"}) {
        if (!has_string(object, key))
          problems.push_back(where + "request line without \"" + key + "\": " + line);
      }
      // An unparseable request has no method and an unmatched path no route template.
      if (!object.contains("method") || !object.at("method").is_string()) {
        problems.push_back(where + "request line without a \"method\" string: " + line);
      }
      if (!object.contains("route") || !(object.at("route").is_string() || object.at("route").is_null())) {
        problems.push_back(where +
                           "request line without \"route\" (a string, or null when unmatched): " + line);
      }
      for (const char* key : {"status", "duration_ms", "bytes_out"}) {
        if (!has_number(object, key))
          problems.push_back(where + "request line without numeric \"" + key + "\": " + line);
      }
      if (has_string(object, "request_id") && !is_request_id(object.at("request_id").get_string())) {
        problems.push_back(where + "request_id is not a valid request id: " + line);
      }
      // The W3C trace id the response's traceparent carries: 32 lower-case hex digits, not all zero.
      const bool trace_ok = has_string(object, "trace_id") && [&] {
        const std::string_view id = object.at("trace_id").get_string();
        return id.size() == 32 && id.find_first_not_of("0123456789abcdef") == std::string_view::npos &&
               id.find_first_not_of('0') != std::string_view::npos;
      }();
      if (!trace_ok) problems.push_back(where + "request line without a valid \"trace_id\": " + line);
    }
  }
  if (request_lines == 0) problems.emplace_back("the log has no {\"msg\":\"request\"} access line at all");
  for (const auto& secret : secrets) {
    if (log_text.find(secret) != std::string::npos) {
      problems.push_back("a secret used by the tests appears in the log: '" + secret + "'");
    }
  }
  return problems;
}

std::vector<std::string> finish_shared_server(bool keep_files) {
  auto& slot = shared_slot();
  if (!slot) return {};
  std::vector<std::string> problems;
  const ExitStatus status = slot->stop();
  if (!status.success()) problems.push_back("graceful shutdown on SIGTERM: " + status.describe());
  const auto found = audit_log(slot->read_log(), remembered_secrets());
  problems.insert(problems.end(), found.begin(), found.end());
  if (keep_files || !problems.empty()) slot->keep_files();
  if (!problems.empty()) problems.push_back("server files kept in " + slot->root().string());
  slot.reset();
  return problems;
}

}  // namespace parley::e2e
