// HostMetrics: what `aurite serve` counts about itself for the gateway's
// /metrics page (ops_endpoints.h): tool calls and their durations,
// denials, errors and the store's round trip. MCPHost owns one; the gateway,
// the router, the credentials responder and the HTTP authenticator's
// failure sink record into it.
//
// Contract:
//  - /metrics is served without authentication, so every label value comes
//    from a fixed set: the gateway's own tool names (bounded, and fixed
//    before serving: ForTool is called while the tools are registered) and
//    the kinds below. Never a connection name, token, argument, principal
//    or client address; no value is a secret either (counts and seconds).
//  - The series of the kinds exist from construction (at 0), so a rate is
//    defined before the first event; ForTool's from the tool's registration.
//  - Recording is lock-free (runtime/metrics.h). Thread-safe.
#pragma once

#include <array>
#include <chrono>
#include <string>

#include "runtime/metrics.h"
#include "runtime/metrics_registry.h"

namespace aurite::host {

class HostMetrics {
 public:
  HostMetrics();
  HostMetrics(const HostMetrics&) = delete;
  HostMetrics& operator=(const HostMetrics&) = delete;

  // For gauges read at scrape time (the live tokens, connections and
  // sessions), and for rendering.
  runtime::MetricsRegistry& registry() { return registry_; }

  // aurite_denials_total{kind}: kinds named as their audit events.
  enum class Denial {
    kAuthFailed,     // "auth_failed": a request to the HTTP gateway refused for its token
    kPolicyDenied,   // "policy_denied": the gateway's policy refused a tool or connection
    kResolveDenied,  // "resolve_denied": a server was refused a token's secret
  };
  void CountDenial(Denial kind) { denials_[static_cast<int>(kind)]->Increment(); }

  // aurite_errors_total{kind}: the host's own trouble.
  enum class Error {
    kStoreUnreachable,  // "store_unreachable": the readiness probe of the store failed
    kResolveFailed,     // "resolve_failed": a resolve failed for the host (store, audit log)
    kBackendLost,       // "backend_lost": a backend server stopped during a call
  };
  void CountError(Error kind) { errors_[static_cast<int>(kind)]->Increment(); }

  // aurite_store_round_trip_seconds: how long a probe of the store took.
  void ObserveStoreRoundTrip(std::chrono::steady_clock::duration took);

  // The series of one gateway tool: aurite_tool_calls_total{tool,outcome}
  // and aurite_tool_call_duration_seconds{tool}. A default-made one (a
  // tool that was never registered) records nothing.
  class ToolCalls {
   public:
    ToolCalls() = default;
    // The call ran and ended (outcome "ok", or "error" when `failed`).
    void Finished(bool failed, std::chrono::steady_clock::duration took) const;
    // The policy refused the call before it ran (outcome "denied").
    void Denied() const;

   private:
    friend class HostMetrics;
    runtime::Counter* ok_ = nullptr;
    runtime::Counter* error_ = nullptr;
    runtime::Counter* denied_ = nullptr;
    runtime::Histogram* duration_ = nullptr;
  };
  // `tool` must be one of the gateway's own tool names (see the contract).
  ToolCalls ForTool(const std::string& tool);

 private:
  runtime::MetricsRegistry registry_;
  std::array<runtime::Counter*, 3> denials_{};
  std::array<runtime::Counter*, 3> errors_{};
  runtime::Histogram* store_round_trip_ = nullptr;
};

}  // namespace aurite::host
