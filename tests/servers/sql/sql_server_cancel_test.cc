// `aurite sql-server` as a real child process: a client that cancels a
// tool call (notifications/cancelled) stops its statement in the database
// at once, and the pooled connection serves the next call.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <future>
#include <stop_token>
#include <thread>

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

// Far below the statements' natural 30 s and the 30 s statement timeout.
constexpr auto kStoppedWellBeforeItsEnd = std::chrono::seconds(10);

// Starts `tool` with `arguments` on another thread; requesting stop on the
// returned source makes our client send notifications/cancelled.
struct CancellableCall {
  CancellableCall(SqlServerClient& server, const std::string& tool, Json arguments) {
    mcp::CallOptions options;
    options.cancel = stop.get_token();
    result = std::async(std::launch::async, [&server, tool, arguments, options] {
      return server.process->client().CallTool(tool, arguments, options);
    });
  }
  std::stop_source stop;
  std::future<mcp::RpcResult> result;
};

// The database session behind a connection id: pooled sessions are reused,
// so the same id before and after proves the cancelled call's session came
// back healthy.
Json SessionId(SqlServerClient& server, const std::string& id, db::Engine engine) {
  std::string sql =
      engine == db::Engine::kPostgres ? "SELECT pg_backend_pid()" : "SELECT CONNECTION_ID()";
  Json result = Structured(server.Call("execute_query", {{"connection_id", id}, {"query", sql}}));
  return result["rows"][0][0];
}

class NetworkCancelTest : public ::testing::TestWithParam<db::Engine> {};

TEST_P(NetworkCancelTest, CancellingExecuteQueryStopsTheStatementOnTheServer) {
  StatusOr<std::unique_ptr<db::Connection>> observer =
      db::OpenConnection(db::testing::ConfigFor(GetParam()), {});
  ASSERT_TRUE(observer.ok()) << observer.status().ToString();
  // One session per connection id: the client has its answer to a
  // cancelled call at once, so with more the next call could open a second
  // session while the server still winds the first one down.
  auto server = SqlServerClient::Start({"--sessions-per-connection", "1"});
  ASSERT_NE(server, nullptr);
  std::string id = Structured(server->Call("connect_database",
                                           {{"connection_string", db::testing::UrlOf(GetParam())}}))
                       .value("connection_id", "");
  ASSERT_FALSE(id.empty());
  Json session = SessionId(*server, id, GetParam());

  const std::string marker = db::testing::UniqueName("cancel_marker");
  CancellableCall call(
      *server, "execute_query",
      {{"connection_id", id}, {"query", db::testing::SlowQuery(GetParam(), marker)}});
  ASSERT_GE(db::testing::AwaitStatementRunning(**observer, marker), 1);
  Clock::time_point cancelled = Clock::now();
  call.stop.request_stop();
  mcp::RpcResult result = call.result.get();
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, mcp::error_code::kRequestCancelled);
  EXPECT_EQ(db::testing::AwaitNoStatementRunning(**observer, marker), 0);
  EXPECT_LT(Clock::now() - cancelled, kStoppedWellBeforeItsEnd);

  EXPECT_EQ(SessionId(*server, id, GetParam()), session);
  Json next = Structured(
      server->Call("execute_query", {{"connection_id", id}, {"query", "SELECT 41 + 1"}}));
  EXPECT_EQ(next["rows"], Json::parse("[[42]]"));
  EXPECT_TRUE(Structured(server->Call("list_tables", {{"connection_id", id}})).contains("tables"));
}

INSTANTIATE_TEST_SUITE_P(Engines, NetworkCancelTest,
                         ::testing::Values(db::Engine::kPostgres, db::Engine::kMariaDb),
                         [](const auto& engine) {
                           return std::string(db::EngineName(engine.param));
                         });

// SQLite runs in the server process, so no process list shows the
// statement; its write lock does: a cancelled write that kept running would
// hold it, and the next write would wait for the lock (up to the 30 s
// statement timeout) instead of going through at once.
TEST(SqliteCancelTest, CancellingAWriteReleasesTheDatabaseAtOnce) {
  std::string path = (std::filesystem::temp_directory_path() /
                      (db::testing::UniqueName("aurite-sql-cancel") + ".db"))
                         .string();
  {
    StatusOr<std::unique_ptr<db::Connection>> setup = db::OpenConnection(
        db::testing::ConfigFor(db::Engine::kSqlite, path), {.allow_writes = true});
    ASSERT_TRUE(setup.ok()) << setup.status().ToString();
    ASSERT_TRUE((*setup)->Execute("CREATE TABLE items (id INTEGER)", {}, {}).ok());
  }
  auto server = SqlServerClient::Start({"--allow-writes"});
  ASSERT_NE(server, nullptr);
  std::string id =
      Structured(server->Call("connect_database", {{"connection_string", "sqlite:///" + path}}))
          .value("connection_id", "");
  ASSERT_FALSE(id.empty());
  const std::string slow_insert =
      "INSERT INTO items (id) WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) "
      "SELECT count(*) FROM c";
  CancellableCall call(*server, "execute_query", {{"connection_id", id}, {"query", slow_insert}});
  // The server's statement cannot be seen from outside: give it a moment to start.
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  Clock::time_point cancelled = Clock::now();
  call.stop.request_stop();
  ASSERT_FALSE(call.result.get().ok());

  Json inserted = Structured(server->Call(
      "execute_query", {{"connection_id", id}, {"query", "INSERT INTO items (id) VALUES (7)"}}));
  EXPECT_EQ(inserted["affected_rows"], 1) << inserted.dump();
  EXPECT_LT(Clock::now() - cancelled, kStoppedWellBeforeItsEnd);
  Json rows = Structured(
      server->Call("execute_query", {{"connection_id", id}, {"query", "SELECT id FROM items"}}));
  EXPECT_EQ(rows["rows"], Json::parse("[[7]]"));
  server.reset();
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace aurite::servers::sql
