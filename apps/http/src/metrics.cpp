// The metrics registry and the Prometheus text format 0.0.4 renderer.
#include "parley/http/metrics.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <exception>
#include <limits>
#include <stdexcept>

namespace parley::http {

namespace {

bool is_name_start(char c) noexcept {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

bool is_name_char(char c) noexcept {
  return is_name_start(c) || (c >= '0' && c <= '9');
}

// `name="value",...` without braces.
std::string render_labels(const std::vector<std::string>& names, const std::vector<std::string>& values) {
  std::string out;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i > 0) out.push_back(',');
    out.append(names[i]).append("=\"").append(escape_label_value(values[i])).push_back('"');
  }
  return out;
}

void write_sample(std::string& out, std::string_view name, const std::string& labels, double value) {
  out.append(name);
  if (!labels.empty()) out.append("{").append(labels).append("}");
  out.push_back(' ');
  out.append(format_value(value)).push_back('\n');
}

void write_header(std::string& out, std::string_view name, std::string_view help, std::string_view type) {
  out.append("# HELP ").append(name).append(" ").append(escape_help(help)).push_back('\n');
  out.append("# TYPE ").append(name).append(" ").append(type).push_back('\n');
}

void check_bounds(const std::vector<double>& bounds) {
  if (bounds.empty()) throw std::invalid_argument("a histogram needs at least one bucket");
  for (std::size_t i = 0; i < bounds.size(); ++i) {
    if (!std::isfinite(bounds[i]) || (i > 0 && bounds[i] <= bounds[i - 1])) {
      throw std::invalid_argument("histogram bounds must be finite and strictly increasing");
    }
  }
}

}  // namespace

// ---- names, escaping, numbers --------------------------------------------------------------

bool is_valid_metric_name(std::string_view name) noexcept {
  if (name.empty() || !(is_name_start(name.front()) || name.front() == ':')) return false;
  return std::all_of(name.begin(), name.end(), [](char c) { return is_name_char(c) || c == ':'; });
}

bool is_valid_label_name(std::string_view name) noexcept {
  if (name.empty() || !is_name_start(name.front()) || name.starts_with("__")) return false;
  return std::all_of(name.begin(), name.end(), is_name_char);
}

std::string escape_label_value(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (const char c : value) {
    if (c == '\\') {
      out.append("\\\\");
    } else if (c == '"') {
      out.append("\\\"");
    } else if (c == '\n') {
      out.append("\\n");
    } else {
      out.push_back(c);
    }
  }
  return out;
}

std::string escape_help(std::string_view help) {
  std::string out;
  out.reserve(help.size());
  for (const char c : help) {
    if (c == '\\') {
      out.append("\\\\");
    } else if (c == '\n') {
      out.append("\\n");
    } else {
      out.push_back(c);
    }
  }
  return out;
}

std::string format_value(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  std::array<char, 64> buffer{};
  // Shortest text that reads back as the same double: "3", "0.25", "1e+21".
  const auto [end, ec] = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value);
  if (ec != std::errc{}) return "NaN";
  return {buffer.data(), end};
}

std::vector<double> default_latency_buckets() {
  return {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0};
}

// ---- series --------------------------------------------------------------------------------

void Counter::inc(double by) noexcept {
  if (by > 0) value_.fetch_add(by, std::memory_order_relaxed);
}

Histogram::Histogram(std::vector<double> upper_bounds)
    : bounds_(std::move(upper_bounds)),
      counts_(std::make_unique<std::atomic<std::uint64_t>[]>(bounds_.size() + 1)) {
  check_bounds(bounds_);
}

void Histogram::observe(double value) noexcept {
  // Buckets are "less than or equal": the first bound not below the value.
  const auto bucket =
      static_cast<std::size_t>(std::lower_bound(bounds_.begin(), bounds_.end(), value) - bounds_.begin());
  counts_[bucket].fetch_add(1, std::memory_order_relaxed);
  sum_.fetch_add(value, std::memory_order_relaxed);
}

