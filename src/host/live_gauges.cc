// The gauges read at scrape time (live_gauges.h).
#include "host/live_gauges.h"

namespace aurite::host {

std::vector<runtime::MetricsRegistry::Callback> AddLiveGauges(runtime::MetricsRegistry& registry,
                                                              security::SecurityManager& security,
                                                              Gateway& gateway,
                                                              const mcp::HttpServer& http) {
  std::vector<runtime::MetricsRegistry::Callback> gauges;
  gauges.push_back(registry.AddGaugeCallback(
      "aurite_live_tokens", "Live access tokens (secured credentials) the host holds.",
      [&security] { return static_cast<double>(security.List().size()); }));
  gauges.push_back(registry.AddGaugeCallback(
      "aurite_live_connections", "Database connections open through the gateway.",
      [&gateway] { return static_cast<double>(gateway.LiveConnections()); }));
  gauges.push_back(
      registry.AddGaugeCallback("aurite_http_sessions", "MCP sessions open on the HTTP transport.",
                                [&http] { return static_cast<double>(http.sessions()); }));
  return gauges;
}

}  // namespace aurite::host
