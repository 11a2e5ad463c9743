// End-to-end: an MCP client drives `aurite serve`, which runs the real
// `aurite sql-server` over real SQLite files and PostgreSQL, and a probe
// server without the "storage" capability.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <chrono>
#include <future>
#include <map>
#include <mutex>
#include <stop_token>
#include <thread>

#include "crypto/key_loader.h"
#include "gateway_process.h"
#include "security/security_manager.h"
#include "security/sqlite_store.h"
#include "security/store_keys.h"
#include "servers/credentials_protocol.h"
#include "sql/connection_string.h"
#include "sql/test_databases.h"

namespace aurite::e2e {
namespace {

using mcp::Json;
using namespace std::chrono_literals;

class GatewayTest : public GatewayTestBase {
 protected:
  // What the persistent store still holds, read with the gateway's key.
  std::vector<security::CredentialSummary> StoreContents() {
    security::StoreKeySettings settings;
    StatusOr<crypto::KeySetting> key =
        crypto::ClassifyKeyText(crypto::SecretBuffer::CopyFrom(key_), "test key");
    EXPECT_TRUE(key.ok());
    settings.current = std::move(key).value();
    security::SecurityManagerOptions options;
    StatusOr<std::unique_ptr<security::SqliteStore>> store =
        security::SqliteStore::Open(dir_ / "store.db", security::MakeKeyProvider(settings));
    EXPECT_TRUE(store.ok()) << store.status().ToString();
    if (!store.ok()) return {};
    options.store = std::move(store).value();
    auto manager = security::SecurityManager::Create(std::move(options));
    EXPECT_TRUE(manager.ok());
    return manager.ok() ? (*manager)->List() : std::vector<security::CredentialSummary>{};
  }
};

Json Secure(GatewayProcess& gateway, const std::string& connection_string) {
  return Structured(
      gateway.Call("secure_database_connection", {{"connection_string", connection_string}}));
}

std::string Text(const Json& record, const char* key) {
  return record.contains(key) && record[key].is_string() ? record[key].get<std::string>() : "";
}

Json ProbeResolve(GatewayProcess& gateway, const std::string& token) {
  return Structured(gateway.Call("probe_resolve", {{"token", token}}));
}

TEST_F(GatewayTest, SeedFlowOnSqliteEndsWithTheTokenDeadAndTheStoreEmpty) {
  std::string database = SampleDatabase();
  auto gateway = StartGateway(BaseConfig(dir_));
  ASSERT_NE(gateway, nullptr);
  Json secured = Secure(*gateway, database);
  std::string token = secured["token"];
  EXPECT_EQ(token.rfind("aurite_tk_", 0), 0u);
  EXPECT_FALSE(secured["masked_connection_string"].get<std::string>().empty());

  Json connected = Structured(
      gateway->Call("connect_storage", {{"storage_type", "sqlite"}, {"connection_string", token}}));
  std::string id = connected["connection_id"];
  Json tables = Structured(gateway->Call("list_storage_tables", {{"connection_id", id}}));
  EXPECT_NE(tables.dump().find("items"), std::string::npos) << tables.dump();
  Json rows = Structured(gateway->Call(
      "query_storage", {{"connection_id", id}, {"query", "SELECT name FROM items ORDER BY id"}}));
  EXPECT_NE(rows.dump().find("apple"), std::string::npos) << rows.dump();
  EXPECT_NE(rows.dump().find("pear"), std::string::npos) << rows.dump();
  Structured(gateway->Call("disconnect_storage", {{"connection_id", id}}));

  std::string refused = ErrorText(
      gateway->Call("connect_storage", {{"storage_type", "sqlite"}, {"connection_string", token}}));
  EXPECT_NE(refused.find("expired or was revoked"), std::string::npos) << refused;
  EXPECT_EQ(refused.find(token), std::string::npos) << refused;
  EXPECT_EQ(gateway->Stop(), 0);
  EXPECT_TRUE(StoreContents().empty());
}

TEST_F(GatewayTest, MismatchedStorageTypeIsRefusedAndOnlyAMintedTokenDies) {
  std::string database = SampleDatabase();
  auto gateway = StartGateway(BaseConfig(dir_));
  ASSERT_NE(gateway, nullptr);
  std::string mismatch = ErrorText(gateway->Call(
      "connect_storage", {{"storage_type", "postgresql"}, {"connection_string", database}}));
  EXPECT_NE(mismatch.find("does not match"), std::string::npos) << mismatch;
  EXPECT_TRUE(StoreContents().empty());  // the token minted for the raw string is gone

  std::string kept = Secure(*gateway, database)["token"];
  ErrorText(gateway->Call("connect_storage",
                          {{"storage_type", "postgresql"}, {"connection_string", kept}}));
  Json retried = Structured(
      gateway->Call("connect_storage", {{"storage_type", "sqlite"}, {"connection_string", kept}}));
  EXPECT_TRUE(retried.contains("connection_id"));
}

TEST_F(GatewayTest, ServerWithoutStorageIsDeniedAndDeadTokensLookUnknown) {
  std::string database = SampleDatabase();
  Json config = BaseConfig(dir_);
  auto gateway = StartGateway(config);
  ASSERT_NE(gateway, nullptr);
  std::string live = Secure(*gateway, database)["token"];

  Json denied = ProbeResolve(*gateway, live);
  EXPECT_EQ(denied["resolved"], false);
  EXPECT_EQ(denied["code"], servers::kPermissionDeniedError);

  Json unknown = ProbeResolve(*gateway, "aurite_tk_" + std::string(43, 'A'));
  EXPECT_EQ(unknown["code"], servers::kUnknownTokenError);

  std::string revoked = Secure(*gateway, database)["token"];
  Json connected = Structured(gateway->Call(
      "connect_storage", {{"storage_type", "sqlite"}, {"connection_string", revoked}}));
  Structured(gateway->Call("disconnect_storage", {{"connection_id", connected["connection_id"]}}));
  Json after_revoke = ProbeResolve(*gateway, revoked);
  EXPECT_EQ(after_revoke["code"], servers::kUnknownTokenError);
  EXPECT_EQ(after_revoke["message"], unknown["message"]);
  EXPECT_EQ(gateway->Stop(), 0);

  std::string audit = ReadFile(dir_ / "audit.jsonl");
  bool recorded = false;
  std::istringstream lines(audit);
  for (std::string line; std::getline(lines, line);) {
    Json record = Json::parse(line);
    if (Text(record, "server") == "probe" && Text(record, "event") == "resolve_denied") {
      recorded = true;
    }
    EXPECT_EQ(line.find(live), std::string::npos);
  }
  EXPECT_TRUE(recorded) << audit;
}

TEST_F(GatewayTest, ExpiredTokenGetsTheSameErrorAsAnUnknownOne) {
  std::string database = SampleDatabase();
  Json config = BaseConfig(dir_);
  config["security"]["default_token_ttl"] = "1s";
  auto gateway = StartGateway(config);
  ASSERT_NE(gateway, nullptr);
  std::string token = Secure(*gateway, database)["token"];
  std::this_thread::sleep_for(2100ms);  // past the one-second TTL
  Json expired = ProbeResolve(*gateway, token);
  Json unknown = ProbeResolve(*gateway, "aurite_tk_" + std::string(43, 'B'));
  EXPECT_EQ(expired["code"], servers::kUnknownTokenError);
  EXPECT_EQ(expired["message"], unknown["message"]);
  std::string refused = ErrorText(
      gateway->Call("connect_storage", {{"storage_type", "sqlite"}, {"connection_string", token}}));
  EXPECT_NE(refused.find("expired or was revoked"), std::string::npos) << refused;
}

TEST_F(GatewayTest, RestartedHostHonoursAnUnexpiredToken) {
  std::string database = SampleDatabase();
  std::string token;
  {
    auto first = StartGateway(BaseConfig(dir_));
    ASSERT_NE(first, nullptr);
    token = Secure(*first, database)["token"].get<std::string>();
    EXPECT_EQ(first->Stop(), 0);
  }
  auto second = StartGateway(BaseConfig(dir_));
  ASSERT_NE(second, nullptr);
  Json connected = Structured(
      second->Call("connect_storage", {{"storage_type", "sqlite"}, {"connection_string", token}}));
  Json rows =
      Structured(second->Call("query_storage", {{"connection_id", connected["connection_id"]},
                                                {"query", "SELECT count(*) AS n FROM items"}}));
  EXPECT_NE(rows.dump().find("2"), std::string::npos) << rows.dump();
}

TEST_F(GatewayTest, NamedConnectionNeedsNoSecretFromTheClientAndSigtermPurgesIt) {
  Json config = BaseConfig(dir_);
  config["connections"] = {
      {"sample", {{"storage_type", "sqlite"}, {"connection_string", SampleDatabase()}}}};
  auto gateway = StartGateway(config);
  ASSERT_NE(gateway, nullptr);
  Json connected = Structured(gateway->Call(
      "connect_storage", {{"storage_type", "sqlite"}, {"connection_name", "sample"}}));
  Json rows =
      Structured(gateway->Call("query_storage", {{"connection_id", connected["connection_id"]},
                                                 {"query", "SELECT name FROM items"}}));
  EXPECT_NE(rows.dump().find("apple"), std::string::npos);
  Json listed = Structured(gateway->Call("list_connections", Json::object()));
  EXPECT_EQ(listed["connections"].size(), 1u) << listed.dump();
  EXPECT_FALSE(StoreContents().empty());

  std::vector<pid_t> children = ChildrenOf(gateway->pid());
  EXPECT_EQ(children.size(), 2u);
  ASSERT_EQ(::kill(gateway->pid(), SIGTERM), 0);
  int status = gateway->Stop();
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
  for (pid_t child : children) EXPECT_NE(::kill(child, 0), 0) << "child " << child << " survived";
  EXPECT_TRUE(StoreContents().empty());
}

TEST_F(GatewayTest, BackendProgressAndLogsReachTheClientRedacted) {
  std::mutex mutex;
  std::vector<Json> logs;
  auto gateway = GatewayProcess::Start(dir_, BaseConfig(dir_), key_, [&](mcp::McpClient& client) {
    client.SetNotificationHandler("notifications/message", [&](const Json& params) {
      std::lock_guard lock(mutex);
      logs.push_back(params);
    });
  });
  ASSERT_NE(gateway, nullptr);
  const std::string password = "Chatty-S3cret!pw";
  Secure(*gateway, "postgresql://app:" + password + "@127.0.0.1:1/db");

  std::vector<Json> progress;
  mcp::CallOptions options;
  options.on_progress = [&](const Json& params) {
    std::lock_guard lock(mutex);
    progress.push_back(params);
  };
  mcp::RpcResult result =
      gateway->client().CallTool("probe_chatter", {{"text", "pw is " + password}}, options);
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result.value().dump().find(password), std::string::npos) << result.value().dump();
  // Notifications may trail the answer; under sanitizers by over a second.
  for (int i = 0; i < 1000; ++i) {
    {
      std::lock_guard lock(mutex);
      if (!logs.empty() && progress.size() == 2) break;
    }
    std::this_thread::sleep_for(10ms);
  }
  std::lock_guard lock(mutex);
  ASSERT_EQ(progress.size(), 2u);
  EXPECT_EQ(progress[0]["progress"], 1);
  EXPECT_EQ(progress[1]["message"], "done");
  ASSERT_EQ(logs.size(), 1u);
  EXPECT_EQ(logs[0]["level"], "warning");
  EXPECT_NE(logs[0]["data"]["said"].get<std::string>().find("pw is "), std::string::npos);
  EXPECT_EQ(logs[0].dump().find(password), std::string::npos) << logs[0].dump();
}

class PostgresGatewayTest : public GatewayTest {
 protected:
  std::string Uri() { return sql::testing::Databases()["postgres"]["uri"]; }
  // Secures the test database's URI and connects through the router with
  // the token: the storage connection id.
  std::string ConnectWithToken(GatewayProcess& gateway) {
    std::string token = Secure(gateway, Uri())["token"];
    return Structured(gateway.Call("connect_storage",
                                   {{"storage_type", "postgresql"}, {"connection_string", token}}))
        .value("connection_id", "");
  }
};

// The forms of the canary password that must never be emitted.
std::vector<std::string> CanaryForms(const std::string& uri, const std::string& password) {
  std::size_t at = uri.rfind('@');
  std::size_t colon = uri.find(':', uri.find("//") + 2);
  std::string escaped = Json(password).dump();
  return {password, uri.substr(colon + 1, at - colon - 1), escaped.substr(1, escaped.size() - 2)};
}

TEST_F(PostgresGatewayTest, CanaryPasswordNeverLeavesTheHost) {
  std::string uri = Uri();
  std::string password = sql::testing::Password();
  auto gateway = StartGateway(BaseConfig(dir_));
  ASSERT_NE(gateway, nullptr);
  std::string token = Secure(*gateway, uri)["token"];
  Json connected = Structured(gateway->Call(
      "connect_storage", {{"storage_type", "postgresql"}, {"connection_string", token}}));
  std::string id = connected["connection_id"];
  // The database hands the secret back: the redactor must catch it.
  gateway->Call(
      "query_storage",
      {{"connection_id", id}, {"query", "SELECT $1::text AS echoed"}, {"params", {password}}});
  gateway->Call("query_storage", {{"connection_id", id}, {"query", "SELECT * FROM no_such_table"}});
  // A raw string sent to the backend's own tool is secured first.
  Json direct = Structured(gateway->Call("sql_connect_database", {{"connection_string", uri}}));
  gateway->Call("sql_execute_query",
                {{"connection_id", direct["connection_id"]}, {"query", "SELECT 1"}});
  gateway->Call("sql_disconnect", {{"connection_id", direct["connection_id"]}});
  std::string wrong = uri;
  wrong.replace(wrong.rfind('@'), 1, "x@");
  gateway->Call("connect_storage", {{"storage_type", "postgresql"}, {"connection_string", wrong}});
  gateway->Call("list_connections", Json::object());
  // The token minted for sql_connect_database died with sql_disconnect, the
  // one for the wrong password with its failure: only the client's own is left.
  for (int i = 0; i < 100 && StoreContents().size() != 1; ++i) std::this_thread::sleep_for(20ms);
  EXPECT_EQ(StoreContents().size(), 1u);

  pid_t probe = Structured(gateway->Call("probe_pid", Json::object()))["pid"];
  std::string probe_environment = ProcFile(probe, "environ");
  EXPECT_NE(probe_environment.find("PROBE_MODE=e2e"), std::string::npos);
  EXPECT_EQ(probe_environment.find("AURITE_MCP_ENCRYPTION_KEY"), std::string::npos);
  std::vector<std::string> argvs;
  for (pid_t child : ChildrenOf(gateway->pid())) argvs.push_back(ProcFile(child, "cmdline"));
  argvs.push_back(ProcFile(gateway->pid(), "cmdline"));
  Structured(gateway->Call("disconnect_storage", {{"connection_id", id}}));
  EXPECT_EQ(gateway->Stop(), 0);

  std::string host_log = ReadFile(dir_ / "host.log");
  std::string audit = ReadFile(dir_ / "audit.jsonl");
  std::string store = ReadFile(dir_ / "store.db");
  EXPECT_FALSE(audit.empty());
  EXPECT_FALSE(store.empty());
  for (const std::string& canary : CanaryForms(uri, password)) {
    SCOPED_TRACE(canary.size());
    EXPECT_EQ(gateway->received().find(canary), std::string::npos) << gateway->received();
    EXPECT_EQ(host_log.find(canary), std::string::npos) << host_log;
    EXPECT_EQ(audit.find(canary), std::string::npos);
    EXPECT_EQ(store.find(canary), std::string::npos);
    EXPECT_EQ(probe_environment.find(canary), std::string::npos);
    for (const std::string& argv : argvs) EXPECT_EQ(argv.find(canary), std::string::npos);
  }
}

// Masked connection strings reach the client masked, not redacted: the
// password as ****, a SQLite path (which holds no secret) as it is, from
// every tool that shows one.
TEST_F(PostgresGatewayTest, MaskedConnectionStringsReachTheClientMaskedNotRedacted) {
  std::string uri = Uri();
  std::string sqlite = SampleDatabase();
  std::size_t colon = uri.find(':', uri.find("//") + 2);
  std::string masked_uri = uri.substr(0, colon + 1) + "****" + uri.substr(uri.rfind('@'));
  StatusOr<sql::ConnectionConfig> parsed = sql::ParseConnectionString(uri);
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  std::string shown_by_server = parsed->Masked();
  ASSERT_NE(shown_by_server.find(":****@"), std::string::npos) << shown_by_server;
  auto gateway = StartGateway(BaseConfig(dir_));
  ASSERT_NE(gateway, nullptr);

  Json postgres = Secure(*gateway, uri);
  EXPECT_EQ(postgres["masked_connection_string"], masked_uri);
  Json sqlite_secured = Secure(*gateway, sqlite);
  EXPECT_EQ(sqlite_secured["masked_connection_string"], sqlite);

  Json by_token =
      Structured(gateway->Call("connect_storage", {{"storage_type", "postgresql"},
                                                   {"connection_string", postgres["token"]}}));
  EXPECT_EQ(by_token["masked_connection_string"], shown_by_server);
  Json by_raw_string = Structured(gateway->Call(
      "connect_storage", {{"storage_type", "sqlite"}, {"connection_string", sqlite}}));
  EXPECT_EQ(by_raw_string["masked_connection_string"], sqlite);

  Json listed = Structured(gateway->Call("list_connections", Json::object()));
  std::map<std::string, std::string> shown;
  for (const Json& entry : listed["connections"]) {
    shown[entry["connection_id"]] = entry["masked_connection_string"];
  }
  EXPECT_EQ(shown[by_token["connection_id"]], shown_by_server) << listed.dump();
  EXPECT_EQ(shown[by_raw_string["connection_id"]], sqlite) << listed.dump();
  EXPECT_EQ(gateway->received().find("[REDACTED]"), std::string::npos) << gateway->received();
  EXPECT_EQ(gateway->received().find(sql::testing::Password()), std::string::npos);
}

// Forwarding runs on the gateway's reading thread and answers when the
// backend does: a slow query must not hold up the client's next calls.
TEST_F(PostgresGatewayTest, ASlowForwardedQueryDoesNotHoldUpTheClientsOtherCalls) {
  auto gateway = StartGateway(BaseConfig(dir_));
  ASSERT_NE(gateway, nullptr);
  std::string id = ConnectWithToken(*gateway);
  auto slow = std::async(std::launch::async, [&] {
    return gateway->Call("query_storage",
                         {{"connection_id", id}, {"query", "SELECT pg_sleep(3), 'slow' AS which"}});
  });
  ASSERT_EQ(slow.wait_for(300ms), std::future_status::timeout);
  Json quick =
      gateway->Call("query_storage", {{"connection_id", id}, {"query", "SELECT 'quick' AS which"}});
  EXPECT_NE(Structured(quick).dump().find("quick"), std::string::npos) << quick.dump();
  EXPECT_EQ(slow.wait_for(0ms), std::future_status::timeout)
      << "the quick call was answered only after the slow one";
  Json slow_result = slow.get();
  EXPECT_NE(Structured(slow_result).dump().find("slow"), std::string::npos) << slow_result.dump();
}

TEST_F(PostgresGatewayTest, KillingTheSqlServerMidQueryFailsTheCallAtOnceAndRecovers) {
  auto gateway = StartGateway(BaseConfig(dir_));
  ASSERT_NE(gateway, nullptr);
  std::string id = ConnectWithToken(*gateway);
  pid_t sql_server = 0;
  for (pid_t child : ChildrenOf(gateway->pid())) {
    if (ProcFile(child, "cmdline").find("sql-server") != std::string::npos) sql_server = child;
  }
  ASSERT_NE(sql_server, 0);

  auto slow = std::async(std::launch::async, [&] {
    return gateway->Call("query_storage",
                         {{"connection_id", id}, {"query", "SELECT pg_sleep(20)"}});
  });
  ASSERT_EQ(slow.wait_for(500ms), std::future_status::timeout);
  ASSERT_EQ(::kill(sql_server, SIGKILL), 0);
  ASSERT_EQ(slow.wait_for(1s), std::future_status::ready) << "no answer within 1 s of the crash";
  std::string error = ErrorText(slow.get());
  EXPECT_NE(error.find("restarted"), std::string::npos) << error;
  // The other server is served while this one restarts.
  Json probe = gateway->Call("probe_pid", Json::object());
  EXPECT_TRUE(Structured(probe).contains("pid")) << probe.dump();

  Json recovered;
  for (int attempt = 0; attempt < 100; ++attempt) {
    recovered = gateway->Call("query_storage",
                              {{"connection_id", id}, {"query", "SELECT 41 + 1 AS answer"}});
    if (!recovered.value("isError", true)) break;
    std::this_thread::sleep_for(100ms);
  }
  EXPECT_NE(Structured(recovered).dump().find("42"), std::string::npos) << recovered.dump();
  for (pid_t child : ChildrenOf(gateway->pid())) EXPECT_NE(child, sql_server);
}

// The client gives up on a query: the gateway forwards notifications/cancelled
// to the SQL server, which stops the statement in PostgreSQL at once.
TEST_F(PostgresGatewayTest, ClientCancellingAQueryStopsItInTheDatabase) {
  StatusOr<std::unique_ptr<sql::Connection>> observer =
      sql::OpenConnection(sql::testing::ConfigFor(sql::Engine::kPostgres), {});
  ASSERT_TRUE(observer.ok()) << observer.status().ToString();
  auto gateway = StartGateway(BaseConfig(dir_));
  ASSERT_NE(gateway, nullptr);
  std::string id = ConnectWithToken(*gateway);
  const std::string marker = sql::testing::UniqueName("e2e_cancel_marker");
  std::stop_source stop;
  mcp::CallOptions options;
  options.cancel = stop.get_token();
  auto slow = std::async(std::launch::async, [&] {
    return gateway->client().CallTool(
        "query_storage",
        {{"connection_id", id}, {"query", sql::testing::SlowQuery(sql::Engine::kPostgres, marker)}},
        options);
  });
  ASSERT_GE(sql::testing::AwaitStatementRunning(**observer, marker), 1);
  auto cancelled = std::chrono::steady_clock::now();
  stop.request_stop();
  mcp::RpcResult result = slow.get();
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, mcp::error_code::kRequestCancelled);
  // pg_sleep(30) would hold on for half a minute if only the client gave up.
  EXPECT_EQ(sql::testing::AwaitNoStatementRunning(**observer, marker), 0);
  EXPECT_LT(std::chrono::steady_clock::now() - cancelled, 10s);
  Json next =
      gateway->Call("query_storage", {{"connection_id", id}, {"query", "SELECT 41 + 1 AS answer"}});
  EXPECT_EQ(Structured(next)["rows"], Json::parse("[[42]]")) << next.dump();
}

