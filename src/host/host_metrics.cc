// The host's metrics (host_metrics.h).
#include "host/host_metrics.h"

namespace aurite::host {
namespace {

using MetricSeconds = std::chrono::duration<double>;

constexpr const char* kDenialKinds[] = {"auth_failed", "policy_denied", "resolve_denied"};
constexpr const char* kErrorKinds[] = {"store_unreachable", "resolve_failed", "backend_lost"};

constexpr const char* kToolCallsHelp =
    "Calls of the gateway's tools by outcome: ok, error (an error result), denied (refused by "
    "the policy before running).";

}  // namespace

HostMetrics::HostMetrics() {
  for (std::size_t i = 0; i < denials_.size(); ++i) {
    denials_[i] = &registry_.AddCounter(
        "aurite_denials_total",
        "Requests refused: auth_failed (HTTP gateway token), policy_denied (gateway policy), "
        "resolve_denied (a server refused a token's secret).",
        {{"kind", kDenialKinds[i]}});
  }
  for (std::size_t i = 0; i < errors_.size(); ++i) {
    errors_[i] = &registry_.AddCounter(
        "aurite_errors_total",
        "The host's own failures: store_unreachable (readiness probe of the store), "
        "resolve_failed (store or audit log), backend_lost (a server stopped during a call).",
        {{"kind", kErrorKinds[i]}});
  }
  store_round_trip_ = &registry_.AddHistogram(
      "aurite_store_round_trip_seconds",
      "Time of the credential store probe of /readyz (SecurityManager::SyncWithStore).",
      runtime::kFastDurationBuckets);
}

void HostMetrics::ObserveStoreRoundTrip(std::chrono::steady_clock::duration took) {
  store_round_trip_->Observe(std::chrono::duration_cast<MetricSeconds>(took).count());
}

HostMetrics::ToolCalls HostMetrics::ForTool(const std::string& tool) {
  ToolCalls calls;
  calls.ok_ = &registry_.AddCounter("aurite_tool_calls_total", kToolCallsHelp,
                                    {{"tool", tool}, {"outcome", "ok"}});
  calls.error_ = &registry_.AddCounter("aurite_tool_calls_total", kToolCallsHelp,
                                       {{"tool", tool}, {"outcome", "error"}});
  calls.denied_ = &registry_.AddCounter("aurite_tool_calls_total", kToolCallsHelp,
                                        {{"tool", tool}, {"outcome", "denied"}});
  calls.duration_ = &registry_.AddHistogram(
      "aurite_tool_call_duration_seconds",
      "Time from a gateway tool's start to its result, for the calls that ran.",
      runtime::kDurationBuckets, {{"tool", tool}});
  return calls;
}

void HostMetrics::ToolCalls::Finished(bool failed, std::chrono::steady_clock::duration took) const {
  if (ok_ == nullptr) return;
  (failed ? error_ : ok_)->Increment();
  duration_->Observe(std::chrono::duration_cast<MetricSeconds>(took).count());
}

void HostMetrics::ToolCalls::Denied() const {
  if (denied_ != nullptr) denied_->Increment();
}

}  // namespace aurite::host
