// The readiness checks `aurite serve` adds to /readyz (ops_endpoints.h):
// what a gateway needs before a load balancer may send it clients.
//
// Contract:
//  - StoreReadiness: the credential store answers. It calls
//    SecurityManager::SyncWithStore() (one PRAGMA when nothing changed;
//    Ok for a memory-only manager), holding no other lock, times it into
//    aurite_store_round_trip_seconds and counts a failure as the error
//    store_unreachable. Its reason is the store's error.
//  - BackendsReadiness: every backend the host runs over stdio is running:
//    started, and neither exited nor being restarted. A backend reached
//    over HTTP is connected on demand and not supervised (managed_server.h),
//    so it does not count. Add it only once MCPHost::Start() succeeded (the
//    server list is then complete and never changes). Its reason names the
//    servers that are down.
#pragma once

#include "host/host_metrics.h"
#include "host/mcp_host.h"
#include "host/ops_endpoints.h"
#include "security/security_manager.h"

namespace aurite::host {

// `security` and `metrics` must outlive the check.
ReadinessCheck StoreReadiness(security::SecurityManager& security, HostMetrics& metrics);
// `host` must outlive the check.
ReadinessCheck BackendsReadiness(const MCPHost& host);

}  // namespace aurite::host
