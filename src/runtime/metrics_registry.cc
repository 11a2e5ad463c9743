// The metrics registry and the Prometheus text exposition format 0.0.4
// (metrics_registry.h).
#include "runtime/metrics_registry.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "runtime/log.h"

namespace aurite::runtime {
namespace {

bool IsMetricName(std::string_view name) {
  if (name.empty() || (name[0] >= '0' && name[0] <= '9')) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == ':';
  });
}

bool IsLabelName(std::string_view name) {
  return IsMetricName(name) && name.find(':') == std::string_view::npos && name.rfind("__", 0) != 0;
}

// Why `labels` cannot be a series' labels; empty when they can.
std::string MetricLabelProblem(const MetricLabels& labels, bool histogram) {
  for (std::size_t i = 0; i < labels.size(); ++i) {
    const auto& [name, value] = labels[i];
    if (!IsLabelName(name)) return fmt::format("bad label name \"{}\"", name);
    if (histogram && name == "le") return "a histogram's label \"le\" is its buckets'";
    if (value.size() > MetricsRegistry::kMaxLabelValueBytes) {
      return fmt::format("the value of label {} is over {} bytes", name,
                         MetricsRegistry::kMaxLabelValueBytes);
    }
    for (std::size_t j = 0; j < i; ++j) {
      if (labels[j].first == name) return fmt::format("label {} given twice", name);
    }
  }
  return "";
}

// Escaped as the format wants label values: backslash, double quote and
// line feed; anything else as it is (UTF-8).
void AppendLabelValue(std::string& out, std::string_view value) {
  for (char c : value) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
}

// Help text escapes backslash and line feed only.
void AppendHelp(std::string& out, std::string_view help) {
  for (char c : help) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
}

// {a="1",b="2"} with `extra` (a histogram's le) last; nothing for no labels.
void AppendLabels(std::string& out, const MetricLabels& labels, std::string_view extra_name = {},
                  std::string_view extra_value = {}) {
  if (labels.empty() && extra_name.empty()) return;
  out += '{';
  bool first = true;
  auto add = [&](std::string_view name, std::string_view value) {
    if (!first) out += ',';
    first = false;
    out += name;
    out += "=\"";
    AppendLabelValue(out, value);
    out += '"';
  };
  for (const auto& [name, value] : labels) add(name, value);
  if (!extra_name.empty()) add(extra_name, extra_value);
  out += '}';
}

// Go's ParseFloat reads what fmt writes, except for the infinities and NaN.
std::string FormatSampleValue(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  return fmt::format("{}", value);
}

const char* KindName(int kind) {
  static const char* const kNames[] = {"counter", "gauge", "histogram"};
  return kNames[kind];
}

}  // namespace

MetricsRegistry::~MetricsRegistry() = default;

MetricsRegistry::Series* MetricsRegistry::FindOrAddLocked(std::string_view name,
                                                          std::string_view help, Kind kind,
                                                          std::span<const double> bounds,
                                                          MetricLabels labels, bool& fresh) {
  fresh = false;
  std::string problem;
  if (!IsMetricName(name)) problem = "not a metric name";
  if (problem.empty()) problem = MetricLabelProblem(labels, kind == Kind::kHistogram);
  if (problem.empty() && kind == Kind::kHistogram) {
    for (std::size_t i = 0; i < bounds.size(); ++i) {
      if (!std::isfinite(bounds[i]) || (i > 0 && bounds[i] <= bounds[i - 1])) {
        problem = "histogram bounds must be finite and strictly increasing";
        break;
      }
    }
  }
  std::vector<std::string> label_names;
  for (const auto& label : labels) label_names.push_back(label.first);
  auto it = families_.find(name);
  if (problem.empty() && it != families_.end()) {
    const Family& family = it->second;
    if (family.kind != kind) {
      problem = fmt::format("it is a {}", KindName(static_cast<int>(family.kind)));
    } else if (family.label_names != label_names) {
      problem = "its series have other label names";
    } else if (kind == Kind::kHistogram && !std::equal(family.bounds.begin(), family.bounds.end(),
                                                       bounds.begin(), bounds.end())) {
      problem = "its series have other bounds";
    }
  }
  if (problem.empty() && it != families_.end()) {
    for (Series& series : it->second.series) {
      if (series.labels == labels) return &series;
    }
  }
  if (problem.empty() && series_count_ >= kMaxSeries) {
    problem = fmt::format("the registry holds {} series already", kMaxSeries);
  }
  if (!problem.empty()) {
    LogError("metric {} is not exported: {}", name, problem);
    return nullptr;
  }
  if (it == families_.end()) {
    it = families_
             .emplace(std::string(name), Family{kind,
                                                std::string(help),
                                                std::move(label_names),
                                                std::vector<double>(bounds.begin(), bounds.end()),
                                                {}})
             .first;
  }
  ++series_count_;
  fresh = true;
  Series& series = it->second.series.emplace_back();
  series.labels = std::move(labels);
  return &series;
}

