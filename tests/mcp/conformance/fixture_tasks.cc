// The fixture's task tools, as the suite's tasks-* scenarios (SEP-2663)
// describe them: a sync-only greet, and task-supporting tools that sleep
// (cancellably), fail as a tool, fail as a protocol, ask for input while
// running, or gather input synchronously before becoming a task.
#include <chrono>
#include <condition_variable>
#include <mutex>

#include "fixture.h"
#include "mcp/server/input_required.h"
#include "mcp/server/server_session.h"

namespace aurite::mcp::conformance {
namespace {

Tool TaskTool(const char* name, const char* description, TaskSupport support,
              Json properties = Json::object()) {
  Tool tool;
  tool.name = name;
  tool.description = description;
  tool.input_schema = {{"type", "object"}, {"properties", std::move(properties)}};
  tool.task_support = support;
  return tool;
}

// Sleeps up to `duration`; false when the call was cancelled first.
bool SleepUnlessCancelled(CallContext& ctx, std::chrono::milliseconds duration) {
  std::mutex mu;
  std::condition_variable_any cv;
  std::unique_lock lock(mu);
  return !cv.wait_for(lock, ctx.rpc.stop_token(), duration, [] { return false; }) &&
         !ctx.rpc.cancelled();
}

Json AskConfirm(const std::string& message) {
  return ElicitationInput(message, {{"type", "object"},
                                    {"properties", {{"confirm", {{"type", "boolean"}}}}},
                                    {"required", {"confirm"}}});
}

bool AnswerAccepted(const CallContext& ctx, const char* key) {
  const Json* answer = InputResponse(ctx, key);
  return answer != nullptr && answer->value("action", "") == "accept";
}

void AddComputeTools(McpServer& server) {
  server.AddTool(TaskTool("greet", "Says hello (never a task)", TaskSupport::kForbidden,
                          {{"name", {{"type", "string"}}}}),
                 [](const Json& args, CallContext&) -> RpcResult {
                   return ToolTextResult("Hello, " + args.value("name", "World") + "!");
                 });
  server.AddTool(TaskTool("slow_compute", "Sleeps `seconds`, then answers", TaskSupport::kOptional,
                          {{"seconds", {{"type", "number"}}}, {"label", {{"type", "string"}}}}),
                 [](const Json& args, CallContext& ctx) -> RpcResult {
                   const double seconds = args.value("seconds", 0.0);
                   if (!SleepUnlessCancelled(
                           ctx, std::chrono::milliseconds(static_cast<long>(seconds * 1000)))) {
                     return ToolErrorResult("slow_compute was cancelled");
                   }
                   return ToolTextResult("Computed " + args.value("label", std::string("result")));
                 });
  server.AddTool(TaskTool("failing_job", "Fails as a tool after a second", TaskSupport::kRequired),
                 [](const Json&, CallContext& ctx) -> RpcResult {
                   SleepUnlessCancelled(ctx, std::chrono::seconds(1));
                   return ToolErrorResult("failing_job failed, as it always does");
                 });
  server.AddTool(
      TaskTool("protocol_error_job", "Fails with a protocol error", TaskSupport::kOptional),
      [](const Json&, CallContext&) -> RpcResult {
        return MakeError(error_code::kInternalError, "protocol_error_job broke, as it always does");
      });
}

void AddInputTools(McpServer& server) {
  server.AddTool(TaskTool("confirm_delete", "Asks for confirmation, then deletes",
                          TaskSupport::kOptional, {{"filename", {{"type", "string"}}}}),
                 [](const Json& args, CallContext& ctx) -> RpcResult {
                   const std::string file = args.value("filename", std::string("file"));
                   if (!AnswerAccepted(ctx, "confirm")) {
                     return InputRequiredResult({{"confirm", AskConfirm("Delete " + file + "?")}});
                   }
                   return ToolTextResult("Deleted " + file);
                 });
  server.AddTool(TaskTool("multi_input", "Asks two things at once", TaskSupport::kOptional),
                 [](const Json&, CallContext& ctx) -> RpcResult {
                   if (!AnswerAccepted(ctx, "first") || !AnswerAccepted(ctx, "second")) {
                     return InputRequiredResult({{"first", AskConfirm("First question?")},
                                                 {"second", AskConfirm("Second question?")}});
                   }
                   return ToolTextResult("Both answered");
                 });
  auto user_name = [](const CallContext& ctx) -> std::string {
    const Json* answer = InputResponse(ctx, "user_name");
    if (answer == nullptr || answer->value("action", "") != "accept") return "";
    return answer->value("content", Json::object()).value("name", "");
  };
  server.AddTool(
      TaskTool("test_tool_with_task", "Asks a name, then works on it as a task",
               TaskSupport::kRequired),
      [user_name](const Json&, CallContext& ctx) -> RpcResult {
        return ToolTextResult("Hello, " + user_name(ctx) + ", from a task");
      },
      [user_name](const Json&, CallContext& ctx) -> std::optional<RpcResult> {
        if (!user_name(ctx).empty()) return std::nullopt;
        return InputRequiredResult(
            {{"user_name", ElicitationInput("What is your name?",
                                            {{"type", "object"},
                                             {"properties", {{"name", {{"type", "string"}}}}},
                                             {"required", {"name"}}})}});
      });
}

}  // namespace

void AddTaskEntries(McpServer& server) {
  AddComputeTools(server);
  AddInputTools(server);
}

}  // namespace aurite::mcp::conformance
