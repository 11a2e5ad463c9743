// `gateway.http.ops_endpoints` in aurite.json: which operational pages the
// HTTP gateway serves beside /mcp, without a bearer token, to load
// balancers and Prometheus (ops_endpoints.h). All three by default:
//
//   "ops_endpoints": true                   // the default: /healthz, /readyz, /metrics
//   "ops_endpoints": false                  // none
//   "ops_endpoints": {"metrics": false}     // keys healthz, readyz, metrics; absent: true
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "base/status.h"

namespace aurite::host {

struct OpsEndpointsConfig {
  bool healthz = true;
  bool readyz = true;
  bool metrics = true;
};

// Reads `value` (found at `path`, for messages) into `ops`: a boolean sets
// all three, an object the ones it names (booleans). Errors name the key
// and what was expected; nothing is changed on error.
Status ParseOpsEndpoints(const nlohmann::json& value, const std::string& path,
                         OpsEndpointsConfig& ops);

}  // namespace aurite::host
