// Tests of the server framework driven through the client framework:
// initialize and version negotiation, tools, resources, prompts, logging,
// completion, pagination, list-changed and server-to-client requests.
#include "mcp/server/server.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <thread>

#include "mcp/client_server.h"
#include "mcp/core/protocol_version.h"
#include "mcp/server/server_session.h"

namespace aurite::mcp {
namespace {

using namespace std::chrono_literals;
using testing::ClientServer;
using testing::Recorder;

Tool EchoTool() {
  Tool tool;
  tool.name = "echo";
  tool.title = "Echo";
  tool.description = "Echoes its message";
  tool.input_schema = {{"type", "object"},
                       {"properties", {{"message", {{"type", "string"}}}}},
                       {"required", {"message"}}};
  tool.annotations = {{"readOnlyHint", true}};
  return tool;
}

ToolHandler EchoHandler() {
  return [](const Json& args, CallContext&) -> RpcResult {
    return ToolTextResult(args["message"].get<std::string>());
  };
}

// Waits for a value set from another thread.
template <typename T>
class Latch {
 public:
  void Set(T value) {
    std::lock_guard lock(mu_);
    value_ = std::move(value);
    cv_.notify_all();
  }
  std::optional<T> Wait() {
    std::unique_lock lock(mu_);
    cv_.wait_for(lock, 5s, [&] { return value_.has_value(); });
    return value_;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::optional<T> value_;
};

TEST(ServerInitialize, NegotiatesEachSupportedVersion) {
  for (std::string_view version : kSupportedProtocolVersions) {
    ClientOptions options;
    options.protocol_version = std::string(version);
    ClientServer cs({}, options);
    McpClient& client = cs.Start();
    RpcResult r = client.Initialize();
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r.value()["protocolVersion"], version);
    EXPECT_EQ(cs.session->protocol_version(), version);
  }
}

TEST(ServerInitialize, UnknownVersionGetsTheLatest) {
  McpServer server;
  Recorder out;
  auto session = server.Connect(out.Sender());
  session->Receive(
      R"({"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"1999-01-01","capabilities":{}}})");
  EXPECT_EQ(out.Wait(0)["result"]["protocolVersion"], kLatestProtocolVersion);
}

TEST(ServerInitialize, ReportsCapabilitiesAndServerInfo) {
  ServerOptions options;
  options.info = {"fixture", "1.2.3", "Fixture"};
  options.instructions = "be nice";
  options.experimental = {{"io.aurite/credentials", {{"version", 1}}}};
  options.completions = false;
  ClientServer cs(options);
  McpClient& client = cs.StartInitialized();
  Json caps = client.server_capabilities();
  EXPECT_EQ(caps["tools"]["listChanged"], true);
  EXPECT_EQ(caps["resources"]["subscribe"], true);
  EXPECT_TRUE(caps.contains("prompts"));
  EXPECT_TRUE(caps.contains("logging"));
  EXPECT_FALSE(caps.contains("completions"));
  EXPECT_EQ(caps["experimental"]["io.aurite/credentials"]["version"], 1);
  EXPECT_EQ(client.server_info()["name"], "fixture");
  EXPECT_EQ(client.server_info()["title"], "Fixture");
  EXPECT_EQ(client.instructions(), "be nice");
}

TEST(ServerInitialize, RequiresProtocolVersion) {
  McpServer server;
  Recorder out;
  auto session = server.Connect(out.Sender());
  session->Receive(R"({"jsonrpc":"2.0","id":1,"method":"initialize","params":{}})");
  EXPECT_EQ(out.Wait(0)["error"]["code"], error_code::kInvalidParams);
}

TEST(ServerInitialize, RequestsBeforeInitializeAreRefusedButPingWorks) {
  McpServer server;
  Recorder out;
  auto session = server.Connect(out.Sender());
  session->Receive(R"({"jsonrpc":"2.0","id":1,"method":"tools/list"})");
  EXPECT_EQ(out.Wait(0)["error"]["code"], error_code::kInvalidRequest);
  session->Receive(R"({"jsonrpc":"2.0","id":2,"method":"ping"})");
  EXPECT_EQ(out.Wait(1)["result"], Json::object());
}

TEST(ServerInitialize, SecondInitializeIsRefused) {
  ClientServer cs;
  McpClient& client = cs.StartInitialized();
  RpcResult again = client.Initialize();
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, error_code::kInvalidRequest);
}

