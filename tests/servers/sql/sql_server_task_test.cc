// `aurite sql-server` as a real child process running execute_query as a
// task (MCP 2025-11-25 params.task): the rows come back through
// tasks/result, and tasks/cancel stops the statement in PostgreSQL at once,
// leaving the pooled connection healthy.
#include <gtest/gtest.h>

#include <chrono>

#include "servers/sql/sql_server_client.h"
#include "sql/connection.h"
#include "sql/test_databases.h"

namespace aurite::servers::sql {
namespace {

using mcp::Json;
using testing::SqlServerClient;
using testing::Structured;
namespace db = aurite::sql;
using Clock = std::chrono::steady_clock;

// The outcome of a request, failing the test on a protocol error.
Json Ask(SqlServerClient& server, const std::string& method, Json params) {
  mcp::RpcResult result = server.process->client().Call(method, std::move(params));
  EXPECT_TRUE(result.ok()) << method << ": " << (result.ok() ? "" : result.error().message);
  return result.ok() ? result.value() : Json::object();
}

std::string ConnectPostgres(SqlServerClient& server) {
  return Structured(server.Call("connect_database",
                                {{"connection_string", db::testing::UrlOf(db::Engine::kPostgres)}}))
      .value("connection_id", "");
}

TEST(SqlServerTasks, ExecuteQueryAdvertisesTasksAndAnswersThroughTasksResult) {
  auto server = SqlServerClient::Start();
  ASSERT_NE(server, nullptr);
  Json tools = Ask(*server, "tools/list", Json::object())["tools"];
  bool advertised = false;
  for (const Json& tool : tools) {
    if (tool["name"] == "execute_query")
      advertised = tool["execution"]["taskSupport"] == "optional";
  }
  EXPECT_TRUE(advertised) << tools.dump();
  const std::string id = ConnectPostgres(*server);
  ASSERT_FALSE(id.empty());
  Json created = Ask(*server, "tools/call",
                     {{"name", "execute_query"},
                      {"arguments", {{"connection_id", id}, {"query", "SELECT 41 + 1 AS answer"}}},
                      {"task", {{"ttl", 60000}}}});
  const std::string task = created["task"].value("taskId", "");
  ASSERT_FALSE(task.empty()) << created.dump();
  Json result = Ask(*server, "tasks/result", {{"taskId", task}});
  EXPECT_EQ(result["structuredContent"]["rows"], Json::parse("[[42]]")) << result.dump();
  EXPECT_EQ(Ask(*server, "tasks/get", {{"taskId", task}})["status"], "completed");
}

TEST(SqlServerTasks, CancellingTheTaskStopsItsStatementInPostgres) {
  StatusOr<std::unique_ptr<db::Connection>> observer =
      db::OpenConnection(db::testing::ConfigFor(db::Engine::kPostgres), {});
  ASSERT_TRUE(observer.ok()) << observer.status().ToString();
  auto server = SqlServerClient::Start();
  ASSERT_NE(server, nullptr);
  const std::string id = ConnectPostgres(*server);
  ASSERT_FALSE(id.empty());

  const std::string marker = db::testing::UniqueName("task_cancel_marker");
  Json created = Ask(
      *server, "tools/call",
      {{"name", "execute_query"},
       {"arguments",
        {{"connection_id", id}, {"query", db::testing::SlowQuery(db::Engine::kPostgres, marker)}}},
       {"task", Json::object()}});
  const std::string task = created["task"].value("taskId", "");
  ASSERT_FALSE(task.empty()) << created.dump();
  ASSERT_GE(db::testing::AwaitStatementRunning(**observer, marker), 1);
  EXPECT_EQ(Ask(*server, "tasks/get", {{"taskId", task}})["status"], "working");

  Clock::time_point cancelled = Clock::now();
  EXPECT_EQ(Ask(*server, "tasks/cancel", {{"taskId", task}})["status"], "cancelled");
  // The statement would run for 30 s if only the task's status changed.
  EXPECT_EQ(db::testing::AwaitNoStatementRunning(**observer, marker), 0);
  EXPECT_LT(Clock::now() - cancelled, std::chrono::seconds(10));
  EXPECT_EQ(Ask(*server, "tasks/get", {{"taskId", task}})["status"], "cancelled");
  Json next = Structured(
      server->Call("execute_query", {{"connection_id", id}, {"query", "SELECT 41 + 1"}}));
  EXPECT_EQ(next["rows"], Json::parse("[[42]]"));
}

}  // namespace
}  // namespace aurite::servers::sql
