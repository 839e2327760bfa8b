// Reads and validates PARLEY_* variables into Config; unknown names and bad values are errors.
#include "parley/app/config.hpp"

#include <algorithm>
#include <arpa/inet.h>
#include <array>
#include <charconv>
#include <cstring>
#include <limits>
#include <string_view>
#include <unistd.h>  // environ (glibc declares it with _GNU_SOURCE, which g++ and clang++ define)

#include "parley/core/rate_limit.hpp"
#include "parley/http/message.hpp"
#include "parley/postgres/conninfo.hpp"

namespace parley::app {

namespace {

constexpr std::string_view kPrefix = "PARLEY_";

constexpr std::array kKnownVariables = {
    "PARLEY_LISTEN",
    "PARLEY_DATA_DIR",
    "PARLEY_JWT_SECRET",
    "PARLEY_JWT_SECRET_FILE",
    "PARLEY_JWT_ISSUER",
    "PARLEY_JWT_AUDIENCE",
    "PARLEY_ACCESS_TOKEN_TTL_SECONDS",
    "PARLEY_REFRESH_TOKEN_TTL_SECONDS",
    "PARLEY_IO_THREADS",
    "PARLEY_WORKER_THREADS",
    "PARLEY_LOG_LEVEL",
    "PARLEY_MAX_BODY_BYTES",
    "PARLEY_MAX_HEADER_BYTES",
    "PARLEY_READ_TIMEOUT_SECONDS",
    "PARLEY_KEEPALIVE_TIMEOUT_SECONDS",
    "PARLEY_SHUTDOWN_GRACE_SECONDS",
    "PARLEY_CORS_ORIGINS",
    "PARLEY_SCRYPT_LOG2N",
    "PARLEY_HASH_CONCURRENCY",
    "PARLEY_HASH_QUEUE",
    "PARLEY_AUTH_THREAD_NICE",
    "PARLEY_DB_POOL_SIZE",
    "PARLEY_DB_STATEMENT_TIMEOUT_SECONDS",
    "PARLEY_MIGRATE_ON_START",
    "PARLEY_DATABASE_URL",
    "PARLEY_REDIS_URL",
    "PARLEY_REDIS_KEY_PREFIX",
    "PARLEY_RATE_LIMIT_ENABLED",
    "PARLEY_RATE_LIMIT_AUTH",
    "PARLEY_RATE_LIMIT_WRITE",
    "PARLEY_RATE_LIMIT_READ",
    "PARLEY_TRUSTED_PROXIES",
    "PARLEY_METRICS_ENABLED",
    "PARLEY_REALWORLD_ENABLED",
    "PARLEY_ADMIN_LISTEN",
    "PARLEY_CACHE_ENABLED",
    "PARLEY_CACHE_LIST_TTL_SECONDS",
    "PARLEY_CACHE_ENTITY_TTL_SECONDS",
};

constexpr std::size_t kMinSecretBytes = 32;
constexpr std::size_t kMaxDefaultHashQueue = 1;

bool is_ip_address(const std::string& text) {
  std::array<unsigned char, 16> buffer{};
  return inet_pton(AF_INET, text.c_str(), buffer.data()) == 1 ||
         inet_pton(AF_INET6, text.c_str(), buffer.data()) == 1;
}

class Reader {
 public:
  explicit Reader(const Environment& env) : env_(env) {}

  [[nodiscard]] std::optional<std::string_view> raw(std::string_view name) const {
    const auto it = env_.find(name);
    if (it == env_.end()) return std::nullopt;
    return std::string_view(it->second);
  }

  // "true" or "false"; the default when the variable is absent.
  bool boolean(std::string_view name, bool fallback) {
    const auto text = raw(name);
    if (!text) return fallback;
    if (*text == "true") return true;
    if (*text == "false") return false;
    fail(name, "must be true or false");
    return fallback;
  }

  // An integer in [min, max]; the default when the variable is absent.
  template <class T>
  T integer(std::string_view name, T fallback, std::int64_t min, std::int64_t max) {
    const auto text = raw(name);
    if (!text) return fallback;
    std::int64_t value = 0;
    const auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
    if (text->empty() || ec != std::errc{} || end != text->data() + text->size() || value < min ||
        value > max) {
      fail(name, "must be an integer between " + std::to_string(min) + " and " + std::to_string(max));
      return fallback;
    }
    return static_cast<T>(value);
  }

  std::chrono::seconds seconds(std::string_view name, std::chrono::seconds fallback, std::int64_t min,
                               std::int64_t max) {
    return std::chrono::seconds(integer<std::int64_t>(name, fallback.count(), min, max));
  }

