#include "host/gateway_http_config.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstddef>

#include "host/config.h"

namespace aurite::host {
namespace {

constexpr long kMaxCount = 100'000;
// A head needs room for a bearer token and the Mcp-* headers; a body over
// 1 GiB would be a memory cap of its own.
constexpr long kMinHeaderBytes = 1024;
constexpr long kMaxHeaderBytes = 1024 * 1024;
constexpr long kMinBodyBytes = 1024;
constexpr long kMaxBodyBytes = 1024L * 1024 * 1024;

Status ReadCount(const nlohmann::json& value, const std::string& path, std::size_t& out,
                 long min = 1, long max = kMaxCount) {
  if (!value.is_number_integer() || value.get<long>() < min || value.get<long>() > max) {
    return InvalidArgumentError(
        fmt::format("{}: expected a whole number from {} to {}", path, min, max));
  }
  out = static_cast<std::size_t>(value.get<long>());
  return OkStatus();
}

Status ReadDuration(const nlohmann::json& value, const std::string& path,
                    std::chrono::milliseconds& out) {
  StatusOr<std::chrono::milliseconds> duration = InvalidArgumentError("not a duration");
  if (value.is_string()) duration = ParseDuration(value.get<std::string>());
  if (value.is_number()) duration = ParseDuration(value.dump());
  if (!duration.ok() || duration->count() <= 0) {
    return InvalidArgumentError(fmt::format(
        "{}: expected a duration above zero such as \"10s\", \"500ms\", \"5m\" or a number of "
        "seconds",
        path));
  }
  out = *duration;
  return OkStatus();
}

}  // namespace

Status ParseGatewayHttp(const nlohmann::json& value, const std::string& path,
                        mcp::HttpLimits& limits, OpsEndpointsConfig& ops) {
  if (!value.is_object()) return InvalidArgumentError(path + ": expected an object");
  // Unset, the per-client limit follows a lowered max_connections.
  if (!value.contains("max_connections_per_client") && value.contains("max_connections")) {
    limits.max_connections_per_client = 0;
  }
  for (const auto& [key, item] : value.items()) {
    const std::string at = path + "." + key;
    if (key == "max_connections") {
      AURITE_RETURN_IF_ERROR(ReadCount(item, at, limits.max_connections));
    } else if (key == "max_connections_per_client") {
      AURITE_RETURN_IF_ERROR(ReadCount(item, at, limits.max_connections_per_client));
    } else if (key == "max_sessions") {
      AURITE_RETURN_IF_ERROR(ReadCount(item, at, limits.max_sessions));
    } else if (key == "max_in_flight_per_session") {
      AURITE_RETURN_IF_ERROR(ReadCount(item, at, limits.max_in_flight_per_session));
    } else if (key == "max_header_bytes") {
      AURITE_RETURN_IF_ERROR(
          ReadCount(item, at, limits.max_header_bytes, kMinHeaderBytes, kMaxHeaderBytes));
    } else if (key == "max_body_bytes") {
      AURITE_RETURN_IF_ERROR(
          ReadCount(item, at, limits.max_body_bytes, kMinBodyBytes, kMaxBodyBytes));
    } else if (key == "header_timeout") {
      AURITE_RETURN_IF_ERROR(ReadDuration(item, at, limits.header_timeout));
    } else if (key == "io_timeout") {
      AURITE_RETURN_IF_ERROR(ReadDuration(item, at, limits.io_timeout));
    } else if (key == "session_idle_timeout") {
      AURITE_RETURN_IF_ERROR(ReadDuration(item, at, limits.session_idle_timeout));
    } else if (key == "ops_endpoints") {
      AURITE_RETURN_IF_ERROR(ParseOpsEndpoints(item, at, ops));
    } else {
      return InvalidArgumentError(
          at +
          ": unknown key; known keys here: header_timeout, io_timeout, max_body_bytes, "
          "max_connections, max_connections_per_client, max_header_bytes, "
          "max_in_flight_per_session, max_sessions, ops_endpoints, session_idle_timeout");
    }
  }
  if (limits.max_connections_per_client == 0) {
    limits.max_connections_per_client =
        std::min(mcp::HttpLimits().max_connections_per_client, limits.max_connections);
  }
  if (limits.max_connections_per_client > limits.max_connections) {
    return InvalidArgumentError(fmt::format(
        "{}.max_connections_per_client ({}) exceeds max_connections ({}); lower it or raise "
        "max_connections",
        path, limits.max_connections_per_client, limits.max_connections));
  }
  if (limits.max_connections <= limits.max_sessions) {
    return InvalidArgumentError(fmt::format(
        "{}.max_connections ({}) must exceed max_sessions ({}), so that clients whose sessions "
        "are all in use can still connect; raise max_connections or lower max_sessions",
        path, limits.max_connections, limits.max_sessions));
  }
  return OkStatus();
}

}  // namespace aurite::host