TEST(ServerInitialize, BatchesOnlyForOldVersions) {
  for (auto [version, allowed] : {std::pair{"2025-03-26", true}, std::pair{"2024-11-05", true},
                                  std::pair{"2025-06-18", false}, std::pair{"2025-11-25", false}}) {
    McpServer server;
    Recorder out;
    auto session = server.Connect(out.Sender());
    session->Receive(Dump({{"jsonrpc", "2.0"},
                           {"id", 1},
                           {"method", "initialize"},
                           {"params", {{"protocolVersion", version}, {"capabilities", {}}}}}));
    out.Wait(0);
    session->Receive(
        R"([{"jsonrpc":"2.0","id":2,"method":"ping"},{"jsonrpc":"2.0","id":3,"method":"tools/list"}])");
    Json reply = out.Wait(1);
    if (allowed) {
      ASSERT_TRUE(reply.is_array()) << version;
      EXPECT_EQ(reply.size(), 2u);
    } else {
      EXPECT_EQ(reply["error"]["code"], error_code::kInvalidRequest) << version;
    }
  }
}

TEST(ServerTools, ListsToolsWithSchemasAndAnnotations) {
  ClientServer cs;
  Tool tool = EchoTool();
  tool.output_schema = {{"type", "object"}};
  cs.server.AddTool(tool, EchoHandler());
  RpcResult r = cs.StartInitialized().ListTools();
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r.value()["tools"].size(), 1u);
  Json listed = r.value()["tools"][0];
  EXPECT_EQ(listed["name"], "echo");
  EXPECT_EQ(listed["title"], "Echo");
  EXPECT_EQ(listed["inputSchema"]["required"][0], "message");
  EXPECT_EQ(listed["outputSchema"]["type"], "object");
  EXPECT_EQ(listed["annotations"]["readOnlyHint"], true);
}

TEST(ServerTools, CallsATool) {
  ClientServer cs;
  cs.server.AddTool(EchoTool(), EchoHandler());
  RpcResult r = cs.StartInitialized().CallTool("echo", {{"message", "hi"}});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.value()["content"][0]["text"], "hi");
  EXPECT_FALSE(r.value().contains("isError"));
}

TEST(ServerTools, UnknownToolIsInvalidParams) {
  ClientServer cs;
  RpcResult r = cs.StartInitialized().CallTool("missing", Json::object());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, error_code::kInvalidParams);
}

TEST(ServerTools, InvalidArgumentsAreAToolError) {
  ClientServer cs;
  cs.server.AddTool(EchoTool(), EchoHandler());
  McpClient& client = cs.StartInitialized();
  RpcResult missing = client.CallTool("echo", Json::object());
  ASSERT_TRUE(missing.ok());
  EXPECT_EQ(missing.value()["isError"], true);
  RpcResult wrong_type = client.CallTool("echo", {{"message", 5}});
  ASSERT_TRUE(wrong_type.ok());
  EXPECT_EQ(wrong_type.value()["isError"], true);
  RpcResult not_object = client.CallTool("echo", Json::array());
  ASSERT_FALSE(not_object.ok());
  EXPECT_EQ(not_object.error().code, error_code::kInvalidParams);
}

TEST(ServerTools, ToolErrorsAndProtocolErrorsStayDistinct) {
  ClientServer cs;
  Tool failing;
  failing.name = "fails";
  cs.server.AddTool(failing, [](const Json&, CallContext&) -> RpcResult {
    return ToolErrorResult("database unreachable");
  });
  Tool broken;
  broken.name = "broken";
  cs.server.AddTool(broken, [](const Json&, CallContext&) -> RpcResult {
    return MakeError(error_code::kInternalError, "bug");
  });
  McpClient& client = cs.StartInitialized();
  RpcResult tool_error = client.CallTool("fails", Json::object());
  ASSERT_TRUE(tool_error.ok());
  EXPECT_EQ(tool_error.value()["isError"], true);
  RpcResult protocol_error = client.CallTool("broken", Json::object());
  ASSERT_FALSE(protocol_error.ok());
  EXPECT_EQ(protocol_error.error().code, error_code::kInternalError);
}

