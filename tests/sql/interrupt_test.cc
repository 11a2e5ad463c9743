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
  // A statement that runs about 30 s unless stopped; `marker` appears in
  // its text so the server's process list can find it.
  std::string SlowQuery(const std::string& marker) const {
    switch (engine()) {
      case Engine::kPostgres:
        return "SELECT pg_sleep(30), '" + marker + "'";
      case Engine::kMariaDb:
        return "SELECT SLEEP(30), '" + marker + "'";
      case Engine::kSqlite:
        return "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*), "
               "'" +
               marker + "' FROM c";
    }
    return {};
  }

  // How many sessions other than the observer's run a statement containing
  // `marker`; SQLite has no process list (its statements run in our process).
  std::int64_t RunningOnServer(Connection& observer, const std::string& marker) {
    std::string sql;
    if (engine() == Engine::kPostgres) {
      sql =
          "SELECT count(*) FROM pg_stat_activity WHERE state = 'active' AND pid <> "
          "pg_backend_pid() AND strpos(query, $1) > 0";
    } else if (engine() == Engine::kMariaDb) {
      sql =
          "SELECT count(*) FROM information_schema.processlist WHERE id <> CONNECTION_ID() AND "
          "LOCATE(?, info) > 0";
    } else {
      return 0;
    }
    StatusOr<QueryResult> running = observer.Execute(sql, {marker}, {});
    EXPECT_TRUE(running.ok()) << running.status().ToString();
    return running.ok() ? running->rows[0][0].get<std::int64_t>() : -1;
  }

  // Waits (bounded, so a broken build cannot hang) until `marker`'s
  // statement runs on the server, so the interrupt reaches a running
  // statement rather than one not sent yet.
  void AwaitRunning(Connection& observer, const std::string& marker) {
    if (engine() == Engine::kSqlite) return;
    for (int i = 0; i < 500; ++i) {
      if (RunningOnServer(observer, marker) > 0) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    ADD_FAILURE() << "the slow statement never showed up as running";
  }

  // Polls until the server no longer shows `marker` (bounded as above).
  std::int64_t RunningAfterStop(Connection& observer, const std::string& marker) {
    std::int64_t running = RunningOnServer(observer, marker);
    for (int i = 0; i < 100 && running != 0; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      running = RunningOnServer(observer, marker);
    }
    return running;
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
