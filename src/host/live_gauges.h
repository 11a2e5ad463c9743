// The gauges of /metrics that are read at scrape time from the objects
// that hold the numbers, rather than kept up to date by every change:
// aurite_live_tokens (SecurityManager::List()), aurite_live_connections
// (Gateway::LiveConnections()) and aurite_http_sessions
// (HttpServer::sessions()).
//
// Contract: the returned handles keep the gauges registered; destroy them
// before any of the objects they read (runtime/metrics_registry.h). Each
// value is a count: no name, token or principal is ever read out.
#pragma once

#include <vector>

#include "host/gateway.h"
#include "mcp/transport/http_server.h"
#include "runtime/metrics_registry.h"
#include "security/security_manager.h"

namespace aurite::host {

std::vector<runtime::MetricsRegistry::Callback> AddLiveGauges(runtime::MetricsRegistry& registry,
                                                              security::SecurityManager& security,
                                                              Gateway& gateway,
                                                              const mcp::HttpServer& http);

}  // namespace aurite::host
