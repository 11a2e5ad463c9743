// `aurite sql-server` as a real child process: every tool on SQLite,
// PostgreSQL and MariaDB, read-only by default, token mode against test
// hosts that grant and deny, and no password in any result.
#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "runtime/spdlog_logger.h"
#include "servers/credentials_protocol.h"
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

// Creates `table` with three rows through the sql layer, writes enabled.
void CreateItems(const db::ConnectionConfig& config, const std::string& table) {
  StatusOr<std::unique_ptr<db::Connection>> connection =
      db::OpenConnection(config, {.allow_writes = true});
  ASSERT_TRUE(connection.ok()) << connection.status().ToString();
  for (const std::string& sql :
       {"CREATE TABLE " + table +
            " (id INTEGER PRIMARY KEY, name VARCHAR(40) NOT NULL, price REAL)",
        "INSERT INTO " + table + " VALUES (1, 'apple', 0.5), (2, 'pear', 0.75), (3, 'fig', 2)"}) {
    StatusOr<db::QueryResult> done = (*connection)->Execute(sql, {}, {});
    ASSERT_TRUE(done.ok()) << done.status().ToString();
  }
}

class SqliteServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    CreateItems(db::testing::ConfigFor(db::Engine::kSqlite, path_), "items");
  }
  void TearDown() override { std::filesystem::remove(path_); }

  std::string Url() const { return "sqlite:///" + path_; }
  std::string Connect(SqlServerClient& server) {
    Json connected = Structured(server.Call("connect_database", {{"connection_string", Url()}}));
    return connected.value("connection_id", "");
  }
  std::size_t CountItems(SqlServerClient& server, const std::string& id) {
    Json rows = Structured(server.Call(
        "execute_query", {{"connection_id", id}, {"query", "SELECT COUNT(*) FROM items"}}));
    return rows["rows"][0][0].get<std::size_t>();
  }

  std::string path_ = (std::filesystem::temp_directory_path() /
                       (db::testing::UniqueName("aurite-sql-server") + ".db"))
                          .string();
};

TEST_F(SqliteServerTest, ListsTheSixToolsWithSchemasAndAnnotations) {
  auto server = SqlServerClient::Start();
  mcp::RpcResult listed = server->process->client().ListTools();
  ASSERT_TRUE(listed.ok());
  std::set<std::string> names;
  for (const Json& tool : listed.value()["tools"]) {
    names.insert(tool["name"].get<std::string>());
    EXPECT_EQ(tool["inputSchema"]["type"], "object") << tool["name"];
    EXPECT_TRUE(tool.contains("outputSchema")) << tool["name"];
    EXPECT_TRUE(tool["annotations"].contains("readOnlyHint")) << tool["name"];
    if (tool["name"] == "execute_query") {
      EXPECT_EQ(tool["annotations"]["readOnlyHint"], true);
    }
  }
  EXPECT_EQ(names, (std::set<std::string>{"connect_database", "list_tables", "describe_table",
                                          "execute_query", "explain_query", "disconnect"}));
}

