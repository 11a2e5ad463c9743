// OpsEndpoints: the HTTP gateway's operational pages, for the load balancer
// in front of several gateways and for Prometheus: /healthz, /readyz and
// /metrics, served beside /mcp without a bearer token
// (mcp/transport/http_ops_pages.h), each as gateway.http.ops_endpoints
// enables it (ops_endpoints_config.h).
//
// Contract:
//  - /healthz: 200 "ok" whenever the process serves HTTP at all. It checks
//    nothing else, so that a liveness probe restarts only a hung process,
//    never one waiting for its store or a backend.
//  - /readyz: runs every readiness check, in the order added, on every
//    request (a probe wants the state now, and each check is cheap). 200
//    "ready" when all pass; otherwise 503 with one line per failing check,
//    "<name>: <reason>", the reason passed through `redact` (the
//    SecurityManager's Redact(): a store's error might quote a secret),
//    folded to one line of at most kMaxReasonBytes. No lock of this class
//    is held while a check runs. A change between ready and not ready is
//    logged once, with the reasons.
//  - /metrics: the registry rendered (Prometheus text format 0.0.4).
//  - Thread-safe.
#pragma once

#include <atomic>
#include <cstddef>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "host/ops_endpoints_config.h"
#include "mcp/transport/http_server.h"
#include "runtime/metrics_registry.h"

namespace aurite::host {

// One condition /readyz requires.
struct ReadinessCheck {
  std::string name;               // a word, shown before a failure's reason ("store")
  std::function<Status()> check;  // Ok when ready; otherwise why not
};

class OpsEndpoints {
 public:
  static constexpr const char* kHealthzPath = "/healthz";
  static constexpr const char* kReadyzPath = "/readyz";
  static constexpr const char* kMetricsPath = "/metrics";
  static constexpr std::size_t kMaxReasonBytes = 200;

  using Redact = std::function<std::string(std::string_view)>;
  // `registry` and what `redact` uses must outlive this object.
  OpsEndpoints(OpsEndpointsConfig config, runtime::MetricsRegistry& registry, Redact redact);
  OpsEndpoints(const OpsEndpoints&) = delete;
  OpsEndpoints& operator=(const OpsEndpoints&) = delete;

  // Adds a check to /readyz; any time, from any thread.
  void AddReadinessCheck(ReadinessCheck check);

  // Adds the enabled pages to options.ops_pages. This object must outlive
  // the server made with `options`.
  void ServeOn(mcp::HttpServerOptions& options);

  // The pages themselves (ServeOn serves them).
  mcp::PageResponse Health() const;
  mcp::PageResponse Readiness();
  mcp::PageResponse Metrics() const;

 private:
  const OpsEndpointsConfig config_;
  runtime::MetricsRegistry& registry_;
  const Redact redact_;
  std::mutex mu_;
  std::vector<ReadinessCheck> checks_;
  std::atomic<int> last_ready_{-1};  // -1: never asked; else the last answer (0 or 1)
};

}  // namespace aurite::host