// The fixture's PostgreSQL superuser (its password is hex: no encoding).
std::string AdminUri() {
  const Json& server = sql::testing::Databases()["postgres"];
  return "postgresql://" + server["admin_user"].get<std::string>() + ":" +
         server["admin_password"].get<std::string>() +
         "@127.0.0.1:" + std::to_string(server["port"].get<int>()) + "/" +
         server["database"].get<std::string>();
}

// A read-only sql-server refuses a superuser login, unless the operator
// allowed it for the named connection: then every result says read-only is
// not enforced.
TEST_F(PostgresGatewayTest, PrivilegedNamedConnectionNeedsTheOperatorsOptIn) {
  Json config = BaseConfig(dir_);
  config["mcpServers"]["sql"]["args"] = {"sql-server"};
  config["connections"] = {
      {"admin", {{"storage_type", "postgresql"}, {"connection_string", AdminUri()}}},
      {"admin_allowed",
       {{"storage_type", "postgresql"},
        {"connection_string", AdminUri()},
        {"allow_privileged_login", true}}}};
  auto gateway = StartGateway(config);
  ASSERT_NE(gateway, nullptr);
  std::string refused = ErrorText(gateway->Call(
      "connect_storage", {{"storage_type", "postgresql"}, {"connection_name", "admin"}}));
  EXPECT_NE(refused.find("superuser"), std::string::npos) << refused;
  EXPECT_NE(refused.find("allow_privileged_login"), std::string::npos) << refused;
  EXPECT_EQ(
      refused.find(sql::testing::Databases()["postgres"]["admin_password"].get<std::string>()),
      std::string::npos);
  Json connected = Structured(gateway->Call(
      "connect_storage", {{"storage_type", "postgresql"}, {"connection_name", "admin_allowed"}}));
  EXPECT_NE(connected.value("warning", "").find("NOT enforced"), std::string::npos)
      << connected.dump();
  Json rows = Structured(gateway->Call(
      "query_storage", {{"connection_id", connected["connection_id"]}, {"query", "SELECT 1"}}));
  EXPECT_NE(rows.value("warning", "").find("superuser"), std::string::npos) << rows.dump();
}

// allow_privileged_login on the server reaches `aurite sql-server` as its flag.
TEST_F(PostgresGatewayTest, ServerWideOptInReachesTheSqlServer) {
  Json config = BaseConfig(dir_);
  config["mcpServers"]["sql"]["args"] = {"sql-server"};
  config["mcpServers"]["sql"]["allow_privileged_login"] = true;
  auto gateway = StartGateway(config);
  ASSERT_NE(gateway, nullptr);
  std::string token = Secure(*gateway, AdminUri())["token"];
  Json connected = Structured(gateway->Call(
      "connect_storage", {{"storage_type", "postgresql"}, {"connection_string", token}}));
  EXPECT_NE(connected.value("warning", "").find("superuser"), std::string::npos)
      << connected.dump();
  EXPECT_EQ(connected.value("writes_allowed", true), false) << connected.dump();
}

}  // namespace
}  // namespace aurite::e2e
