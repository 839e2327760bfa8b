#include "support/exchange_log.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <fstream>
#include <mutex>
#include <optional>
#include <stdexcept>

#include <boost/json.hpp>

#include "support/process.hpp"

namespace parley::e2e {
namespace {

namespace json = boost::json;

constexpr std::size_t kUnparsedExcerpt = 200;
constexpr std::chrono::seconds kValidatorTimeout{120};

thread_local Deliberate current_mark = Deliberate::none;

struct Log {
  std::mutex mutex;
  std::ofstream out;
  std::size_t count = 0;
};

Log& log() {
  static Log instance;
  return instance;
}

const char* name_of(Deliberate kind) noexcept {
  switch (kind) {
    case Deliberate::none:
      return "none";
    case Deliberate::unmatched_route:
      return "unmatched_route";
    case Deliberate::malformed_http:
      return "malformed_http";
    case Deliberate::hidden_route:
      return "hidden_route";
  }
  return "none";
}

bool is_token_char(char c) noexcept {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 ||
         std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

bool is_token(std::string_view text) noexcept {
  return !text.empty() && std::all_of(text.begin(), text.end(), is_token_char);
}

std::string_view trim(std::string_view text) noexcept {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t'))
    text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t'))
    text.remove_suffix(1);
  return text;
}

// One request as parsed from the bytes sent; nullopt when they are not an HTTP/1.x request.
struct ParsedRequest {
  std::string method;
  std::string target;
  Headers headers;
  std::size_t body_start = 0;
  std::size_t body_length = 0;
  bool head_complete = false;
};

std::optional<ParsedRequest> parse_request(std::string_view sent) {
  const std::size_t line_end = sent.find("\r\n");
  const std::string_view line = sent.substr(0, line_end);
  const std::size_t first_space = line.find(' ');
  const std::size_t last_space = line.rfind(' ');
  if (first_space == std::string_view::npos || last_space == first_space) return std::nullopt;
  ParsedRequest request;
  request.method = std::string(line.substr(0, first_space));
  request.target = std::string(line.substr(first_space + 1, last_space - first_space - 1));
  const std::string_view version = line.substr(last_space + 1);
  if (!is_token(request.method) || request.target.empty() || request.target.find(' ') != std::string::npos ||
      (version != "HTTP/1.1" && version != "HTTP/1.0")) {
    return std::nullopt;
  }
  const std::size_t head_end = sent.find("\r\n\r\n");
  if (line_end == std::string_view::npos || head_end == std::string_view::npos) {
    request.body_start = sent.size();
    return request;  // the head was cut short (an early 431)
  }
  request.head_complete = true;
  std::optional<std::size_t> content_length;
  std::size_t start = line_end + 2;
  while (start < head_end + 2) {
    const std::size_t end = sent.find("\r\n", start);
    const std::string_view header = sent.substr(start, end - start);
    start = end + 2;
    const std::size_t colon = header.find(':');
    if (colon == std::string_view::npos || !is_token(header.substr(0, colon))) return std::nullopt;
    const std::string_view name = header.substr(0, colon);
    const std::string_view value = trim(header.substr(colon + 1));
    if (iequals(name, "Transfer-Encoding")) return std::nullopt;  // the harness never chunks requests
    if (iequals(name, "Content-Length")) {
      std::size_t length = 0;
      const auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), length);
      if (content_length || value.empty() || ec != std::errc{} || ptr != value.data() + value.size()) {
        return std::nullopt;
      }
      content_length = length;
    }
    request.headers.push_back({std::string(name), std::string(value)});
  }
  request.body_start = head_end + 4;
  request.body_length = content_length.value_or(0);
  return request;
}

// Printable: bytes outside ASCII 0x20-0x7e as \xNN.
std::string excerpt(std::string_view bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (const char c : bytes.substr(0, kUnparsedExcerpt)) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte >= 0x20 && byte < 0x7f) {
      out += c;
    } else {
      out += "\\x";
      out += kHex[byte >> 4];
      out += kHex[byte & 0xf];
    }
  }
  return out;
}

json::array to_json(const Headers& headers) {
  json::array out;
  for (const auto& header : headers)
    out.push_back(json::array{json::string(header.name), json::string(header.value)});
  return out;
}

}  // namespace

DeliberateExchanges::DeliberateExchanges(Deliberate kind) noexcept : previous_(current_mark) {
  current_mark = kind;
}

DeliberateExchanges::~DeliberateExchanges() {
  current_mark = previous_;
}

void start_exchange_log(const std::filesystem::path& path) {
  Log& l = log();
  const std::lock_guard lock(l.mutex);
  l.out.open(path, std::ios::binary | std::ios::trunc);
  if (!l.out) throw std::runtime_error("cannot write the exchange log " + path.string());
  l.count = 0;
}

std::size_t recorded_exchanges() {
  Log& l = log();
  const std::lock_guard lock(l.mutex);
  return l.count;
}

std::size_t first_request_length(std::string_view sent) {
  const auto request = parse_request(sent);
  if (!request || !request->head_complete) return sent.size();
  return std::min(sent.size(), request->body_start + request->body_length);
}

void record_exchange(std::string_view request_bytes, const Response& response) {
  json::object request;
  if (const auto parsed = parse_request(request_bytes)) {
    request["method"] = parsed->method;
    request["target"] = parsed->target;
    request["headers"] = to_json(parsed->headers);
    const std::string_view body = request_bytes.substr(std::min(parsed->body_start, request_bytes.size()));
    request["body"] = json::string(body.substr(0, parsed->body_length));
    request["complete"] = parsed->head_complete && body.size() >= parsed->body_length;
  } else {
    request["unparsed"] = excerpt(request_bytes);
  }
  json::object line;
  line["deliberate"] = name_of(current_mark);
  line["request"] = std::move(request);
  line["response"] = json::object{{"status", response.status},
                                  {"headers", to_json(response.headers)},
                                  {"body", json::string(response.body)}};

  Log& l = log();
  const std::lock_guard lock(l.mutex);
  if (!l.out.is_open()) return;
  line["seq"] = ++l.count;
  l.out << json::serialize(line) << '\n';
  l.out.flush();
}

ConformanceResult check_conformance(const std::filesystem::path& log_path) {
  {
    Log& l = log();
    const std::lock_guard lock(l.mutex);
    l.out.close();
  }
  const std::string node = PARLEY_NODE_EXECUTABLE;
  if (node.empty()) {
    return {false,
            "node was not found when the build was configured: install it (deploy/scripts/install-deps.sh "
            "test) and configure again"};
  }
  const ProcessResult result = run_process({node, PARLEY_CONFORMANCE_VALIDATOR, "--spec", PARLEY_OPENAPI_FILE,
                                            "--tools", PARLEY_NODE_TOOLS_DIR, log_path.string()},
                                           {}, "", kValidatorTimeout);
  std::string report = result.out + result.err;
  if (!result.status.success()) report += "validator " + result.status.describe() + "\n";
  return {result.status.success(), std::move(report)};
}

}  // namespace parley::e2e