TEST_F(SqliteServerTest, EveryToolWorks) {
  auto server = SqlServerClient::Start();
  Json connected = Structured(server->Call("connect_database", {{"connection_string", Url()}}));
  std::string id = connected["connection_id"];
  EXPECT_EQ(id.rfind("conn_", 0), 0u);
  EXPECT_EQ(connected["database_type"], "sqlite");
  EXPECT_EQ(connected["table_count"], 1);
  EXPECT_FALSE(connected["server_version"].get<std::string>().empty());

  Json tables = Structured(server->Call("list_tables", {{"connection_id", id}}));
  ASSERT_EQ(tables["tables"].size(), 1u);
  EXPECT_EQ(tables["tables"][0]["name"], "items");

  Json described =
      Structured(server->Call("describe_table", {{"connection_id", id}, {"table", "items"}}));
  EXPECT_EQ(described["columns"].size(), 3u);
  EXPECT_EQ(described["primary_key"], Json::array({"id"}));

  Json query_result = server->Call(
      "execute_query", {{"connection_id", id},
                        {"query", "SELECT id, name FROM items WHERE price > ? ORDER BY id"},
                        {"params", {0.6}}});
  Json result = Structured(query_result);
  // The result is written as text by the server: its text content must still
  // be exactly the structured content's JSON.
  ASSERT_EQ(query_result["content"].size(), 1u);
  EXPECT_EQ(query_result["content"][0]["type"], "text");
  EXPECT_EQ(Json::parse(query_result["content"][0]["text"].get<std::string>()), result);
  EXPECT_EQ(result.size(), 5u) << result.dump();
  EXPECT_EQ(result["row_count"], 2);
  EXPECT_EQ(result["rows"], Json::parse(R"([[2, "pear"], [3, "fig"]])"));
  EXPECT_EQ(result["columns"][1]["name"], "name");
  EXPECT_EQ(result["truncated"], false);
  EXPECT_TRUE(result["elapsed_ms"].is_number());

  Json plan = Structured(
      server->Call("explain_query", {{"connection_id", id}, {"query", "SELECT * FROM items"}}));
  EXPECT_FALSE(plan["plan"].is_null());

  EXPECT_EQ(Structured(server->Call("disconnect", {{"connection_id", id}}))["disconnected"], true);
  EXPECT_NE(
      ErrorText(server->Call("list_tables", {{"connection_id", id}})).find("connect_database"),
      std::string::npos);
}

TEST_F(SqliteServerTest, TheSchemaResourceDescribesEveryTable) {
  auto server = SqlServerClient::Start();
  std::string id = Connect(*server);
  mcp::RpcResult read = server->process->client().ReadResource("sql://schema/" + id);
  ASSERT_TRUE(read.ok()) << read.error().message;
  Json schema = Json::parse(read.value()["contents"][0]["text"].get<std::string>());
  ASSERT_EQ(schema["tables"].size(), 1u);
  EXPECT_EQ(schema["tables"][0]["name"], "items");
}

TEST_F(SqliteServerTest, WritesAreRefusedByDefaultAndTheDataIsUnchanged) {
  auto server = SqlServerClient::Start();
  std::string id = Connect(*server);
  for (const char* attack : {"DELETE FROM items", "DROP TABLE items", "SELECT 1; DELETE FROM items",
                             "ATTACH DATABASE '/tmp/x.db' AS x"}) {
    Json result = server->Call("execute_query", {{"connection_id", id}, {"query", attack}});
    EXPECT_TRUE(result.value("isError", false)) << attack;
  }
  EXPECT_EQ(CountItems(*server, id), 3u);
}

TEST_F(SqliteServerTest, AllowWritesFlagLetsQueriesWrite) {
  auto server = SqlServerClient::Start({"--allow-writes"});
  std::string id = Connect(*server);
  Json deleted = Structured(
      server->Call("execute_query", {{"connection_id", id}, {"query", "DELETE FROM items"}}));
  EXPECT_EQ(deleted["affected_rows"], 3);
  EXPECT_EQ(deleted["rows"], Json::array());
  EXPECT_EQ(CountItems(*server, id), 0u);
}

TEST_F(SqliteServerTest, TheServerCapsMaxRows) {
  auto server = SqlServerClient::Start({"--max-rows", "2"});
  std::string id = Connect(*server);
  Json result = Structured(
      server->Call("execute_query",
                   {{"connection_id", id}, {"query", "SELECT * FROM items"}, {"max_rows", 100}}));
  EXPECT_EQ(result["row_count"], 2);
  EXPECT_EQ(result["truncated"], true);
  Json one = Structured(server->Call(
      "execute_query", {{"connection_id", id}, {"query", "SELECT * FROM items"}, {"max_rows", 1}}));
  EXPECT_EQ(one["row_count"], 1);
}

TEST_F(SqliteServerTest, BadArgumentsAreToolErrors) {
  auto server = SqlServerClient::Start();
  EXPECT_NE(ErrorText(server->Call("execute_query",
                                   {{"connection_id", "conn_nope"}, {"query", "SELECT 1"}}))
                .find("no open connection"),
            std::string::npos);
  std::string canary = "mysql://app:canary-p@ss:w/rd;'\"}%=&#+@@@:bad-port/db";
  std::string error = ErrorText(server->Call("connect_database", {{"connection_string", canary}}));
  EXPECT_FALSE(error.empty());
  EXPECT_EQ(error.find("canary"), std::string::npos) << error;
}