TEST(ServerTools, OutputSchemaRequiresStructuredContent) {
  ClientServer cs;
  Tool good;
  good.name = "good";
  good.output_schema = {{"type", "object"}};
  cs.server.AddTool(good, [](const Json&, CallContext&) -> RpcResult {
    return Json{{"content", Json::array({TextContent("{\"n\":1}")})},
                {"structuredContent", {{"n", 1}}}};
  });
  Tool bad = good;
  bad.name = "bad";
  cs.server.AddTool(bad,
                    [](const Json&, CallContext&) -> RpcResult { return ToolTextResult("x"); });
  McpClient& client = cs.StartInitialized();
  RpcResult ok = client.CallTool("good", Json::object());
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok.value()["structuredContent"]["n"], 1);
  EXPECT_EQ(client.CallTool("bad", Json::object()).error().code, error_code::kInternalError);
}

TEST(ServerTools, ProgressReachesTheClient) {
  ClientServer cs;
  Tool tool;
  tool.name = "slow";
  cs.server.AddTool(tool, [](const Json&, CallContext& ctx) -> RpcResult {
    ctx.rpc.SendProgress(50, 100, "halfway");
    return ToolTextResult("done");
  });
  McpClient& client = cs.StartInitialized();
  Latch<Json> progress;
  CallOptions options;
  options.on_progress = [&](const Json& p) { progress.Set(p); };
  ASSERT_TRUE(client.CallTool("slow", Json::object(), options).ok());
  auto seen = progress.Wait();
  ASSERT_TRUE(seen.has_value());
  EXPECT_EQ((*seen)["progress"], 50);
  EXPECT_EQ((*seen)["message"], "halfway");
}

TEST(ServerTools, ClientTimeoutCancelsTheTool) {
  ClientServer cs;
  Latch<bool> cancelled;
  Tool tool;
  tool.name = "forever";
  cs.server.AddTool(tool, [&](const Json&, CallContext& ctx) -> RpcResult {
    for (int i = 0; i < 5000 && !ctx.rpc.cancelled(); ++i) std::this_thread::sleep_for(1ms);
    cancelled.Set(ctx.rpc.cancelled());
    return ToolTextResult("late");
  });
  McpClient& client = cs.StartInitialized();
  CallOptions options;
  options.timeout = 30ms;
  EXPECT_EQ(client.CallTool("forever", Json::object(), options).error().code,
            error_code::kRequestTimeout);
  EXPECT_EQ(cancelled.Wait(), std::optional<bool>(true));
  EXPECT_TRUE(client.Ping().ok());
}

TEST(ServerTools, ListChangedIsSentAfterInitialize) {
  ClientServer cs;
  Latch<bool> changed;
  McpClient& client = cs.Start();
  client.SetNotificationHandler("notifications/tools/list_changed",
                                [&](const Json&) { changed.Set(true); });
  ASSERT_TRUE(client.Initialize().ok());
  cs.server.AddTool(EchoTool(), EchoHandler());
  EXPECT_EQ(changed.Wait(), std::optional<bool>(true));
  EXPECT_EQ(client.ListTools().value()["tools"].size(), 1u);
  EXPECT_TRUE(cs.server.RemoveTool("echo"));
  EXPECT_EQ(client.ListTools().value()["tools"].size(), 0u);
}

TEST(ServerPagination, ClientFollowsCursors) {
  ServerOptions options;
  options.page_size = 2;
  ClientServer cs(options);
  for (int i = 0; i < 5; ++i) {
    Tool tool;
    tool.name = "t" + std::to_string(i);
    cs.server.AddTool(tool, EchoHandler());
  }
  McpClient& client = cs.StartInitialized();
  RpcResult first = client.Call("tools/list", Json::object());
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first.value()["tools"].size(), 2u);
  EXPECT_TRUE(first.value()["nextCursor"].is_string());
  EXPECT_EQ(client.ListTools().value()["tools"].size(), 5u);
}

TEST(ServerPagination, BadCursorIsInvalidParams) {
  ClientServer cs;
  McpClient& client = cs.StartInitialized();
  for (Json cursor :
       {Json("garbage"), Json(42), Json("aurite-offset:99"), Json("aurite-offset:1x")}) {
    RpcResult r = client.Call("tools/list", {{"cursor", cursor}});
    ASSERT_FALSE(r.ok()) << cursor;
    EXPECT_EQ(r.error().code, error_code::kInvalidParams);
  }
}

TEST(ServerResources, ListsAndReads) {
  ClientServer cs;
  Resource resource{"test://static", "static", "", "a text", "text/plain", std::nullopt, nullptr};
  cs.server.AddResource(resource, [](const std::string& uri, CallContext&) -> RpcResult {
    return Json{{"contents", Json::array({TextResourceContents(uri, "text/plain", "hello")})}};
  });
  McpClient& client = cs.StartInitialized();
  RpcResult list = client.ListResources();
  ASSERT_TRUE(list.ok());
  EXPECT_EQ(list.value()["resources"][0]["uri"], "test://static");
  EXPECT_EQ(list.value()["resources"][0]["mimeType"], "text/plain");
  RpcResult read = client.ReadResource("test://static");
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(read.value()["contents"][0]["text"], "hello");
}

