// The SQL server's tool definitions: names, descriptions, input and output
// JSON Schemas, annotations. Kept apart from the handlers so the contract a
// client sees can be read in one place.
#pragma once

#include "mcp/core/server_types.h"

namespace aurite::servers::sql {

mcp::Tool ConnectDatabaseTool();
mcp::Tool ListTablesTool();
mcp::Tool DescribeTableTool();
// `allow_writes` changes the annotations: a writing server's queries are destructive.
mcp::Tool ExecuteQueryTool(bool allow_writes);
mcp::Tool ExplainQueryTool();
mcp::Tool DisconnectTool();

}  // namespace aurite::servers::sql
