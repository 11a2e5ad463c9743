// The session's side of tasks (mcp/core/tasks.h): deciding whether a
// tools/call becomes a task, and answering the tasks/* methods of both eras.
// Every lookup goes through the caller's task scope, so another client's
// task is indistinguishable from an unknown one.
#include <fmt/format.h>

#include "mcp/core/pagination.h"
#include "mcp/server/server_session.h"
#include "mcp/server/task_runner.h"

namespace aurite::mcp {
namespace {

// The first protocol version with tasks (an experimental core feature then).
constexpr std::string_view kFirstTasksVersion = "2025-11-25";

RpcError UnknownTask(const std::string& method) {
  return MakeError(error_code::kInvalidParams,
                   fmt::format("{}: no such task (it never existed, expired, or belongs to "
                               "another client); create one with tools/call",
                               method));
}

Json ModernDetail(const TaskSnapshot& task) {
  Json j = ModernTaskJson(task.view);
  switch (task.view.status) {
    case TaskStatus::kCompleted:
      j["result"] = task.result;
      break;
    case TaskStatus::kFailed:
      if (task.error) j["error"] = task.error->ToJson();
      break;
    case TaskStatus::kInputRequired:
      j["inputRequests"] = task.input_requests;
      break;
    default:
      break;
  }
  return j;
}

// tasks/result of 2025-11-25: exactly what the call would have returned,
// tagged with the task it belongs to.
RpcResult LegacyTaskResult(const TaskSnapshot& task) {
  if (task.view.status == TaskStatus::kFailed && task.error) return *task.error;
  if (task.view.status == TaskStatus::kCancelled) {
    return MakeError(error_code::kRequestCancelled,
                     fmt::format("task {} was cancelled before it finished", task.view.task_id));
  }
  Json result = task.result.is_object() ? task.result : Json::object();
  result["_meta"][kRelatedTaskMeta] = {{"taskId", task.view.task_id}};
  return result;
}

}  // namespace

void ServerSession::BecomeTaskWorker(const std::string& protocol_version, const Json& capabilities,
                                     const Json& client_info, bool legacy) {
  std::lock_guard lock(mu_);
  task_worker_ = true;
  if (!legacy) return;
  initialize_seen_ = true;
  protocol_version_ = protocol_version;
  client_capabilities_ = capabilities;
  client_info_ = client_info;
}

bool ServerSession::ModernRequestRunning() const {
  std::lock_guard lock(mu_);
  return CurrentModernLocked() != nullptr;
}

Json ServerSession::TaskCapabilities(bool modern) const {
  if (modern) return {{"extensions", {{kTasksExtension, Json::object()}}}};
  if (protocol_version() < kFirstTasksVersion) return Json::object();
  return {{"tasks",
           {{"list", Json::object()},
            {"cancel", Json::object()},
            {"requests", {{"tools", {{"call", Json::object()}}}}}}}};
}

std::optional<RpcResult> ServerSession::MaybeStartTask(const McpServer::ToolEntry& entry,
                                                       const Json& params, const Json& arguments,
                                                       CallContext& context) {
  TaskStore* store = server_.tasks();
  {
    std::lock_guard lock(mu_);
    if (store == nullptr || task_worker_) return std::nullopt;
  }
  const Tool& tool = entry.tool;
  const bool modern = ModernRequestRunning();
  const Json no_hint;
  const Json& hint = params.contains("task") ? params["task"] : no_hint;
  bool wanted = false;
  if (modern) {
    // 2026-07-28: the server decides; a 2025-11-25 task hint means nothing.
    wanted = DeclaresTasksExtension(client_capabilities());
  } else if (protocol_version() >= kFirstTasksVersion && hint.is_object()) {
    if (tool.task_support == TaskSupport::kForbidden) {
      return MakeError(
          error_code::kMethodNotFound,
          fmt::format("tool {} does not run as a task: call it without params.task", tool.name));
    }
    wanted = true;
  }
  if (tool.task_support == TaskSupport::kForbidden) return std::nullopt;
  if (!wanted) {
    if (tool.task_support != TaskSupport::kRequired) return std::nullopt;
    if (modern) return TasksExtensionRequired(fmt::format("tool {}", tool.name));
    return MakeError(error_code::kMethodNotFound,
                     fmt::format("tool {} runs only as a task: call it with params.task "
                                 "(protocol version {} or later)",
                                 tool.name, kFirstTasksVersion));
  }
  if (entry.precheck) {
    if (auto early = entry.precheck(arguments, context)) return early;
  }
  TaskStore::StatusListener listener;
  std::weak_ptr<ServerSession> origin;
  if (!modern) {
    origin = weak_from_this();
    listener = [origin](const TaskView& view) {
      if (auto session = origin.lock()) {
        (void)session->Notify("notifications/tasks/status", LegacyTaskJson(view));
      }
    };
  }
  auto created = store->Create(task_scope(), modern ? std::nullopt : RequestedTaskTtl(hint),
                               std::move(listener));
  if (auto* error = std::get_if<RpcError>(&created)) return *error;
  const TaskView& view = std::get<TaskView>(created);
  Json call = params;
  call.erase("task");
  // The task acts with the credentials of the request that started it.
  SessionOwner owner = owner_;
  owner.auth = auth();
  TaskRunner::Client client{std::move(owner),      modern,        protocol_version(),
                            client_capabilities(), client_info(), origin};
  store->Attach(view.task_id, TaskRunner::Start(server_, *store, view.task_id, std::move(client),
                                                std::move(call)));
  if (!modern) return Json{{"task", LegacyTaskJson(view)}};
  Json result = ModernTaskJson(view);
  result["resultType"] = "task";
  return result;
}

RpcResult ServerSession::HandleTaskMethod(const std::string& method, const Json& params,
                                          RequestContext& context) {
  TaskStore& store = *server_.tasks();
  const bool modern = ModernRequestRunning();
  if (modern && (method == "tasks/result" || method == "tasks/list")) {
    return MakeError(error_code::kMethodNotFound,
                     fmt::format("{} does not exist in protocol version {}: tasks/get carries the "
                                 "result",
                                 method, kModernProtocolVersion));
  }
  const bool known = method == "tasks/get" || method == "tasks/cancel" ||
                     (modern && method == "tasks/update") ||
                     (!modern && (method == "tasks/result" || method == "tasks/list"));
  if (!known)
    return MakeError(error_code::kMethodNotFound, fmt::format("method not found: {}", method));
  if (modern && !DeclaresTasksExtension(client_capabilities())) {
    return TasksExtensionRequired(method);
  }
  if (!modern && protocol_version() < kFirstTasksVersion) {
    return MakeError(
        error_code::kMethodNotFound,
        fmt::format("{} needs protocol version {} or later", method, kFirstTasksVersion));
  }
  const std::string& scope = task_scope();
  if (method == "tasks/list") {
    Json tasks = Json::array();
    for (const TaskView& view : store.List(scope)) tasks.push_back(LegacyTaskJson(view));
    return Paginate(params, "tasks", std::move(tasks), server_.options().page_size);
  }
  auto id_it = params.is_object() ? params.find("taskId") : params.end();
  if (!params.is_object() || id_it == params.end() || !id_it->is_string()) {
    return MakeError(error_code::kInvalidParams, fmt::format("{} needs a taskId string", method));
  }
  const std::string& task_id = id_it->get_ref<const std::string&>();
  if (method == "tasks/get") {
    auto task = store.Get(scope, task_id);
    if (!task) return UnknownTask(method);
    return modern ? ModernDetail(*task) : LegacyTaskJson(task->view);
  }
  if (method == "tasks/result") {
    auto task = store.WaitTerminal(scope, task_id, context.stop_token());
    if (!task) return UnknownTask(method);
    return LegacyTaskResult(*task);
  }
  if (method == "tasks/update") {
    auto responses = params.find("inputResponses");
    if (responses == params.end() || !responses->is_object()) {
      return MakeError(error_code::kInvalidParams,
                       "tasks/update needs inputResponses: an object of answers keyed like the "
                       "task's inputRequests");
    }
    if (!store.Update(scope, task_id, *responses)) return UnknownTask(method);
    return Json::object();
  }
  auto outcome = store.Cancel(scope, task_id);
  if (!outcome) return UnknownTask(method);
  if (modern) return Json::object();
  if (outcome->was_terminal) {
    return MakeError(error_code::kInvalidParams,
                     fmt::format("task {} already finished ({}); only a running task can be "
                                 "cancelled",
                                 task_id, TaskStatusName(outcome->view.status)));
  }
  return LegacyTaskJson(outcome->view);
}

}  // namespace aurite::mcp