TEST(ServerResources, TemplatesMatchAndUnknownUrisAreNotFound) {
  ClientServer cs;
  ResourceTemplate tmpl{"test://items/{id}", "item", "", "", "application/json"};
  cs.server.AddResourceTemplate(
      tmpl,
      [](const std::string& uri, const std::map<std::string, std::string>& vars,
         CallContext&) -> RpcResult {
        return Json{{"contents", Json::array({TextResourceContents(uri, "", vars.at("id"))})}};
      });
  McpClient& client = cs.StartInitialized();
  EXPECT_EQ(client.ListResourceTemplates().value()["resourceTemplates"][0]["uriTemplate"],
            "test://items/{id}");
  EXPECT_EQ(client.ReadResource("test://items/42").value()["contents"][0]["text"], "42");
  RpcResult missing = client.ReadResource("test://nothing");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, error_code::kResourceNotFound);
  EXPECT_EQ(client.Call("resources/read", Json::object()).error().code, error_code::kInvalidParams);
}

TEST(ServerResources, SubscribersGetUpdates) {
  ClientServer cs;
  Latch<std::string> updated;
  McpClient& client = cs.Start();
  client.SetNotificationHandler("notifications/resources/updated",
                                [&](const Json& p) { updated.Set(p["uri"]); });
  ASSERT_TRUE(client.Initialize().ok());
  ASSERT_TRUE(client.Subscribe("test://watched").ok());
  cs.server.NotifyResourceUpdated("test://other");
  cs.server.NotifyResourceUpdated("test://watched");
  EXPECT_EQ(updated.Wait(), std::optional<std::string>("test://watched"));
  ASSERT_TRUE(client.Unsubscribe("test://watched").ok());
  EXPECT_FALSE(cs.session->subscribed("test://watched"));
}

TEST(ServerPrompts, ListsAndGetsWithArguments) {
  ClientServer cs;
  Prompt prompt{"greet", "", "Greets", {{"name", "who", true}}};
  cs.server.AddPrompt(
      prompt, [](const std::map<std::string, std::string>& args, CallContext&) -> RpcResult {
        return Json{
            {"messages", Json::array({{{"role", "user"},
                                       {"content", TextContent("Hello " + args.at("name"))}}})}};
      });
  McpClient& client = cs.StartInitialized();
  RpcResult list = client.ListPrompts();
  EXPECT_EQ(list.value()["prompts"][0]["arguments"][0]["required"], true);
  RpcResult got = client.GetPrompt("greet", {{"name", "Ada"}});
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got.value()["messages"][0]["content"]["text"], "Hello Ada");
  EXPECT_EQ(client.GetPrompt("greet", {}).error().code, error_code::kInvalidParams);
  EXPECT_EQ(client.GetPrompt("nope", {}).error().code, error_code::kInvalidParams);
}

TEST(ServerLogging, SetLevelFiltersMessages) {
  ClientServer cs;
  std::mutex mu;
  std::vector<std::string> levels;
  Tool tool;
  tool.name = "logs";
  cs.server.AddTool(tool, [](const Json&, CallContext& ctx) -> RpcResult {
    ctx.session.Log(LogLevel::kDebug, "t", "debug line");
    ctx.session.Log(LogLevel::kError, "t", "error line");
    return ToolTextResult("ok");
  });
  McpClient& client = cs.Start();
  client.SetNotificationHandler("notifications/message", [&](const Json& p) {
    std::lock_guard lock(mu);
    levels.push_back(p["level"]);
  });
  ASSERT_TRUE(client.Initialize().ok());
  ASSERT_TRUE(client.SetLogLevel("warning").ok());
  ASSERT_TRUE(client.CallTool("logs", Json::object()).ok());
  ASSERT_TRUE(client.Ping().ok());
  cs.client->rpc().WaitIdle();
  std::lock_guard lock(mu);
  EXPECT_EQ(levels, std::vector<std::string>{"error"});
  EXPECT_EQ(client.SetLogLevel("loud").error().code, error_code::kInvalidParams);
}