  std::string text(std::string_view name, std::string fallback) {
    const auto value = raw(name);
    if (!value) return fallback;
    if (value->empty()) {
      fail(name, "must not be empty");
      return fallback;
    }
    return std::string(*value);
  }

  void fail(std::string_view name, std::string reason) {
    errors_.try_emplace(std::string(name), std::move(reason));
  }
  [[nodiscard]] const std::map<std::string, std::string, std::less<>>& errors() const { return errors_; }

 private:
  const Environment& env_;
  std::map<std::string, std::string, std::less<>> errors_;
};

// "<ip>:<port>", "[<ipv6>]:<port>" or "localhost:<port>"; nullopt (and an error) otherwise.
std::optional<http::ListenAddress> parse_address(Reader& reader, std::string_view name,
                                                 std::string_view text) {
  const auto colon = text.rfind(':');
  std::string host(text.substr(0, colon == std::string_view::npos ? 0 : colon));
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  if (host == "localhost") host = "127.0.0.1";  // the server binds numeric addresses only
  const std::string_view port_text =
      colon == std::string_view::npos ? std::string_view{} : text.substr(colon + 1);
  unsigned port = 0;
  const auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (colon == std::string_view::npos || !is_ip_address(host) || port_text.empty() || ec != std::errc{} ||
      end != port_text.data() + port_text.size() || port > 65535) {
    reader.fail(
        name,
        "must be <ip>:<port> (e.g. 127.0.0.1:8080, [::1]:8080, localhost:8080; port 0 picks a free port)");
    return std::nullopt;
  }
  return http::ListenAddress{host, static_cast<std::uint16_t>(port)};
}

void parse_listen(Reader& reader, http::ServerConfig& server) {
  constexpr std::string_view kName = "PARLEY_LISTEN";
  const auto value = reader.raw(kName);
  if (!value) return;
  if (auto address = parse_address(reader, kName, *value)) {
    server.address = std::move(address->address);
    server.port = address->port;
  }
}

// After PARLEY_LISTEN. Empty means no admin listener.
void parse_admin_listen(Reader& reader, http::ServerConfig& server) {
  constexpr std::string_view kName = "PARLEY_ADMIN_LISTEN";
  const auto value = reader.raw(kName);
  if (!value || value->empty()) return;
  auto address = parse_address(reader, kName, *value);
  if (!address) return;
  if (address->port != 0 && address->port == server.port && address->address == server.address) {
    reader.fail(kName, "must differ from PARLEY_LISTEN");
    return;
  }
  server.admin = std::move(address);
}

void parse_cors(Reader& reader, std::vector<std::string>& origins) {
  constexpr std::string_view kName = "PARLEY_CORS_ORIGINS";
  const auto value = reader.raw(kName);
  if (!value) return;
  std::string_view rest = *value;
  while (!rest.empty()) {
    const auto comma = rest.find(',');
    const std::string_view origin = http::trim_ows(rest.substr(0, comma));
    rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
    if (origin.empty()) continue;
    const auto scheme_end = origin.find("://");
    const bool has_scheme = origin.starts_with("http://") || origin.starts_with("https://");
    const std::string_view host = has_scheme ? origin.substr(scheme_end + 3) : std::string_view{};
    if (host.empty() || host.find_first_of("/ *") != std::string_view::npos) {
      reader.fail(
          kName,
          "must be a comma-separated list of origins like https://app.example.com (no \"*\", no path)");
      return;
    }
    origins.emplace_back(origin);
  }
}

// Validated here, connected at startup. Reasons never repeat the value: it may hold a password.
void parse_database_url(Reader& reader, Config& config) {
  constexpr std::string_view kName = "PARLEY_DATABASE_URL";
  const auto value = reader.raw(kName);
  if (!value || value->empty()) return;  // the embedded SQLite database
  auto conninfo = postgres::to_libpq_conninfo(*value);
  if (!conninfo) {
    reader.fail(kName,
                "must be a postgresql:// (or postgres://) URL or a libpq key=value string "
                "(e.g. postgresql://parley@127.0.0.1:5432/parley)");
    return;
  }
  config.postgres = postgres::PostgresConfig{.connection = *std::move(conninfo),
                                             .pool_size = config.db_pool_size,
                                             .acquire_timeout = std::chrono::milliseconds(5000),
                                             .statement_timeout = config.db_statement_timeout};
}

void parse_redis_url(Reader& reader, Config& config) {
  constexpr std::string_view kName = "PARLEY_REDIS_URL";
  const auto value = reader.raw(kName);
  if (!value || value->empty()) return;  // tokens stay in the database
  auto parsed = redis::parse_redis_url(*value);
  if (!parsed) {
    const auto& error = parsed.error();
    std::string reason = "must be redis://[user[:password]@]host[:port][/db]";
    if (!error.details.empty()) {
      reason += " (" + error.details.begin()->first + " " + error.details.begin()->second + ")";
    }
    reader.fail(kName, std::move(reason));
    return;
  }
  config.redis = *std::move(parsed);
}

// Validated whether or not PARLEY_REDIS_URL is set, but only used with it.
void parse_redis_key_prefix(Reader& reader, Config& config) {
  constexpr std::string_view kName = "PARLEY_REDIS_KEY_PREFIX";
  constexpr std::size_t kMaxBytes = 64;
  const auto value = reader.raw(kName);
  if (!value) return;
  const bool valid =
      !value->empty() && value->size() <= kMaxBytes && std::all_of(value->begin(), value->end(), [](char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == ':' ||
               c == '_' || c == '.' || c == '-';
      });
  if (!valid) {
    reader.fail(kName, "must be 1 to 64 characters of A-Z a-z 0-9 : _ . -");
    return;
  }
  if (config.redis) config.redis->key_prefix = std::string(*value);
}

// `<count>/<seconds>s`, e.g. 10/60s: decimal digits only, within core's GCRA bounds.
void parse_rate_policy(Reader& reader, std::string_view name, core::RatePolicy& policy) {
  const auto value = reader.raw(name);
  if (!value) return;
  const std::string_view text = *value;
  const auto slash = text.find('/');
  const auto whole = [](std::string_view digits, std::int64_t max) -> std::optional<std::int64_t> {
    std::int64_t number = 0;
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), number);
    if (digits.empty() || digits.front() == '-' || digits.front() == '+' || ec != std::errc{} ||
        end != digits.data() + digits.size() || number < 1 || number > max) {
      return std::nullopt;
    }
    return number;
  };
  std::optional<std::int64_t> count;
  std::optional<std::int64_t> seconds;
  if (slash != std::string_view::npos && text.ends_with('s')) {
    count = whole(text.substr(0, slash), core::kMaxRateLimit);
    seconds = whole(text.substr(slash + 1, text.size() - slash - 2), core::kMaxRateWindow.count());
  }
  if (!count || !seconds) {
    reader.fail(name, "must be <count>/<seconds>s with count 1-" + std::to_string(core::kMaxRateLimit) +
                          " and seconds 1-" + std::to_string(core::kMaxRateWindow.count()) +
                          " (e.g. 10/60s)");
    return;
  }
  policy = core::RatePolicy{*count, std::chrono::seconds(*seconds)};
}

