// `aurite sql-server` as a real child process: a result shape the server
// does not return (COPY) is a tool error at once, and the same connection id
// answers the next query on the same database session; a call leaves
// nothing in that session for the next call or for other clients.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "servers/sql/sql_server_client.h"
#include "sql/connection.h"
#include "sql/test_databases.h"

namespace aurite::servers::sql {
namespace {

using mcp::Json;
using testing::ErrorText;
using testing::SqlServerClient;
using testing::Structured;
namespace db = aurite::sql;
using Clock = std::chrono::steady_clock;

// tools/call with a bound, so a call that never answers fails the test
// instead of hanging it.
mcp::RpcResult CallWithin(SqlServerClient& server, const std::string& tool, Json arguments) {
  mcp::CallOptions options;
  options.timeout = std::chrono::seconds(10);
  return server.process->client().CallTool(tool, std::move(arguments), options);
}

Json Query(SqlServerClient& server, const std::string& id, const std::string& sql) {
  return server.Call("execute_query", {{"connection_id", id}, {"query", sql}});
}

class SqlServerSessionTest : public ::testing::TestWithParam<db::Engine> {
 protected:
  void SetUp() override {
    // Calls one after another reuse the one pooled session (SessionId).
    server_ = SqlServerClient::Start();
    ASSERT_NE(server_, nullptr);
    id_ = Structured(server_->Call("connect_database",
                                   {{"connection_string", db::testing::UrlOf(GetParam())}}))
              .value("connection_id", "");
    ASSERT_FALSE(id_.empty());
  }
  Json SessionId() {
    std::string sql =
        GetParam() == db::Engine::kPostgres ? "SELECT pg_backend_pid()" : "SELECT CONNECTION_ID()";
    return Structured(Query(*server_, id_, sql))["rows"][0][0];
  }

  std::unique_ptr<SqlServerClient> server_;
  std::string id_;
};

TEST_P(SqlServerSessionTest, AnUnsupportedResultIsAToolErrorAndTheSessionAnswersNext) {
  Json session = SessionId();
  std::vector<std::string> unsupported = {"COPY (SELECT generate_series(1, 100)) TO STDOUT",
                                          "SELECT 1; SELECT 2"};
  if (GetParam() == db::Engine::kMariaDb) {
    // A procedure with two result sets, and a table LOAD DATA could fill.
    std::string name = db::testing::UniqueName("session");
    StatusOr<std::unique_ptr<db::Connection>> writer =
        db::OpenConnection(db::testing::ConfigFor(GetParam()), {.allow_writes = true});
    ASSERT_TRUE(writer.ok()) << writer.status().ToString();
    for (const std::string& sql :
         {"CREATE TABLE " + name + " (line TEXT)",
          "CREATE PROCEDURE " + name + "_p() BEGIN SELECT 1; SELECT 2; END"}) {
      ASSERT_TRUE((*writer)->Execute(sql, {}, {}).ok()) << sql;
    }
    unsupported = {"CALL " + name + "_p()",
                   "LOAD DATA LOCAL INFILE '/etc/hostname' INTO TABLE " + name};
    server_.reset();
    server_ = SqlServerClient::Start({"--allow-writes"});
    ASSERT_NE(server_, nullptr);
    id_ = Structured(server_->Call("connect_database",
                                   {{"connection_string", db::testing::UrlOf(GetParam())}}))
              .value("connection_id", "");
    session = SessionId();
  }
  for (int round = 0; round < 3; ++round) {
    for (const std::string& sql : unsupported) {
      auto start = Clock::now();
      mcp::RpcResult result =
          CallWithin(*server_, "execute_query", {{"connection_id", id_}, {"query", sql}});
      ASSERT_TRUE(result.ok()) << sql << ": " << (result.ok() ? "" : result.error().message);
      EXPECT_TRUE(result.value().value("isError", false)) << sql;
      EXPECT_LT(Clock::now() - start, std::chrono::seconds(5)) << sql;
      if (sql.starts_with("COPY")) {
        EXPECT_NE(ErrorText(result.value()).find("COPY ... TO STDOUT is not supported"),
                  std::string::npos)
            << ErrorText(result.value());
      }
      EXPECT_EQ(SessionId(), session) << "after " << sql;
    }
  }
  Json next = Structured(Query(*server_, id_, "SELECT 41 + 1"));
  EXPECT_EQ(next["rows"], Json::parse("[[42]]"));
}

// A lock taken in one call is free for another client right after it (the
// bound only keeps a broken build from hanging), and what the call left in
// the session is gone in the next call on that same session.
TEST_P(SqlServerSessionTest, ACallLeavesNoLockOrStateInItsPooledSession) {
  Json session = SessionId();
  StatusOr<std::unique_ptr<db::Connection>> other =
      db::OpenConnection(db::testing::ConfigFor(GetParam()), {});
  ASSERT_TRUE(other.ok()) << other.status().ToString();
  bool postgres = GetParam() == db::Engine::kPostgres;
  std::string name = db::testing::UniqueName("aurite_lock");
  std::string take = postgres ? "SELECT pg_advisory_lock(hashtext('" + name + "'))"
                              : "SELECT GET_LOCK('" + name + "', 0)";
  std::string is_free = postgres ? "SELECT pg_try_advisory_lock(hashtext('" + name +
                                       "')) AND pg_advisory_unlock(hashtext('" + name + "'))"
                                 : "SELECT IS_FREE_LOCK('" + name + "') = 1";
  Json taken = Query(*server_, id_, take);
  ASSERT_FALSE(taken.value("isError", false)) << taken.dump();
  bool free = false;
  for (auto deadline = Clock::now() + std::chrono::seconds(2); !free && Clock::now() < deadline;) {
    StatusOr<db::QueryResult> answer = (*other)->Execute(is_free, {}, {});
    ASSERT_TRUE(answer.ok()) << answer.status().ToString();
    free = answer->rows[0][0] == true || answer->rows[0][0] == 1;
    if (!free) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_TRUE(free) << "the lock taken by the call is still held";

  std::string make = postgres ? "PREPARE leaked AS SELECT 1" : "SET @aurite_leak = 42";
  std::string probe = postgres ? "EXECUTE leaked" : "SELECT @aurite_leak IS NULL";
  ASSERT_FALSE(Query(*server_, id_, make).value("isError", false));
  Json probed = Query(*server_, id_, probe);
  if (postgres) {
    EXPECT_TRUE(probed.value("isError", false)) << probed.dump();
  } else {
    EXPECT_EQ(Structured(probed)["rows"], Json::parse("[[1]]")) << probed.dump();
  }
  EXPECT_EQ(SessionId(), session);
}

INSTANTIATE_TEST_SUITE_P(Engines, SqlServerSessionTest,
                         ::testing::Values(db::Engine::kPostgres, db::Engine::kMariaDb),
                         [](const auto& engine) {
                           return std::string(db::EngineName(engine.param));
                         });

}  // namespace
}  // namespace aurite::servers::sql
