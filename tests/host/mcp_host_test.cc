// Tests of MCPHost with the real `aurite sql-server` as its backend:
// permissions from capabilities, token resolution, and supervision.
#include "host/mcp_host.h"

#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include "host/gateway.h"
#include "host/storage_router.h"
#include "mcp/client_server.h"
#include "sql/connection.h"
#include "sqlite_test_dir.h"

namespace aurite::host {
namespace {

using namespace std::chrono_literals;

class McpHostTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = MakeSqliteTestDir("aurite-host");
    database_ = dir_ / "t.db";
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  Config MakeConfig(RestartPolicy::Mode mode, std::vector<std::string> capabilities) {
    Config config;
    ServerConfig sql;
    sql.name = "sql";
    sql.command = AURITE_BINARY;
    sql.args = {"sql-server"};
    sql.capabilities = std::move(capabilities);
    sql.restart.mode = mode;
    sql.restart.initial_backoff = 10ms;
    config.servers.push_back(std::move(sql));
    config.security.store_path = dir_ / "store.db";
    config.security.audit_log = dir_ / "audit.jsonl";
    return config;
  }

  std::unique_ptr<MCPHost> StartHost(Config config) {
    StatusOr<std::unique_ptr<MCPHost>> host = MCPHost::Create(std::move(config), {});
    EXPECT_TRUE(host.ok()) << host.status().ToString();
    if (!host.ok()) return nullptr;
    Status started = (*host)->Start();
    EXPECT_TRUE(started.ok()) << started.ToString();
    return std::move(host).value();
  }

  std::string SecureDatabase(MCPHost& host) {
    auto secured = host.SecureDatabaseConnection(
        crypto::SecretBuffer::CopyFrom("sqlite:///" + database_.string()));
    EXPECT_TRUE(secured.ok());
    return secured.ok() ? std::string(secured->token.Reveal()) : "";
  }

  static mcp::Json Connect(ManagedServer& server, const std::string& token) {
    mcp::RpcResult result =
        server.CallTool("connect_database", {{"connection_string", token}, {"use_token", true}});
    EXPECT_TRUE(result.ok());
    return result.ok() ? result.value() : mcp::Json::object();
  }

  static void WaitFor(const std::function<bool()>& condition) {
    for (int i = 0; i < 200 && !condition(); ++i) std::this_thread::sleep_for(25ms);
  }

