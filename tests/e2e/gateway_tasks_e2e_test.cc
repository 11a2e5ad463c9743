// Long queries as tasks through `aurite serve` (MCP 2025-11-25 params.task):
// query_storage and the SQL server's forwarded execute_query say they may
// run as tasks, a task's rows come back through tasks/result, and
// tasks/cancel reaches the SQL server, which stops the statement in the
// harness's PostgreSQL.
#include <gtest/gtest.h>

#include <chrono>

#include "gateway_process.h"
#include "sql/connection.h"
#include "sql/test_databases.h"

namespace aurite::e2e {
namespace {

using mcp::Json;

class GatewayTasksTest : public GatewayTestBase {
 protected:
  // A request's result, failing the test on a protocol error.
  static Json Ask(GatewayProcess& gateway, const std::string& method, Json params) {
    mcp::RpcResult result = gateway.client().Call(method, std::move(params));
    EXPECT_TRUE(result.ok()) << method << ": " << (result.ok() ? "" : result.error().message);
    return result.ok() ? result.value() : Json::object();
  }
  // connect_storage on the harness's PostgreSQL, through a secured token.
  static std::string ConnectPostgres(GatewayProcess& gateway) {
    const std::string uri = sql::testing::Databases()["postgres"]["uri"];
    const std::string token = Structured(
        gateway.Call("secure_database_connection", {{"connection_string", uri}}))["token"];
    return Structured(gateway.Call("connect_storage",
                                   {{"storage_type", "postgresql"}, {"connection_string", token}}))
        .value("connection_id", "");
  }
  static std::string StartQueryTask(GatewayProcess& gateway, const std::string& id,
                                    const std::string& query) {
    Json created = Ask(gateway, "tools/call",
                       {{"name", "query_storage"},
                        {"arguments", {{"connection_id", id}, {"query", query}}},
                        {"task", {{"ttl", 60000}}}});
    return created.value("task", Json::object()).value("taskId", "");
  }
};

TEST_F(GatewayTasksTest, QueryToolsMayRunAsTasksAndAnswerThroughTasksResult) {
  auto gateway = StartGateway(BaseConfig(dir_));
  ASSERT_NE(gateway, nullptr);
  std::map<std::string, std::string> support;
  const Json tools = Ask(*gateway, "tools/list", Json::object())["tools"];
  for (const Json& tool : tools) {
    support[tool["name"]] = tool.value("execution", Json::object()).value("taskSupport", "");
  }
  EXPECT_EQ(support["query_storage"], "optional");
  EXPECT_EQ(support["sql_execute_query"], "optional") << Json(support).dump();
  EXPECT_EQ(support["connect_storage"], "");

  const std::string id = ConnectPostgres(*gateway);
  ASSERT_FALSE(id.empty());
  const std::string task = StartQueryTask(*gateway, id, "SELECT 41 + 1 AS answer");
  ASSERT_FALSE(task.empty());
  Json result = Ask(*gateway, "tasks/result", {{"taskId", task}});
  EXPECT_EQ(result["structuredContent"]["rows"], Json::parse("[[42]]")) << result.dump();
  EXPECT_EQ(Ask(*gateway, "tasks/get", {{"taskId", task}})["status"], "completed");
}

TEST_F(GatewayTasksTest, CancellingAQueryTaskStopsItsStatementInPostgres) {
  StatusOr<std::unique_ptr<sql::Connection>> observer =
      sql::OpenConnection(sql::testing::ConfigFor(sql::Engine::kPostgres), {});
  ASSERT_TRUE(observer.ok()) << observer.status().ToString();
  auto gateway = StartGateway(BaseConfig(dir_));
  ASSERT_NE(gateway, nullptr);
  const std::string id = ConnectPostgres(*gateway);
  ASSERT_FALSE(id.empty());
  const std::string marker = sql::testing::UniqueName("e2e_task_cancel_marker");
  const std::string task =
      StartQueryTask(*gateway, id, sql::testing::SlowQuery(sql::Engine::kPostgres, marker));
  ASSERT_FALSE(task.empty());
  ASSERT_GE(sql::testing::AwaitStatementRunning(**observer, marker), 1);

  const auto cancelled = std::chrono::steady_clock::now();
  EXPECT_EQ(Ask(*gateway, "tasks/cancel", {{"taskId", task}})["status"], "cancelled");
  // pg_sleep(30) would hold on for half a minute if only the task's status changed.
  EXPECT_EQ(sql::testing::AwaitNoStatementRunning(**observer, marker), 0);
  EXPECT_LT(std::chrono::steady_clock::now() - cancelled, std::chrono::seconds(10));
  Json next =
      gateway->Call("query_storage", {{"connection_id", id}, {"query", "SELECT 41 + 1 AS answer"}});
  EXPECT_EQ(Structured(next)["rows"], Json::parse("[[42]]")) << next.dump();
}

}  // namespace
}  // namespace aurite::e2e
