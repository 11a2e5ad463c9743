// `gateway.http` in aurite.json: the availability limits of the gateway's
// Streamable HTTP transport (mcp/http_limits.h), all optional:
//
//   "gateway": {"http": {"max_connections": 512, "max_connections_per_client": 256,
//                        "max_sessions": 256, "header_timeout": "10s",
//                        "io_timeout": "30s", "session_idle_timeout": "30m",
//                        "max_header_bytes": 16384, "max_body_bytes": 4194304,
//                        "max_in_flight_per_session": 64,
//                        "ops_endpoints": {"metrics": false}}}   // ops_endpoints_config.h
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "base/status.h"
#include "host/ops_endpoints_config.h"
#include "mcp/transport/http_limits.h"

namespace aurite::host {

// Reads `value` (found at `path`, for messages) into `limits` and, for its
// key ops_endpoints, `ops` (ParseOpsEndpoints), keeping the defaults of
// absent keys. Counts are whole numbers from 1 to 100000,
// max_header_bytes from 1 KiB to 1 MiB, max_body_bytes from 1 KiB to 1 GiB,
// durations as in ParseDuration (above zero); max_connections_per_client
// may not exceed max_connections (unset, it is lowered to it), and
// max_connections must exceed
// max_sessions so clients whose sessions are all in use can still connect
// to end or resume them. Errors name the key and the fix.
Status ParseGatewayHttp(const nlohmann::json& value, const std::string& path,
                        mcp::HttpLimits& limits, OpsEndpointsConfig& ops);

}  // namespace aurite::host
