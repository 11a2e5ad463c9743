// Tests of tasks through a ServerSession, in both eras: a 2025-11-25 session
// (params.task, tasks/get|result|list|cancel, status notifications) and
// 2026-07-28 requests (the extension: server-directed tasks, tasks/update,
// inlined results), cancellation reaching the running handler, and another
// session never reaching a task it did not create.
#include <gtest/gtest.h>

#include <atomic>
#include <stdexcept>
#include <thread>

#include "mcp/core/modern_era.h"
#include "mcp/server/input_required.h"
#include "mcp/server/server.h"
#include "mcp/server/server_session.h"
#include "mcp/test_wire.h"

namespace aurite::mcp {
namespace {

using namespace std::chrono_literals;

// A session of `server` whose sent messages are recorded.
struct Peer {
  explicit Peer(McpServer& server) : session(server.Connect(recorder.Sender())) {}
  ~Peer() { session->End(); }

  // Sends a request and waits (up to 5 s) for its response.
  Json Ask(const std::string& method, Json params) {
    const int id = ++next_id;
    session->Receive(
        Dump(Json{{"jsonrpc", "2.0"}, {"id", id}, {"method", method}, {"params", params}}));
    for (std::size_t n = 0;; ++n) {
      Json message = recorder.Wait(n);
      if (message.is_null()) return Json();
      if (message.value("id", Json()) == id) return message;
    }
  }
  Json Initialize() {
    return Ask("initialize", {{"protocolVersion", "2025-11-25"},
                              {"capabilities", Json::object()},
                              {"clientInfo", {{"name", "t"}, {"version", "1"}}}});
  }
  // Waits (up to 5 s) for a notification `method` whose params satisfy `match`.
  bool AwaitNotification(const std::string& method, const std::function<bool(const Json&)>& match) {
    for (std::size_t n = 0;; ++n) {
      Json message = recorder.Wait(n);
      if (message.is_null()) return false;
      if (message.value("method", "") == method && match(message["params"])) return true;
    }
  }

  testing::Recorder recorder;
  std::shared_ptr<ServerSession> session;
  int next_id = 0;
};

Json ModernMeta(bool declares_tasks) {
  Json capabilities = Json::object();
  if (declares_tasks) capabilities["extensions"] = {{kTasksExtension, Json::object()}};
  return {{meta_key::kProtocolVersion, "2026-07-28"},
          {meta_key::kClientCapabilities, capabilities},
          {meta_key::kClientInfo, {{"name", "t"}, {"version", "1"}}}};
}

Json Modern(Json params, bool declares_tasks = true) {
  params["_meta"] = ModernMeta(declares_tasks);
  return params;
}

// A server with one task-capable tool that runs until cancelled (or `gate`
// opens) and says whether it saw its cancellation.
struct TaskServer {
  TaskServer() : server(Options()) {
    Tool tool;
    tool.name = "long_query";
    tool.task_support = TaskSupport::kOptional;
    server.AddTool(tool, [this](const Json&, CallContext& ctx) -> RpcResult {
      started = true;
      for (int i = 0; i < 5000 && !ctx.rpc.cancelled() && !gate; ++i) {
        std::this_thread::sleep_for(1ms);
      }
      saw_cancel = ctx.rpc.cancelled();
      return ToolTextResult("rows: 42");
    });
    Tool asks;
    asks.name = "asks_first";
    asks.task_support = TaskSupport::kOptional;
    server.AddTool(asks, [](const Json&, CallContext& ctx) -> RpcResult {
      if (InputResponse(ctx, "ok") == nullptr) {
        return InputRequiredResult({{"ok", ElicitationInput("Go on?", {{"type", "object"}})}});
      }
      return ToolTextResult("went on");
    });
    Tool sync_only;
    sync_only.name = "sync_only";
    server.AddTool(sync_only,
                   [](const Json&, CallContext&) -> RpcResult { return ToolTextResult("now"); });
    Tool crashes;
    crashes.name = "crashes";
    crashes.task_support = TaskSupport::kOptional;
    server.AddTool(crashes, [](const Json&, CallContext&) -> RpcResult {
      throw std::runtime_error("half-way");
    });
    Tool only_task;
    only_task.name = "only_task";
    only_task.task_support = TaskSupport::kRequired;
    server.AddTool(only_task, [](const Json&, CallContext&) -> RpcResult {
      return ToolTextResult("as a task");
    });
  }
  static ServerOptions Options() {
    ServerOptions options;
    options.tasks = true;
    return options;
  }
  // Waits for the tool's handler to have started.
  void AwaitStart() {
    for (int i = 0; i < 5000 && !started; ++i) std::this_thread::sleep_for(1ms);
    ASSERT_TRUE(started);
  }

