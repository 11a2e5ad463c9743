// MetricsRegistry: names a process's metrics (metrics.h) and renders them in
// the Prometheus text exposition format 0.0.4, written here directly: the
// format is a few lines of text, not worth a library.
//
// Contract:
//  - A series is a metric name with one set of label values. Add* makes it
//    on the first call and returns the same object for the same name and
//    labels afterwards; references stay valid as long as the registry.
//  - Series are meant to be made while setting up, with label values from
//    a small fixed set the caller owns (a tool name, a fixed kind), never
//    text a request brings: a label value is a lasting, unauthenticated
//    disclosure. Recording on a series is then lock-free (metrics.h); the
//    registry's lock is taken only by Add* and Render.
//  - Names match [a-zA-Z_:][a-zA-Z0-9_:]*, label names [a-zA-Z_][a-zA-Z0-9_]*
//    (not starting "__", not "le" on a histogram), label values are at most
//    kMaxLabelValueBytes. A name keeps the kind, help text, label names
//    (and, for a histogram, bounds) of its first series. At most
//    kMaxSeries series exist. A call breaking one of these rules is a
//    programming error: it gets a metric that records but is never
//    rendered, and the reason is logged (runtime/log.h).
//  - AddGaugeCallback: a gauge read by `read` at every Render, for values
//    that already live elsewhere (a table's size), until the returned
//    handle is destroyed. `read` runs under the registry's lock: it must
//    not call the registry, and should be quick.
//  - Render: one "# HELP" and one "# TYPE" line per name, names sorted,
//    then its samples in the order their series were made; histograms as
//    _bucket (cumulative, with le="+Inf"), _sum and _count. Label values
//    and help text are escaped as the format says.
//  - Thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "runtime/metrics.h"

namespace aurite::runtime {

// Label names and values, in the order they are rendered.
using MetricLabels = std::vector<std::pair<std::string, std::string>>;

class MetricsRegistry {
 public:
  static constexpr std::size_t kMaxSeries = 4096;
  static constexpr std::size_t kMaxLabelValueBytes = 128;
  // What a /metrics answer's Content-Type says.
  static constexpr const char* kContentType = "text/plain; version=0.0.4; charset=utf-8";

  MetricsRegistry() = default;
  ~MetricsRegistry();
  MetricsRegistry(const MetricsRegistry&) = delete;
  MetricsRegistry& operator=(const MetricsRegistry&) = delete;

  Counter& AddCounter(std::string_view name, std::string_view help, MetricLabels labels = {});
  Gauge& AddGauge(std::string_view name, std::string_view help, MetricLabels labels = {});
  Histogram& AddHistogram(std::string_view name, std::string_view help,
                          std::span<const double> bounds, MetricLabels labels = {});

  // Removes its gauge from the registry when destroyed (see the contract).
  class Callback {
   public:
    Callback() = default;
    ~Callback();
    Callback(Callback&& other) noexcept;
    Callback& operator=(Callback&& other) noexcept;

   private:
    friend class MetricsRegistry;
    Callback(MetricsRegistry* registry, std::uint64_t id) : registry_(registry), id_(id) {}
    MetricsRegistry* registry_ = nullptr;
    std::uint64_t id_ = 0;
  };
  [[nodiscard]] Callback AddGaugeCallback(std::string_view name, std::string_view help,
                                          std::function<double()> read, MetricLabels labels = {});

  std::string Render() const;

 private:
  enum class Kind { kCounter, kGauge, kHistogram };
  struct Series {
    MetricLabels labels;
    std::unique_ptr<Counter> counter;
    std::unique_ptr<Gauge> gauge;
    std::unique_ptr<Histogram> histogram;
    std::function<double()> read;  // a callback gauge's
    std::uint64_t callback_id = 0;
  };
  struct Family {
    Kind kind;
    std::string help;
    std::vector<std::string> label_names;
    std::vector<double> bounds;  // a histogram's
    std::vector<Series> series;
  };

  // The series of `name` with `labels`, made when new; nullptr (and the
  // reason logged) when a rule of the contract forbids it. `fresh` says
  // whether it was made by this call. Call with mu_ held.
  Series* FindOrAddLocked(std::string_view name, std::string_view help, Kind kind,
                          std::span<const double> bounds, MetricLabels labels, bool& fresh);
  void RemoveCallback(std::uint64_t id);
  static void RenderFamily(std::string& out, const std::string& name, const Family& family);

  mutable std::mutex mu_;
  std::map<std::string, Family, std::less<>> families_;
  std::size_t series_count_ = 0;
  std::uint64_t next_callback_id_ = 1;
  // What calls breaking the rules got: recorded, never rendered.
  std::vector<std::unique_ptr<Counter>> detached_counters_;
  std::vector<std::unique_ptr<Gauge>> detached_gauges_;
  std::vector<std::unique_ptr<Histogram>> detached_histograms_;
};

}  // namespace aurite::runtime
