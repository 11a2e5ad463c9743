// Metrics: the three kinds of number a process keeps about itself for a
// monitoring system (Prometheus scrapes them from the gateway's /metrics):
// counters, gauges and fixed-bucket histograms. They are made and named by
// a MetricsRegistry (metrics_registry.h), which renders them.
//
// Contract:
//  - Recording (Increment, Set, Add, Observe) is lock-free and allocates
//    nothing: relaxed atomics, since a scrape needs no ordering with the
//    work being counted. Any thread.
//  - Reads (value(), Snapshot()) may run concurrently with recording; a
//    histogram's snapshot is internally consistent (its count is the sum of
//    its buckets), its sum may lag or lead by the observations in flight.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

namespace aurite::runtime {

// Only ever goes up (a process restart resets it; Prometheus copes).
class Counter {
 public:
  void Increment(std::uint64_t by = 1) { value_.fetch_add(by, std::memory_order_relaxed); }
  std::uint64_t value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<std::uint64_t> value_{0};
};

// A value that goes up and down.
class Gauge {
 public:
  void Set(double value) { value_.store(value, std::memory_order_relaxed); }
  void Add(double by) { value_.fetch_add(by, std::memory_order_relaxed); }
  double value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0};
};

// Observations counted into buckets fixed when it is made.
class Histogram {
 public:
  // `bounds` are the buckets' upper bounds ("le"), finite and strictly
  // increasing (MetricsRegistry checks); a last bucket, +Inf, is implied.
  explicit Histogram(std::span<const double> bounds);
  Histogram(const Histogram&) = delete;
  Histogram& operator=(const Histogram&) = delete;

  // Counts `value` in the first bucket whose bound is >= value. A NaN is
  // ignored: it belongs to no bucket and would poison the sum.
  void Observe(double value);

  struct Snapshot {
    std::vector<std::uint64_t> cumulative;  // per bound, then +Inf (== count)
    double sum = 0;
    std::uint64_t count = 0;
  };
  Snapshot Read() const;
  const std::vector<double>& bounds() const { return bounds_; }

 private:
  const std::vector<double> bounds_;
  // Per bucket, not cumulative, so one observation touches one counter.
  std::unique_ptr<std::atomic<std::uint64_t>[]> counts_;
  std::atomic<double> sum_{0};
};

// Bucket bounds for durations in seconds: from 1 ms to a minute.
inline constexpr double kDurationBuckets[] = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
                                              0.5,   1,      2.5,   5,    10,    30,   60};
// For quick round trips (a store's PRAGMA): from 100 µs to 2.5 s.
inline constexpr double kFastDurationBuckets[] = {
    0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5};

}  // namespace aurite::runtime
