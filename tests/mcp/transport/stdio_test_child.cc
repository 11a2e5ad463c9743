// mcp_stdio_test_child: the MCP server on stdio that the stdio transport
// tests spawn (as `mcp_stdio_test_child serve`), with tools that behave well
// and badly: echo, env, die, print, stderr. (The child that ignores SIGTERM
// is runtime_test_child, in tests/runtime.)
#include <cstdio>
#include <cstdlib>
#include <iostream>

#include "mcp/server/server.h"
#include "mcp/transport/stdio_server.h"

extern char** environ;

namespace aurite::mcp {
namespace {

Tool Named(const char* name) {
  Tool tool;
  tool.name = name;
  return tool;
}

int Serve() {
  McpServer server;
  server.AddTool(Named("echo"), [](const Json& args, CallContext&) -> RpcResult {
    return ToolTextResult(args.value("message", ""));
  });
  server.AddTool(Named("env"), [](const Json&, CallContext&) -> RpcResult {
    Json vars = Json::array();
    for (char** e = environ; *e != nullptr; ++e) vars.push_back(*e);
    return Json{{"content", Json::array()}, {"structuredContent", {{"env", vars}}}};
  });
  server.AddTool(Named("die"), [](const Json&, CallContext&) -> RpcResult { std::_Exit(3); });
  server.AddTool(Named("print"), [](const Json&, CallContext&) -> RpcResult {
    // A careless library writing to stdout: must not reach the protocol stream.
    std::printf("stray printf output\n");
    std::fflush(stdout);
    std::cout << "stray iostream output" << std::endl;
    return ToolTextResult("printed");
  });
  server.AddTool(Named("stderr"), [](const Json&, CallContext&) -> RpcResult {
    std::fprintf(stderr, "diagnostic line from the child\n");
    return ToolTextResult("logged");
  });
  return ServeStdio(server).ok() ? 0 : 1;
}

}  // namespace
}  // namespace aurite::mcp

int main() { return aurite::mcp::Serve(); }
