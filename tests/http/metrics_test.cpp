// The metrics registry and its Prometheus text format 0.0.4 output, byte for byte.
#include "parley/http/metrics.hpp"

#include <limits>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

namespace parley::http {
namespace {

TEST_CASE("a small registry renders exactly in the text format", "[metrics]") {
  MetricsRegistry registry;
  auto& requests = registry.counter("app_requests_total", "Requests served.", {"method", "status"});
  auto& temperature = registry.gauge("app_temperature_celsius", "Current temperature.");
  requests.with({"GET", "200"}).inc();
  requests.with({"GET", "200"}).inc(2);
  requests.with({"DELETE", "404"}).inc();
  temperature.with().set(-3.5);

  CHECK(registry.render() ==
        "# HELP app_requests_total Requests served.\n"
        "# TYPE app_requests_total counter\n"
        "app_requests_total{method=\"DELETE\",status=\"404\"} 1\n"
        "app_requests_total{method=\"GET\",status=\"200\"} 3\n"
        "# HELP app_temperature_celsius Current temperature.\n"
        "# TYPE app_temperature_celsius gauge\n"
        "app_temperature_celsius -3.5\n");
}

TEST_CASE("histogram buckets are cumulative and end with +Inf, _sum and _count", "[metrics]") {
  MetricsRegistry registry;
  auto& latency = registry.histogram("op_seconds", "Latency.", {"op"}, {0.1, 0.5, 1});
  auto& series = latency.with({"read"});
  series.observe(0.05);
  series.observe(0.1);  // a bound is inclusive: "le"
  series.observe(0.3);
  series.observe(7);

  CHECK(registry.render() ==
        "# HELP op_seconds Latency.\n"
        "# TYPE op_seconds histogram\n"
        "op_seconds_bucket{op=\"read\",le=\"0.1\"} 2\n"
        "op_seconds_bucket{op=\"read\",le=\"0.5\"} 3\n"
        "op_seconds_bucket{op=\"read\",le=\"1\"} 3\n"
        "op_seconds_bucket{op=\"read\",le=\"+Inf\"} 4\n"
        "op_seconds_sum{op=\"read\"} 7.45\n"
        "op_seconds_count{op=\"read\"} 4\n");

  const auto snapshot = series.snapshot();
  CHECK(snapshot.cumulative == std::vector<std::uint64_t>{2, 3, 3, 4});
  CHECK(snapshot.count == 4);
}

TEST_CASE("an unlabelled histogram has only le on its buckets", "[metrics]") {
  MetricsRegistry registry;
  registry.histogram("wait_seconds", "Wait.", {}, {1}).with().observe(2);
  CHECK(registry.render() ==
        "# HELP wait_seconds Wait.\n"
        "# TYPE wait_seconds histogram\n"
        "wait_seconds_bucket{le=\"1\"} 0\n"
        "wait_seconds_bucket{le=\"+Inf\"} 1\n"
        "wait_seconds_sum 2\n"
        "wait_seconds_count 1\n");
}

TEST_CASE("label values and help text are escaped", "[metrics]") {
  CHECK(escape_label_value("a\\b\"c\nd") == "a\\\\b\\\"c\\nd");
  CHECK(escape_help("line\\one\nline \"two\"") == "line\\\\one\\nline \"two\"");

  MetricsRegistry registry;
  registry.counter("odd_total", "Back\\slash\nnewline.", {"path"}).with({"/x\"y\\z\n"}).inc();
  CHECK(registry.render() ==
        "# HELP odd_total Back\\\\slash\\nnewline.\n"
        "# TYPE odd_total counter\n"
        "odd_total{path=\"/x\\\"y\\\\z\\n\"} 1\n");
}

TEST_CASE("values are written in their shortest exact form", "[metrics]") {
  CHECK(format_value(0) == "0");
  CHECK(format_value(3) == "3");
  CHECK(format_value(0.25) == "0.25");
  CHECK(format_value(123456789) == "123456789");
  CHECK(format_value(std::numeric_limits<double>::infinity()) == "+Inf");
  CHECK(format_value(-std::numeric_limits<double>::infinity()) == "-Inf");
  CHECK(format_value(std::numeric_limits<double>::quiet_NaN()) == "NaN");
}

TEST_CASE("names are validated at registration", "[metrics]") {
  CHECK(is_valid_metric_name("http_requests_total"));
  CHECK(is_valid_metric_name("ns:metric"));
  CHECK_FALSE(is_valid_metric_name("1abc"));
  CHECK_FALSE(is_valid_metric_name("with-dash"));
  CHECK_FALSE(is_valid_metric_name(""));
  CHECK(is_valid_label_name("route"));
  CHECK_FALSE(is_valid_label_name("__reserved"));
  CHECK_FALSE(is_valid_label_name("a:b"));

  MetricsRegistry registry;
  registry.counter("x_total", "X.");
  CHECK_THROWS_AS(registry.counter("x_total", "again"), std::invalid_argument);
  CHECK_THROWS_AS(registry.gauge("bad-name", "B."), std::invalid_argument);
  CHECK_THROWS_AS(registry.gauge("good", "G.", {"bad label"}), std::invalid_argument);
  CHECK_THROWS_AS(registry.histogram("h1", "H.", {}, {}), std::invalid_argument);
  CHECK_THROWS_AS(registry.histogram("h2", "H.", {}, {1, 1}), std::invalid_argument);
  CHECK_THROWS_AS(registry.histogram("h3", "H.", {}, {std::numeric_limits<double>::infinity()}),
                  std::invalid_argument);
  auto& labelled = registry.counter("y_total", "Y.", {"a", "b"});
  CHECK_THROWS_AS(labelled.with({"only one"}), std::invalid_argument);
}

TEST_CASE("a counter never goes down", "[metrics]") {
  Counter counter;
  counter.inc(2);
  counter.inc(-5);
  CHECK(counter.value() == 2);
}

TEST_CASE("collectors add families at scrape time, after the registered ones", "[metrics]") {
  MetricsRegistry registry;
  registry.gauge("first", "Registered.").with().set(1);
  int calls = 0;
  registry.add_collector([&calls](CollectorOutput& out) {
    ++calls;
    out.gauge("pool_connections", "Pool.", {{{{"state", "in_use"}}, 2}, {{{"state", "idle"}}, 3}});
    out.counter("hits_total", "Hits.", {{{}, 7}});
    out.gauge("first", "Duplicate of a registered name: left out.", {{{}, 9}});
    out.gauge("bad-name", "Left out.", {{{}, 1}});
    out.gauge("bad_label", "Left out.", {{{{"no good", "x"}}, 1}});
  });
  registry.add_collector([](CollectorOutput& out) {
    out.gauge("half_written", "Dropped with its collector.", {{{}, 1}});
    throw std::runtime_error("collector failed");
  });
  registry.add_collector([](CollectorOutput& out) { out.gauge("last", "Still there.", {{{}, 4}}); });

  CHECK(registry.render() ==
        "# HELP first Registered.\n"
        "# TYPE first gauge\n"
        "first 1\n"
        "# HELP pool_connections Pool.\n"
        "# TYPE pool_connections gauge\n"
        "pool_connections{state=\"in_use\"} 2\n"
        "pool_connections{state=\"idle\"} 3\n"
        "# HELP hits_total Hits.\n"
        "# TYPE hits_total counter\n"
        "hits_total 7\n"
        "# HELP last Still there.\n"
        "# TYPE last gauge\n"
        "last 4\n");
  CHECK(calls == 1);
}

TEST_CASE("recording from many threads loses nothing", "[metrics]") {
  MetricsRegistry registry;
  auto& family = registry.counter("work_total", "Work.", {"worker"});
  auto& histogram = registry.histogram("work_seconds", "Work.", {}, {1}).with();
  constexpr int kThreads = 4;
  constexpr int kPerThread = 10'000;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&family, &histogram, t] {
      for (int i = 0; i < kPerThread; ++i) {
        family.with({t % 2 == 0 ? "even" : "odd"}).inc();
        histogram.observe(0.5);
      }
    });
  }
  for (auto& thread : threads)
    thread.join();
  CHECK(family.with({"even"}).value() == 2 * kPerThread);
  CHECK(family.with({"odd"}).value() == 2 * kPerThread);
  CHECK(histogram.snapshot().count == kThreads * kPerThread);
}

}  // namespace
}  // namespace parley::http
