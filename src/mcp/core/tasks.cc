// Formatting of task objects for both eras; field names follow each era's
// schema exactly (ttl vs ttlMs), since clients key off them.
#include "mcp/core/tasks.h"

#include <fmt/chrono.h>
#include <fmt/format.h>

namespace aurite::mcp {

std::string_view TaskSupportName(TaskSupport support) {
  switch (support) {
    case TaskSupport::kOptional:
      return "optional";
    case TaskSupport::kRequired:
      return "required";
    case TaskSupport::kForbidden:
      break;
  }
  return "forbidden";
}

std::string_view TaskStatusName(TaskStatus status) {
  switch (status) {
    case TaskStatus::kWorking:
      return "working";
    case TaskStatus::kInputRequired:
      return "input_required";
    case TaskStatus::kCompleted:
      return "completed";
    case TaskStatus::kFailed:
      return "failed";
    case TaskStatus::kCancelled:
      break;
  }
  return "cancelled";
}

bool IsTerminal(TaskStatus status) {
  return status == TaskStatus::kCompleted || status == TaskStatus::kFailed ||
         status == TaskStatus::kCancelled;
}

std::string IsoTimestamp(std::chrono::system_clock::time_point time) {
  const auto millis = std::chrono::time_point_cast<std::chrono::milliseconds>(time);
  const auto seconds = std::chrono::time_point_cast<std::chrono::seconds>(millis);
  return fmt::format("{:%Y-%m-%dT%H:%M:%S}.{:03d}Z", seconds,
                     static_cast<int>((millis - seconds).count()));
}

namespace {

Json CommonTaskJson(const TaskView& task) {
  Json j = {{"taskId", task.task_id},
            {"status", TaskStatusName(task.status)},
            {"createdAt", IsoTimestamp(task.created_at)},
            {"lastUpdatedAt", IsoTimestamp(task.last_updated_at)}};
  if (!task.status_message.empty()) j["statusMessage"] = task.status_message;
  return j;
}

}  // namespace

Json LegacyTaskJson(const TaskView& task) {
  Json j = CommonTaskJson(task);
  j["ttl"] = task.ttl.count();
  j["pollInterval"] = task.poll_interval.count();
  return j;
}

Json ModernTaskJson(const TaskView& task) {
  Json j = CommonTaskJson(task);
  j["ttlMs"] = task.ttl.count();
  j["pollIntervalMs"] = task.poll_interval.count();
  return j;
}

bool DeclaresTasksExtension(const Json& client_capabilities) {
  if (!client_capabilities.is_object()) return false;
  auto extensions = client_capabilities.find("extensions");
  return extensions != client_capabilities.end() && extensions->is_object() &&
         extensions->contains(kTasksExtension);
}

RpcError TasksExtensionRequired(std::string_view why) {
  return MakeError(
      error_code::kMissingRequiredClientCapability,
      fmt::format("{} needs the client capability extensions[\"{}\"], which the "
                  "client did not declare",
                  why, kTasksExtension),
      {{"requiredCapabilities", {{"extensions", {{kTasksExtension, Json::object()}}}}}});
}

std::optional<std::chrono::milliseconds> RequestedTaskTtl(const Json& task_param) {
  if (!task_param.is_object()) return std::nullopt;
  auto ttl = task_param.find("ttl");
  if (ttl == task_param.end() || !ttl->is_number() || ttl->get<double>() <= 0) return std::nullopt;
  return std::chrono::milliseconds(static_cast<std::int64_t>(ttl->get<double>()));
}

}  // namespace aurite::mcp
