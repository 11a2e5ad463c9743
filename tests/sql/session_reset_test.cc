// Session reset (docs/sql-server.md): nothing a call leaves in its
// database session reaches the next call on the same connection, and locks
// it took are free for other clients as soon as it ended. Each test takes
// the state in one call and looks for it in the next, read-only and with
// writes enabled.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "engine_test.h"

namespace aurite::sql::testing {
namespace {

using Clock = std::chrono::steady_clock;

class SessionResetTest : public EngineTest {
 protected:
  // Runs `sql`; the outcome's status (some state cannot even be made).
  Status Run(Connection& connection, const std::string& sql) {
    return connection.Execute(sql, {}, {}).status();
  }
  // The single value `sql` returns; fails the test on error.
  nlohmann::json Value(Connection& connection, const std::string& sql) {
    StatusOr<QueryResult> result = connection.Execute(sql, {}, {});
    EXPECT_TRUE(result.ok()) << sql << ": " << result.status().ToString();
    if (!result.ok() || result->rows.empty()) return "no answer";
    return result->rows[0][0];
  }
  // Polls `sql` on `observer` until it returns `expected`, for at most 2 s
  // (the reset is sent when the call ends; the server runs it at once).
  bool Becomes(Connection& observer, const std::string& sql, const nlohmann::json& expected) {
    auto deadline = Clock::now() + std::chrono::seconds(2);
    while (Clock::now() < deadline) {
      if (Value(observer, sql) == expected) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return false;
  }
  // Made in one call, `probe` must fail in the next call on the same
  // connection, when `make` succeeded at all.
  void ExpectGone(Connection& connection, const std::string& make, const std::string& probe) {
    Status made = Run(connection, make);
    if (!made.ok()) return;  // the engine refuses to make it here: nothing to leak
    Status probed = Run(connection, probe);
    EXPECT_FALSE(probed.ok()) << "'" << make << "' survived into the next call: '" << probe
                              << "' still works";
  }
};

class PostgresSessionResetTest : public SessionResetTest {};
class MariaDbSessionResetTest : public SessionResetTest {};

TEST_P(PostgresSessionResetTest, AnAdvisoryLockIsFreeForOtherClientsAfterTheCall) {
  std::unique_ptr<Connection> observer = Open();
  ASSERT_NE(observer, nullptr);
  for (bool writes : {false, true}) {
    std::unique_ptr<Connection> connection = Open(writes);
    ASSERT_NE(connection, nullptr);
    int key = 4200 + (writes ? 1 : 0) + static_cast<int>(getpid() % 1000) * 2;
    std::string held = "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND objid = " +
                       std::to_string(key);
    ASSERT_TRUE(Run(*connection, "SELECT pg_advisory_lock(" + std::to_string(key) + ")").ok());
    EXPECT_TRUE(Becomes(*observer, held, 0)) << "the lock is still held, writes=" << writes;
    // The connection serves the next call, and can take the lock again.
    EXPECT_EQ(Value(*connection, "SELECT pg_try_advisory_lock(" + std::to_string(key) + ")"), true);
  }
}

// A failing statement makes the server skip the reset queued behind it in
// the call's pipeline: the call must reset the session before it returns,
// not leave the lock held while the session waits in the pool.
TEST_P(PostgresSessionResetTest, AnAdvisoryLockTakenByAFailingCallIsFreeWhenTheCallEnds) {
  std::unique_ptr<Connection> observer = Open();
  std::unique_ptr<Connection> connection = Open();
  ASSERT_NE(observer, nullptr);
  ASSERT_NE(connection, nullptr);
  int key = 5200 + static_cast<int>(getpid() % 1000);
  std::string held = "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND objid = " +
                     std::to_string(key);
  Status failed = Run(*connection, "SELECT pg_advisory_lock(" + std::to_string(key) +
                                       "), 1 / (SELECT count(*) - count(*) FROM pg_class)");
  ASSERT_FALSE(failed.ok());
  EXPECT_NE(failed.message().find("division by zero"), std::string::npos) << failed.message();
  EXPECT_EQ(Value(*observer, held), 0) << "the failed call's lock outlived it";
  // The session is healthy and read-only still.
  EXPECT_EQ(Value(*connection, "SELECT 40 + 2"), 42);
  EXPECT_TRUE(connection->IsUsable());
}

// A statement that ends the call's transaction itself: the reset still runs
// read-only, and the next call is read-only again.
TEST_P(PostgresSessionResetTest, ACallThatEndsItsTransactionLeavesNothingBehind) {
  std::unique_ptr<Connection> observer = Open();
  std::unique_ptr<Connection> connection = Open();
  ASSERT_NE(observer, nullptr);
  ASSERT_NE(connection, nullptr);
  int key = 6200 + static_cast<int>(getpid() % 1000);
  std::string held = "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND objid = " +
                     std::to_string(key);
  ASSERT_TRUE(Run(*connection, "SELECT pg_advisory_lock(" + std::to_string(key) + ")").ok());
  EXPECT_TRUE(Run(*connection, "COMMIT").ok());
  EXPECT_TRUE(Becomes(*observer, held, 0));
  Status write = Run(*connection, "CREATE TEMPORARY TABLE after_commit (id int)");
  EXPECT_FALSE(write.ok()) << "a call after COMMIT could write";
  EXPECT_EQ(Value(*connection, "SELECT 40 + 2"), 42);
}

TEST_P(PostgresSessionResetTest, PreparedStatementsDoNotSurviveTheCall) {
  for (bool writes : {false, true}) {
    std::unique_ptr<Connection> connection = Open(writes);
    ASSERT_NE(connection, nullptr);
    // The driver's own statement cache keeps working around the reset.
    EXPECT_EQ(Value(*connection, "SELECT 40 + 2"), 42);
    ExpectGone(*connection, "PREPARE leaked_statement AS SELECT 1", "EXECUTE leaked_statement");
    EXPECT_EQ(Value(*connection, "SELECT 40 + 2"), 42);
    EXPECT_EQ(Value(*connection, "SELECT 40 + 2"), 42);
    // A call that deallocates the reset's own statement: the reset is redone
    // the plain way and the connection keeps serving calls.
    ASSERT_TRUE(Run(*connection, "DEALLOCATE ALL").ok());
    EXPECT_EQ(Value(*connection, "SELECT 40 + 2"), 42);
    ExpectGone(*connection, "PREPARE leaked_again AS SELECT 1", "EXECUTE leaked_again");
    EXPECT_TRUE(connection->IsUsable());
  }
}

TEST_P(PostgresSessionResetTest, WritingCallsLeaveNoSessionStateBehind) {
  std::unique_ptr<Connection> connection = Open(/*allow_writes=*/true);
  ASSERT_NE(connection, nullptr);
  ASSERT_TRUE(Run(*connection, "LISTEN aurite_leak").ok());
  EXPECT_EQ(Value(*connection, "SELECT count(*) FROM pg_listening_channels()"), 0);
  ExpectGone(*connection, "CREATE TEMP TABLE leaked_temp (a integer)", "SELECT * FROM leaked_temp");
  ExpectGone(*connection, "DECLARE leaked_cursor CURSOR WITH HOLD FOR SELECT 1",
             "FETCH leaked_cursor");
  ASSERT_TRUE(Run(*connection, "SELECT set_config('aurite.leak', 'x', false)").ok());
  EXPECT_NE(Value(*connection, "SELECT current_setting('aurite.leak', true)"), "x");
  // The reset restores the session's statement timeout, which read-only
  // calls rely on, rather than the server's default.
  ASSERT_TRUE(Run(*connection, "SET statement_timeout = 0").ok());
  EXPECT_EQ(Value(*connection, "SELECT current_setting('statement_timeout')"), "30s");
  // Read-only calls on a writing connection (list_tables, explain) keep
  // their own reset working after DISCARD ALL dropped its statement.
  for (int call = 0; call < 3; ++call) {
    ASSERT_TRUE(connection->ListTables(std::nullopt).ok());
    ASSERT_TRUE(Run(*connection, "SELECT pg_advisory_lock(77)").ok());
  }
  std::unique_ptr<Connection> observer = Open();
  ASSERT_NE(observer, nullptr);
  EXPECT_TRUE(Becomes(
      *observer, "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND objid = 77", 0));
  EXPECT_TRUE(connection->IsUsable());
}

TEST_P(MariaDbSessionResetTest, AGetLockLockIsFreeForOtherClientsAfterTheCall) {
  std::unique_ptr<Connection> observer = Open();
  ASSERT_NE(observer, nullptr);
  for (bool writes : {false, true}) {
    std::unique_ptr<Connection> connection = Open(writes);
    ASSERT_NE(connection, nullptr);
    std::string name = UniqueName("aurite_lock");
    ASSERT_EQ(Value(*connection, "SELECT GET_LOCK('" + name + "', 0)"), 1);
    EXPECT_TRUE(Becomes(*observer, "SELECT IS_FREE_LOCK('" + name + "')", 1))
        << "the lock is still held, writes=" << writes;
  }
}

TEST_P(MariaDbSessionResetTest, NoSessionStateSurvivesTheCall) {
  std::string table = NewTable("a INTEGER");
  for (bool writes : {false, true}) {
    std::unique_ptr<Connection> connection = Open(writes);
    ASSERT_NE(connection, nullptr);
    ASSERT_TRUE(Run(*connection, "SET @aurite_leak = 42").ok());
    EXPECT_TRUE(Value(*connection, "SELECT @aurite_leak").is_null()) << "writes=" << writes;
    ASSERT_TRUE(Run(*connection, "SELECT @aurite_leak2 := 7").ok());
    EXPECT_TRUE(Value(*connection, "SELECT @aurite_leak2").is_null()) << "writes=" << writes;
    ExpectGone(*connection, "CREATE TEMPORARY TABLE leaked_temp (a INT)",
               "SELECT * FROM leaked_temp");
    ExpectGone(*connection, "HANDLER " + table + " OPEN AS leaked_handler",
               "HANDLER leaked_handler READ FIRST");
    ExpectGone(*connection, "PREPARE leaked_statement FROM 'SELECT 1'", "EXECUTE leaked_statement");
    // The settings every call relies on are in force after the reset.
    ASSERT_TRUE(Run(*connection, "SET SESSION max_statement_time = 0").ok());
    EXPECT_EQ(Value(*connection, "SELECT @@max_statement_time"), 30);
    EXPECT_EQ(Value(*connection, "SELECT @@character_set_client"), "utf8mb4");
    EXPECT_EQ(Value(*connection, "SELECT 'grüße'"), "grüße");
  }
  // Read-only stays read-only after a reset.
  std::unique_ptr<Connection> reader = Open();
  ASSERT_NE(reader, nullptr);
  ASSERT_TRUE(Run(*reader, "SELECT 1").ok());
  EXPECT_EQ(Run(*reader, "INSERT INTO " + table + " VALUES (1)").code(),
            StatusCode::kPermissionDenied);
}

INSTANTIATE_TEST_SUITE_P(Postgres, PostgresSessionResetTest, ::testing::Values(Engine::kPostgres),
                         EngineParamName);
INSTANTIATE_TEST_SUITE_P(MariaDb, MariaDbSessionResetTest, ::testing::Values(Engine::kMariaDb),
                         EngineParamName);

}  // namespace
}  // namespace aurite::sql::testing
