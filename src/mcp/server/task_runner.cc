// The worker session is driven through its wire interface (Receive), so a
// task reuses the session's dispatch, checks, cancellation and response
// finishing instead of a second path into tool handlers.
#include "mcp/server/task_runner.h"

#include <fmt/format.h>

#include "runtime/log.h"

namespace aurite::mcp {

TaskRunner::TaskRunner(TaskStore& store, std::string task_id, Client client, Json params)
    : store_(store),
      task_id_(std::move(task_id)),
      client_(std::move(client)),
      params_(std::move(params)) {}

std::shared_ptr<TaskRunner> TaskRunner::Start(McpServer& server, TaskStore& store,
                                              std::string task_id, Client client, Json params) {
  auto runner = std::make_shared<TaskRunner>(store, std::move(task_id), std::move(client), params);
  // A pool of its own: a task must never wait behind the handlers (e.g. a
  // 2025-11-25 tasks/result) that wait for it.
  SessionOptions options = server.options().session;
  options.pool = nullptr;
  TaskRunner* self = runner.get();
  runner->worker_ = std::make_shared<ServerSession>(
      server, [self](std::string text) { return self->OnWorkerMessage(text); }, options);
  runner->worker_->SetOwner(runner->client_.owner);
  runner->worker_->BecomeTaskWorker(runner->client_.protocol_version, runner->client_.capabilities,
                                    runner->client_.client_info, !runner->client_.modern);
  runner->Feed(std::move(params));
  return runner;
}

TaskRunner::~TaskRunner() {
  Cancel();
  worker_.reset();
}

void TaskRunner::Feed(Json params) {
  std::string id;
  {
    std::lock_guard lock(mu_);
    id = fmt::format("task-call-{}", ++calls_);
    running_id_ = id;
  }
  worker_->Receive(
      Dump(Json{{"jsonrpc", "2.0"}, {"id", id}, {"method", "tools/call"}, {"params", params}}));
}

void TaskRunner::Cancel() {
  std::string id;
  {
    std::lock_guard lock(mu_);
    id = running_id_;
  }
  if (id.empty() || !worker_) return;
  worker_->Receive(
      Dump(Json{{"jsonrpc", "2.0"},
                {"method", "notifications/cancelled"},
                {"params", {{"requestId", id}, {"reason", "the task was cancelled"}}}}));
}

void TaskRunner::Resume(Json responses, std::optional<std::string> request_state) {
  Json params = params_;
  params["inputResponses"] = std::move(responses);
  if (request_state) {
    params["requestState"] = *request_state;
  } else {
    params.erase("requestState");
  }
  Feed(std::move(params));
}

Status TaskRunner::OnWorkerMessage(const std::string& text) {
  Json message = Json::parse(text, nullptr, false);
  if (!message.is_object()) return OkStatus();
  if (!message.contains("method")) {
    OnResponse(message);
    return OkStatus();
  }
  if (message.contains("id")) {
    return FailedPreconditionError(fmt::format(
        "a tool running as a task cannot send {} to the client", message.value("method", "")));
  }
  auto origin = client_.modern ? nullptr : client_.origin.lock();
  if (!origin) return OkStatus();
  Json params = message.value("params", Json::object());
  if (params.is_object()) params["_meta"][kRelatedTaskMeta] = {{"taskId", task_id_}};
  return origin->Notify(message["method"].get<std::string>(), std::move(params));
}

void TaskRunner::OnResponse(const Json& response) {
  {
    std::lock_guard lock(mu_);
    if (response.value("id", Json()) != running_id_) return;
    running_id_.clear();
  }
  if (auto error = response.find("error"); error != response.end()) {
    store_.Fail(task_id_, RpcError::FromJson(*error));
    return;
  }
  Json result = response.value("result", Json::object());
  if (client_.modern && result.value("resultType", "") == "input_required") {
    std::optional<std::string> state;
    if (auto it = result.find("requestState"); it != result.end() && it->is_string()) {
      state = it->get<std::string>();
    }
    store_.NeedInput(task_id_, result.value("inputRequests", Json::object()), std::move(state));
    return;
  }
  store_.Complete(task_id_, std::move(result));
}

}  // namespace aurite::mcp
