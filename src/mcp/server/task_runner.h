// TaskRunner: runs one task's tools/call in a private ServerSession of the
// same McpServer (a "worker"), fed the call as a client would send it, so the
// tool's handler sees what it would see synchronously: the same owner, the
// client's capabilities and protocol era, its CallContext and cancellation.
//
// Contract:
//  - Start feeds the call at once and returns; the worker's answer is
//    reported to the TaskStore (Complete, Fail, or for 2026-07-28 an
//    input_required result: NeedInput).
//  - Cancel sends the worker notifications/cancelled for the running call:
//    the handler sees RequestContext::cancelled() and its stop_token fires,
//    exactly as when a client cancels a synchronous tools/call.
//  - Resume repeats the call with the client's inputResponses (and the
//    requestState of the last input_required result), as a 2026-07-28
//    client would retry it.
//  - A handler's requests to the client fail at once (a task has no
//    request stream to send them on). Its notifications (progress, logs)
//    go to the creating session in 2025-11-25, tagged with the related-task
//    _meta; they are dropped in 2026-07-28 (no subscriptions/listen stream).
//  - Destruction cancels the call and waits for the handler to return.
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "mcp/server/server_session.h"
#include "mcp/server/task_store.h"

namespace aurite::mcp {

class TaskRunner final : public TaskExecution {
 public:
  // Who the task acts for: the creating session's client.
  struct Client {
    SessionOwner owner;
    bool modern = false;
    std::string protocol_version;
    Json capabilities = Json::object();
    Json client_info = Json::object();
    std::weak_ptr<ServerSession> origin;  // 2025-11-25: where notifications go
  };

  // `params`: the tools/call params to run (without the 2025-11-25 task hint).
  static std::shared_ptr<TaskRunner> Start(McpServer& server, TaskStore& store, std::string task_id,
                                           Client client, Json params);
  // Use Start; public only for make_shared.
  TaskRunner(TaskStore& store, std::string task_id, Client client, Json params);
  ~TaskRunner() override;

  void Cancel() override;
  void Resume(Json responses, std::optional<std::string> request_state) override;

 private:
  void Feed(Json params);
  Status OnWorkerMessage(const std::string& text);
  void OnResponse(const Json& response);

  TaskStore& store_;
  const std::string task_id_;
  const Client client_;
  const Json params_;
  std::mutex mu_;
  std::string running_id_;  // the wire id of the call the worker runs, empty when none
  int calls_ = 0;
  std::shared_ptr<ServerSession> worker_;  // last: destroyed (and drained) first
};

}  // namespace aurite::mcp