Histogram::Snapshot Histogram::snapshot() const {
  Snapshot snapshot;
  snapshot.cumulative.reserve(bounds_.size() + 1);
  std::uint64_t running = 0;
  for (std::size_t i = 0; i <= bounds_.size(); ++i) {
    running += counts_[i].load(std::memory_order_relaxed);
    snapshot.cumulative.push_back(running);
  }
  snapshot.count = running;
  snapshot.sum = sum_.load(std::memory_order_relaxed);
  return snapshot;
}

// ---- families ------------------------------------------------------------------------------

MetricFamily::MetricFamily(std::string name, std::string help, std::vector<std::string> label_names)
    : name_(std::move(name)), help_(std::move(help)), label_names_(std::move(label_names)) {
  if (!is_valid_metric_name(name_)) throw std::invalid_argument("invalid metric name: " + name_);
  for (const auto& label : label_names_) {
    if (!is_valid_label_name(label)) throw std::invalid_argument("invalid label name: " + label);
  }
}

std::size_t MetricFamily::series_index(std::initializer_list<std::string_view> values,
                                       const std::function<void()>& append) {
  if (values.size() != label_names_.size()) {
    throw std::invalid_argument(name_ + " takes " + std::to_string(label_names_.size()) + " label value(s)");
  }
  std::vector<std::string> key(values.begin(), values.end());
  {
    const std::shared_lock lock(mutex_);
    if (const auto it = index_.find(key); it != index_.end()) return it->second;
  }
  const std::unique_lock lock(mutex_);
  if (const auto it = index_.find(key); it != index_.end()) return it->second;  // made meanwhile
  const std::size_t index = index_.size();
  append();
  index_.emplace(std::move(key), index);
  return index;
}

void MetricFamily::render(std::string& out) const {
  write_header(out, name_, help_, type());
  const std::shared_lock lock(mutex_);
  for (const auto& [values, index] : index_)
    render_series(out, index, render_labels(label_names_, values));
}

Counter& CounterFamily::with(std::initializer_list<std::string_view> values) {
  const std::size_t index = series_index(values, [this] { series_.emplace_back(); });
  const std::shared_lock lock(mutex());  // emplace_back may be reshaping the deque's index
  return series_[index];
}

void CounterFamily::render_series(std::string& out, std::size_t index, const std::string& labels) const {
  write_sample(out, name(), labels, series_[index].value());
}

Gauge& GaugeFamily::with(std::initializer_list<std::string_view> values) {
  const std::size_t index = series_index(values, [this] { series_.emplace_back(); });
  const std::shared_lock lock(mutex());  // emplace_back may be reshaping the deque's index
  return series_[index];
}

void GaugeFamily::render_series(std::string& out, std::size_t index, const std::string& labels) const {
  write_sample(out, name(), labels, series_[index].value());
}

HistogramFamily::HistogramFamily(std::string name, std::string help, std::vector<std::string> label_names,
                                 std::vector<double> upper_bounds)
    : MetricFamily(std::move(name), std::move(help), std::move(label_names)),
      bounds_(std::move(upper_bounds)) {
  check_bounds(bounds_);
}

Histogram& HistogramFamily::with(std::initializer_list<std::string_view> values) {
  const std::size_t index = series_index(values, [this] { series_.emplace_back(bounds_); });
  const std::shared_lock lock(mutex());  // emplace_back may be reshaping the deque's index
  return series_[index];
}

void HistogramFamily::render_series(std::string& out, std::size_t index, const std::string& labels) const {
  const Histogram::Snapshot snapshot = series_[index].snapshot();
  const std::string bucket_name = name() + "_bucket";
  const std::string prefix = labels.empty() ? std::string() : labels + ",";
  for (std::size_t i = 0; i < snapshot.cumulative.size(); ++i) {
    const std::string le = i < bounds_.size() ? format_value(bounds_[i]) : "+Inf";
    write_sample(out, bucket_name, prefix + "le=\"" + le + "\"", static_cast<double>(snapshot.cumulative[i]));
  }
  write_sample(out, name() + "_sum", labels, snapshot.sum);
  write_sample(out, name() + "_count", labels, static_cast<double>(snapshot.count));
}

