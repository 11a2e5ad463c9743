// End-to-end: what one client of `aurite serve` opens, another cannot use,
// and no backend ever receives a raw credential. Two Streamable HTTP
// sessions stand for two clients; probe servers record what they receive.
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "gateway_process.h"
#include "servers/credentials_protocol.h"

namespace aurite::e2e {
namespace {

using mcp::Json;

// A canary password no test ever expects to see again.
constexpr const char* kCanary = "Canary-Isolation-7f3a9";

Json Call(mcp::HttpClient& client, const std::string& tool, Json arguments) {
  mcp::RpcResult result = client.client().CallTool(tool, std::move(arguments));
  EXPECT_TRUE(result.ok()) << (result.ok() ? "" : result.error().message);
  return result.ok() ? result.value() : Json::object();
}

bool IsError(const Json& result) { return result.value("isError", false); }

// The arguments of every call a probe started with --record received.
std::vector<Json> Recorded(const std::filesystem::path& file) {
  std::vector<Json> calls;
  std::ifstream in(file);
  for (std::string line; std::getline(in, line);) calls.push_back(Json::parse(line));
  return calls;
}

class GatewayIsolationTest : public GatewayTestBase {
 protected:
  // The base config plus "vault", a probe with the "storage" capability, and
  // both probes recording what they receive.
  Json Config() {
    Json config = BaseConfig(dir_);
    config["mcpServers"]["probe"]["args"] = {"--record", (dir_ / "probe.jsonl").string()};
    config["mcpServers"]["vault"] = config["mcpServers"]["probe"];
    config["mcpServers"]["vault"]["args"] = {"--record", (dir_ / "vault.jsonl").string()};
    config["mcpServers"]["vault"]["capabilities"] = {"tools", "storage"};
    return config;
  }
};

TEST_F(GatewayIsolationTest, AnotherSessionCannotSeeUseOrCloseARouterConnection) {
  std::string database = SampleDatabase();
  auto gateway = HttpGateway::Start(dir_, Config(), key_);
  ASSERT_NE(gateway->port(), 0);
  auto alice = gateway->Connect();
  auto mallory = gateway->Connect();

  Json opened = Structured(Call(*alice, "connect_storage",
                                {{"storage_type", "sqlite"}, {"connection_string", database}}));
  const std::string id = opened.value("connection_id", "");
  ASSERT_FALSE(id.empty()) << opened.dump();
  // 128 random bits, as 32 hex digits after the prefix.
  EXPECT_EQ(id.size(), std::string("storage_").size() + 32) << id;

  Json listed = Structured(Call(*mallory, "list_connections", Json::object()));
  EXPECT_TRUE(listed["connections"].empty()) << listed.dump();
  const std::string unknown_id = "storage_" + std::string(32, '0');
  Json made_up =
      Call(*mallory, "query_storage", {{"connection_id", unknown_id}, {"query", "SELECT 1"}});
  ASSERT_TRUE(IsError(made_up));
  Json stolen = Call(*mallory, "query_storage", {{"connection_id", id}, {"query", "SELECT 1"}});
  EXPECT_TRUE(IsError(stolen));
  EXPECT_EQ(ErrorText(stolen), ErrorText(made_up));
  Json closed = Call(*mallory, "disconnect_storage", {{"connection_id", id}});
  EXPECT_TRUE(IsError(closed));
  EXPECT_EQ(ErrorText(closed),
            ErrorText(Call(*mallory, "disconnect_storage", {{"connection_id", unknown_id}})));
  Json described = Call(*mallory, "list_storage_tables", {{"connection_id", id}});
  EXPECT_EQ(ErrorText(described), ErrorText(made_up));

  // Alice's connection is untouched by all of that.
  Json mine = Call(*alice, "query_storage", {{"connection_id", id}, {"query", "SELECT 1 AS one"}});
  EXPECT_FALSE(IsError(mine)) << mine.dump();
  EXPECT_EQ(Structured(Call(*alice, "list_connections", Json::object()))["connections"].size(), 1u);
}

TEST_F(GatewayIsolationTest, ATokenFromSecureDatabaseConnectionServesOnlyItsSession) {
  std::string database = SampleDatabase();
  auto gateway = HttpGateway::Start(dir_, Config(), key_);
  ASSERT_NE(gateway->port(), 0);
  auto alice = gateway->Connect();
  auto mallory = gateway->Connect();
  Json secured =
      Structured(Call(*alice, "secure_database_connection", {{"connection_string", database}}));
  const std::string token = secured.value("token", "");
  ASSERT_FALSE(token.empty());

  Json made_up = Call(
      *mallory, "connect_storage",
      {{"storage_type", "sqlite"}, {"connection_string", "aurite_tk_" + std::string(43, 'A')}});
  ASSERT_TRUE(IsError(made_up));
  Json stolen =
      Call(*mallory, "connect_storage", {{"storage_type", "sqlite"}, {"connection_string", token}});
  EXPECT_TRUE(IsError(stolen));
  EXPECT_EQ(ErrorText(stolen), ErrorText(made_up));
  // The same through the SQL server's own connect tool.
  Json direct =
      Call(*mallory, "sql_connect_database", {{"connection_string", token}, {"use_token", true}});
  EXPECT_TRUE(IsError(direct));
  EXPECT_EQ(ErrorText(direct), ErrorText(made_up));

  Json mine =
      Call(*alice, "connect_storage", {{"storage_type", "sqlite"}, {"connection_string", token}});
  EXPECT_FALSE(IsError(mine)) << mine.dump();
}

TEST_F(GatewayIsolationTest, BackendConnectionIdsBelongToTheSessionThatOpenedThem) {
  std::string database = SampleDatabase();
  Json config = Config();
  config["mcpServers"]["sql"]["args"] = {"sql-server", "--max-connections", "1"};
  auto gateway = HttpGateway::Start(dir_, config, key_);
  ASSERT_NE(gateway->port(), 0);
  auto alice = gateway->Connect();
  auto mallory = gateway->Connect();
  Json opened = Structured(Call(*alice, "sql_connect_database", {{"connection_string", database}}));
  const std::string id = opened.value("connection_id", "");
  ASSERT_FALSE(id.empty()) << opened.dump();

  Json made_up = Call(*mallory, "sql_execute_query",
                      {{"connection_id", "conn_" + std::string(22, 'A')}, {"query", "SELECT 1"}});
  ASSERT_TRUE(IsError(made_up));
  const std::vector<std::pair<std::string, Json>> calls = {
      {"sql_execute_query", {{"connection_id", id}, {"query", "SELECT 1"}}},
      {"sql_list_tables", {{"connection_id", id}}},
      {"sql_disconnect", {{"connection_id", id}}}};
  for (const auto& [tool, arguments] : calls) {
    Json stolen = Call(*mallory, tool, arguments);
    EXPECT_TRUE(IsError(stolen)) << tool;
    EXPECT_EQ(ErrorText(stolen), ErrorText(made_up)) << tool;
  }
  Json mine = Call(*alice, "sql_execute_query", {{"connection_id", id}, {"query", "SELECT 2"}});
  EXPECT_FALSE(IsError(mine)) << mine.dump();

  // Ending Alice's session closes what she opened on the server, whose one
  // connection slot (--max-connections 1) is then free for Bob.
  ASSERT_TRUE(alice->Terminate().ok());
  auto bob = gateway->Connect();
  Json reopened = Call(*bob, "sql_connect_database", {{"connection_string", database}});
  EXPECT_FALSE(IsError(reopened)) << reopened.dump();
}

TEST_F(GatewayIsolationTest, EndingASessionPurgesTheTokensItWasGiven) {
  std::string database = SampleDatabase();
  auto gateway = HttpGateway::Start(dir_, Config(), key_);
  ASSERT_NE(gateway->port(), 0);
  auto alice = gateway->Connect();
  Json secured =
      Structured(Call(*alice, "secure_database_connection", {{"connection_string", database}}));
  ASSERT_TRUE(secured.contains("token"));
  auto observer = gateway->Connect();
  Json before = Structured(Call(*observer, "probe_resolve", {{"token", secured["token"]}}));
  // The probe lacks "storage": a live token is refused, a dead one unknown.
  EXPECT_EQ(before["code"], servers::kPermissionDeniedError) << before.dump();
  ASSERT_TRUE(alice->Terminate().ok());
  Json after = Structured(Call(*observer, "probe_resolve", {{"token", secured["token"]}}));
  EXPECT_EQ(after["code"], servers::kUnknownTokenError) << after.dump();
}

TEST_F(GatewayIsolationTest, ARawConnectionStringIsSecuredWhateverUseTokenSays) {
  auto gateway = HttpGateway::Start(dir_, Config(), key_);
  ASSERT_NE(gateway->port(), 0);
  auto client = gateway->Connect();
  const std::string raw = std::string("postgresql://app:") + kCanary + "@127.0.0.1:1/db";
  for (const Json& use_token : {Json(true), Json(false), Json()}) {
    Json arguments = {{"connection_string", raw}};
    if (!use_token.is_null()) arguments["use_token"] = use_token;
    Json opened = Call(*client, "vault_connect_database", arguments);
    EXPECT_FALSE(IsError(opened)) << opened.dump();
  }
  std::vector<Json> calls = Recorded(dir_ / "vault.jsonl");
  ASSERT_EQ(calls.size(), 3u);
  for (const Json& call : calls) {
    const std::string forwarded = call["arguments"].value("connection_string", "");
    EXPECT_TRUE(forwarded.starts_with("aurite_tk_")) << call.dump();
    EXPECT_EQ(call["arguments"].value("use_token", false), true) << call.dump();
    EXPECT_EQ(call.dump().find(kCanary), std::string::npos) << call.dump();
  }
}

TEST_F(GatewayIsolationTest, NoCredentialReachesAServerWithoutStorage) {
  auto gateway = HttpGateway::Start(dir_, Config(), key_);
  ASSERT_NE(gateway->port(), 0);
  auto client = gateway->Connect();
  const std::string raw = std::string("postgresql://app:") + kCanary + "@127.0.0.1:1/db";
  Json connect = Call(*client, "probe_connect_database", {{"connection_string", raw}});
  EXPECT_TRUE(IsError(connect)) << connect.dump();
  EXPECT_NE(ErrorText(connect).find("storage"), std::string::npos) << ErrorText(connect);
  // Wherever it is put, and in the keyword form too.
  Json chatter = Call(*client, "probe_chatter", {{"text", raw}});
  EXPECT_TRUE(IsError(chatter)) << chatter.dump();
  Json keywords = Call(*client, "probe_chatter",
                       {{"text", std::string("host=db user=app password=") + kCanary}});
  EXPECT_TRUE(IsError(keywords)) << keywords.dump();
  // A storage server's other arguments are no way in either.
  Json smuggled = Call(*client, "vault_resolve", {{"token", raw}});
  EXPECT_TRUE(IsError(smuggled)) << smuggled.dump();
  // Text that merely mentions a password is not a connection string.
  Json prose =
      Call(*client, "probe_chatter", {{"text", "SELECT * FROM users WHERE password = 'x'"}});
  EXPECT_FALSE(IsError(prose)) << prose.dump();

  for (const char* record : {"probe.jsonl", "vault.jsonl"}) {
    for (const Json& call : Recorded(dir_ / record)) {
      EXPECT_EQ(call.dump().find(kCanary), std::string::npos) << record << ": " << call.dump();
    }
  }
}

TEST_F(GatewayIsolationTest, OnlyTheServerGivenATokenCanReleaseIt) {
  auto gateway = HttpGateway::Start(dir_, Config(), key_);
  ASSERT_NE(gateway->port(), 0);
  auto client = gateway->Connect();
  Json opened = Call(*client, "vault_connect_database",
                     {{"connection_string", std::string("sqlite:///") + dir_.string() + "/x.db"}});
  ASSERT_FALSE(IsError(opened)) << opened.dump();
  std::vector<Json> calls = Recorded(dir_ / "vault.jsonl");
  ASSERT_EQ(calls.size(), 1u);
  const std::string token = calls[0]["arguments"].value("connection_string", "");
  ASSERT_TRUE(token.starts_with("aurite_tk_"));

  // The probe learnt the token somehow; its release must change nothing.
  // Notifications are handled apart from responses, so give the host's
  // handler the time to act before looking.
  Call(*client, "probe_release", {{"token", token}});
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  Json still = Structured(Call(*client, "vault_resolve", {{"token", token}}));
  EXPECT_EQ(still["resolved"], true) << still.dump();

  // The server that was given it may give it up.
  Call(*client, "vault_release", {{"token", token}});
  Json gone = Json::object();
  for (int i = 0; i < 50 && gone.value("code", 0) != servers::kUnknownTokenError; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    gone = Structured(Call(*client, "vault_resolve", {{"token", token}}));
  }
  EXPECT_EQ(gone["code"], servers::kUnknownTokenError) << gone.dump();
}

}  // namespace
}  // namespace aurite::e2e