void parse_rate_limits(Reader& reader, http::RateLimitSettings& settings) {
  settings.enabled = reader.boolean("PARLEY_RATE_LIMIT_ENABLED", settings.enabled);
  parse_rate_policy(reader, "PARLEY_RATE_LIMIT_AUTH", settings.auth);
  parse_rate_policy(reader, "PARLEY_RATE_LIMIT_WRITE", settings.write);
  parse_rate_policy(reader, "PARLEY_RATE_LIMIT_READ", settings.read);
  if (const auto proxies = reader.raw("PARLEY_TRUSTED_PROXIES")) {
    auto parsed = http::TrustedProxies::parse(*proxies);
    if (!parsed) {
      reader.fail("PARLEY_TRUSTED_PROXIES",
                  "must be a comma-separated list of IP addresses and CIDR blocks (" +
                      parsed.error().details.begin()->second + ")");
    } else {
      settings.trusted_proxies = *std::move(parsed);
    }
  }
}

// Password hashes may hold at most all worker threads but one (when there is more than one), so
// a login flood never starves reads and probes. Defaults: one hash at a time (scrypt is
// CPU-bound) and a small waiting room within that bound.
void parse_hashing_limits(Reader& reader, unsigned worker_threads, HashingLimits& limits) {
  const std::size_t budget = worker_threads > 1 ? worker_threads - 1 : 1;
  limits.concurrency = reader.integer<std::size_t>("PARLEY_HASH_CONCURRENCY", 1, 1, 1024);
  const std::size_t room = budget > limits.concurrency ? budget - limits.concurrency : 0;
  limits.queue =
      reader.integer<std::size_t>("PARLEY_HASH_QUEUE", std::min(room, kMaxDefaultHashQueue), 0, 4096);
  if (limits.concurrency + limits.queue > budget) {
    reader.fail(reader.raw("PARLEY_HASH_QUEUE") ? "PARLEY_HASH_QUEUE" : "PARLEY_HASH_CONCURRENCY",
                "PARLEY_HASH_CONCURRENCY + PARLEY_HASH_QUEUE must be at most PARLEY_WORKER_THREADS - 1 (" +
                    std::to_string(budget) + "), so hashing never holds every worker thread");
  }
}

