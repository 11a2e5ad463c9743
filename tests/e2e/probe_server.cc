// A small MCP server for the end-to-end tests, configured without the
// "storage" capability: it tries to resolve tokens through its host, and
// reports its pid so tests can inspect its argv and environment.
#include <unistd.h>

#include "mcp/server_session.h"
#include "mcp/stdio_server.h"
#include "servers/credentials_protocol.h"

namespace {

using aurite::mcp::Json;

aurite::mcp::RpcResult Resolve(const Json& args, aurite::mcp::CallContext& context) {
  aurite::mcp::RpcResult answer =
      context.session.Call(aurite::servers::kResolveMethod,
                           {{"token", args.value("token", "")},
                            {"credential_type", aurite::servers::kDatabaseConnectionType}});
  Json outcome = answer.ok() ? Json{{"resolved", true}}
                             : Json{{"resolved", false},
                                    {"code", answer.error().code},
                                    {"message", answer.error().message}};
  return Json{{"content", Json::array({aurite::mcp::TextContent(outcome.dump())})},
              {"structuredContent", outcome}};
}

}  // namespace

int main() {
  aurite::mcp::ServerOptions options;
  options.info = {"aurite-e2e-probe", "1.0.0", ""};
  aurite::mcp::McpServer server(options);
  aurite::mcp::Tool resolve;
  resolve.name = "resolve";
  resolve.description = "Ask the host to resolve a token";
  resolve.input_schema = {{"type", "object"}, {"properties", {{"token", {{"type", "string"}}}}}};
  server.AddTool(resolve, Resolve);
  aurite::mcp::Tool pid;
  pid.name = "pid";
  pid.description = "This process's id";
  server.AddTool(pid, [](const Json&, aurite::mcp::CallContext&) -> aurite::mcp::RpcResult {
    Json content = {{"pid", ::getpid()}};
    return Json{{"content", Json::array({aurite::mcp::TextContent(content.dump())})},
                {"structuredContent", content}};
  });
  return aurite::mcp::ServeStdio(server).ok() ? 0 : 1;
}
