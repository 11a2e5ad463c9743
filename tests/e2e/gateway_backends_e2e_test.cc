// End-to-end: `aurite serve` with per-connection writes, a backend reached
// over Streamable HTTP (the real `aurite sql-server --http`), and start-up
// failures (a backend that cannot start, a malformed config, an unresolvable
// secret reference). SQLite only, so no database fixture is needed.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <thread>

#include "gateway_process.h"

namespace aurite::e2e {
namespace {

using mcp::Json;

class GatewayBackendsTest : public GatewayTestBase {
 protected:
  // A config whose only server is the SQL server without --allow-writes.
  Json ReadOnlySqlConfig() {
    Json config = BaseConfig(dir_);
    config["mcpServers"].erase("probe");
    config["mcpServers"]["sql"]["args"] = {"sql-server"};
    return config;
  }
};

Json Connect(GatewayProcess& gateway, const std::string& name) {
  return Structured(
      gateway.Call("connect_storage", {{"storage_type", "sqlite"}, {"connection_name", name}}));
}

Json Query(GatewayProcess& gateway, const Json& connection_id, const std::string& sql) {
  return gateway.Call("query_storage", {{"connection_id", connection_id}, {"query", sql}});
}

bool HasTool(const Json& tools, const std::string& name) {
  for (const Json& tool : tools) {
    if (tool.value("name", "") == name) return true;
  }
  return false;
}

TEST_F(GatewayBackendsTest, OnlyANamedConnectionWithAllowWritesMayWrite) {
  std::string database = SampleDatabase();
  Json config = ReadOnlySqlConfig();
  config["connections"] = {
      {"writer",
       {{"storage_type", "sqlite"}, {"connection_string", database}, {"allow_writes", true}}},
      {"reader", {{"storage_type", "sqlite"}, {"connection_string", database}}}};
  auto gateway = StartGateway(config);
  ASSERT_NE(gateway, nullptr);

  Json writer = Connect(*gateway, "writer");
  Json reader = Connect(*gateway, "reader");
  Json secured =
      Structured(gateway->Call("secure_database_connection", {{"connection_string", database}}));
  Json own = Structured(gateway->Call(
      "connect_storage", {{"storage_type", "sqlite"}, {"connection_string", secured["token"]}}));

  Json inserted =
      Query(*gateway, writer["connection_id"], "INSERT INTO items(name) VALUES ('fig')");
  EXPECT_FALSE(inserted.value("isError", false)) << inserted.dump();
  for (const Json& refused : {reader, own}) {
    Json denied =
        Query(*gateway, refused["connection_id"], "INSERT INTO items(name) VALUES ('plum')");
    EXPECT_TRUE(denied.value("isError", false)) << denied.dump();
  }
  Json count = Structured(Query(*gateway, reader["connection_id"],
                                "SELECT count(*) AS n FROM items WHERE name = 'fig'"));
  EXPECT_NE(count.dump().find("1"), std::string::npos) << count.dump();
  Json plums = Structured(Query(*gateway, reader["connection_id"],
                                "SELECT count(*) AS n FROM items WHERE name = 'plum'"));
  EXPECT_NE(plums.dump().find("0"), std::string::npos) << plums.dump();
}

TEST_F(GatewayBackendsTest, HttpBackendIsExposedAndResolvesTokensThroughTheHost) {
  const std::string bearer = "canary-bearer-" + NewKey();
  std::ofstream(dir_ / "bearer") << bearer << "\n";
  auto remote =
      HttpSqlServer::Start({"--bearer-token-env", "REMOTE_TOKEN"}, {"REMOTE_TOKEN=" + bearer});
  ASSERT_NE(remote->port(), 0) << remote->log();
  Json config = BaseConfig(dir_);
  config["mcpServers"].erase("sql");
  config["mcpServers"]["remote"] = {
      {"url", remote->url()},
      {"headers", {{"Authorization", "Bearer ${file:" + (dir_ / "bearer").string() + "}"}}},
      {"capabilities", {"tools", "storage"}}};
  config["connections"] = {{"sample",
                            {{"storage_type", "sqlite"},
                             {"connection_string", SampleDatabase()},
                             {"server", "remote"}}}};
  auto gateway = StartGateway(config);
  ASSERT_NE(gateway, nullptr);

  mcp::RpcResult listed = gateway->client().ListTools();
  ASSERT_TRUE(listed.ok());
  EXPECT_TRUE(HasTool(listed.value()["tools"], "remote_execute_query")) << listed.value().dump();
  EXPECT_TRUE(HasTool(listed.value()["tools"], "connect_storage"));

  // The HTTP backend resolves the named connection's token with the host
  // (a server-to-client request over its SSE stream).
  Json connected = Connect(*gateway, "sample");
  Json rows =
      Structured(Query(*gateway, connected["connection_id"], "SELECT name FROM items ORDER BY id"));
  EXPECT_NE(rows.dump().find("pear"), std::string::npos) << rows.dump();

  // The backend's own tool, called through the prefix, with a raw string the
  // gateway turns into a token bound to the backend.
  Json direct = Structured(
      gateway->Call("remote_connect_database",
                    {{"connection_string", "sqlite:///" + (dir_ / "sample.db").string()}}));
  EXPECT_TRUE(direct.contains("connection_id")) << direct.dump();

  EXPECT_EQ(gateway->received().find(bearer), std::string::npos);
  EXPECT_EQ(ReadFile(dir_ / "host.log").find(bearer), std::string::npos);
}

TEST_F(GatewayBackendsTest, RestartedHttpBackendIsReconnectedAndConnectionsReopened) {
  auto remote = HttpSqlServer::Start({});
  ASSERT_NE(remote->port(), 0) << remote->log();
  const std::uint16_t port = remote->port();
  Json config = BaseConfig(dir_);
  config["mcpServers"] = {{"remote", {{"url", remote->url()}, {"capabilities", {"storage"}}}}};
  config["connections"] = {
      {"sample", {{"storage_type", "sqlite"}, {"connection_string", SampleDatabase()}}}};
  auto gateway = StartGateway(config);
  ASSERT_NE(gateway, nullptr);
  Json connection_id = Connect(*gateway, "sample")["connection_id"];
  const std::string query = "SELECT name FROM items WHERE id = 2";
  EXPECT_FALSE(Query(*gateway, connection_id, query).value("isError", false));

  remote.reset();  // the server goes away with its session and connection ids
  remote = HttpSqlServer::Start({}, {}, port);
  ASSERT_EQ(remote->port(), port) << remote->log();
  Json lost = Query(*gateway, connection_id, query);
  EXPECT_TRUE(lost.value("isError", false)) << lost.dump();
  Json rows = Structured(Query(*gateway, connection_id, query));
  EXPECT_NE(rows.dump().find("pear"), std::string::npos) << rows.dump();
}

// structuredContent of a tools/call over `client`, or null with the error text in the failure.
Json CallOver(mcp::HttpClient& client, const std::string& tool, const Json& arguments) {
  mcp::RpcResult result = client.client().CallTool(tool, arguments);
  EXPECT_TRUE(result.ok()) << tool << ": " << (result.ok() ? "" : result.error().message);
  return result.ok() ? result.value() : Json::object();
}

TEST_F(GatewayBackendsTest, HttpClientEndingItsSessionClosesItsConnectionsAndKillsTheirTokens) {
  const std::string database = SampleDatabase();
  Json config = ReadOnlySqlConfig();
  auto gateway = HttpGateway::Start(dir_, config, key_);
  ASSERT_NE(gateway->port(), 0);
  auto leaving = gateway->Connect();
  auto staying = gateway->Connect();
  auto token_of = [&](mcp::HttpClient& client) -> std::string {
    return Structured(
        CallOver(client, "secure_database_connection", {{"connection_string", database}}))["token"];
  };
  const std::string leaving_token = token_of(*leaving);
  const std::string staying_token = token_of(*staying);
  auto connect = [&](mcp::HttpClient& client, const std::string& token) {
    return CallOver(client, "connect_storage",
                    {{"storage_type", "sqlite"}, {"connection_string", token}});
  };
  const Json left = Structured(connect(*leaving, leaving_token));
  const Json stayed = Structured(connect(*staying, staying_token));
  ASSERT_TRUE(left.contains("connection_id")) << left.dump();
  ASSERT_TRUE(stayed.contains("connection_id")) << stayed.dump();

  ASSERT_TRUE(leaving->Terminate().ok());  // DELETE for its session

  const std::string refused = ErrorText(connect(*staying, leaving_token));
  EXPECT_NE(refused.find("expired or was revoked"), std::string::npos) << refused;
  const std::string listed = CallOver(*staying, "list_connections", Json::object()).dump();
  EXPECT_EQ(listed.find(left["connection_id"].get<std::string>()), std::string::npos) << listed;
  // The other session's connection and token are untouched.
  const Json rows = CallOver(*staying, "query_storage",
                             {{"connection_id", stayed["connection_id"]},
                              {"query", "SELECT name FROM items ORDER BY id"}});
  EXPECT_NE(rows.dump().find("apple"), std::string::npos) << rows.dump();
  EXPECT_TRUE(Structured(connect(*staying, staying_token)).contains("connection_id"));
}

TEST_F(GatewayBackendsTest, ClientCancellingAForwardedCallCancelsItOnTheBackend) {
  auto gateway = StartGateway(BaseConfig(dir_));
  ASSERT_NE(gateway, nullptr);
  mcp::CallOptions options;
  options.timeout =
      std::chrono::milliseconds(300);  // then our client sends notifications/cancelled
  mcp::RpcResult waited =
      gateway->client().CallTool("probe_wait_for_cancel", Json::object(), options);
  ASSERT_FALSE(waited.ok());
  EXPECT_EQ(waited.error().code, mcp::error_code::kRequestTimeout);
  // The probe would wait a minute if nobody told it; it counts the cancel it got.
  int cancelled = 0;
  for (int i = 0; i < 100 && cancelled == 0; ++i) {
    cancelled = Structured(gateway->Call("probe_cancelled_calls", Json::object()))
                    .value("cancelled_calls", 0);
    if (cancelled == 0) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_EQ(cancelled, 1);
}

TEST_F(GatewayBackendsTest, HttpBackendWithAWrongBearerTokenStopsStartUpNamingIt) {
  auto remote = HttpSqlServer::Start({"--bearer-token-env", "REMOTE_TOKEN"},
                                     {"REMOTE_TOKEN=the-right-token-0123456789"});
  ASSERT_NE(remote->port(), 0) << remote->log();
  Json config = BaseConfig(dir_);
  config["mcpServers"] = {
      {"remote",
       {{"url", remote->url()}, {"headers", {{"Authorization", "Bearer canary-wrong-token-42"}}}}}};
  FailedStart run = RunServeExpectingFailure(dir_, config.dump(), key_);
  EXPECT_FALSE(run.became_ready);
  EXPECT_TRUE(WIFEXITED(run.status) && WEXITSTATUS(run.status) != 0) << run.status;
  EXPECT_NE(run.stderr_text.find("'remote'"), std::string::npos) << run.stderr_text;
  EXPECT_EQ(run.stderr_text.find("canary-wrong-token-42"), std::string::npos) << run.stderr_text;
}

TEST_F(GatewayBackendsTest, ABackendThatCannotStartStopsStartUpNamingIt) {
  Json config = BaseConfig(dir_);
  config["mcpServers"]["broken"] = {{"command", (dir_ / "no-such-program").string()}};
  FailedStart run = RunServeExpectingFailure(dir_, config.dump(), key_);
  EXPECT_FALSE(run.became_ready) << run.stderr_text;
  EXPECT_TRUE(WIFEXITED(run.status) && WEXITSTATUS(run.status) == 2) << run.status;
  EXPECT_NE(run.stderr_text.find("aurite: error: "), std::string::npos) << run.stderr_text;
  EXPECT_NE(run.stderr_text.find("server 'broken'"), std::string::npos) << run.stderr_text;
}

TEST_F(GatewayBackendsTest, MalformedConfigExitsWithTwoAndTheKeyPath) {
  Json config = BaseConfig(dir_);
  config["mcpServers"]["sql"]["timeout"] = "soon";
  FailedStart run = RunServeExpectingFailure(dir_, config.dump(), key_);
  EXPECT_TRUE(WIFEXITED(run.status) && WEXITSTATUS(run.status) == 2) << run.status;
  EXPECT_NE(run.stderr_text.find("mcpServers.sql.timeout"), std::string::npos) << run.stderr_text;

  FailedStart syntax = RunServeExpectingFailure(dir_, "{\"mcpServers\": {", key_);
  EXPECT_TRUE(WIFEXITED(syntax.status) && WEXITSTATUS(syntax.status) == 2) << syntax.status;
  EXPECT_NE(syntax.stderr_text.find("aurite.json"), std::string::npos) << syntax.stderr_text;
}

TEST_F(GatewayBackendsTest, UnresolvableReferenceStartsNothing) {
  Json config = BaseConfig(dir_);
  const std::filesystem::path marker = dir_ / "started";
  config["mcpServers"] = {
      {"witness", {{"command", "/bin/sh"}, {"args", {"-c", "touch " + marker.string()}}}}};
  config["connections"] = {
      {"orders",
       {{"storage_type", "postgresql"},
        {"connection_string", "postgresql://app:${env:AURITE_TEST_NEVER_SET}@db/orders"}}}};
  FailedStart run = RunServeExpectingFailure(dir_, config.dump(), key_);
  EXPECT_TRUE(WIFEXITED(run.status) && WEXITSTATUS(run.status) == 2) << run.status;
  EXPECT_NE(run.stderr_text.find("connections.orders.connection_string"), std::string::npos)
      << run.stderr_text;
  EXPECT_NE(run.stderr_text.find("AURITE_TEST_NEVER_SET"), std::string::npos) << run.stderr_text;
  EXPECT_FALSE(std::filesystem::exists(marker));
}

}  // namespace
}  // namespace aurite::e2e
