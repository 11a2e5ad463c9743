// A small MCP server for the end-to-end tests, configured without the
// "storage" capability: it tries to resolve tokens through its host, and
// reports its pid so tests can inspect its argv and environment.
#include <unistd.h>

#include <chrono>
#include <thread>

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

// Reports progress twice and logs `text`, then returns it: what a backend
// does that the gateway must pass on (redacted) to its client.
aurite::mcp::RpcResult Chatter(const Json& args, aurite::mcp::CallContext& context) {
  std::string text = args.value("text", "");
  context.rpc.SendProgress(1, 2, "half way");
  context.session.Log(aurite::mcp::LogLevel::kWarning, "probe", Json{{"said", text}});
  context.rpc.SendProgress(2, 2, "done");
  // Notifications and responses are handled on different threads by the
  // receiver: a log sent in the last instant of a call may be processed after
  // it ended, when the gateway no longer knows whom it is for.
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  return aurite::mcp::ToolTextResult("said: " + text);
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
  aurite::mcp::Tool chatter;
  chatter.name = "chatter";
  chatter.description = "Report progress, log `text` and return it";
  chatter.input_schema = {{"type", "object"}, {"properties", {{"text", {{"type", "string"}}}}}};
  server.AddTool(chatter, Chatter);
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