  std::atomic<bool> started{false}, gate{false}, saw_cancel{false};
  McpServer server;
};

TEST(LegacyTasks, AdvertisedInInitializeAndToolsList) {
  TaskServer fixture;
  Peer peer(fixture.server);
  Json init = peer.Initialize()["result"];
  EXPECT_TRUE(init["capabilities"]["tasks"]["requests"]["tools"].contains("call"));
  EXPECT_TRUE(init["capabilities"]["tasks"].contains("cancel"));
  Json tools = peer.Ask("tools/list", Json::object())["result"]["tools"];
  for (const Json& tool : tools) {
    if (tool["name"] == "long_query") {
      EXPECT_EQ(tool["execution"]["taskSupport"], "optional");
    }
    if (tool["name"] == "sync_only") {
      EXPECT_FALSE(tool.contains("execution"));
    }
  }
}

TEST(LegacyTasks, CallReturnsATaskWhoseResultArrivesThroughTasksResult) {
  TaskServer fixture;
  Peer peer(fixture.server);
  peer.Initialize();
  Json created = peer.Ask("tools/call", {{"name", "long_query"}, {"task", {{"ttl", 60000}}}});
  const Json task = created["result"]["task"];
  ASSERT_TRUE(task["taskId"].is_string()) << created;
  EXPECT_EQ(task["status"], "working");
  EXPECT_EQ(task["ttl"], 60000);
  const std::string id = task["taskId"];
  fixture.AwaitStart();
  EXPECT_EQ(peer.Ask("tasks/get", {{"taskId", id}})["result"]["status"], "working");
  ASSERT_EQ(peer.Ask("tasks/list", Json::object())["result"]["tasks"].size(), 1u);

  fixture.gate = true;
  Json result = peer.Ask("tasks/result", {{"taskId", id}})["result"];
  EXPECT_EQ(result["content"][0]["text"], "rows: 42");
  EXPECT_EQ(result["_meta"][kRelatedTaskMeta]["taskId"], id);
  EXPECT_EQ(peer.Ask("tasks/get", {{"taskId", id}})["result"]["status"], "completed");
  EXPECT_TRUE(peer.AwaitNotification("notifications/tasks/status", [&](const Json& status) {
    return status["taskId"] == id && status["status"] == "completed";
  }));
}

TEST(LegacyTasks, CancelReachesTheRunningHandler) {
  TaskServer fixture;
  Peer peer(fixture.server);
  peer.Initialize();
  const std::string id = peer.Ask(
      "tools/call", {{"name", "long_query"}, {"task", Json::object()}})["result"]["task"]["taskId"];
  fixture.AwaitStart();
  Json cancelled = peer.Ask("tasks/cancel", {{"taskId", id}})["result"];
  EXPECT_EQ(cancelled["status"], "cancelled");
  for (int i = 0; i < 5000 && !fixture.saw_cancel; ++i) std::this_thread::sleep_for(1ms);
  EXPECT_TRUE(fixture.saw_cancel);
  EXPECT_EQ(peer.Ask("tasks/get", {{"taskId", id}})["result"]["status"], "cancelled");
  // A finished task cannot be cancelled again (2025-11-25: -32602).
  EXPECT_EQ(peer.Ask("tasks/cancel", {{"taskId", id}})["error"]["code"],
            error_code::kInvalidParams);
  EXPECT_EQ(peer.Ask("tasks/result", {{"taskId", id}})["error"]["code"],
            error_code::kRequestCancelled);
}

TEST(LegacyTasks, ToolsSayWhetherTheyRunAsTasks) {
  TaskServer fixture;
  Peer peer(fixture.server);
  peer.Initialize();
  EXPECT_EQ(
      peer.Ask("tools/call", {{"name", "sync_only"}, {"task", Json::object()}})["error"]["code"],
      error_code::kMethodNotFound);
  EXPECT_EQ(peer.Ask("tools/call", {{"name", "only_task"}})["error"]["code"],
            error_code::kMethodNotFound);
  fixture.gate = true;
  EXPECT_EQ(peer.Ask("tools/call", {{"name", "long_query"},
                                    {"arguments", Json::object()}})["result"]["content"][0]["text"],
            "rows: 42")
      << "without params.task an optional tool runs synchronously";
}

TEST(LegacyTasks, AnotherSessionCannotGetCancelOrReadATask) {
  TaskServer fixture;
  Peer alice(fixture.server), mallory(fixture.server);
  alice.Initialize();
  mallory.Initialize();
  const std::string id = alice.Ask(
      "tools/call", {{"name", "long_query"}, {"task", Json::object()}})["result"]["task"]["taskId"];
  fixture.AwaitStart();
  for (const char* method : {"tasks/get", "tasks/cancel", "tasks/result"}) {
    Json answer = mallory.Ask(method, {{"taskId", id}});
    EXPECT_EQ(answer["error"]["code"], error_code::kInvalidParams) << method;
    EXPECT_EQ(answer.dump().find("rows"), std::string::npos);
  }
  EXPECT_TRUE(mallory.Ask("tasks/list", Json::object())["result"]["tasks"].empty());
  EXPECT_FALSE(fixture.saw_cancel);
  EXPECT_EQ(alice.Ask("tasks/get", {{"taskId", id}})["result"]["status"], "working");
  fixture.gate = true;
}

TEST(LegacyTasks, EndingTheSessionCancelsItsTasks) {
  TaskServer fixture;
  Peer peer(fixture.server);
  peer.Initialize();
  const std::string id = peer.Ask(
      "tools/call", {{"name", "long_query"}, {"task", Json::object()}})["result"]["task"]["taskId"];
  ASSERT_FALSE(id.empty());
  fixture.AwaitStart();
  peer.session->End();
  for (int i = 0; i < 5000 && !fixture.saw_cancel; ++i) std::this_thread::sleep_for(1ms);
  EXPECT_TRUE(fixture.saw_cancel);
}

TEST(ModernTasks, ExtensionMakesTheServerChooseATask) {
  TaskServer fixture;
  Peer peer(fixture.server);
  Json discover = peer.Ask("server/discover", Modern(Json::object()))["result"];
  EXPECT_TRUE(discover["capabilities"]["extensions"].contains(kTasksExtension));
  EXPECT_FALSE(discover["capabilities"].contains("tasks"));

  Json created = peer.Ask("tools/call", Modern({{"name", "long_query"}}))["result"];
  EXPECT_EQ(created["resultType"], "task");
  EXPECT_TRUE(created["ttlMs"].is_number_integer());
  EXPECT_FALSE(created.contains("task"));
  const std::string id = created["taskId"];
  fixture.gate = true;
  Json detail = Json::object();
  for (int i = 0; i < 500; ++i) {
    detail = peer.Ask("tasks/get", Modern({{"taskId", id}}))["result"];
    if (detail["status"] == "completed") break;
    std::this_thread::sleep_for(10ms);
  }
  EXPECT_EQ(detail["result"]["content"][0]["text"], "rows: 42");
  EXPECT_EQ(peer.Ask("tasks/result", Modern({{"taskId", id}}))["error"]["code"],
            error_code::kMethodNotFound);
}

TEST(ModernTasks, WithoutTheExtensionCallsRunNowAndTaskMethodsAreRefused) {
  TaskServer fixture;
  Peer peer(fixture.server);
  fixture.gate = true;
  Json now = peer.Ask("tools/call", Modern({{"name", "long_query"}}, false))["result"];
  EXPECT_EQ(now["content"][0]["text"], "rows: 42");
  Json refused = peer.Ask("tools/call", Modern({{"name", "only_task"}}, false))["error"];
  EXPECT_EQ(refused["code"], error_code::kMissingRequiredClientCapability);
  EXPECT_TRUE(refused["data"]["requiredCapabilities"]["extensions"].contains(kTasksExtension));
  EXPECT_EQ(peer.Ask("tasks/get", Modern({{"taskId", "x"}}, false))["error"]["code"],
            error_code::kMissingRequiredClientCapability);
}

TEST(ModernTasks, InputRequestsAreAnsweredThroughTasksUpdate) {
  TaskServer fixture;
  Peer peer(fixture.server);
  const std::string id =
      peer.Ask("tools/call", Modern({{"name", "asks_first"}}))["result"]["taskId"];
  Json detail = Json::object();
  for (int i = 0; i < 500 && detail.value("status", "") != "input_required"; ++i) {
    detail = peer.Ask("tasks/get", Modern({{"taskId", id}}))["result"];
    std::this_thread::sleep_for(5ms);
  }
  ASSERT_TRUE(detail["inputRequests"].contains("ok")) << detail;
  Json ack =
      peer.Ask("tasks/update",
               Modern({{"taskId", id}, {"inputResponses", {{"ok", {{"action", "accept"}}}}}}));
  EXPECT_EQ(ack["result"], Json({{"resultType", "complete"}}));
  for (int i = 0; i < 500 && detail.value("status", "") != "completed"; ++i) {
    detail = peer.Ask("tasks/get", Modern({{"taskId", id}}))["result"];
    std::this_thread::sleep_for(5ms);
  }
  EXPECT_EQ(detail["result"]["content"][0]["text"], "went on");
}

TEST(ModernTasks, AHandlerCrashingHalfWayFailsItsTaskAndNothingElse) {
  TaskServer fixture;
  Peer peer(fixture.server);
  const std::string id = peer.Ask("tools/call", Modern({{"name", "crashes"}}))["result"]["taskId"];
  Json detail = Json::object();
  for (int i = 0; i < 500 && detail.value("status", "") != "failed"; ++i) {
    detail = peer.Ask("tasks/get", Modern({{"taskId", id}}))["result"];
    std::this_thread::sleep_for(5ms);
  }
  EXPECT_EQ(detail["error"]["code"], error_code::kInternalError) << detail;
  EXPECT_FALSE(detail.contains("result"));
  EXPECT_EQ(detail.dump().find("half-way"), std::string::npos) << "no internals leak";
  fixture.gate = true;
  EXPECT_EQ(peer.Ask("tools/call",
                     Modern({{"name", "long_query"}}, false))["result"]["content"][0]["text"],
            "rows: 42");
}

TEST(ModernTasks, AnotherScopeCannotReachATask) {
  TaskServer fixture;
  Peer alice(fixture.server), mallory(fixture.server);
  const std::string id =
      alice.Ask("tools/call", Modern({{"name", "long_query"}}))["result"]["taskId"];
  fixture.AwaitStart();
  for (const char* method : {"tasks/get", "tasks/cancel"}) {
    EXPECT_EQ(mallory.Ask(method, Modern({{"taskId", id}}))["error"]["code"],
              error_code::kInvalidParams)
        << method;
  }
  EXPECT_EQ(
      mallory.Ask("tasks/update",
                  Modern({{"taskId", id}, {"inputResponses", Json::object()}}))["error"]["code"],
      error_code::kInvalidParams);
  EXPECT_FALSE(fixture.saw_cancel);
  EXPECT_EQ(alice.Ask("tasks/get", Modern({{"taskId", id}}))["result"]["status"], "working");
  EXPECT_EQ(alice.Ask("tasks/cancel", Modern({{"taskId", id}}))["result"],
            Json({{"resultType", "complete"}}));
  for (int i = 0; i < 5000 && !fixture.saw_cancel; ++i) std::this_thread::sleep_for(1ms);
  EXPECT_TRUE(fixture.saw_cancel);
}

}  // namespace
}  // namespace aurite::mcp
