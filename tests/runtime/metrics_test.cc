// Tests of the metrics (metrics.h) and their registry and text rendering
// (metrics_registry.h), read back with a strict parser of the format.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <thread>
#include <vector>

#include "runtime/metrics_registry.h"
#include "support/prometheus_text.h"

namespace aurite::runtime {
namespace {

std::vector<promtext::Sample> Parsed(const MetricsRegistry& registry) {
  std::vector<promtext::Sample> samples;
  const std::string text = registry.Render();
  const auto problem = promtext::Parse(text, &samples);
  EXPECT_FALSE(problem) << *problem << "\n" << text;
  return samples;
}

TEST(Metrics, CountersAndGaugesRenderWithHelpTypeAndLabels) {
  MetricsRegistry registry;
  Counter& ok = registry.AddCounter("calls_total", "Calls.", {{"outcome", "ok"}});
  Counter& failed = registry.AddCounter("calls_total", "Calls.", {{"outcome", "error"}});
  Gauge& level = registry.AddGauge("level", "A level.");
  ok.Increment();
  ok.Increment(2);
  failed.Increment();
  level.Set(2.5);
  level.Add(-1);
  EXPECT_EQ(registry.Render(),
            "# HELP calls_total Calls.\n"
            "# TYPE calls_total counter\n"
            "calls_total{outcome=\"ok\"} 3\n"
            "calls_total{outcome=\"error\"} 1\n"
            "# HELP level A level.\n"
            "# TYPE level gauge\n"
            "level 1.5\n");
}

TEST(Metrics, TheSameNameAndLabelsGiveTheSameSeries) {
  MetricsRegistry registry;
  Counter& first = registry.AddCounter("c_total", "C.", {{"kind", "a"}});
  Counter& again = registry.AddCounter("c_total", "C.", {{"kind", "a"}});
  EXPECT_EQ(&first, &again);
  EXPECT_NE(&first, &registry.AddCounter("c_total", "C.", {{"kind", "b"}}));
}

TEST(Metrics, HistogramsAreCumulativeWithInfSumAndCount) {
  MetricsRegistry registry;
  const double bounds[] = {0.1, 1};
  Histogram& h = registry.AddHistogram("d_seconds", "D.", bounds, {{"tool", "t"}});
  h.Observe(0.05);
  h.Observe(0.1);  // le: a value on a bound counts in that bucket
  h.Observe(0.5);
  h.Observe(7);
  h.Observe(std::numeric_limits<double>::quiet_NaN());  // ignored
  const auto samples = Parsed(registry);
  EXPECT_EQ(promtext::Find(samples, "d_seconds_bucket", {{"tool", "t"}, {"le", "0.1"}}), 2);
  EXPECT_EQ(promtext::Find(samples, "d_seconds_bucket", {{"tool", "t"}, {"le", "1"}}), 3);
  EXPECT_EQ(promtext::Find(samples, "d_seconds_bucket", {{"tool", "t"}, {"le", "+Inf"}}), 4);
  EXPECT_EQ(promtext::Find(samples, "d_seconds_count", {{"tool", "t"}}), 4);
  EXPECT_DOUBLE_EQ(*promtext::Find(samples, "d_seconds_sum", {{"tool", "t"}}), 7.65);
  EXPECT_NE(registry.Render().find("# TYPE d_seconds histogram\n"), std::string::npos);
}

TEST(Metrics, LabelValuesAndHelpAreEscaped) {
  MetricsRegistry registry;
  registry.AddCounter("e_total", "Back\\slash\nnew line.", {{"v", "a\"b\\c\nd"}}).Increment();
  const std::string text = registry.Render();
  EXPECT_NE(text.find("# HELP e_total Back\\\\slash\\nnew line.\n"), std::string::npos) << text;
  EXPECT_NE(text.find("e_total{v=\"a\\\"b\\\\c\\nd\"} 1\n"), std::string::npos) << text;
  const auto samples = Parsed(registry);
  ASSERT_EQ(samples.size(), 1u);
  EXPECT_EQ(samples[0].labels.at("v"), "a\"b\\c\nd");
}

TEST(Metrics, SpecialValuesUseTheFormatsSpelling) {
  MetricsRegistry registry;
  registry.AddGauge("g_inf", "G.").Set(std::numeric_limits<double>::infinity());
  registry.AddGauge("g_nan", "G.").Set(std::numeric_limits<double>::quiet_NaN());
  registry.AddGauge("g_small", "G.").Set(0.00001);
  const std::string text = registry.Render();
  EXPECT_NE(text.find("g_inf +Inf\n"), std::string::npos) << text;
  EXPECT_NE(text.find("g_nan NaN\n"), std::string::npos) << text;
  const auto samples = Parsed(registry);
  EXPECT_DOUBLE_EQ(*promtext::Find(samples, "g_small"), 0.00001);
}

TEST(Metrics, CallbackGaugesAreReadAtRenderUntilTheirHandleGoes) {
  MetricsRegistry registry;
  double size = 3;
  {
    MetricsRegistry::Callback live =
        registry.AddGaugeCallback("live", "Live things.", [&size] { return size; });
    EXPECT_EQ(promtext::Find(Parsed(registry), "live"), 3);
    size = 5;
    EXPECT_EQ(promtext::Find(Parsed(registry), "live"), 5);
    MetricsRegistry::Callback moved = std::move(live);
    EXPECT_EQ(promtext::Find(Parsed(registry), "live"), 5);
  }
  EXPECT_EQ(registry.Render(), "");  // gone, with its HELP and TYPE
  // The name is free again.
  MetricsRegistry::Callback again = registry.AddGaugeCallback("live", "L.", [] { return 1.0; });
  EXPECT_EQ(promtext::Find(Parsed(registry), "live"), 1);
}

TEST(Metrics, CallsBreakingTheRulesGetMetricsThatAreNeverRendered) {
  MetricsRegistry registry;
  registry.AddCounter("ok_total", "Ok.").Increment();
  const std::string before = registry.Render();
  const double bounds[] = {1, 0.5};
  const std::string long_value(MetricsRegistry::kMaxLabelValueBytes + 1, 'x');
  registry.AddCounter("1bad", "Bad name.").Increment();
  registry.AddCounter("bad-name", "Bad name.").Increment();
  registry.AddCounter("l_total", "Bad label.", {{"__reserved", "x"}}).Increment();
  registry.AddCounter("l_total", "Bad label.", {{"a", "x"}, {"a", "y"}}).Increment();
  registry.AddCounter("l_total", "Long value.", {{"a", long_value}}).Increment();
  registry.AddGauge("ok_total", "Another kind.").Set(1);
  registry.AddHistogram("h_seconds", "Bad bounds.", bounds).Observe(1);
  registry.AddHistogram("h_seconds", "le label.", {}, {{"le", "1"}}).Observe(1);
  MetricsRegistry::Callback twice =
      registry.AddGaugeCallback("ok_total", "Taken.", [] { return 1.0; });
  EXPECT_EQ(registry.Render(), before);
}

TEST(Metrics, ASeriesWithOtherLabelNamesThanItsFamilyIsRefused) {
  MetricsRegistry registry;
  registry.AddCounter("f_total", "F.", {{"kind", "a"}}).Increment();
  registry.AddCounter("f_total", "F.", {{"other", "a"}}).Increment();
  const auto samples = Parsed(registry);
  ASSERT_EQ(samples.size(), 1u);
  EXPECT_EQ(samples[0].labels.count("kind"), 1u);
}

TEST(Metrics, TheSeriesCountIsCapped) {
  MetricsRegistry registry;
  for (std::size_t i = 0; i < MetricsRegistry::kMaxSeries + 10; ++i) {
    registry.AddCounter("many_total", "Many.", {{"i", std::to_string(i)}}).Increment();
  }
  EXPECT_EQ(Parsed(registry).size(), MetricsRegistry::kMaxSeries);
}

TEST(Metrics, RecordingFromManyThreadsLosesNothing) {
  MetricsRegistry registry;
  Counter& counter = registry.AddCounter("n_total", "N.");
  const double bounds[] = {0.5};
  Histogram& histogram = registry.AddHistogram("n_seconds", "N.", bounds);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 10'000; ++i) {
        counter.Increment();
        histogram.Observe(i % 2 == 0 ? 0.25 : 1.0);
        if (i % 1000 == 0) (void)registry.Render();
      }
    });
  }
  for (auto& thread : threads) thread.join();
  const auto samples = Parsed(registry);
  EXPECT_EQ(promtext::Find(samples, "n_total"), 40'000);
  EXPECT_EQ(promtext::Find(samples, "n_seconds_bucket", {{"le", "0.5"}}), 20'000);
  EXPECT_EQ(promtext::Find(samples, "n_seconds_count"), 40'000);
  EXPECT_DOUBLE_EQ(*promtext::Find(samples, "n_seconds_sum"), 20'000 * 0.25 + 20'000 * 1.0);
}

}  // namespace
}  // namespace aurite::runtime
