// A statement timeout is an error on every engine, whatever the statement
// kind: MariaDB's max_statement_time makes an interrupted SLEEP() return 1
// and DO SLEEP() end "ok", and PL/pgSQL can catch PostgreSQL's cancel.
// Before the fix these calls returned results after the timeout.
#include <gtest/gtest.h>

#include <chrono>

#include "engine_test.h"

namespace aurite::sql::testing {
namespace {

using Clock = std::chrono::steady_clock;

class StatementTimeoutTest : public EngineTest {
 protected:
  std::vector<std::string> SlowStatements() const {
    if (engine() == Engine::kMariaDb) {
      return {"DO SLEEP(5)", "SELECT SLEEP(5)", "SET @slept = SLEEP(5)"};
    }
    return {"DO $$BEGIN PERFORM pg_sleep(5); EXCEPTION WHEN query_canceled THEN NULL; END$$",
            "SELECT pg_sleep(5)"};
  }
};

TEST_P(StatementTimeoutTest, EveryStatementKindStoppedByTheTimeoutIsAnErrorNamingIt) {
  OpenOptions options;
  options.statement_timeout = std::chrono::milliseconds(300);
  for (bool writes : {false, true}) {
    std::unique_ptr<Connection> connection = Open(writes, options);
    ASSERT_NE(connection, nullptr);
    for (const std::string& sql : SlowStatements()) {
      auto start = Clock::now();
      StatusOr<QueryResult> result = connection->Execute(sql, {}, {});
      EXPECT_LT(Clock::now() - start, std::chrono::seconds(3)) << sql;
      ASSERT_EQ(result.status().code(), StatusCode::kDeadlineExceeded)
          << sql << " (writes=" << writes << "): " << result.status().ToString();
      EXPECT_NE(result.status().message().find("statement timeout of 300 ms"), std::string::npos)
          << result.status().message();
      StatusOr<QueryResult> next = connection->Execute("SELECT 1", {}, {});
      EXPECT_TRUE(next.ok()) << next.status().ToString();
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Postgres, StatementTimeoutTest, ::testing::Values(Engine::kPostgres),
                         EngineParamName);
INSTANTIATE_TEST_SUITE_P(MariaDb, StatementTimeoutTest, ::testing::Values(Engine::kMariaDb),
                         EngineParamName);

}  // namespace
}  // namespace aurite::sql::testing