// execute_query's role: SQLite has no roles, and a role that is not a
// string is an error, never a run as the login.
TEST_F(SqliteServerTest, ARoleIsAnErrorOnSqliteAndMustBeAString) {
  auto server = SqlServerClient::Start();
  const std::string id = Connect(*server);
  EXPECT_NE(ErrorText(server->Call("execute_query",
                                   {{"connection_id", id}, {"query", "SELECT 1"}, {"role", "r"}}))
                .find("SQLite has no roles"),
            std::string::npos);
  EXPECT_NE(ErrorText(server->Call("execute_query",
                                   {{"connection_id", id}, {"query", "SELECT 1"}, {"role", 7}}))
                .find("role"),
            std::string::npos);
}

// A test host: answers io.aurite/credentials/resolve with `answer` and
// records released tokens.
struct TestHost {
  std::function<mcp::RpcResult(const Json&)> answer;
  std::vector<std::string> released;
  std::mutex mutex;

  std::unique_ptr<SqlServerClient> StartServer() {
    Json capabilities = {{"experimental", {{kCredentialsCapability, {{"version", 1}}}}}};
    return SqlServerClient::Start({}, capabilities, [this](mcp::McpClient& client) {
      client.SetRequestHandler(kResolveMethod, [this](const Json& params, mcp::RequestContext&) {
        return answer(params);
      });
      client.SetNotificationHandler(kReleaseMethod, [this](const Json& params) {
        std::lock_guard lock(mutex);
        released.push_back(params.value("token", ""));
      });
    });
  }
};

TEST_F(SqliteServerTest, TokenModeWithoutAHostFailsSayingWhy) {
  auto server = SqlServerClient::Start();
  std::string error = ErrorText(server->Call(
      "connect_database", {{"connection_string", "aurite_tk_abc"}, {"use_token", true}}));
  EXPECT_NE(error.find("io.aurite/credentials"), std::string::npos) << error;
}

