// Tests of TaskStore: owner isolation, the per-owner bound, TTL expiry,
// final statuses, partial answers to input requests and waiting for the end.
#include "mcp/server/task_store.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

namespace aurite::mcp {
namespace {

// Records what the store asks of an execution.
struct RecordingExecution : TaskExecution {
  void Cancel() override { ++cancels; }
  void Resume(Json responses, std::optional<std::string> state) override {
    resumed_with = std::move(responses);
    resumed_state = std::move(state);
  }
  std::atomic<int> cancels{0};
  Json resumed_with;
  std::optional<std::string> resumed_state;
};

TaskView MustCreate(TaskStore& store, const std::string& owner,
                    std::optional<std::chrono::milliseconds> ttl = std::nullopt) {
  auto created = store.Create(owner, ttl);
  EXPECT_TRUE(std::holds_alternative<TaskView>(created));
  return std::get<TaskView>(created);
}

TEST(TaskStore, AnotherOwnerCannotSeeCancelOrAnswerATask) {
  TaskStore store;
  const TaskView task = MustCreate(store, "alice");
  auto execution = std::make_shared<RecordingExecution>();
  store.Attach(task.task_id, execution);
  EXPECT_EQ(task.task_id.size(), 32u);  // 128 random bits, hex

  EXPECT_FALSE(store.Get("mallory", task.task_id));
  EXPECT_FALSE(store.Cancel("mallory", task.task_id));
  EXPECT_FALSE(store.Update("mallory", task.task_id, {{"k", 1}}));
  EXPECT_TRUE(store.List("mallory").empty());
  std::stop_source stop;
  EXPECT_FALSE(store.WaitTerminal("mallory", task.task_id, stop.get_token()));
  EXPECT_EQ(execution->cancels, 0);

  auto mine = store.Get("alice", task.task_id);
  ASSERT_TRUE(mine);
  EXPECT_EQ(mine->view.status, TaskStatus::kWorking);
  ASSERT_EQ(store.List("alice").size(), 1u);
}

TEST(TaskStore, BoundsTasksPerOwnerAndDropsTheOldestFinishedFirst) {
  TaskLimits limits;
  limits.max_tasks_per_owner = 2;
  TaskStore store(limits);
  const TaskView first = MustCreate(store, "alice");
  MustCreate(store, "alice");
  auto refused = store.Create("alice", std::nullopt);
  ASSERT_TRUE(std::holds_alternative<RpcError>(refused));
  EXPECT_EQ(std::get<RpcError>(refused).code, error_code::kInvalidRequest);
  EXPECT_NE(std::get<RpcError>(refused).message.find("too many tasks"), std::string::npos);
  MustCreate(store, "bob");  // the bound is per owner

  store.Complete(first.task_id, {{"content", Json::array()}});
  MustCreate(store, "alice");
  EXPECT_FALSE(store.Get("alice", first.task_id));
  EXPECT_EQ(store.List("alice").size(), 2u);
}

TEST(TaskStore, ExpiredTasksVanishAndRunningOnesAreCancelled) {
  TaskStore store;
  const TaskView task = MustCreate(store, "alice", std::chrono::milliseconds(1));
  EXPECT_EQ(task.ttl, std::chrono::milliseconds(1));
  auto execution = std::make_shared<RecordingExecution>();
  store.Attach(task.task_id, execution);
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  EXPECT_FALSE(store.Get("alice", task.task_id));
  EXPECT_EQ(execution->cancels, 1);
}

TEST(TaskStore, TtlIsClampedToTheMaximum) {
  TaskLimits limits;
  limits.max_ttl = std::chrono::minutes(5);
  TaskStore store(limits);
  EXPECT_EQ(MustCreate(store, "alice", std::chrono::hours(10)).ttl, std::chrono::minutes(5));
}

TEST(TaskStore, CancelledStaysCancelledWhateverTheExecutionReports) {
  TaskStore store;
  const TaskView task = MustCreate(store, "alice");
  auto execution = std::make_shared<RecordingExecution>();
  store.Attach(task.task_id, execution);
  auto first = store.Cancel("alice", task.task_id);
  ASSERT_TRUE(first);
  EXPECT_FALSE(first->was_terminal);
  EXPECT_EQ(first->view.status, TaskStatus::kCancelled);
  EXPECT_EQ(execution->cancels, 1);

  store.Complete(task.task_id, {{"content", Json::array()}});
  EXPECT_EQ(store.Get("alice", task.task_id)->view.status, TaskStatus::kCancelled);
  auto again = store.Cancel("alice", task.task_id);
  ASSERT_TRUE(again);
  EXPECT_TRUE(again->was_terminal);
  EXPECT_EQ(execution->cancels, 1);
}

TEST(TaskStore, ResumesOnlyOnceEveryInputRequestIsAnswered) {
  TaskStore store;
  const TaskView task = MustCreate(store, "alice");
  auto execution = std::make_shared<RecordingExecution>();
  store.Attach(task.task_id, execution);
  store.NeedInput(task.task_id, {{"a", {{"method", "elicitation/create"}}}, {"b", Json::object()}},
                  "sealed-state");

  ASSERT_TRUE(store.Update("alice", task.task_id, {{"a", {{"action", "accept"}}}}));
  auto partial = store.Get("alice", task.task_id);
  EXPECT_EQ(partial->view.status, TaskStatus::kInputRequired);
  EXPECT_FALSE(partial->input_requests.contains("a"));
  EXPECT_TRUE(partial->input_requests.contains("b"));
  EXPECT_TRUE(execution->resumed_with.is_null());

  ASSERT_TRUE(store.Update("alice", task.task_id, {{"b", 2}, {"unknown", 3}}));
  EXPECT_EQ(store.Get("alice", task.task_id)->view.status, TaskStatus::kWorking);
  EXPECT_EQ(execution->resumed_with, Json({{"a", {{"action", "accept"}}}, {"b", 2}}));
  EXPECT_EQ(execution->resumed_state, "sealed-state");
}

TEST(TaskStore, FinishedTasksKeepTheirResultButReleaseTheirExecution) {
  TaskStore store;
  const TaskView task = MustCreate(store, "alice");
  auto execution = std::make_shared<RecordingExecution>();
  std::weak_ptr<RecordingExecution> watch = execution;
  store.Attach(task.task_id, std::move(execution));
  store.Complete(task.task_id, {{"content", Json::array({{{"type", "text"}, {"text", "done"}}})}});
  EXPECT_FALSE(watch.expired()) << "never destroyed on the reporting thread";
  auto done = store.Get("alice", task.task_id);
  ASSERT_TRUE(done);
  EXPECT_EQ(done->result["content"][0]["text"], "done");
  EXPECT_TRUE(watch.expired());
}

TEST(TaskStore, DropOwnerCancelsAndForgetsOnlyThatOwnersTasks) {
  TaskStore store;
  const TaskView mine = MustCreate(store, "alice");
  const TaskView theirs = MustCreate(store, "bob");
  auto execution = std::make_shared<RecordingExecution>();
  store.Attach(mine.task_id, execution);
  store.DropOwner("alice");
  EXPECT_EQ(execution->cancels, 1);
  EXPECT_FALSE(store.Get("alice", mine.task_id));
  EXPECT_TRUE(store.Get("bob", theirs.task_id));
}

TEST(TaskStore, WaitTerminalReturnsTheOutcomeOrStopsWhenAsked) {
  TaskStore store;
  const TaskView task = MustCreate(store, "alice");
  std::thread finisher([&] { store.Fail(task.task_id, MakeError(-32603, "broke")); });
  std::stop_source never;
  auto done = store.WaitTerminal("alice", task.task_id, never.get_token());
  finisher.join();
  ASSERT_TRUE(done);
  EXPECT_EQ(done->view.status, TaskStatus::kFailed);
  ASSERT_TRUE(done->error);
  EXPECT_EQ(done->error->message, "broke");

  const TaskView running = MustCreate(store, "alice");
  std::stop_source stop;
  stop.request_stop();
  EXPECT_FALSE(store.WaitTerminal("alice", running.task_id, stop.get_token()));
}

}  // namespace
}  // namespace aurite::mcp
