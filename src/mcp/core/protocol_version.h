// The MCP protocol versions this layer speaks, and the rules that differ by version.
//
// Legacy era (negotiated by initialize): 2025-11-25 (latest), 2025-06-18,
// 2025-03-26, 2024-11-05. Versions are ISO dates, so string order is age order.
#pragma once

#include <array>
#include <string>
#include <string_view>

namespace aurite::mcp {

inline constexpr std::string_view kLatestProtocolVersion = "2025-11-25";
inline constexpr std::array<std::string_view, 4> kSupportedProtocolVersions = {
    "2025-11-25", "2025-06-18", "2025-03-26", "2024-11-05"};

bool IsSupportedProtocolVersion(std::string_view version);

// The server's answer to a client asking for `requested`: the same version
// when supported, otherwise our latest (the client then decides to go on or not).
std::string NegotiateProtocolVersion(std::string_view requested);

// JSON-RPC batches exist in 2025-03-26 and older; 2025-06-18 removed them.
bool AllowsBatches(std::string_view version);

}  // namespace aurite::mcp
