// The wire shapes of MCP tasks, in both protocol eras: a tools/call answered
// with a task the client polls (tasks/get), reads (2025-11-25: tasks/result;
// 2026-07-28: inlined in tasks/get), feeds input (2026-07-28: tasks/update)
// and cancels (tasks/cancel).
//  - 2025-11-25 (experimental core feature): capabilities.tasks, the client
//    asks with params.task {ttl}, CreateTaskResult wraps {task: Task}, Task
//    carries ttl / pollInterval, tasks/list exists, notifications/tasks/status.
//  - 2026-07-28 (extension io.modelcontextprotocol/tasks, SEP-2663):
//    capabilities.extensions, the server decides for tools that support
//    tasks when the client declared the extension, CreateTaskResult is flat
//    with resultType "task", ttlMs / pollIntervalMs, tasks/result and
//    tasks/list are gone.
// Plain data and formatting only; the store and runner live in mcp/server.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "mcp/core/jsonrpc.h"

namespace aurite::mcp {

inline constexpr const char* kTasksExtension = "io.modelcontextprotocol/tasks";
inline constexpr const char* kRelatedTaskMeta = "io.modelcontextprotocol/related-task";

// A tool's stance on tasks (2025-11-25 tools/list: execution.taskSupport).
enum class TaskSupport { kForbidden, kOptional, kRequired };
std::string_view TaskSupportName(TaskSupport support);

enum class TaskStatus { kWorking, kInputRequired, kCompleted, kFailed, kCancelled };
std::string_view TaskStatusName(TaskStatus status);
bool IsTerminal(TaskStatus status);

// What a task's wire form is made of; the store keeps one per task.
struct TaskView {
  std::string task_id;
  TaskStatus status = TaskStatus::kWorking;
  std::string status_message;  // empty: none
  std::chrono::system_clock::time_point created_at;
  std::chrono::system_clock::time_point last_updated_at;
  std::chrono::milliseconds ttl{0};
  std::chrono::milliseconds poll_interval{0};
};

// ISO 8601 UTC with milliseconds, e.g. 2026-07-28T10:30:00.000Z.
std::string IsoTimestamp(std::chrono::system_clock::time_point time);

// The 2025-11-25 Task object (tasks/get, tasks/cancel, tasks/list entries,
// notifications/tasks/status).
Json LegacyTaskJson(const TaskView& task);
// The 2026-07-28 Task fields (flat; ttlMs / pollIntervalMs). The caller adds
// resultType, result, error or inputRequests as the method calls for.
Json ModernTaskJson(const TaskView& task);

// True when the client capabilities (initialize's or a 2026-07-28 request's
// _meta) declare the tasks extension.
bool DeclaresTasksExtension(const Json& client_capabilities);
// -32021 naming the tasks extension in data.requiredCapabilities.
RpcError TasksExtensionRequired(std::string_view why);

// The requested ttl of a 2025-11-25 params.task, when it is a positive number.
std::optional<std::chrono::milliseconds> RequestedTaskTtl(const Json& task_param);

}  // namespace aurite::mcp