// One libpq value at `text`'s start: bare up to white space, or single-quoted; backslash escapes.
std::string conninfo_value(std::string_view& text) {
  std::string value;
  const bool quoted = !text.empty() && text.front() == '\'';
  if (quoted) text.remove_prefix(1);
  while (!text.empty()) {
    const char c = text.front();
    if (quoted ? c == '\'' : (c == ' ' || c == '\t' || c == '\n')) {
      if (quoted) text.remove_prefix(1);
      break;
    }
    if (c == '\\' && text.size() > 1) text.remove_prefix(1);
    value.push_back(text.front());
    text.remove_prefix(1);
  }
  return value;
}

}  // namespace

std::string postgres_target(const postgres::PostgresConfig& config) {
  std::map<std::string, std::string, std::less<>> parts;
  std::string_view rest = config.connection;
  for (;;) {
    rest = http::trim_ows(rest);
    while (!rest.empty() && rest.front() == '\n')
      rest.remove_prefix(1);
    const auto eq = rest.find('=');
    if (rest.empty() || eq == std::string_view::npos) break;
    const std::string key(http::trim_ows(rest.substr(0, eq)));
    rest = http::trim_ows(rest.substr(eq + 1));
    parts[key] = conninfo_value(rest);
  }
  std::string out;
  for (const char* key : {"host", "hostaddr", "port", "dbname", "user"}) {
    const auto it = parts.find(key);
    if (it == parts.end()) continue;
    if (!out.empty()) out.push_back(' ');
    out.append(key).append("=").append(it->second);
  }
  return out.empty() ? "libpq defaults" : out;
}

std::string redis_target(const redis::RedisConfig& config) {
  const bool ipv6 = config.host.find(':') != std::string::npos;
  std::string out = config.username.empty() ? std::string() : config.username + "@";
  out += ipv6 ? "[" + config.host + "]" : config.host;
  return out + ":" + std::to_string(config.port) + "/" + std::to_string(config.database);
}

Environment read_environment() {
  Environment env;
  for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
    const std::string_view text(*entry);
    if (!text.starts_with(kPrefix)) continue;
    const auto eq = text.find('=');
    if (eq == std::string_view::npos) continue;
    env.emplace(std::string(text.substr(0, eq)), std::string(text.substr(eq + 1)));
  }
  return env;
}

