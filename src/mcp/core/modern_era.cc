// Envelope checks and result decoration for the stateless era, shared by
// the server session (stdio and HTTP) and the HTTP transport.
#include "mcp/core/modern_era.h"

#include <fmt/format.h>

#include <array>

namespace aurite::mcp {
namespace {

constexpr std::array<std::string_view, 5> kLegacyOnlyMethods = {
    "initialize", "ping", "logging/setLevel", "resources/subscribe", "resources/unsubscribe"};
constexpr std::array<std::string_view, 6> kCacheableMethods = {
    "server/discover",          "tools/list",    "prompts/list", "resources/list",
    "resources/templates/list", "resources/read"};

const Json* Meta(const Json& params) {
  if (!params.is_object()) return nullptr;
  auto it = params.find("_meta");
  return it != params.end() && it->is_object() ? &*it : nullptr;
}

template <std::size_t N>
bool Contains(const std::array<std::string_view, N>& list, std::string_view value) {
  for (std::string_view item : list) {
    if (item == value) return true;
  }
  return false;
}

}  // namespace

bool IsModernEraRequest(const Json& params) {
  const Json* meta = Meta(params);
  return meta != nullptr && meta->contains(meta_key::kProtocolVersion);
}

std::variant<ModernRequest, RpcError> ReadModernRequest(
    const Json& params, std::optional<std::string_view> header_version) {
  if (header_version && header_version->empty()) {
    return MakeError(error_code::kHeaderMismatch, "missing MCP-Protocol-Version header");
  }
  const Json* meta = Meta(params);
  const Json* version = nullptr;
  const Json* capabilities = nullptr;
  if (meta != nullptr) {
    auto v = meta->find(meta_key::kProtocolVersion);
    if (v != meta->end() && v->is_string()) version = &*v;
    auto c = meta->find(meta_key::kClientCapabilities);
    if (c != meta->end() && c->is_object()) capabilities = &*c;
  }
  if (version == nullptr || capabilities == nullptr) {
    return MakeError(error_code::kInvalidParams,
                     fmt::format("Invalid params: _meta must carry {} (a string) and {} (an "
                                 "object) on every 2026-07-28 request",
                                 meta_key::kProtocolVersion, meta_key::kClientCapabilities));
  }
  const std::string& requested = version->get_ref<const std::string&>();
  if (header_version && *header_version != requested) {
    return MakeError(error_code::kHeaderMismatch,
                     "the MCP-Protocol-Version header does not match _meta protocolVersion");
  }
  if (requested != kModernProtocolVersion) {
    return MakeError(error_code::kUnsupportedProtocolVersion, "Unsupported protocol version",
                     {{"supported", {kModernProtocolVersion}}, {"requested", requested}});
  }
  ModernRequest request;
  request.protocol_version = requested;
  request.client_capabilities = *capabilities;
  if (auto info = meta->find(meta_key::kClientInfo); info != meta->end())
    request.client_info = *info;
  if (auto level = meta->find(meta_key::kLogLevel); level != meta->end() && level->is_string()) {
    request.log_level = level->get<std::string>();
  }
  return request;
}

std::optional<RpcError> CheckRoutingHeaders(const std::string& method, const Json& params,
                                            std::string_view method_header,
                                            std::string_view name_header) {
  if (method_header != method) {
    return MakeError(
        error_code::kHeaderMismatch,
        fmt::format("the Mcp-Method header must be the request's method '{}'", method));
  }
  const char* key = method == "tools/call" || method == "prompts/get" ? "name"
                    : method == "resources/read"                      ? "uri"
                    : method == "tasks/get" || method == "tasks/update" || method == "tasks/cancel"
                        ? "taskId"
                        : nullptr;
  if (key == nullptr || !params.is_object()) return std::nullopt;
  auto named = params.find(key);
  if (named == params.end() || !named->is_string()) return std::nullopt;
  if (name_header != named->get_ref<const std::string&>()) {
    return MakeError(error_code::kHeaderMismatch,
                     fmt::format("the Mcp-Name header must be the request's params.{}", key));
  }
  return std::nullopt;
}

bool IsLegacyOnlyMethod(std::string_view method) { return Contains(kLegacyOnlyMethods, method); }

bool IsCacheableMethod(std::string_view method) { return Contains(kCacheableMethods, method); }

bool AllowsInputRequired(std::string_view method) {
  return method == "tools/call" || method == "prompts/get" || method == "resources/read";
}

void AddModernResultFields(std::string_view method, Json& result) {
  if (!result.is_object()) return;
  if (!result.contains("resultType")) result["resultType"] = "complete";
  if (!IsCacheableMethod(method) || result["resultType"] != "complete") return;
  if (!result.contains("ttlMs")) result["ttlMs"] = 0;
  if (!result.contains("cacheScope")) result["cacheScope"] = "private";
}

int HttpStatusForModernError(int code) {
  switch (code) {
    case error_code::kMethodNotFound:
      return 404;
    case error_code::kHeaderMismatch:
    case error_code::kMissingRequiredClientCapability:
    case error_code::kUnsupportedProtocolVersion:
      return 400;
    default:
      return 200;
  }
}

RpcError MissingClientCapability(const std::string& capability) {
  return MakeError(error_code::kMissingRequiredClientCapability,
                   fmt::format("this request needs the client capability '{}', which the client "
                               "did not declare in _meta",
                               capability),
                   {{"requiredCapabilities", {{capability, Json::object()}}}});
}

}  // namespace aurite::mcp
