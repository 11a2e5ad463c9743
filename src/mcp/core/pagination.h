// Cursor pagination of list results (tools/list, resources/list, ...).
//
// Contract: cursors are opaque to clients; ours encode an offset. An
// unreadable or out-of-range cursor is an invalid-params error.
#pragma once

#include <cstddef>
#include <string>

#include "mcp/core/jsonrpc.h"

namespace aurite::mcp {

// {<key>: <page of items>, "nextCursor"?: ...} for the page at `params.cursor`.
RpcResult Paginate(const Json& params, const char* key, Json items, std::size_t page_size);

}  // namespace aurite::mcp
