// The store and backend checks of /readyz (readiness_checks.h).
#include "host/readiness_checks.h"

#include <chrono>
#include <string>

namespace aurite::host {

ReadinessCheck StoreReadiness(security::SecurityManager& security, HostMetrics& metrics) {
  return {"store", [&security, &metrics]() -> Status {
            const auto started = std::chrono::steady_clock::now();
            Status synced = security.SyncWithStore();
            metrics.ObserveStoreRoundTrip(std::chrono::steady_clock::now() - started);
            if (!synced.ok()) metrics.CountError(HostMetrics::Error::kStoreUnreachable);
            return synced;
          }};
}

ReadinessCheck BackendsReadiness(const MCPHost& host) {
  return {"backends", [&host]() -> Status {
            std::string down;
            for (const auto& server : host.servers()) {
              if (server->config().is_http() || server->running()) continue;
              down += (down.empty() ? "" : ", ") + server->name();
            }
            if (down.empty()) return OkStatus();
            return UnavailableError("not running (starting, restarting or stopped): " + down);
          }};
}

}  // namespace aurite::host