TEST_F(SqliteServerTest, GrantingHostResolvesTheTokenAndDisconnectReleasesIt) {
  TestHost host;
  std::string url = Url();
  host.answer = [&url](const Json& params) -> mcp::RpcResult {
    if (params["token"] != "aurite_tk_granted" ||
        params["credential_type"] != kDatabaseConnectionType) {
      return mcp::RpcError{kUnknownTokenError, "unknown token", nullptr};
    }
    return Json{{"secret", url}, {"expires_at", nullptr}};
  };
  auto server = host.StartServer();
  Json connected = Structured(server->Call(
      "connect_database", {{"connection_string", "aurite_tk_granted"}, {"use_token", true}}));
  EXPECT_EQ(connected["table_count"], 1);
  Structured(server->Call("disconnect", {{"connection_id", connected["connection_id"]}}));
  for (int i = 0; i < 100 && host.released.empty(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  std::lock_guard lock(host.mutex);
  EXPECT_EQ(host.released, std::vector<std::string>{"aurite_tk_granted"});
}

TEST_F(SqliteServerTest, HostCanEnableWritesForOneNamedConnectionOnly) {
  TestHost host;
  std::string url = Url();
  host.answer = [&url](const Json& params) -> mcp::RpcResult {
    Json answer = {{"secret", url}, {"expires_at", nullptr}};
    if (params["token"] == "aurite_tk_writer") answer["allow_writes"] = true;
    return answer;
  };
  auto server = host.StartServer();
  Json writer = Structured(server->Call(
      "connect_database", {{"connection_string", "aurite_tk_writer"}, {"use_token", true}}));
  Json reader = Structured(server->Call(
      "connect_database", {{"connection_string", "aurite_tk_reader"}, {"use_token", true}}));
  EXPECT_EQ(writer["writes_allowed"], true);
  EXPECT_EQ(reader["writes_allowed"], false);
  const Json insert = "INSERT INTO items VALUES (4, 'plum', 1)";
  EXPECT_TRUE(
      server->Call("execute_query", {{"connection_id", reader["connection_id"]}, {"query", insert}})
          .value("isError", false));
  Structured(server->Call("execute_query",
                          {{"connection_id", writer["connection_id"]}, {"query", insert}}));
  EXPECT_EQ(CountItems(*server, reader["connection_id"]), 4u);
}

TEST_F(SqliteServerTest, DenyingHostGivesPermissionDenied) {
  TestHost host;
  host.answer = [](const Json&) -> mcp::RpcResult {
    return mcp::RpcError{kPermissionDeniedError, "permission denied", nullptr};
  };
  auto server = host.StartServer();
  std::string error = ErrorText(server->Call(
      "connect_database", {{"connection_string", "aurite_tk_denied"}, {"use_token", true}}));
  EXPECT_NE(error.find("does not permit"), std::string::npos) << error;
  EXPECT_EQ(error.find("aurite_tk_denied"), std::string::npos) << error;
}

TEST_F(SqliteServerTest, UnknownTokenIsRefusedWithoutEchoingIt) {
  TestHost host;
  host.answer = [](const Json&) -> mcp::RpcResult {
    return mcp::RpcError{kUnknownTokenError, "unknown, expired or revoked token", nullptr};
  };
  auto server = host.StartServer();
  std::string error = ErrorText(server->Call(
      "connect_database", {{"connection_string", "aurite_tk_unknown"}, {"use_token", true}}));
  EXPECT_NE(error.find("expired or was revoked"), std::string::npos) << error;
  EXPECT_EQ(error.find("aurite_tk_unknown"), std::string::npos) << error;
}

class NetworkServerTest : public ::testing::TestWithParam<db::Engine> {};

TEST_P(NetworkServerTest, EveryToolWorksAndNoResultCarriesThePassword) {
  std::string table = db::testing::UniqueName("items");
  CreateItems(db::testing::ConfigFor(GetParam()), table);
  const char* key = GetParam() == db::Engine::kPostgres ? "postgres" : "mariadb";
  std::string url = db::testing::Databases()[key]["uri"];
  std::string password = db::testing::Password();

  // The server's stderr reaches us through the mcp logger: capture it too.
  std::ostringstream log;
  auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(log);
  runtime::Logger().sinks().push_back(sink);
  auto server = SqlServerClient::Start({"--statement-timeout", "5"});
  std::string everything;
  auto call = [&](const std::string& tool, Json args) {
    Json result = server->Call(tool, std::move(args));
    everything += result.dump(-1, ' ', false, Json::error_handler_t::replace);
    return Structured(result);
  };
  Json connected = call("connect_database", {{"connection_string", url}});
  std::string id = connected["connection_id"];
  EXPECT_NE(connected["masked_connection_string"].get<std::string>().find("****"),
            std::string::npos);
  Json tables = call("list_tables", {{"connection_id", id}});
  EXPECT_NE(tables.dump().find(table), std::string::npos);
  Json described = call("describe_table", {{"connection_id", id}, {"table", table}});
  EXPECT_EQ(described["columns"].size(), 3u);
  std::string query =
      "SELECT name FROM " + table + " WHERE id = " + db::testing::Placeholder(GetParam(), 1);
  Json result = call("execute_query", {{"connection_id", id}, {"query", query}, {"params", {2}}});
  EXPECT_EQ(result["rows"], Json::parse(R"([["pear"]])"));
  call("explain_query", {{"connection_id", id}, {"query", query}, {"params", {2}}});
  Json refused =
      server->Call("execute_query", {{"connection_id", id}, {"query", "DELETE FROM " + table}});
  EXPECT_TRUE(refused.value("isError", false));
  everything += refused.dump(-1, ' ', false, Json::error_handler_t::replace);
  call("disconnect", {{"connection_id", id}});
  server.reset();  // waits for the server's last log lines
  std::erase(runtime::Logger().sinks(), sink);
  EXPECT_EQ(everything.find(password), std::string::npos);
  EXPECT_EQ(log.str().find(password), std::string::npos) << log.str();
}

// execute_query writes its result as text straight from PostgreSQL's cells:
// the structured content holds the documented values, and the text content
// is exactly that JSON.
TEST(PostgresServerTest, QueryResultTextIsTheStructuredContentForEveryKindOfValue) {
  std::string url = db::testing::Databases()["postgres"]["uri"];
  auto server = SqlServerClient::Start();
  std::string id =
      Structured(server->Call("connect_database", {{"connection_string", url}}))["connection_id"];
  Json called = server->Call(
      "execute_query",
      {{"connection_id", id},
       {"query",
        "SELECT NULL::int AS \"quoted \"\"name\"\"\", 9007199254740993::int8, 7::int4, true, "
        "0.25::float8, 'Infinity'::float8, 1.50::numeric, timestamp '2024-01-01 00:01:00', "
        "'\\x00ff'::bytea, '{\"b\": 1, \"a\": [null]}'::jsonb, E'a\"b\\\\c\\n\\x01é'"}});
  Json result = Structured(called);
  ASSERT_EQ(called["content"].size(), 1u);
  EXPECT_EQ(Json::parse(called["content"][0]["text"].get<std::string>()), result);
  EXPECT_EQ(result["columns"][0]["name"], "quoted \"name\"");
  EXPECT_EQ(result["rows"],
            Json::parse(R"([[null, "9007199254740993", 7, true, 0.25, "Infinity", "1.50",
                             "2024-01-01 00:01:00", {"base64": "AP8="}, {"a": [null], "b": 1},
                             "a\"b\\c\n\u0001é"]])"));
  EXPECT_EQ(result["row_count"], 1);
  EXPECT_EQ(result["truncated"], false);
}

// The names of the files mapped into process `pid`.
std::string MappedFiles(pid_t pid) {
  std::ifstream maps("/proc/" + std::to_string(pid) + "/maps");
  std::stringstream text;
  text << maps.rdbuf();
  return text.str();
}

// libpq and libmariadb (and their dependency trees) are loaded by the first
// connection to their engine, not at start-up.
TEST_P(NetworkServerTest, OnlyTheEngineInUseHasItsClientLibraryMapped) {
  bool postgres = GetParam() == db::Engine::kPostgres;
  std::string used = postgres ? "libpq.so" : "libmariadb.so";
  std::string unused = postgres ? "libmariadb.so" : "libpq.so";
  auto server = SqlServerClient::Start();
  ASSERT_TRUE(server->process->client().ListTools().ok());
  std::string before = MappedFiles(server->process->pid());
  ASSERT_NE(before.find("libc.so"), std::string::npos) << before;
  EXPECT_EQ(before.find("libpq.so"), std::string::npos) << before;
  EXPECT_EQ(before.find("libmariadb.so"), std::string::npos) << before;

  std::string url = db::testing::Databases()[postgres ? "postgres" : "mariadb"]["uri"];
  Structured(server->Call("connect_database", {{"connection_string", url}}));
  std::string after = MappedFiles(server->process->pid());
  EXPECT_NE(after.find(used), std::string::npos) << after;
  EXPECT_EQ(after.find(unused), std::string::npos) << after;
}

TEST_P(NetworkServerTest, AWrongPasswordErrorDoesNotCarryIt) {
  const char* key = GetParam() == db::Engine::kPostgres ? "postgres" : "mariadb";
  std::string url = db::testing::Databases()[key]["uri"];
  std::string wrong = "wrong-canary-pw";
  std::size_t at = url.find('@');
  std::size_t colon = url.rfind(':', at);
  url = url.substr(0, colon + 1) + wrong + url.substr(at);
  auto server = SqlServerClient::Start();
  std::string error = ErrorText(server->Call("connect_database", {{"connection_string", url}}));
  EXPECT_FALSE(error.empty());
  EXPECT_EQ(error.find(wrong), std::string::npos) << error;
}

INSTANTIATE_TEST_SUITE_P(Engines, NetworkServerTest,
                         ::testing::Values(db::Engine::kPostgres, db::Engine::kMariaDb),
                         [](const auto& engine) {
                           return std::string(db::EngineName(engine.param));
                         });

}  // namespace
}  // namespace aurite::servers::sql
