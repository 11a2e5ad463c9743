// The modern protocol era, 2026-07-28: stateless. There is no initialize;
// every request carries the protocol version and the client's description in
// params._meta, server/discover advertises what the server offers, results
// say their resultType, and cacheable results carry ttlMs and cacheScope.
//
// Contract: ReadModernRequest checks a request's envelope in the order the
// specification gives (header present, required _meta keys, header equal to
// _meta, version supported) and returns the first failure as the error the
// client must see. Nothing here keeps state.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "mcp/core/jsonrpc.h"

namespace aurite::mcp {

inline constexpr std::string_view kModernProtocolVersion = "2026-07-28";

namespace meta_key {
inline constexpr const char* kProtocolVersion = "io.modelcontextprotocol/protocolVersion";
inline constexpr const char* kClientCapabilities = "io.modelcontextprotocol/clientCapabilities";
inline constexpr const char* kClientInfo = "io.modelcontextprotocol/clientInfo";
inline constexpr const char* kLogLevel = "io.modelcontextprotocol/logLevel";
inline constexpr const char* kServerInfo = "io.modelcontextprotocol/serverInfo";
}  // namespace meta_key

// What a modern request's _meta says about its client.
struct ModernRequest {
  std::string protocol_version;
  Json client_capabilities = Json::object();
  Json client_info;                      // null when the client did not say (allowed)
  std::optional<std::string> log_level;  // no log notifications at all when absent
};

// True when `params._meta` names a protocol version: the request belongs to
// the modern era whatever the transport.
bool IsModernEraRequest(const Json& params);

// Checks the envelope of a modern request. `header_version` is the
// MCP-Protocol-Version header on HTTP and nullopt on stdio (no header there).
std::variant<ModernRequest, RpcError> ReadModernRequest(
    const Json& params, std::optional<std::string_view> header_version);

// The Streamable HTTP routing headers of a 2026-07-28 request must repeat
// its body: Mcp-Method the method (case-sensitive), Mcp-Name the
// params.name of tools/call and prompts/get, the params.uri of
// resources/read or the params.taskId of tasks/get, tasks/update and
// tasks/cancel. A missing or different header is -32020.
std::optional<RpcError> CheckRoutingHeaders(const std::string& method, const Json& params,
                                            std::string_view method_header,
                                            std::string_view name_header);

// initialize, ping, logging/setLevel, resources/(un)subscribe: legacy only.
bool IsLegacyOnlyMethod(std::string_view method);

// Methods whose results carry the caching hints ttlMs and cacheScope.
bool IsCacheableMethod(std::string_view method);

// tools/call, prompts/get and resources/read may answer input_required.
bool AllowsInputRequired(std::string_view method);

// Adds resultType "complete" unless the handler set one, and for cacheable
// methods ttlMs 0 / cacheScope "private" unless set.
void AddModernResultFields(std::string_view method, Json& result);

// The HTTP status of a stateless error response: 404 for an unknown method,
// 400 for envelope and capability errors, 200 otherwise (the error is about
// the request's content, not the exchange). Envelope failures are always 400.
int HttpStatusForModernError(int code);

// The MissingRequiredClientCapabilityError for a capability such as "sampling".
RpcError MissingClientCapability(const std::string& capability);

}  // namespace aurite::mcp