  std::filesystem::path dir_;
  std::filesystem::path database_;
};

// Dynamic users and rotated passwords change the database: without a store
// that outlives the process the host would lose track of them.
TEST_F(McpHostTest, ModesThatChangeTheDatabaseNeedAPersistentStore) {
  for (const bool dynamic : {true, false}) {
    Config config = MakeConfig(RestartPolicy::Mode::kNever, {"storage"});
    ConnectionConfig orders;
    orders.name = "orders";
    orders.storage_type = "postgresql";
    orders.connection_string = crypto::SecretBuffer::CopyFrom("postgresql://127.0.0.1:1/orders");
    const auto admin = [] {
      return crypto::SecretBuffer::CopyFrom("postgresql://a:b@127.0.0.1:1/o");
    };
    if (dynamic) {
      credentials::DynamicCredentials made;
      made.admin = admin();
      orders.credentials = std::move(made);
    } else {
      credentials::RotatedCredentials made;
      made.admin = admin();
      made.username = "app";
      orders.credentials = std::move(made);
    }
    config.connections.push_back(std::move(orders));
    StatusOr<std::unique_ptr<MCPHost>> host = MCPHost::Create(std::move(config), {});
    ASSERT_FALSE(host.ok());
    EXPECT_EQ(host.status().code(), StatusCode::kFailedPrecondition);
    EXPECT_NE(host.status().message().find(dynamic ? "mode \"dynamic\" needs a persistent store"
                                                   : "mode \"rotate\" needs a persistent store"),
              std::string::npos)
        << host.status().message();
    EXPECT_EQ(host.status().message().find("a:b@"), std::string::npos);
  }
}

TEST_F(McpHostTest, StorageServerResolvesTokensThroughTheHost) {
  auto host = StartHost(MakeConfig(RestartPolicy::Mode::kOnFailure, {"tools", "storage"}));
  ASSERT_NE(host, nullptr);
  mcp::Json connected = Connect(*host->FindServer("sql"), SecureDatabase(*host));
  EXPECT_FALSE(connected.value("isError", true)) << connected.dump();
}

TEST_F(McpHostTest, ServerWithoutStorageCannotResolve) {
  auto host = StartHost(MakeConfig(RestartPolicy::Mode::kOnFailure, {"tools"}));
  ASSERT_NE(host, nullptr);
  mcp::Json refused = Connect(*host->FindServer("sql"), SecureDatabase(*host));
  EXPECT_TRUE(refused.value("isError", false));
  EXPECT_NE(refused.dump().find("does not permit"), std::string::npos) << refused.dump();
}

TEST_F(McpHostTest, WritesAreAllowedOnlyForNamedConnectionsConfiguredSo) {
  Config config = MakeConfig(RestartPolicy::Mode::kOnFailure, {"tools", "storage"});
  for (bool allow_writes : {true, false}) {
    ConnectionConfig connection;
    connection.name = allow_writes ? "writer" : "reader";
    connection.storage_type = "sqlite";
    connection.connection_string =
        crypto::SecretBuffer::CopyFrom("sqlite:///" + database_.string());
    connection.allow_writes = allow_writes;
    config.connections.push_back(std::move(connection));
  }
  auto host = StartHost(std::move(config));
  ASSERT_NE(host, nullptr);
  StatusOr<crypto::SecretBuffer> writer = host->NamedConnectionToken("writer");
  StatusOr<crypto::SecretBuffer> reader = host->NamedConnectionToken("reader");
  ASSERT_TRUE(writer.ok() && reader.ok());
  EXPECT_TRUE(host->WritesAllowed(writer->Reveal()));
  EXPECT_FALSE(host->WritesAllowed(reader->Reveal()));
  EXPECT_FALSE(host->WritesAllowed(SecureDatabase(*host)));

  mcp::Json opened = Connect(*host->FindServer("sql"), std::string(writer->Reveal()));
  EXPECT_EQ(opened["structuredContent"].value("writes_allowed", false), true) << opened.dump();
  opened = Connect(*host->FindServer("sql"), std::string(reader->Reveal()));
  EXPECT_EQ(opened["structuredContent"].value("writes_allowed", true), false) << opened.dump();
}

TEST_F(McpHostTest, PrivilegedLoginIsAllowedOnlyForNamedConnectionsConfiguredSo) {
  Config config = MakeConfig(RestartPolicy::Mode::kOnFailure, {"tools", "storage"});
  for (bool allowed : {true, false}) {
    ConnectionConfig connection;
    connection.name = allowed ? "admin" : "plain";
    connection.storage_type = "sqlite";
    connection.connection_string =
        crypto::SecretBuffer::CopyFrom("sqlite:///" + database_.string());
    connection.allow_privileged_login = allowed;
    config.connections.push_back(std::move(connection));
  }
  auto host = StartHost(std::move(config));
  ASSERT_NE(host, nullptr);
  StatusOr<crypto::SecretBuffer> admin = host->NamedConnectionToken("admin");
  StatusOr<crypto::SecretBuffer> plain = host->NamedConnectionToken("plain");
  ASSERT_TRUE(admin.ok() && plain.ok());
  EXPECT_TRUE(host->PrivilegedLoginAllowed(admin->Reveal()));
  EXPECT_FALSE(host->WritesAllowed(admin->Reveal()));
  EXPECT_FALSE(host->PrivilegedLoginAllowed(plain->Reveal()));
  // A token the client secured itself never carries it.
  EXPECT_FALSE(host->PrivilegedLoginAllowed(SecureDatabase(*host)));
}

// A client session of an McpServer, and a call context on it.
// A client of the router's tools over a real MCP session, as the gateway's
// clients are: each client is a session the router can tell apart.
struct RouterClient {
  explicit RouterClient(StorageRouter& router) {
    for (auto& [tool, handler] : router.Tools()) pair.server.AddTool(tool, handler);
    pair.StartInitialized();
  }
  mcp::Json Call(const std::string& tool, mcp::Json arguments) {
    mcp::RpcResult result = pair.client->CallTool(tool, std::move(arguments));
    EXPECT_TRUE(result.ok()) << (result.ok() ? "" : result.error().message);
    return result.ok() ? result.value() : mcp::Json::object();
  }
  const mcp::ServerSession& session() const { return *pair.session; }
  mcp::testing::ClientServer pair;
};

TEST_F(McpHostTest, EndingASessionClosesOnlyItsConnectionsAndRevokesTheirTokens) {
  auto host = StartHost(MakeConfig(RestartPolicy::Mode::kOnFailure, {"tools", "storage"}));
  ASSERT_NE(host, nullptr);
  StorageRouter router(*host);
  RouterClient leaving(router);
  RouterClient staying(router);
  std::string token = SecureDatabase(*host);
  auto connect = [&](RouterClient& client, const std::string& connection_string) {
    mcp::Json opened = client.Call(
        "connect_storage", {{"storage_type", "sqlite"}, {"connection_string", connection_string}});
    EXPECT_FALSE(opened.value("isError", false)) << opened.dump();
    return opened.value("structuredContent", mcp::Json::object()).value("connection_id", "");
  };
  std::string gone = connect(leaving, token);
  std::string kept = connect(staying, "sqlite:///" + database_.string());
  ASSERT_FALSE(gone.empty());
  ASSERT_FALSE(kept.empty());

  router.DisconnectSession(leaving.session());
  mcp::Json listed =
      staying.Call("list_connections", mcp::Json::object())["structuredContent"]["connections"];
  ASSERT_EQ(listed.size(), 1u) << listed.dump();
  EXPECT_EQ(listed[0]["connection_id"], kept);
  EXPECT_FALSE(host->security().Resolve(token, "sql", "database_connection").ok());
  mcp::Json query =
      staying.Call("query_storage", {{"connection_id", kept}, {"query", "SELECT count(*) FROM t"}});
  EXPECT_FALSE(query.value("isError", false)) << query.dump();
  EXPECT_EQ(query["structuredContent"]["rows"][0][0], 0) << query.dump();
  query = staying.Call("query_storage", {{"connection_id", gone}, {"query", "SELECT 1"}});
  EXPECT_TRUE(query.value("isError", false)) << query.dump();
}

TEST_F(McpHostTest, CrashedServerIsRestartedAndItsTokensStayValid) {
  auto host = StartHost(MakeConfig(RestartPolicy::Mode::kOnFailure, {"tools", "storage"}));
  ASSERT_NE(host, nullptr);
  ManagedServer& sql = *host->FindServer("sql");
  std::string token = SecureDatabase(*host);
  pid_t first = *sql.pid();
  std::uint64_t generation = sql.generation();
  ASSERT_EQ(::kill(first, SIGKILL), 0);
  WaitFor([&] { return sql.generation() > generation && sql.running(); });
  ASSERT_TRUE(sql.running());
  EXPECT_NE(*sql.pid(), first);
  mcp::Json connected = Connect(sql, token);
  EXPECT_FALSE(connected.value("isError", true)) << connected.dump();
}

TEST_F(McpHostTest, NeverPolicyLeavesACrashedServerDownAndCallsFailAtOnce) {
  auto host = StartHost(MakeConfig(RestartPolicy::Mode::kNever, {"tools", "storage"}));
  ASSERT_NE(host, nullptr);
  ManagedServer& sql = *host->FindServer("sql");
  ASSERT_EQ(::kill(*sql.pid(), SIGKILL), 0);
  WaitFor([&] { return !sql.running(); });
  mcp::RpcResult result = sql.CallTool("list_tables", {{"connection_id", "x"}});
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, mcp::error_code::kConnectionClosed);
}

TEST_F(McpHostTest, ShutdownStopsServersAndPurgesConnectionScopedTokens) {
  auto host = StartHost(MakeConfig(RestartPolicy::Mode::kOnFailure, {"tools", "storage"}));
  ASSERT_NE(host, nullptr);
  auto scoped = host->SecureForServer(
      crypto::SecretBuffer::CopyFrom("sqlite:///" + database_.string()), "sql", "session:test");
  ASSERT_TRUE(scoped.ok());
  std::string user_token = SecureDatabase(*host);
  pid_t child = *host->FindServer("sql")->pid();
  host->Shutdown();
  EXPECT_NE(::kill(child, 0), 0);
  EXPECT_EQ(host->security().List().size(), 1u);  // only the user's own token remains
}

TEST(ToolNameTest, AcceptsWhatClaudeDesktopAccepts) {
  EXPECT_TRUE(IsValidToolName("sql_execute_query"));
  EXPECT_TRUE(IsValidToolName("a-b_C9"));
  EXPECT_FALSE(IsValidToolName(""));
  EXPECT_FALSE(IsValidToolName("sql.execute"));
  EXPECT_FALSE(IsValidToolName(std::string(65, 'a')));
}

}  // namespace
}  // namespace aurite::host
