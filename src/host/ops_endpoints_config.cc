// `gateway.http.ops_endpoints` (ops_endpoints_config.h).
#include "host/ops_endpoints_config.h"

namespace aurite::host {

Status ParseOpsEndpoints(const nlohmann::json& value, const std::string& path,
                         OpsEndpointsConfig& ops) {
  if (value.is_boolean()) {
    const bool on = value.get<bool>();
    ops = {on, on, on};
    return OkStatus();
  }
  if (!value.is_object()) {
    return InvalidArgumentError(path +
                                ": expected true, false or an object such as {\"metrics\": false}");
  }
  OpsEndpointsConfig read = ops;
  for (const auto& [key, item] : value.items()) {
    const std::string at = path + "." + key;
    bool* target = key == "healthz"   ? &read.healthz
                   : key == "readyz"  ? &read.readyz
                   : key == "metrics" ? &read.metrics
                                      : nullptr;
    if (target == nullptr) {
      return InvalidArgumentError(at + ": unknown key; known keys here: healthz, metrics, readyz");
    }
    if (!item.is_boolean()) return InvalidArgumentError(at + ": expected true or false");
    *target = item.get<bool>();
  }
  ops = read;
  return OkStatus();
}

}  // namespace aurite::host
