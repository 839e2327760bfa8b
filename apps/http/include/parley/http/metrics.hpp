// A small Prometheus metrics registry: counters, gauges and fixed-bucket histograms with
// labels, scrape-time collectors, and the text exposition format 0.0.4.
//
// Recording is cheap and thread-safe: a series is a few atomics, and a family finds an existing
// series under a shared (reader) lock; the exclusive lock is taken only to create a new label
// set. Hold on to the reference a family returns to skip even that lookup on a hot path.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <initializer_list>
#include <map>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace parley::http {

// Label name -> value pairs of one sample, in the order they are written.
using Labels = std::vector<std::pair<std::string, std::string>>;

class Counter {
 public:
  // `by` must not be negative: a counter only goes up (a negative value is ignored).
  void inc(double by = 1.0) noexcept;
  [[nodiscard]] double value() const noexcept { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0.0};
};

class Gauge {
 public:
  void set(double value) noexcept { value_.store(value, std::memory_order_relaxed); }
  void inc(double by = 1.0) noexcept { value_.fetch_add(by, std::memory_order_relaxed); }
  void dec(double by = 1.0) noexcept { value_.fetch_sub(by, std::memory_order_relaxed); }
  [[nodiscard]] double value() const noexcept { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0.0};
};

class Histogram {
 public:
  // `upper_bounds`: finite, strictly increasing; the +Inf bucket is implicit.
  explicit Histogram(std::vector<double> upper_bounds);

  void observe(double value) noexcept;

  struct Snapshot {
    std::vector<std::uint64_t> cumulative;  // one per upper bound, then +Inf (== count)
    double sum = 0.0;
    std::uint64_t count = 0;
  };
  // A consistent-enough view for a scrape: count is the +Inf bucket, so the buckets always add up.
  [[nodiscard]] Snapshot snapshot() const;
  [[nodiscard]] const std::vector<double>& upper_bounds() const noexcept { return bounds_; }

 private:
  std::vector<double> bounds_;
  std::unique_ptr<std::atomic<std::uint64_t>[]> counts_;  // per bucket, not cumulative; last is +Inf
  std::atomic<double> sum_{0.0};
};

// Request latencies in seconds: 5 ms to 10 s.
[[nodiscard]] std::vector<double> default_latency_buckets();

// What the families share: name, help, label names, and the label-values -> series index.
class MetricFamily {
 public:
  virtual ~MetricFamily() = default;
  MetricFamily(const MetricFamily&) = delete;
  MetricFamily& operator=(const MetricFamily&) = delete;
  MetricFamily(MetricFamily&&) = delete;
  MetricFamily& operator=(MetricFamily&&) = delete;

  [[nodiscard]] const std::string& name() const noexcept { return name_; }
  // Appends "# HELP", "# TYPE" and every series to `out`.
  void render(std::string& out) const;

 protected:
  MetricFamily(std::string name, std::string help, std::vector<std::string> label_names);

  // The index of the series with these label values, calling `append` (under the exclusive
  // lock) to create it first when it is new. std::invalid_argument when the number of values
  // differs from the number of label names.
  std::size_t series_index(std::initializer_list<std::string_view> values,
                           const std::function<void()>& append);
  // Held shared while reading a series container, exclusively while appending to it.
  [[nodiscard]] std::shared_mutex& mutex() const noexcept { return mutex_; }

 private:
  [[nodiscard]] virtual std::string_view type() const noexcept = 0;
  // Writes the lines of series `index`; `labels` is `name="value",...` (no braces, may be empty).
  virtual void render_series(std::string& out, std::size_t index, const std::string& labels) const = 0;

  std::string name_;
  std::string help_;
  std::vector<std::string> label_names_;
  mutable std::shared_mutex mutex_;
  std::map<std::vector<std::string>, std::size_t> index_;  // sorted: a stable scrape order
};

class CounterFamily final : public MetricFamily {
 public:
  CounterFamily(std::string name, std::string help, std::vector<std::string> label_names)
      : MetricFamily(std::move(name), std::move(help), std::move(label_names)) {}
  // The series with these label values (in label-name order), created on first use.
  Counter& with(std::initializer_list<std::string_view> values = {});

