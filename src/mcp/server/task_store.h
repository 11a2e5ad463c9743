// TaskStore: the tasks of one McpServer, each bound to the owner (a session's
// SessionOwner key, or the transport's key for stateless requests) that
// created it.
//
// Contract:
//  - Every lookup takes the caller's owner key: a task of another owner is
//    reported exactly like an unknown one (nullopt), so its existence leaks
//    nothing. Task ids are 128 random bits.
//  - Each owner holds at most `max_tasks_per_owner` tasks. Creating one more
//    first drops that owner's oldest finished task; when all of them still
//    run, Create fails with a -32600 error saying so.
//  - A task lives `ttl` from its creation (the client may ask for less in
//    2025-11-25, never more than max_ttl). Every call but the execution's own
//    reports first drops expired tasks, cancelling those still running, and
//    releases the executions of finished tasks (their results stay).
//  - Terminal statuses are final: a cancelled task stays cancelled whatever
//    its execution reports later.
//  - Executions are cancelled, resumed and destroyed outside the store's
//    lock, never on the thread of the execution's own report.
//  - Thread-safe. The destructor cancels and destroys every execution.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <stop_token>
#include <string>
#include <variant>
#include <vector>

#include "mcp/core/tasks.h"

namespace aurite::mcp {

struct TaskLimits {
  std::chrono::milliseconds default_ttl = std::chrono::minutes(30);
  std::chrono::milliseconds max_ttl = std::chrono::hours(2);
  std::chrono::milliseconds poll_interval = std::chrono::seconds(1);
  std::size_t max_tasks_per_owner = 32;
};

// What runs a task: the store cancels it (tasks/cancel, expiry) and resumes
// it once the client answered every input request (2026-07-28 tasks/update).
class TaskExecution {
 public:
  virtual ~TaskExecution() = default;
  virtual void Cancel() = 0;
  // `responses`: every answer given since the task last asked, keyed like
  // its input requests; `request_state`: the state its input_required
  // result carried, if any.
  virtual void Resume(Json responses, std::optional<std::string> request_state) = 0;
};

// A task as tasks/get shows it.
struct TaskSnapshot {
  TaskView view;
  Json result;                    // completed: the CallToolResult
  std::optional<RpcError> error;  // failed: the protocol error
  Json input_requests;            // input_required: the pending requests by key
};

class TaskStore {
 public:
  explicit TaskStore(TaskLimits limits = {});
  ~TaskStore();
  TaskStore(const TaskStore&) = delete;
  TaskStore& operator=(const TaskStore&) = delete;

  const TaskLimits& limits() const { return limits_; }

  // Called with the task's new view on every status change, outside the
  // store's lock (e.g. notifications/tasks/status to the creating session).
  using StatusListener = std::function<void(const TaskView&)>;

  // A new working task of `owner`; `ttl` is clamped to limits.max_ttl.
  std::variant<TaskView, RpcError> Create(const std::string& owner,
                                          std::optional<std::chrono::milliseconds> ttl,
                                          StatusListener listener = nullptr);
  // Gives the task its execution; cancels it at once when the task already
  // ended (cancelled or expired in between).
  void Attach(const std::string& task_id, std::shared_ptr<TaskExecution> execution);

  std::optional<TaskSnapshot> Get(const std::string& owner, const std::string& task_id);
  // Newest first.
  std::vector<TaskView> List(const std::string& owner);

  struct CancelOutcome {
    TaskView view;              // after the call
    bool was_terminal = false;  // nothing changed: it had already ended
  };
  std::optional<CancelOutcome> Cancel(const std::string& owner, const std::string& task_id);

  // Records answers to pending input requests (unknown keys are ignored);
  // resumes the task once none is pending. nullopt: no such task.
  std::optional<TaskView> Update(const std::string& owner, const std::string& task_id,
                                 const Json& responses);

  // Cancels and forgets every task of `owner` (its session ended and no one
  // else can reach them).
  void DropOwner(const std::string& owner);

  // Blocks until the task is terminal; nullopt when it vanished (expired),
  // is unknown, or `stop` was requested first.
  std::optional<TaskSnapshot> WaitTerminal(const std::string& owner, const std::string& task_id,
                                           std::stop_token stop);

  // The execution's reports. Ignored once the task is terminal or gone.
  void Complete(const std::string& task_id, Json result);
  void Fail(const std::string& task_id, RpcError error);
  void NeedInput(const std::string& task_id, Json input_requests,
                 std::optional<std::string> request_state);

 private:
  struct Record;
  using Clock = std::chrono::system_clock;
  // Executions leaving the store: those of running tasks are cancelled
  // first, those of finished ones only destroyed.
  struct Retired {
    std::vector<std::shared_ptr<TaskExecution>> cancel;
    std::vector<std::shared_ptr<TaskExecution>> release;
  };

  Record* FindLocked(const std::string& owner, const std::string& task_id);
  // Moves expired records out, and the executions of finished ones, for
  // the caller to cancel and destroy outside the lock.
  void TakeExpiredLocked(Retired& dropped);
  // Settles a report: false when the task is gone or terminal.
  bool SettleLocked(const std::string& task_id, TaskStatus status,
                    const std::function<void(Record&)>& fill, TaskView& view,
                    StatusListener& listener);
  void Report(const std::string& task_id, TaskStatus status,
              const std::function<void(Record&)>& fill);
  static void Drop(Retired& retired);

  const TaskLimits limits_;
  std::mutex mu_;
  std::condition_variable changed_;
  std::map<std::string, std::unique_ptr<Record>> tasks_;  // by task id
};

}  // namespace aurite::mcp
