#include "support/backing_services.hpp"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>

#include "support/api.hpp"

#ifndef PARLEY_PSQL_EXECUTABLE
#error "PARLEY_PSQL_EXECUTABLE must be defined by the build"
#endif

namespace parley::e2e {
namespace {

constexpr const char* kServicesDirVariable = "PARLEY_E2E_SERVICES_DIR";

std::string read_first_line(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::string line;
  if (!in || !std::getline(in, line) || line.empty()) {
    throw std::runtime_error(std::string(kServicesDirVariable) + " is set but " + path.string() +
                             " is missing or empty: did the e2e-pg fixture start its servers?");
  }
  return line;
}

// The bare key=value pairs postgres.sh writes ("host=127.0.0.1 port=... dbname=... user=...").
std::map<std::string, std::string> parse_conninfo(const std::string& text) {
  std::map<std::string, std::string> parts;
  std::istringstream words(text);
  std::string word;
  while (words >> word) {
    const auto eq = word.find('=');
    if (eq != std::string::npos) parts[word.substr(0, eq)] = word.substr(eq + 1);
  }
  for (const char* key : {"host", "port", "dbname", "user"}) {
    if (!parts.contains(key))
      throw std::runtime_error("the e2e conninfo lacks " + std::string(key) + ": " + text);
  }
  return parts;
}

// The password of redis://user:password@host..., percent-decoded.
std::string redis_password(const std::string& url) {
  const auto scheme_end = url.find("://");
  const auto at = url.rfind('@');
  const auto colon = url.find(':', scheme_end + 3);
  if (scheme_end == std::string::npos || at == std::string::npos || colon == std::string::npos ||
      colon > at) {
    throw std::runtime_error("the e2e Redis URL carries no password");
  }
  const std::string encoded = url.substr(colon + 1, at - colon - 1);
  std::string decoded;
  for (std::size_t i = 0; i < encoded.size(); ++i) {
    if (encoded[i] == '%' && i + 2 < encoded.size()) {
      decoded.push_back(static_cast<char>(std::stoi(encoded.substr(i + 1, 2), nullptr, 16)));
      i += 2;
    } else {
      decoded.push_back(encoded[i]);
    }
  }
  return decoded;
}

// A role with a password and a database it owns, both named `name`. The cluster trusts local
// TCP, so the password is not checked: it is there so the log audit can prove it never leaks.
void create_database(const std::map<std::string, std::string>& admin, const std::string& name,
                     const std::string& password) {
  const std::string psql = PARLEY_PSQL_EXECUTABLE;
  if (psql.empty() || !std::filesystem::exists(psql)) {
    throw std::runtime_error("no psql found at configure time (PARLEY_PSQL_EXECUTABLE='" + psql + "')");
  }
  // Separate -c options run as separate transactions: CREATE DATABASE refuses to run in one.
  const ProcessResult result =
      run_process({psql, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", admin.at("host"), "-p", admin.at("port"),
                   "-U", admin.at("user"), "-d", admin.at("dbname"), "-c",
                   "CREATE ROLE " + name + " LOGIN PASSWORD '" + password + "'", "-c",
                   "CREATE DATABASE " + name + " OWNER " + name},
                  {}, {}, std::chrono::seconds(60));
  if (!result.status.success()) throw std::runtime_error("creating the e2e database: " + result.describe());
}

}  // namespace

bool on_backing_services() {
  const char* dir = std::getenv(kServicesDirVariable);
  return dir != nullptr && *dir != '\0';
}

std::filesystem::path backing_services_dir() {
  if (!on_backing_services()) throw std::runtime_error(std::string(kServicesDirVariable) + " is not set");
  return std::getenv(kServicesDirVariable);
}

std::string run_service_script(const std::string& script, const std::vector<std::string>& args) {
  std::vector<std::string> argv = {"/bin/bash", script};
  argv.insert(argv.end(), args.begin(), args.end());
  const ProcessResult result = run_process(argv, {}, {}, std::chrono::seconds(60));
  if (!result.status.success()) {
    throw std::runtime_error(std::filesystem::path(script).filename().string() + " " + args.front() + ": " +
                             result.describe());
  }
  return result.out.substr(0, result.out.find('\n'));
}

Environment backing_service_environment() {
  if (!on_backing_services()) return {};
  const std::filesystem::path dir = backing_services_dir();
  const auto admin = parse_conninfo(read_first_line(dir / "postgres" / "conninfo"));
  const std::string redis_url = read_first_line(dir / "redis" / "url");

  // unique_suffix() is lowercase hex and digits: a valid identifier after the letter prefix.
  const std::string name = "e2e_" + unique_suffix() + unique_suffix();
  const std::string password = new_password();
  create_database(admin, name, password);
  remember_secret(redis_password(redis_url));
  return {
      {"PARLEY_DATABASE_URL", "postgresql://" + name + ":" + password + "@" + admin.at("host") + ":" +
                                  admin.at("port") + "/" + name},
      {"PARLEY_REDIS_URL", redis_url},
      // Keys of its own on the shared server (rate-limit budgets above all), like its database.
      {"PARLEY_REDIS_KEY_PREFIX", "parley:" + name + ":"},
  };
}

}  // namespace parley::e2e
