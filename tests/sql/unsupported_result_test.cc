// Result shapes the drivers do not return (COPY in any direction, several
// result sets, LOAD DATA LOCAL INFILE) fail at once with an error that
// names them, and the same connection answers the next statement at once.
// Before the fix, COPY TO STDOUT never returned (the driver spun on libpq's
// COPY result) and a CALL with two result sets left MariaDB's session out
// of sync.
#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <memory>
#include <optional>
#include <thread>

#include "engine_test.h"

namespace aurite::sql::testing {
namespace {

using Clock = std::chrono::steady_clock;

// Far above what an error takes, far below a hang's ctest timeout.
constexpr auto kAtOnce = std::chrono::seconds(10);

// Runs `sql` on another thread and waits at most kAtOnce; nothing when it
// did not return. Such a call is abandoned on its thread (it keeps the
// connection alive), so a regression fails the test instead of hanging the
// suite; the caller must not touch the connection again.
std::optional<Status> ExecuteWithin(const std::shared_ptr<Connection>& connection,
                                    const std::string& sql) {
  auto done = std::make_shared<std::promise<Status>>();
  std::future<Status> result = done->get_future();
  std::thread worker(
      [connection, sql, done] { done->set_value(connection->Execute(sql, {}, {}).status()); });
  if (result.wait_for(kAtOnce) != std::future_status::ready) {
    worker.detach();
    return std::nullopt;
  }
  // Joined, so that its copy of the connection is gone before the test
  // ends (a thread left running could close it after libpq is unloaded).
  worker.join();
  return result.get();
}

// The connection answers a plain query at once, with the right answer.
void ExpectAnswers(const std::shared_ptr<Connection>& connection) {
  ASSERT_TRUE(connection->IsUsable());
  auto start = Clock::now();
  StatusOr<QueryResult> next = connection->Execute("SELECT 41 + 1", {}, {});
  ASSERT_TRUE(next.ok()) << next.status().ToString();
  EXPECT_EQ(next->rows[0][0], 42);
  EXPECT_LT(Clock::now() - start, std::chrono::seconds(2));
}

// Fatal when the call did not return at all.
void ExpectErrorNaming(const std::optional<Status>& status, const std::string& words) {
  ASSERT_TRUE(status.has_value()) << "the call did not return within 10 s";
  EXPECT_FALSE(status->ok());
  EXPECT_NE(status->message().find(words), std::string::npos) << status->ToString();
}

void ExpectError(const std::optional<Status>& status) {
  ASSERT_TRUE(status.has_value()) << "the call did not return within 10 s";
  EXPECT_FALSE(status->ok());
}

class UnsupportedResultTest : public EngineTest {
 protected:
  std::shared_ptr<Connection> OpenShared(bool allow_writes = false) {
    return std::shared_ptr<Connection>(Open(allow_writes));
  }
};

class PostgresUnsupportedResultTest : public UnsupportedResultTest {};
class MariaDbUnsupportedResultTest : public UnsupportedResultTest {};

TEST_P(PostgresUnsupportedResultTest, CopyToStdoutFailsAtOnceAndTheConnectionAnswersNext) {
  std::string table = NewTable("a INTEGER");
  Write("INSERT INTO " + table + " SELECT generate_series(1, 1000)");
  for (bool writes : {false, true}) {
    std::shared_ptr<Connection> connection = OpenShared(writes);
    ASSERT_NE(connection, nullptr);
    // The issue saw the server stop answering after about 20 such calls.
    for (int call = 0; call < (writes ? 3 : 21); ++call) {
      ASSERT_NO_FATAL_FAILURE(
          ExpectErrorNaming(ExecuteWithin(connection, "COPY " + table + " TO STDOUT"),
                            "COPY ... TO STDOUT is not supported"));
      ASSERT_NO_FATAL_FAILURE(ExpectAnswers(connection));
    }
  }
}

TEST_P(PostgresUnsupportedResultTest, ABigCopyIsStoppedNotReadToItsEnd) {
  std::shared_ptr<Connection> connection = OpenShared();
  ASSERT_NE(connection, nullptr);
  auto start = Clock::now();
  ASSERT_NO_FATAL_FAILURE(ExpectErrorNaming(
      ExecuteWithin(connection,
                    "COPY (SELECT repeat('x', 100), generate_series(1, 20000000)) TO STDOUT"),
      "TO STDOUT is not supported"));
  EXPECT_LT(Clock::now() - start, std::chrono::seconds(5));
  ExpectAnswers(connection);
}

TEST_P(PostgresUnsupportedResultTest, CopyFromStdinFailsAtOnceAndWritesNothing) {
  std::string table = NewTable("a INTEGER");
  std::shared_ptr<Connection> writer = OpenShared(/*allow_writes=*/true);
  ASSERT_NE(writer, nullptr);
  for (int call = 0; call < 3; ++call) {
    ASSERT_NO_FATAL_FAILURE(
        ExpectErrorNaming(ExecuteWithin(writer, "COPY " + table + " FROM STDIN"),
                          "COPY ... FROM STDIN is not supported"));
    ASSERT_NO_FATAL_FAILURE(ExpectAnswers(writer));
  }
  EXPECT_EQ(CountRows(table), 0);
  // Read-only, the server refuses the COPY before any data is asked for.
  std::shared_ptr<Connection> reader = OpenShared();
  ASSERT_NE(reader, nullptr);
  ASSERT_NO_FATAL_FAILURE(ExpectError(ExecuteWithin(reader, "COPY " + table + " FROM STDIN")));
  ExpectAnswers(reader);
}

TEST_P(PostgresUnsupportedResultTest, SeveralStatementsAreRefusedAndTheConnectionAnswersNext) {
  for (bool writes : {false, true}) {
    std::shared_ptr<Connection> connection = OpenShared(writes);
    ASSERT_NE(connection, nullptr);
    ASSERT_NO_FATAL_FAILURE(
        ExpectErrorNaming(ExecuteWithin(connection, "SELECT 1; SELECT 2"), "multiple commands"));
    ExpectAnswers(connection);
  }
}

TEST_P(MariaDbUnsupportedResultTest, AProcedureWithTwoResultSetsFailsAndTheConnectionAnswersNext) {
  std::string procedure = UniqueName("two_sets");
  Write("CREATE PROCEDURE " + procedure + "() BEGIN SELECT 1 AS a; SELECT 2 AS b; END");
  std::string one = UniqueName("one_set");
  Write("CREATE PROCEDURE " + one + "() BEGIN SELECT 7 AS a; END");
  for (bool writes : {false, true}) {
    std::shared_ptr<Connection> connection = OpenShared(writes);
    ASSERT_NE(connection, nullptr);
    for (int call = 0; call < 3; ++call) {
      ASSERT_NO_FATAL_FAILURE(ExpectErrorNaming(
          ExecuteWithin(connection, "CALL " + procedure + "()"), "2 result sets"));
      ASSERT_NO_FATAL_FAILURE(ExpectAnswers(connection));
    }
    // One result set (and the CALL's own status after it) is a normal result.
    StatusOr<QueryResult> single = connection->Execute("CALL " + one + "()", {}, {});
    ASSERT_TRUE(single.ok()) << single.status().ToString();
    EXPECT_EQ(single->rows[0][0], 7);
    ExpectAnswers(connection);
  }
  Write("DROP PROCEDURE " + procedure);
  Write("DROP PROCEDURE " + one);
}

TEST_P(MariaDbUnsupportedResultTest, SeveralStatementsAreRefusedAndTheConnectionAnswersNext) {
  std::shared_ptr<Connection> connection = OpenShared();
  ASSERT_NE(connection, nullptr);
  ASSERT_NO_FATAL_FAILURE(ExpectError(ExecuteWithin(connection, "SELECT 1; SELECT 2")));
  ExpectAnswers(connection);
}

// LOAD DATA LOCAL INFILE would make this process send one of its own files
// to the server: refused (the prepared-statement protocol does not take it,
// and the client does not allow local files at all).
TEST_P(MariaDbUnsupportedResultTest, LoadDataLocalInfileIsRefusedAndTheConnectionAnswersNext) {
  std::string table = NewTable("line TEXT");
  std::shared_ptr<Connection> connection = OpenShared(/*allow_writes=*/true);
  ASSERT_NE(connection, nullptr);
  ASSERT_NO_FATAL_FAILURE(ExpectError(
      ExecuteWithin(connection, "LOAD DATA LOCAL INFILE '/etc/hostname' INTO TABLE " + table)));
  ExpectAnswers(connection);
  EXPECT_EQ(CountRows(table), 0);
}

INSTANTIATE_TEST_SUITE_P(Postgres, PostgresUnsupportedResultTest,
                         ::testing::Values(Engine::kPostgres), EngineParamName);
INSTANTIATE_TEST_SUITE_P(MariaDb, MariaDbUnsupportedResultTest, ::testing::Values(Engine::kMariaDb),
                         EngineParamName);

}  // namespace
}  // namespace aurite::sql::testing
