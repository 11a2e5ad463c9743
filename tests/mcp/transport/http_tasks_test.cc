// Tasks over stateless (2026-07-28) Streamable HTTP: each request has a
// session of its own, so a task is scoped by the request's bearer token.
// A request with another token, or none, cannot see, answer or cancel it,
// and the task keeps running for its owner.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <thread>

#include "mcp/core/tasks.h"
#include "mcp/server/server.h"
#include "mcp/transport/bearer_auth.h"
#include "mcp/transport/http_server.h"
#include "support/raw_http.h"

namespace aurite::mcp {
namespace {

using namespace std::chrono_literals;

constexpr const char* kAliceToken = "alice-token-for-tasks";
constexpr const char* kMalloryToken = "mallory-token-for-tasks";

struct TaskHttpFixture {
  TaskHttpFixture() {
    ServerOptions server_options;
    server_options.tasks = true;
    server = std::make_unique<McpServer>(server_options);
    Tool tool;
    tool.name = "long_query";
    tool.task_support = TaskSupport::kOptional;
    server->AddTool(tool, [this](const Json&, CallContext& ctx) -> RpcResult {
      while (!ctx.rpc.cancelled() && !released) std::this_thread::sleep_for(2ms);
      saw_cancel = ctx.rpc.cancelled();
      return ToolTextResult("rows");
    });
    HttpServerOptions options;
    options.bearer_token_digests = {TokenDigestHex(kAliceToken), TokenDigestHex(kMalloryToken)};
    http = std::make_unique<HttpServer>(*server, options);
    EXPECT_TRUE(http->Start().ok());
  }
  ~TaskHttpFixture() {
    released = true;
    http->Stop();
  }

  // One stateless request as `token` (none when empty); its JSON-RPC answer.
  Json Post(const std::string& token, const std::string& method, Json params) {
    params["_meta"] = {{"io.modelcontextprotocol/protocolVersion", "2026-07-28"},
                       {"io.modelcontextprotocol/clientCapabilities",
                        {{"extensions", {{kTasksExtension, Json::object()}}}}}};
    const std::string name =
        method == "tools/call" ? params.value("name", "") : params.value("taskId", "");
    std::string headers = "MCP-Protocol-Version: 2026-07-28\r\nMcp-Method: " + method + "\r\n";
    if (!name.empty()) headers += "Mcp-Name: " + name + "\r\n";
    if (!token.empty()) headers += "Authorization: Bearer " + token + "\r\n";
    const Json body = {{"jsonrpc", "2.0"}, {"id", 1}, {"method", method}, {"params", params}};
    const std::string answer =
        rawhttp::Exchange(http->port(), rawhttp::McpPost(body.dump(), headers));
    const auto start = answer.find("\r\n\r\n");
    if (start == std::string::npos) return Json{{"http", rawhttp::HttpStatus(answer)}};
    Json parsed = Json::parse(answer.substr(start + 4), nullptr, false);
    if (parsed.is_discarded()) return Json{{"http", rawhttp::HttpStatus(answer)}};
    parsed["http"] = rawhttp::HttpStatus(answer);
    return parsed;
  }

  std::unique_ptr<McpServer> server;
  std::unique_ptr<HttpServer> http;
  std::atomic<bool> released{false}, saw_cancel{false};
};

TEST(HttpTasks, AnotherBearerTokenCannotReachAStatelessTask) {
  TaskHttpFixture f;
  Json created = f.Post(kAliceToken, "tools/call", {{"name", "long_query"}});
  ASSERT_EQ(created["result"]["resultType"], "task") << created;
  const std::string id = created["result"]["taskId"];

  Json seen = f.Post(kAliceToken, "tasks/get", {{"taskId", id}});
  EXPECT_EQ(seen["result"]["status"], "working") << seen;
  for (const char* method : {"tasks/get", "tasks/cancel"}) {
    Json refused = f.Post(kMalloryToken, method, {{"taskId", id}});
    EXPECT_EQ(refused["error"]["code"], error_code::kInvalidParams) << method << refused;
  }
  Json answered =
      f.Post(kMalloryToken, "tasks/update", {{"taskId", id}, {"inputResponses", Json::object()}});
  EXPECT_EQ(answered["error"]["code"], error_code::kInvalidParams) << answered;
  EXPECT_EQ(f.Post("", "tasks/get", {{"taskId", id}})["http"], 401);
  EXPECT_FALSE(f.saw_cancel);

  EXPECT_EQ(f.Post(kAliceToken, "tasks/cancel", {{"taskId", id}})["result"]["resultType"],
            "complete");
  for (int i = 0; i < 5000 && !f.saw_cancel; ++i) std::this_thread::sleep_for(1ms);
  EXPECT_TRUE(f.saw_cancel);
  EXPECT_EQ(f.Post(kAliceToken, "tasks/get", {{"taskId", id}})["result"]["status"], "cancelled");
}

}  // namespace
}  // namespace aurite::mcp