TEST(ServerCompletion, CompletesPromptArgumentsAndCapsValues) {
  ClientServer cs;
  cs.server.AddPrompt(Prompt{"p", "", "", {{"lang", "", false}}},
                      [](const auto&, CallContext&) -> RpcResult { return Json::object(); });
  cs.server.SetCompleter("ref/prompt", "p", "lang", [](const std::string& value, const Json&) {
    std::vector<std::string> out;
    for (int i = 0; i < 150; ++i) out.push_back(value + std::to_string(i));
    return out;
  });
  McpClient& client = cs.StartInitialized();
  RpcResult r = client.Complete({{"type", "ref/prompt"}, {"name", "p"}}, "lang", "py");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.value()["completion"]["values"].size(), 100u);
  EXPECT_EQ(r.value()["completion"]["values"][0], "py0");
  EXPECT_EQ(r.value()["completion"]["total"], 150);
  EXPECT_EQ(r.value()["completion"]["hasMore"], true);
  EXPECT_EQ(client.Complete({{"type", "ref/prompt"}, {"name", "nope"}}, "x", "").error().code,
            error_code::kInvalidParams);
  EXPECT_EQ(client.Complete({{"type", "ref/other"}}, "x", "").error().code,
            error_code::kInvalidParams);
}

TEST(ServerToClient, ElicitationIsRoutedToTheClientHandler) {
  ClientOptions options;
  options.capabilities = {{"elicitation", Json::object()}};
  ClientServer cs({}, options);
  Tool tool;
  tool.name = "ask";
  cs.server.AddTool(tool, [](const Json&, CallContext& ctx) -> RpcResult {
    RpcResult answer =
        ctx.session.Elicit({{"message", "name?"}, {"requestedSchema", Json::object()}});
    if (!answer.ok()) return answer;
    return ToolTextResult(answer.value()["content"]["name"].get<std::string>());
  });
  McpClient& client = cs.Start();
  client.SetRequestHandler("elicitation/create",
                           [](const Json& params, RequestContext&) -> RpcResult {
                             EXPECT_EQ(params["message"], "name?");
                             return Json{{"action", "accept"}, {"content", {{"name", "Ada"}}}};
                           });
  ASSERT_TRUE(client.Initialize().ok());
  RpcResult r = client.CallTool("ask", Json::object());
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r.value()["content"][0]["text"], "Ada");
}

TEST(ServerToClient, MissingClientCapabilityIsRefusedLocally) {
  ClientServer cs;
  Tool tool;
  tool.name = "sample";
  cs.server.AddTool(tool, [](const Json&, CallContext& ctx) -> RpcResult {
    return ctx.session.CreateMessage(Json::object());
  });
  RpcResult r = cs.StartInitialized().CallTool("sample", Json::object());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, error_code::kMethodNotFound);
}

TEST(ServerToClient, CustomRequestsCarryErrorCodesBack) {
  ClientServer cs;
  Tool tool;
  tool.name = "resolve";
  cs.server.AddTool(tool, [](const Json& args, CallContext& ctx) -> RpcResult {
    RpcResult r = ctx.session.Call("io.aurite/credentials/resolve", {{"token", args["token"]}});
    if (!r.ok()) return ToolErrorResult(std::to_string(r.error().code));
    return ToolTextResult(r.value()["secret"]);
  });
  McpClient& client = cs.Start();
  client.SetRequestHandler("io.aurite/credentials/resolve",
                           [](const Json& params, RequestContext&) -> RpcResult {
                             if (params["token"] == "good") return Json{{"secret", "s"}};
                             return MakeError(-32010, "unknown, expired or revoked token");
                           });
  ASSERT_TRUE(client.Initialize().ok());
  EXPECT_EQ(client.CallTool("resolve", {{"token", "good"}}).value()["content"][0]["text"], "s");
  EXPECT_EQ(client.CallTool("resolve", {{"token", "bad"}}).value()["content"][0]["text"], "-32010");
}

TEST(ServerToClient, UnhandledServerRequestIsMethodNotFound) {
  ClientOptions options;
  options.capabilities = {{"roots", Json::object()}};
  ClientServer cs({}, options);
  cs.StartInitialized();
  RpcResult r = cs.session->ListRoots();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, error_code::kMethodNotFound);
}

TEST(ServerMethods, UnknownMethodIsMethodNotFound) {
  ClientServer cs;
  EXPECT_EQ(cs.StartInitialized().Call("nope/nope", Json::object()).error().code,
            error_code::kMethodNotFound);
}

}  // namespace
}  // namespace aurite::mcp