 private:
  [[nodiscard]] std::string_view type() const noexcept override { return "counter"; }
  void render_series(std::string& out, std::size_t index, const std::string& labels) const override;
  std::deque<Counter> series_;  // a deque: references stay valid as it grows
};

class GaugeFamily final : public MetricFamily {
 public:
  GaugeFamily(std::string name, std::string help, std::vector<std::string> label_names)
      : MetricFamily(std::move(name), std::move(help), std::move(label_names)) {}
  Gauge& with(std::initializer_list<std::string_view> values = {});

 private:
  [[nodiscard]] std::string_view type() const noexcept override { return "gauge"; }
  void render_series(std::string& out, std::size_t index, const std::string& labels) const override;
  std::deque<Gauge> series_;
};

class HistogramFamily final : public MetricFamily {
 public:
  HistogramFamily(std::string name, std::string help, std::vector<std::string> label_names,
                  std::vector<double> upper_bounds);
  Histogram& with(std::initializer_list<std::string_view> values = {});

 private:
  [[nodiscard]] std::string_view type() const noexcept override { return "histogram"; }
  void render_series(std::string& out, std::size_t index, const std::string& labels) const override;
  std::vector<double> bounds_;
  std::deque<Histogram> series_;
};

// One sample a collector reports.
struct Sample {
  Labels labels;
  double value = 0.0;
};

// What a collector writes into at scrape time: whole families of gauges or counters whose
// values live elsewhere (a pool's statistics, a cache's hit counts, /proc). A family with an
// invalid metric or label name, or a name already rendered, is left out of the scrape.
class CollectorOutput {
 public:
  void gauge(std::string_view name, std::string_view help, const std::vector<Sample>& samples);
  void counter(std::string_view name, std::string_view help, const std::vector<Sample>& samples);

 private:
  friend class MetricsRegistry;
  CollectorOutput(std::string& out, std::vector<std::string>& rendered) : out_(out), rendered_(rendered) {}
  void family(std::string_view name, std::string_view help, std::string_view type,
              const std::vector<Sample>& samples);

  std::string& out_;
  std::vector<std::string>& rendered_;
};

// Runs at every scrape, on the thread serving GET /metrics (a worker: it may block briefly).
// It must be thread-safe; an exception it throws drops its output, not the scrape.
using Collector = std::function<void(CollectorOutput&)>;

// Owns the families; register everything at startup, record from any thread afterwards.
class MetricsRegistry {
 public:
  MetricsRegistry() = default;
  MetricsRegistry(const MetricsRegistry&) = delete;
  MetricsRegistry& operator=(const MetricsRegistry&) = delete;

  // std::invalid_argument for an invalid metric or label name, a name registered twice, or
  // (histograms) bounds that are empty, not finite or not strictly increasing.
  CounterFamily& counter(std::string name, std::string help, std::vector<std::string> label_names = {});
  GaugeFamily& gauge(std::string name, std::string help, std::vector<std::string> label_names = {});
  HistogramFamily& histogram(std::string name, std::string help, std::vector<std::string> label_names,
                             std::vector<double> upper_bounds);
  // Collectors run after the registered families, in the order they were added.
  void add_collector(Collector collector);

  // The Prometheus text format 0.0.4. Safe to call while other threads record.
  [[nodiscard]] std::string render() const;

 private:
  void claim(const std::string& name);

  mutable std::mutex mutex_;  // guards the two lists, not the values
  std::vector<std::unique_ptr<MetricFamily>> families_;
  std::vector<Collector> collectors_;
};

// The media type of render()'s output.
inline constexpr std::string_view kPrometheusTextType = "text/plain; version=0.0.4; charset=utf-8";

// Names and escaping of the text format, exposed for tests.
[[nodiscard]] bool is_valid_metric_name(std::string_view name) noexcept;
[[nodiscard]] bool is_valid_label_name(std::string_view name) noexcept;
[[nodiscard]] std::string escape_label_value(std::string_view value);
[[nodiscard]] std::string escape_help(std::string_view help);
[[nodiscard]] std::string format_value(double value);

}  // namespace parley::http
