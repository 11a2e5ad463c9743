// Test support: `aurite sql-server` as a child process, driven by our MCP
// client over stdio, the way a host (or Claude Desktop) runs it.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "mcp/tool_result.h"
#include "mcp/transport/stdio_client.h"

namespace aurite::servers::sql::testing {

struct SqlServerClient {
  // Starts the server with `flags`; `prepare` may register handlers and set
  // capabilities on the client before initialize.
  static std::unique_ptr<SqlServerClient> Start(
      std::vector<std::string> flags = {}, mcp::Json capabilities = mcp::Json::object(),
      const std::function<void(mcp::McpClient&)>& prepare = {});

  // tools/call; fails the test on a protocol error and returns the result.
  mcp::Json Call(const std::string& tool, mcp::Json arguments);

  std::unique_ptr<mcp::StdioClient> process;
};

using mcp::testing::ErrorText;
using mcp::testing::Structured;

}  // namespace aurite::servers::sql::testing
