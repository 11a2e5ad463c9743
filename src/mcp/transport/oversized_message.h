// Whose answer an oversized message was. A peer's message over the size
// limit is never read whole (LineReader keeps its first and last bytes),
// yet the call it answers should fail at once with a clear error rather
// than wait for its timeout.
#pragma once

#include <optional>
#include <string_view>

#include "mcp/core/jsonrpc.h"

namespace aurite::mcp {

// The id of the JSON-RPC response whose text begins with `head` and ends
// with `tail`, found by nlohmann's parser: from the head when "id" comes
// before the result (as our serializer writes it), else from the tail when
// "id" is the top-level object's last member (as the TypeScript SDK writes
// it). nullopt when neither says, or when the head shows a request
// ("method") rather than a response.
std::optional<RequestId> IdOfOversizedMessage(std::string_view head, std::string_view tail);

}  // namespace aurite::mcp
