// A small MCP server for the end-to-end tests, configured with or without
// the "storage" capability: it tries to resolve and release tokens through
// its host, reports its pid so tests can inspect its argv and environment,
// counts the calls its caller cancelled, and with `--record FILE` appends
// the arguments of every tool call it receives to FILE (one JSON line
// each): what a backend was really sent, before any redaction.
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <mutex>
#include <string>
#include <thread>

#include "mcp/server/server_session.h"
#include "mcp/transport/stdio_server.h"
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

// Looks like a connect tool to the gateway (connection_string + use_token)
// and answers with a made-up connection id.
aurite::mcp::RpcResult ConnectDatabase(const Json&, aurite::mcp::CallContext&) {
  Json content = {{"connection_id", "probe_conn_" + std::to_string(::getpid())}};
  return Json{{"content", Json::array({aurite::mcp::TextContent(content.dump())})},
              {"structuredContent", content}};
}

// Looks like the SQL server's execute_query (its role argument included):
// answers with no rows, so a test sees in the record what a query was sent.
aurite::mcp::RpcResult ExecuteQuery(const Json&, aurite::mcp::CallContext&) {
  Json content = {{"columns", Json::array()}, {"rows", Json::array()}, {"row_count", 0}};
  return Json{{"content", Json::array({aurite::mcp::TextContent(content.dump())})},
              {"structuredContent", content}};
}

// Tells the host this server is done with `token`, as a storage server does
// on disconnect.
aurite::mcp::RpcResult Release(const Json& args, aurite::mcp::CallContext& context) {
  (void)context.session.Notify(aurite::servers::kReleaseMethod,
                               {{"token", args.value("token", "")}});
  return aurite::mcp::ToolTextResult("released");
}

std::atomic<int> g_cancelled_calls{0};

// Runs until the caller cancels it (at most a minute), then counts the
// cancellation: how a test sees that a cancel reached this backend.
aurite::mcp::RpcResult WaitForCancel(const Json&, aurite::mcp::CallContext& context) {
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::minutes(1);
  while (!context.rpc.cancelled() && std::chrono::steady_clock::now() < give_up) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  if (context.rpc.cancelled()) ++g_cancelled_calls;
  return aurite::mcp::ToolTextResult("stopped waiting");
}

aurite::mcp::RpcResult CancelledCalls(const Json&, aurite::mcp::CallContext&) {
  Json content = {{"cancelled_calls", g_cancelled_calls.load()}};
  return Json{{"content", Json::array({aurite::mcp::TextContent(content.dump())})},
              {"structuredContent", content}};
}

}  // namespace

// Appends each call's arguments to the record file, then runs the tool.
class Recorder {
 public:
  explicit Recorder(std::string path) : path_(std::move(path)) {}
  aurite::mcp::ToolHandler Wrap(std::string tool, aurite::mcp::ToolHandler handler) {
    return [this, tool = std::move(tool), handler = std::move(handler)](
               const Json& args, aurite::mcp::CallContext& context) {
      if (!path_.empty()) {
        std::lock_guard lock(mu_);
        std::ofstream(path_, std::ios::app)
            << Json{{"tool", tool}, {"arguments", args}}.dump() << "\n";
      }
      return handler(args, context);
    };
  }

 private:
  std::string path_;
  std::mutex mu_;
};

int main(int argc, char** argv) {
  Recorder recorder(argc == 3 && std::string(argv[1]) == "--record" ? argv[2] : "");
  aurite::mcp::ServerOptions options;
  options.info = {"aurite-e2e-probe", "1.0.0", ""};
  aurite::mcp::McpServer server(options);
  aurite::mcp::Tool connect;
  connect.name = "connect_database";
  connect.description = "Shaped like the SQL server's connect_database";
  connect.input_schema = {
      {"type", "object"},
      {"properties",
       {{"connection_string", {{"type", "string"}}}, {"use_token", {{"type", "boolean"}}}}}};
  server.AddTool(connect, recorder.Wrap("connect_database", ConnectDatabase));
  aurite::mcp::Tool query;
  query.name = "execute_query";
  query.description = "Shaped like the SQL server's execute_query";
  query.input_schema = {{"type", "object"},
                        {"properties",
                         {{"connection_id", {{"type", "string"}}},
                          {"query", {{"type", "string"}}},
                          {"max_rows", {{"type", "integer"}}},
                          {"role", {{"type", "string"}}}}},
                        {"required", {"connection_id", "query"}}};
  server.AddTool(query, recorder.Wrap("execute_query", ExecuteQuery));
  aurite::mcp::Tool release;
  release.name = "release";
  release.description = "Release a token to the host";
  release.input_schema = {{"type", "object"}, {"properties", {{"token", {{"type", "string"}}}}}};
  server.AddTool(release, recorder.Wrap("release", Release));
  aurite::mcp::Tool resolve;
  resolve.name = "resolve";
  resolve.description = "Ask the host to resolve a token";
  resolve.input_schema = {{"type", "object"}, {"properties", {{"token", {{"type", "string"}}}}}};
  server.AddTool(resolve, recorder.Wrap("resolve", Resolve));
  aurite::mcp::Tool chatter;
  chatter.name = "chatter";
  chatter.description = "Report progress, log `text` and return it";
  chatter.input_schema = {{"type", "object"}, {"properties", {{"text", {{"type", "string"}}}}}};
  server.AddTool(chatter, recorder.Wrap("chatter", Chatter));
  aurite::mcp::Tool wait;
  wait.name = "wait_for_cancel";
  wait.description = "Run until cancelled";
  server.AddTool(wait, WaitForCancel);
  aurite::mcp::Tool cancelled;
  cancelled.name = "cancelled_calls";
  cancelled.description = "How many calls were cancelled so far";
  server.AddTool(cancelled, CancelledCalls);
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