core::Result<Config> parse_config(const Environment& env) {
  Reader reader(env);
  Config config;

  for (const auto& [name, value] : env) {
    if (!std::string_view(name).starts_with(kPrefix)) continue;
    if (std::find(kKnownVariables.begin(), kKnownVariables.end(), std::string_view(name)) ==
        kKnownVariables.end()) {
      reader.fail(name, "unknown variable");
    }
  }

  auto& server = config.server;
  parse_listen(reader, server);
  parse_admin_listen(reader, server);
  config.data_dir = reader.text("PARLEY_DATA_DIR", config.data_dir.string());

  if (const auto secret = reader.raw("PARLEY_JWT_SECRET")) {
    if (secret->size() < kMinSecretBytes) {
      reader.fail("PARLEY_JWT_SECRET", "must be at least 32 bytes");
    } else {
      config.jwt_secret = std::string(*secret);
    }
  }
  if (reader.raw("PARLEY_JWT_SECRET_FILE")) {
    config.jwt_secret_file = reader.text("PARLEY_JWT_SECRET_FILE", {});
    if (config.jwt_secret_file->empty()) config.jwt_secret_file.reset();
    if (reader.raw("PARLEY_JWT_SECRET")) {
      reader.fail("PARLEY_JWT_SECRET_FILE",
                  "set either PARLEY_JWT_SECRET or PARLEY_JWT_SECRET_FILE, not both");
    }
  }
  config.auth.issuer = reader.text("PARLEY_JWT_ISSUER", config.auth.issuer);
  config.auth.audience = reader.text("PARLEY_JWT_AUDIENCE", config.auth.audience);
  config.auth.access_ttl =
      reader.seconds("PARLEY_ACCESS_TOKEN_TTL_SECONDS", config.auth.access_ttl, 1, 86'400);
  config.auth.refresh_ttl =
      reader.seconds("PARLEY_REFRESH_TOKEN_TTL_SECONDS", config.auth.refresh_ttl, 60, 366LL * 86'400);

  server.io_threads = reader.integer<unsigned>("PARLEY_IO_THREADS", server.io_threads, 1, 256);
  server.worker_threads = reader.integer<unsigned>("PARLEY_WORKER_THREADS", server.worker_threads, 1, 1024);
  server.max_body_bytes =
      reader.integer<std::uint64_t>("PARLEY_MAX_BODY_BYTES", server.max_body_bytes, 1, 1LL << 30);
  server.max_header_bytes =
      reader.integer<std::uint32_t>("PARLEY_MAX_HEADER_BYTES", server.max_header_bytes, 1024, 1 << 20);
  server.read_timeout = reader.seconds("PARLEY_READ_TIMEOUT_SECONDS", server.read_timeout, 1, 3600);
  server.keepalive_timeout =
      reader.seconds("PARLEY_KEEPALIVE_TIMEOUT_SECONDS", server.keepalive_timeout, 1, 3600);
  server.shutdown_grace = reader.seconds("PARLEY_SHUTDOWN_GRACE_SECONDS", server.shutdown_grace, 0, 3600);

  if (const auto level = reader.raw("PARLEY_LOG_LEVEL")) {
    if (const auto parsed = http::parse_log_level(*level)) {
      config.log_level = *parsed;
    } else {
      reader.fail("PARLEY_LOG_LEVEL", "must be one of trace, debug, info, warn, error, off");
    }
  }
  parse_cors(reader, config.cors_origins);
  config.scrypt_log2n = reader.integer<std::uint8_t>("PARLEY_SCRYPT_LOG2N", config.scrypt_log2n, 10, 22);
  parse_hashing_limits(reader, server.worker_threads, config.hashing);
  // Sign-up, login and refresh run on a pool of that many threads with that queue (server.cpp).
  server.auth_threads = static_cast<unsigned>(config.hashing.concurrency);
  server.auth_queue = config.hashing.queue;
  server.auth_nice = reader.integer<int>("PARLEY_AUTH_THREAD_NICE", server.auth_nice, 0, 19);
  config.db_pool_size = reader.integer<std::size_t>("PARLEY_DB_POOL_SIZE", config.db_pool_size, 1, 64);
  config.db_statement_timeout =
      reader.seconds("PARLEY_DB_STATEMENT_TIMEOUT_SECONDS", config.db_statement_timeout, 0, 3600);
  if (const auto migrate = reader.raw("PARLEY_MIGRATE_ON_START")) {
    if (*migrate == "true") {
      config.migrate_on_start = true;
    } else if (*migrate == "false") {
      config.migrate_on_start = false;
    } else {
      reader.fail("PARLEY_MIGRATE_ON_START", "must be true or false");
    }
  }
  if (const auto enabled = reader.raw("PARLEY_METRICS_ENABLED")) {
    if (*enabled == "true") {
      config.metrics_enabled = true;
    } else if (*enabled == "false") {
      config.metrics_enabled = false;
    } else {
      reader.fail("PARLEY_METRICS_ENABLED", "must be true or false");
    }
  }
  config.realworld_enabled = reader.boolean("PARLEY_REALWORLD_ENABLED", config.realworld_enabled);
  if (const auto enabled = reader.raw("PARLEY_CACHE_ENABLED")) {
    if (*enabled == "true") {
      config.cache_enabled = true;
    } else if (*enabled == "false") {
      config.cache_enabled = false;
    } else {
      reader.fail("PARLEY_CACHE_ENABLED", "must be true or false");
    }
  }
  config.cache_ttls.list = reader.seconds("PARLEY_CACHE_LIST_TTL_SECONDS", config.cache_ttls.list, 1, 3600);
  config.cache_ttls.entity =
      reader.seconds("PARLEY_CACHE_ENTITY_TTL_SECONDS", config.cache_ttls.entity, 1, 86'400);
  parse_database_url(reader, config);  // after PARLEY_DB_POOL_SIZE and the statement timeout, which it uses
  parse_redis_url(reader, config);
  parse_redis_key_prefix(reader, config);  // after PARLEY_REDIS_URL, whose config it completes
  parse_rate_limits(reader, config.rate_limit);

  if (reader.errors().empty()) return config;
  core::Error error;
  error.code = core::ErrorCode::invalid_input;
  error.message = "invalid configuration";
  for (const auto& [name, reason] : reader.errors())
    error.details.emplace(name, reason);
  return error;
}

std::string describe_config_error(const core::Error& error) {
  std::string out;
  for (const auto& [name, reason] : error.details) {
    if (!out.empty()) out.push_back('\n');
    out.append(name).append(": ").append(reason);
  }
  return out.empty() ? error.message : out;
}

}  // namespace parley::app