Counter& MetricsRegistry::AddCounter(std::string_view name, std::string_view help,
                                     MetricLabels labels) {
  std::lock_guard lock(mu_);
  bool fresh = false;
  Series* series = FindOrAddLocked(name, help, Kind::kCounter, {}, std::move(labels), fresh);
  if (series == nullptr) return *detached_counters_.emplace_back(std::make_unique<Counter>());
  if (fresh) series->counter = std::make_unique<Counter>();
  return *series->counter;
}

Gauge& MetricsRegistry::AddGauge(std::string_view name, std::string_view help,
                                 MetricLabels labels) {
  std::lock_guard lock(mu_);
  bool fresh = false;
  Series* series = FindOrAddLocked(name, help, Kind::kGauge, {}, std::move(labels), fresh);
  // A callback gauge has no Gauge to hand out: a call naming it is refused too.
  if (series != nullptr && !fresh && series->gauge == nullptr) {
    LogError("metric {} is not exported: it is read by a callback", name);
    series = nullptr;
  }
  if (series == nullptr) return *detached_gauges_.emplace_back(std::make_unique<Gauge>());
  if (fresh) series->gauge = std::make_unique<Gauge>();
  return *series->gauge;
}

Histogram& MetricsRegistry::AddHistogram(std::string_view name, std::string_view help,
                                         std::span<const double> bounds, MetricLabels labels) {
  std::lock_guard lock(mu_);
  bool fresh = false;
  Series* series = FindOrAddLocked(name, help, Kind::kHistogram, bounds, std::move(labels), fresh);
  if (series == nullptr) {
    return *detached_histograms_.emplace_back(
        std::make_unique<Histogram>(std::span<const double>()));
  }
  if (fresh) series->histogram = std::make_unique<Histogram>(bounds);
  return *series->histogram;
}

MetricsRegistry::Callback MetricsRegistry::AddGaugeCallback(std::string_view name,
                                                            std::string_view help,
                                                            std::function<double()> read,
                                                            MetricLabels labels) {
  if (!read) return Callback();
  std::lock_guard lock(mu_);
  bool fresh = false;
  Series* series = FindOrAddLocked(name, help, Kind::kGauge, {}, std::move(labels), fresh);
  if (series != nullptr && !fresh) {
    // Two readers of one series could not both be right.
    LogError("metric {} is not exported again: its series has a value already", name);
    return Callback();
  }
  if (series == nullptr) return Callback();
  series->read = std::move(read);
  series->callback_id = next_callback_id_++;
  return Callback(this, series->callback_id);
}

void MetricsRegistry::RemoveCallback(std::uint64_t id) {
  std::lock_guard lock(mu_);
  for (auto it = families_.begin(); it != families_.end(); ++it) {
    auto& series = it->second.series;
    auto found = std::find_if(series.begin(), series.end(),
                              [id](const Series& s) { return s.callback_id == id; });
    if (found == series.end()) continue;
    series.erase(found);
    --series_count_;
    if (series.empty()) families_.erase(it);
    return;
  }
}

MetricsRegistry::Callback::~Callback() {
  if (registry_ != nullptr) registry_->RemoveCallback(id_);
}

MetricsRegistry::Callback::Callback(Callback&& other) noexcept
    : registry_(std::exchange(other.registry_, nullptr)), id_(other.id_) {}

MetricsRegistry::Callback& MetricsRegistry::Callback::operator=(Callback&& other) noexcept {
  if (this != &other) {
    if (registry_ != nullptr) registry_->RemoveCallback(id_);
    registry_ = std::exchange(other.registry_, nullptr);
    id_ = other.id_;
  }
  return *this;
}

void MetricsRegistry::RenderFamily(std::string& out, const std::string& name,
                                   const Family& family) {
  out += "# HELP " + name + " ";
  AppendHelp(out, family.help);
  out += fmt::format("\n# TYPE {} {}\n", name, KindName(static_cast<int>(family.kind)));
  for (const Series& series : family.series) {
    if (series.counter) {
      out += name;
      AppendLabels(out, series.labels);
      out += fmt::format(" {}\n", series.counter->value());
    } else if (series.gauge || series.read) {
      out += name;
      AppendLabels(out, series.labels);
      out += " " + FormatSampleValue(series.gauge ? series.gauge->value() : series.read()) + "\n";
    } else if (series.histogram) {
      const Histogram::Snapshot snapshot = series.histogram->Read();
      const std::vector<double>& bounds = series.histogram->bounds();
      for (std::size_t i = 0; i <= bounds.size(); ++i) {
        out += name + "_bucket";
        AppendLabels(out, series.labels, "le",
                     i < bounds.size() ? FormatSampleValue(bounds[i]) : "+Inf");
        out += fmt::format(" {}\n", snapshot.cumulative[i]);
      }
      out += name + "_sum";
      AppendLabels(out, series.labels);
      out += " " + FormatSampleValue(snapshot.sum) + "\n";
      out += name + "_count";
      AppendLabels(out, series.labels);
      out += fmt::format(" {}\n", snapshot.count);
    }
  }
}

std::string MetricsRegistry::Render() const {
  std::lock_guard lock(mu_);
  std::string out;
  for (const auto& [name, family] : families_) RenderFamily(out, name, family);
  return out;
}

}  // namespace aurite::runtime