// ---- collectors ----------------------------------------------------------------------------

void CollectorOutput::gauge(std::string_view name, std::string_view help,
                            const std::vector<Sample>& samples) {
  family(name, help, "gauge", samples);
}

void CollectorOutput::counter(std::string_view name, std::string_view help,
                              const std::vector<Sample>& samples) {
  family(name, help, "counter", samples);
}

void CollectorOutput::family(std::string_view name, std::string_view help, std::string_view type,
                             const std::vector<Sample>& samples) {
  if (!is_valid_metric_name(name)) return;
  if (std::find(rendered_.begin(), rendered_.end(), name) != rendered_.end()) return;
  for (const auto& sample : samples) {
    for (const auto& [label, value] : sample.labels) {
      if (!is_valid_label_name(label)) return;
    }
  }
  rendered_.emplace_back(name);
  write_header(out_, name, help, type);
  for (const auto& sample : samples) {
    std::string labels;
    for (const auto& [label, value] : sample.labels) {
      if (!labels.empty()) labels.push_back(',');
      labels.append(label).append("=\"").append(escape_label_value(value)).push_back('"');
    }
    write_sample(out_, name, labels, sample.value);
  }
}

// ---- registry ------------------------------------------------------------------------------

void MetricsRegistry::claim(const std::string& name) {
  const bool taken = std::any_of(families_.begin(), families_.end(),
                                 [&](const auto& family) { return family->name() == name; });
  if (taken) throw std::invalid_argument("metric registered twice: " + name);
}

CounterFamily& MetricsRegistry::counter(std::string name, std::string help,
                                        std::vector<std::string> label_names) {
  const std::lock_guard lock(mutex_);
  claim(name);
  auto family = std::make_unique<CounterFamily>(std::move(name), std::move(help), std::move(label_names));
  auto& ref = *family;
  families_.push_back(std::move(family));
  return ref;
}

GaugeFamily& MetricsRegistry::gauge(std::string name, std::string help,
                                    std::vector<std::string> label_names) {
  const std::lock_guard lock(mutex_);
  claim(name);
  auto family = std::make_unique<GaugeFamily>(std::move(name), std::move(help), std::move(label_names));
  auto& ref = *family;
  families_.push_back(std::move(family));
  return ref;
}

HistogramFamily& MetricsRegistry::histogram(std::string name, std::string help,
                                            std::vector<std::string> label_names,
                                            std::vector<double> upper_bounds) {
  const std::lock_guard lock(mutex_);
  claim(name);
  auto family = std::make_unique<HistogramFamily>(std::move(name), std::move(help), std::move(label_names),
                                                  std::move(upper_bounds));
  auto& ref = *family;
  families_.push_back(std::move(family));
  return ref;
}

void MetricsRegistry::add_collector(Collector collector) {
  const std::lock_guard lock(mutex_);
  collectors_.push_back(std::move(collector));
}

std::string MetricsRegistry::render() const {
  std::string out;
  std::vector<std::string> rendered;
  std::vector<Collector> collectors;
  {
    const std::lock_guard lock(mutex_);
    for (const auto& family : families_) {
      family->render(out);
      rendered.push_back(family->name());
    }
    collectors = collectors_;
  }
  // Collectors may block (a database ping): run them outside the lock.
  for (const Collector& collector : collectors) {
    std::string part;
    std::vector<std::string> part_names = rendered;
    CollectorOutput output(part, part_names);
    try {
      collector(output);
    } catch (...) {  // NOLINT(bugprone-empty-catch): a failing collector must not fail the scrape
      continue;
    }
    out += part;
    rendered = std::move(part_names);
  }
  return out;
}

}  // namespace parley::http
