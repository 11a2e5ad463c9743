// Connection::Interrupt() on every engine: a long statement stops in the
// engine soon after the interrupt, fails with kCancelled, leaves nothing
// running on the server, and the same connection serves the next call.
#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <thread>

#include "engine_test.h"

namespace aurite::sql::testing {
namespace {

using Clock = std::chrono::steady_clock;

// Far below the statements' natural 30 s and the 30 s statement timeout,
// far above the ~1 s an interrupt takes.
constexpr auto kStoppedWellBeforeItsEnd = std::chrono::seconds(10);

class InterruptTest : public EngineTest {
 protected:
  std::string SlowQuery(const std::string& marker) const {
    return testing::SlowQuery(engine(), marker);
  }
  // SQLite has no process list: its statements run in this process, and
  // the statement's own end (its future) is what the test watches.
  bool HasProcessList() const { return engine() != Engine::kSqlite; }
  // Waits until `marker`'s statement runs on the server, so the interrupt
  // reaches a running statement rather than one not sent yet. SQLite's
  // cannot be seen from outside: give it a moment to start.
  void AwaitRunning(Connection& observer, const std::string& marker) {
    if (HasProcessList()) {
      ASSERT_GE(AwaitStatementRunning(observer, marker), 1);
    } else {
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
  }
  std::int64_t RunningAfterStop(Connection& observer, const std::string& marker) {
    return HasProcessList() ? AwaitNoStatementRunning(observer, marker) : 0;
  }
};

TEST_P(InterruptTest, StopsARunningStatementAndTheConnectionServesTheNextCall) {
  std::unique_ptr<Connection> connection = Open();
  std::unique_ptr<Connection> observer = Open();
  ASSERT_NE(connection, nullptr);
  ASSERT_NE(observer, nullptr);
  const std::string marker = UniqueName("interrupt_marker");
  std::future<Status> slow = std::async(
      std::launch::async, [&] { return connection->Execute(SlowQuery(marker), {}, {}).status(); });
  AwaitRunning(*observer, marker);
  Clock::time_point interrupted = Clock::now();
  connection->Interrupt();
  ASSERT_EQ(slow.wait_for(kStoppedWellBeforeItsEnd), std::future_status::ready);
  EXPECT_LT(Clock::now() - interrupted, kStoppedWellBeforeItsEnd);
  Status status = slow.get();
  EXPECT_EQ(status.code(), StatusCode::kCancelled) << status.ToString();
  EXPECT_EQ(RunningAfterStop(*observer, marker), 0);

  // Until cleared, every statement fails at once.
  EXPECT_EQ(connection->Execute("SELECT 1", {}, {}).status().code(), StatusCode::kCancelled);
  EXPECT_EQ(connection->ListTables(std::nullopt).status().code(), StatusCode::kCancelled);
  connection->ClearInterrupt();
  EXPECT_TRUE(connection->IsUsable());
  for (int call = 0; call < 3; ++call) {
    StatusOr<QueryResult> next = connection->Execute("SELECT 41 + 1", {}, {});
    ASSERT_TRUE(next.ok()) << next.status().ToString();
    EXPECT_EQ(next->rows[0][0], 42);
  }
  EXPECT_TRUE(connection->ListTables(std::nullopt).ok());
}

TEST_P(InterruptTest, AnInterruptedWriteIsRolledBack) {
  std::string table = NewTable("a INTEGER");
  std::unique_ptr<Connection> connection = Open(/*allow_writes=*/true);
  std::unique_ptr<Connection> observer = Open();
  ASSERT_NE(connection, nullptr);
  ASSERT_NE(observer, nullptr);
  const std::string marker = UniqueName("interrupt_marker");
  std::string insert = "INSERT INTO " + table + " (a) SELECT 1 FROM (" + SlowQuery(marker) + ") s";
  std::future<Status> slow =
      std::async(std::launch::async, [&] { return connection->Execute(insert, {}, {}).status(); });
  AwaitRunning(*observer, marker);
  connection->Interrupt();
  ASSERT_EQ(slow.wait_for(kStoppedWellBeforeItsEnd), std::future_status::ready);
  Status status = slow.get();
  EXPECT_EQ(status.code(), StatusCode::kCancelled) << status.ToString();
  EXPECT_EQ(RunningAfterStop(*observer, marker), 0);
  connection->ClearInterrupt();
  EXPECT_EQ(CountRows(table), 0);
  StatusOr<QueryResult> next = connection->Execute("INSERT INTO " + table + " VALUES (7)", {}, {});
  ASSERT_TRUE(next.ok()) << next.status().ToString();
  EXPECT_EQ(CountRows(table), 1);
}

// An interrupt that finds no statement (it came between calls) must not
// reach the statements the connection runs once cleared.
TEST_P(InterruptTest, AnInterruptBetweenCallsStopsOnlyUntilCleared) {
  std::unique_ptr<Connection> connection = Open();
  ASSERT_NE(connection, nullptr);
  ASSERT_TRUE(connection->Execute("SELECT 1", {}, {}).ok());
  connection->Interrupt();
  Clock::time_point started = Clock::now();
  EXPECT_EQ(connection->Execute(SlowQuery(UniqueName("never_run")), {}, {}).status().code(),
            StatusCode::kCancelled);
  EXPECT_LT(Clock::now() - started, kStoppedWellBeforeItsEnd);
  EXPECT_EQ(connection->Explain("SELECT 1", {}).status().code(), StatusCode::kCancelled);
  connection->ClearInterrupt();
  for (int call = 0; call < 3; ++call) {
    StatusOr<QueryResult> next = connection->Execute("SELECT 2", {}, {});
    EXPECT_TRUE(next.ok()) << next.status().ToString();
  }
}

INSTANTIATE_TEST_SUITE_P(Engines, InterruptTest, AURITE_ALL_ENGINES);

}  // namespace
}  // namespace aurite::sql::testing
