// mcp_stdio_test_child: the misbehaving and well-behaved children that the
// stdio transport tests spawn.
//
//   serve         an MCP server on stdio with tools: echo, env, die, print, stderr
//   ignore-term   ignores SIGTERM and stdin EOF; only SIGKILL ends it
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>

#include "mcp/server.h"
#include "mcp/stdio_server.h"

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

int IgnoreTerm() {
  std::signal(SIGTERM, SIG_IGN);
  std::printf("ready\n");  // tells the test the disposition is in place
  std::fflush(stdout);
  for (;;) ::pause();
}

}  // namespace
}  // namespace aurite::mcp

int main(int argc, char** argv) {
  const char* mode = argc > 1 ? argv[1] : "serve";
  if (std::strcmp(mode, "ignore-term") == 0) return aurite::mcp::IgnoreTerm();
  return aurite::mcp::Serve();
}
