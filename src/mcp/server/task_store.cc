// Records live in one map by task id; per-owner bounds are counted on
// demand (an owner holds few tasks). Executions leave the map before they
// are cancelled or destroyed, so no store call waits on a handler while it
// holds the lock.
#include "mcp/server/task_store.h"

#include <fmt/format.h>

#include <algorithm>

#include "crypto/random.h"

namespace aurite::mcp {

struct TaskStore::Record {
  std::string owner;
  TaskView view;
  Clock::time_point expires_at;
  Json result;
  std::optional<RpcError> error;
  Json pending_requests = Json::object();  // input_required: still unanswered, by key
  Json responses = Json::object();         // answers gathered for the next resume
  std::optional<std::string> request_state;
  std::shared_ptr<TaskExecution> execution;
  StatusListener listener;
};

namespace {

std::string NewTaskId() { return crypto::RandomHex(16); }

RpcError TooManyTasks(std::size_t limit) {
  return MakeError(error_code::kInvalidRequest,
                   fmt::format("too many tasks: this client already runs {} tasks, the most it "
                               "may hold; wait for one to finish or cancel one (tasks/cancel)",
                               limit));
}

}  // namespace

TaskStore::TaskStore(TaskLimits limits) : limits_(limits) {}

TaskStore::~TaskStore() {
  Retired executions;
  {
    std::lock_guard lock(mu_);
    for (auto& [id, record] : tasks_) {
      if (record->execution) executions.cancel.push_back(std::move(record->execution));
    }
    tasks_.clear();
  }
  Drop(executions);
}

void TaskStore::Drop(Retired& retired) {
  for (auto& execution : retired.cancel) execution->Cancel();
  // Destroying them waits for their handlers.
  retired.cancel.clear();
  retired.release.clear();
}

TaskStore::Record* TaskStore::FindLocked(const std::string& owner, const std::string& task_id) {
  auto it = tasks_.find(task_id);
  if (it == tasks_.end() || it->second->owner != owner) return nullptr;
  return it->second.get();
}

void TaskStore::TakeExpiredLocked(Retired& dropped) {
  const auto now = Clock::now();
  for (auto it = tasks_.begin(); it != tasks_.end();) {
    if (it->second->expires_at > now) {
      // A finished task keeps its result, not its worker (and its thread).
      if (it->second->execution && IsTerminal(it->second->view.status)) {
        dropped.release.push_back(std::move(it->second->execution));
      }
      ++it;
      continue;
    }
    if (it->second->execution) dropped.cancel.push_back(std::move(it->second->execution));
    it = tasks_.erase(it);
  }
  if (!dropped.cancel.empty()) changed_.notify_all();
}

std::variant<TaskView, RpcError> TaskStore::Create(const std::string& owner,
                                                   std::optional<std::chrono::milliseconds> ttl,
                                                   StatusListener listener) {
  Retired dropped;
  std::variant<TaskView, RpcError> outcome = TooManyTasks(limits_.max_tasks_per_owner);
  {
    std::lock_guard lock(mu_);
    TakeExpiredLocked(dropped);
    std::vector<std::map<std::string, std::unique_ptr<Record>>::iterator> mine;
    for (auto it = tasks_.begin(); it != tasks_.end(); ++it) {
      if (it->second->owner == owner) mine.push_back(it);
    }
    if (mine.size() >= limits_.max_tasks_per_owner) {
      // Make room by forgetting the oldest finished task, if there is one.
      auto oldest = tasks_.end();
      for (auto it : mine) {
        if (!IsTerminal(it->second->view.status)) continue;
        if (oldest == tasks_.end() ||
            it->second->view.created_at < oldest->second->view.created_at) {
          oldest = it;
        }
      }
      if (oldest != tasks_.end()) {
        if (oldest->second->execution)
          dropped.release.push_back(std::move(oldest->second->execution));
        tasks_.erase(oldest);
        mine.pop_back();  // only the count matters now
      }
    }
    if (mine.size() < limits_.max_tasks_per_owner) {
      auto record = std::make_unique<Record>();
      record->owner = owner;
      record->view.task_id = NewTaskId();
      record->view.created_at = Clock::now();
      record->view.last_updated_at = record->view.created_at;
      record->view.ttl = std::min(ttl.value_or(limits_.default_ttl), limits_.max_ttl);
      record->view.poll_interval = limits_.poll_interval;
      record->expires_at = record->view.created_at + record->view.ttl;
      record->listener = std::move(listener);
      outcome = record->view;
      tasks_[record->view.task_id] = std::move(record);
    }
  }
  Drop(dropped);
  return outcome;
}

void TaskStore::Attach(const std::string& task_id, std::shared_ptr<TaskExecution> execution) {
  {
    std::lock_guard lock(mu_);
    auto it = tasks_.find(task_id);
    if (it != tasks_.end() && !IsTerminal(it->second->view.status)) {
      it->second->execution = std::move(execution);
      return;
    }
  }
  if (execution) execution->Cancel();
}

std::optional<TaskSnapshot> TaskStore::Get(const std::string& owner, const std::string& task_id) {
  Retired dropped;
  std::optional<TaskSnapshot> snapshot;
  {
    std::lock_guard lock(mu_);
    TakeExpiredLocked(dropped);
    if (Record* record = FindLocked(owner, task_id)) {
      snapshot =
          TaskSnapshot{record->view, record->result, record->error, record->pending_requests};
    }
  }
  Drop(dropped);
  return snapshot;
}

std::vector<TaskView> TaskStore::List(const std::string& owner) {
  Retired dropped;
  std::vector<TaskView> views;
  {
    std::lock_guard lock(mu_);
    TakeExpiredLocked(dropped);
    for (const auto& [id, record] : tasks_) {
      if (record->owner == owner) views.push_back(record->view);
    }
  }
  Drop(dropped);
  std::sort(views.begin(), views.end(), [](const TaskView& a, const TaskView& b) {
    return a.created_at != b.created_at ? a.created_at > b.created_at : a.task_id < b.task_id;
  });
  return views;
}

std::optional<TaskStore::CancelOutcome> TaskStore::Cancel(const std::string& owner,
                                                          const std::string& task_id) {
  Retired dropped;
  std::shared_ptr<TaskExecution> execution;
  std::optional<CancelOutcome> outcome;
  StatusListener listener;
  {
    std::lock_guard lock(mu_);
    TakeExpiredLocked(dropped);
    if (Record* record = FindLocked(owner, task_id)) {
      outcome = CancelOutcome{record->view, IsTerminal(record->view.status)};
      if (!outcome->was_terminal) {
        record->view.status = TaskStatus::kCancelled;
        record->view.status_message = "The task was cancelled by request.";
        record->view.last_updated_at = Clock::now();
        record->pending_requests = Json::object();
        outcome->view = record->view;
        execution = record->execution;  // kept: destroyed with the record
        listener = record->listener;
        changed_.notify_all();
      }
    }
  }
  Drop(dropped);
  if (execution) execution->Cancel();
  if (listener && outcome) listener(outcome->view);
  return outcome;
}

std::optional<TaskView> TaskStore::Update(const std::string& owner, const std::string& task_id,
                                          const Json& responses) {
  Retired dropped;
  std::shared_ptr<TaskExecution> resume;
  Json answers;
  std::optional<std::string> state;
  std::optional<TaskView> view;
  StatusListener listener;
  {
    std::lock_guard lock(mu_);
    TakeExpiredLocked(dropped);
    if (Record* record = FindLocked(owner, task_id)) {
      for (const auto& [key, answer] : responses.items()) {
        if (!record->pending_requests.contains(key)) continue;
        record->pending_requests.erase(key);
        record->responses[key] = answer;
      }
      if (record->view.status == TaskStatus::kInputRequired && record->pending_requests.empty()) {
        record->view.status = TaskStatus::kWorking;
        record->view.last_updated_at = Clock::now();
        resume = record->execution;
        answers = std::exchange(record->responses, Json::object());
        state = std::exchange(record->request_state, std::nullopt);
        listener = record->listener;
        changed_.notify_all();
      }
      view = record->view;
    }
  }
  Drop(dropped);
  if (resume) resume->Resume(std::move(answers), std::move(state));
  if (listener && view) listener(*view);
  return view;
}

void TaskStore::DropOwner(const std::string& owner) {
  Retired dropped;
  {
    std::lock_guard lock(mu_);
    TakeExpiredLocked(dropped);
    for (auto it = tasks_.begin(); it != tasks_.end();) {
      if (it->second->owner != owner) {
        ++it;
        continue;
      }
      if (it->second->execution) dropped.cancel.push_back(std::move(it->second->execution));
      it = tasks_.erase(it);
    }
    changed_.notify_all();
  }
  Drop(dropped);
}

std::optional<TaskSnapshot> TaskStore::WaitTerminal(const std::string& owner,
                                                    const std::string& task_id,
                                                    std::stop_token stop) {
  // Registered before locking: it runs at once when stop is already requested.
  std::stop_callback wake(stop, [this] {
    std::lock_guard inner(mu_);
    changed_.notify_all();
  });
  std::unique_lock lock(mu_);
  while (!stop.stop_requested()) {
    Record* record = FindLocked(owner, task_id);
    if (record == nullptr) return std::nullopt;
    if (IsTerminal(record->view.status)) {
      return TaskSnapshot{record->view, record->result, record->error, record->pending_requests};
    }
    // Expiry is checked on a timer too, since no report may ever come.
    changed_.wait_until(lock, std::min(record->expires_at, Clock::now() + std::chrono::seconds(1)));
    if (Clock::now() >= record->expires_at) return std::nullopt;
  }
  return std::nullopt;
}

bool TaskStore::SettleLocked(const std::string& task_id, TaskStatus status,
                             const std::function<void(Record&)>& fill, TaskView& view,
                             StatusListener& listener) {
  auto it = tasks_.find(task_id);
  if (it == tasks_.end() || IsTerminal(it->second->view.status)) return false;
  Record& record = *it->second;
  record.view.status = status;
  record.view.last_updated_at = Clock::now();
  fill(record);
  view = record.view;
  listener = record.listener;
  changed_.notify_all();
  return true;
}

void TaskStore::Report(const std::string& task_id, TaskStatus status,
                       const std::function<void(Record&)>& fill) {
  TaskView view;
  StatusListener listener;
  bool settled = false;
  {
    std::lock_guard lock(mu_);
    settled = SettleLocked(task_id, status, fill, view, listener);
  }
  if (settled && listener) listener(view);
}

void TaskStore::Complete(const std::string& task_id, Json result) {
  Report(task_id, TaskStatus::kCompleted, [&](Record& record) {
    record.result = std::move(result);
    record.view.status_message.clear();
  });
}

void TaskStore::Fail(const std::string& task_id, RpcError error) {
  Report(task_id, TaskStatus::kFailed, [&](Record& record) {
    record.view.status_message = error.message;
    record.error = std::move(error);
  });
}

void TaskStore::NeedInput(const std::string& task_id, Json input_requests,
                          std::optional<std::string> request_state) {
  Report(task_id, TaskStatus::kInputRequired, [&](Record& record) {
    record.pending_requests = std::move(input_requests);
    record.responses = Json::object();
    record.request_state = std::move(request_state);
  });
}

}  // namespace aurite::mcp
