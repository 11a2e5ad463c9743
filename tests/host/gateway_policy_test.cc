// Tests of the gateway's policies with the real `aurite sql-server` and
// SQLite: tools/list per principal, refused and audited calls, connections
// by name and storage type, read access on a write-enabled connection,
// max_rows, database roles, and connections no other principal can reach.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <vector>

#include "host/gateway.h"
#include "host/storage_router.h"
#include "mcp/client/client.h"
#include "mcp/test_wire.h"
#include "sqlite_test_dir.h"

namespace aurite::host {
namespace {

using mcp::Json;

// One client session of the gateway's McpServer, as the principal `auth`
// (null: a transport that authenticates no one).
class PrincipalClient {
 public:
  PrincipalClient(mcp::McpServer& server, std::shared_ptr<const mcp::AuthInfo> auth,
                  std::string key) {
    session_ = server.Connect(to_client_.Sender());
    session_->SetOwner({std::move(key), false, {}, std::move(auth)});
    client_ = std::make_unique<mcp::McpClient>(to_server_.Sender());
    to_server_.Start([this](const std::string& text) { session_->Receive(text); });
    to_client_.Start([this](const std::string& text) { client_->Receive(text); });
    EXPECT_TRUE(client_->Initialize().ok());
  }
  ~PrincipalClient() {
    to_server_.Stop();
    to_client_.Stop();
    client_.reset();
    session_->End();
  }
  Json Tools() {
    mcp::RpcResult listed = client_->ListTools();
    EXPECT_TRUE(listed.ok());
    return listed.ok() ? listed.value()["tools"] : Json::array();
  }
  std::set<std::string> ToolNames() {
    std::set<std::string> names;
    for (const Json& tool : Tools()) names.insert(tool["name"].get<std::string>());
    return names;
  }
  // The input schema of the listed tool `name`; null when not listed.
  Json ToolSchema(const std::string& name) {
    for (const Json& tool : Tools()) {
      if (tool["name"] == name) return tool["inputSchema"];
    }
    return nullptr;
  }
  Json Call(const std::string& tool, Json arguments) {
    mcp::RpcResult result = client_->CallTool(tool, std::move(arguments));
    EXPECT_TRUE(result.ok()) << (result.ok() ? "" : result.error().message);
    return result.ok() ? result.value() : Json::object();
  }
  // The connection_id of a successful connect_storage; "" otherwise.
  std::string Connect(Json arguments) {
    Json opened = Call("connect_storage", std::move(arguments));
    return opened.value("structuredContent", Json::object()).value("connection_id", "");
  }

 private:
  mcp::testing::Channel to_server_, to_client_;
  std::shared_ptr<mcp::ServerSession> session_;
  std::unique_ptr<mcp::McpClient> client_;
};

std::string ErrorText(const Json& result) {
  if (!result.value("isError", false)) return "";
  return result["content"][0].value("text", "");
}

std::shared_ptr<const mcp::AuthInfo> Principal(std::string subject,
                                               std::vector<std::string> groups = {}) {
  auto auth = std::make_shared<mcp::AuthInfo>();
  auth->kind = mcp::AuthInfo::Kind::kOAuth;
  auth->principal = subject;
  auth->groups = std::move(groups);
  auth->claims = {{"sub", subject}};
  return auth;
}

class GatewayPolicyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = MakeSqliteTestDir("aurite-policy", 10);
    database_ = dir_ / "t.db";
  }
  void TearDown() override {
    server_.reset();
    gateway_.reset();
    if (router_) router_->DisconnectAll();
    router_.reset();
    if (host_) host_->Shutdown();
    host_.reset();
    std::filesystem::remove_all(dir_);
  }

  // A gateway over one SQLite database, named "orders" (writes allowed)
  // and "payroll", with these policies ("": no `policies` key). With
  // `probe`, also the connection "probed" on the e2e probe, a storage server
  // that records what it is sent in probe.jsonl.
  void StartGateway(const std::string& policies_json, bool probe = false) {
    Config config;
    ServerConfig sql;
    sql.name = "sql";
    sql.command = AURITE_BINARY;
    sql.args = {"sql-server"};
    sql.capabilities = {"tools", "storage"};
    config.servers.push_back(std::move(sql));
    if (probe) {
      ServerConfig recorder;
      recorder.name = "probe";
      recorder.command = AURITE_E2E_PROBE;
      recorder.args = {"--record", (dir_ / "probe.jsonl").string()};
      recorder.capabilities = {"tools", "storage"};
      config.servers.push_back(std::move(recorder));
      ConnectionConfig probed;
      probed.name = "probed";
      probed.storage_type = "sql";
      probed.server = "probe";
      probed.connection_string = crypto::SecretBuffer::CopyFrom("sqlite:///unused.db");
      config.connections.push_back(std::move(probed));
    }
    for (const char* name : {"orders", "payroll"}) {
      ConnectionConfig named;
      named.name = name;
      named.storage_type = "sqlite";
      named.connection_string = crypto::SecretBuffer::CopyFrom("sqlite:///" + database_.string());
      named.allow_writes = std::string(name) == "orders";
      config.connections.push_back(std::move(named));
    }
    config.security.store_path = dir_ / "store.db";
    config.security.audit_log = dir_ / "audit.jsonl";
    if (!policies_json.empty()) {
      StatusOr<Config> parsed =
          ParseConfig(R"({"policies": )" + policies_json + "}", "aurite.json", dir_);
      ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
      config.policies = std::move(parsed->policies);
    }
    StatusOr<std::unique_ptr<MCPHost>> host = MCPHost::Create(std::move(config), {});
    ASSERT_TRUE(host.ok()) << host.status().ToString();
    host_ = std::move(host).value();
    ASSERT_TRUE(host_->Start().ok());
    router_ = std::make_unique<StorageRouter>(*host_);
    gateway_ = std::make_unique<Gateway>(*host_, *router_);
    server_ = std::make_unique<mcp::McpServer>(Gateway::ServerOptions());
    gateway_->RegisterWith(*server_);
  }

  std::unique_ptr<PrincipalClient> As(std::shared_ptr<const mcp::AuthInfo> auth) {
    return std::make_unique<PrincipalClient>(*server_, std::move(auth),
                                             "session-" + std::to_string(++sessions_));
  }

  // The calls the probe received, as {"tool", "arguments"} objects.
  std::vector<Json> ProbeCalls() {
    std::vector<Json> calls;
    std::ifstream in(dir_ / "probe.jsonl");
    for (std::string line; std::getline(in, line);) calls.push_back(Json::parse(line));
    return calls;
  }

  std::string AuditLog() {
    std::ifstream in(dir_ / "audit.jsonl");
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  }

  std::filesystem::path dir_;
  std::filesystem::path database_;
  std::unique_ptr<MCPHost> host_;
  std::unique_ptr<StorageRouter> router_;
  std::unique_ptr<Gateway> gateway_;
  std::unique_ptr<mcp::McpServer> server_;
  int sessions_ = 0;
};

constexpr const char* kPolicies = R"([
  {"match": {"groups": ["analysts"]},
   "allow": {"connections": ["ord*"], "tools": ["connect_storage", "query_storage",
             "list_connections", "disconnect_storage"], "access": "read", "max_rows": 3}},
  {"match": {"subject": ["writer"]},
   "allow": {"connections": ["orders", "payroll"], "tools": ["connect_storage", "query_storage"],
             "access": "write"}},
  {"match": {"subject": ["adhoc"]},
   "allow": {"storage_types": ["postgresql"], "tools": ["connect_storage"]}},
  {"match": {"subject": ["roled"]},
   "allow": {"connections": ["orders"], "tools": ["connect_storage", "query_storage"]},
   "db_role": "{preferred_username}_role"}
])";

TEST_F(GatewayPolicyTest, ToolsListShowsEachPrincipalOnlyItsTools) {
  StartGateway(kPolicies);
  EXPECT_EQ(As(Principal("ann", {"analysts"}))->ToolNames(),
            (std::set<std::string>{"connect_storage", "query_storage", "list_connections",
                                   "disconnect_storage"}));
  EXPECT_EQ(As(Principal("writer"))->ToolNames(),
            (std::set<std::string>{"connect_storage", "query_storage"}));
  EXPECT_TRUE(As(Principal("stranger"))->ToolNames().empty());
  // Policies configured: a session nobody authenticated gets nothing either.
  EXPECT_TRUE(As(nullptr)->ToolNames().empty());
}

TEST_F(GatewayPolicyTest, RefusedCallsAreToolErrorsAndAudited) {
  StartGateway(kPolicies);
  std::string refused =
      ErrorText(As(Principal("stranger"))->Call("list_connections", Json::object()));
  EXPECT_NE(refused.find("no policy allows 'stranger' anything"), std::string::npos) << refused;
  refused = ErrorText(As(Principal("ann", {"analysts"}))
                          ->Call("secure_database_connection",
                                 {{"connection_string", "sqlite:///" + database_.string()}}));
  EXPECT_NE(refused.find("the tool secure_database_connection is not allowed for 'ann'"),
            std::string::npos)
      << refused;
  // The storage server's own tools bypass connections and access: refused
  // to a governed principal even were they listed.
  refused = ErrorText(As(Principal("ann", {"analysts"}))
                          ->Call("sql_execute_query", {{"connection_id", "x"}, {"query", "1"}}));
  EXPECT_FALSE(refused.empty());
  const std::string audit = AuditLog();
  EXPECT_NE(audit.find(R"("event":"policy_denied")"), std::string::npos) << audit;
  EXPECT_NE(audit.find(R"("principal":"stranger","tool":"list_connections")"), std::string::npos)
      << audit;
  EXPECT_NE(audit.find(R"("principal":"ann","tool":"secure_database_connection")"),
            std::string::npos)
      << audit;
}

TEST_F(GatewayPolicyTest, ConnectionsAccessAndMaxRowsFollowTheRule) {
  StartGateway(kPolicies);
  auto ann = As(Principal("ann", {"analysts"}));
  std::string orders = ann->Connect({{"storage_type", "sqlite"}, {"connection_name", "orders"}});
  ASSERT_FALSE(orders.empty());
  std::string refused = ErrorText(
      ann->Call("connect_storage", {{"storage_type", "sqlite"}, {"connection_name", "payroll"}}));
  EXPECT_NE(refused.find("the connection 'payroll' is not allowed for 'ann'"), std::string::npos)
      << refused;
  // Brought by the caller: no storage type is allowed to analysts.
  refused = ErrorText(ann->Call(
      "connect_storage",
      {{"storage_type", "sqlite"}, {"connection_string", "sqlite:///" + database_.string()}}));
  EXPECT_NE(refused.find("storage type 'sqlite'"), std::string::npos) << refused;

  // Read access on a connection the operator lets write.
  Json wrote = ann->Call("query_storage",
                         {{"connection_id", orders}, {"query", "INSERT INTO t VALUES (11)"}});
  EXPECT_TRUE(wrote.value("isError", false)) << wrote.dump();
  auto writer = As(Principal("writer"));
  std::string writable =
      writer->Connect({{"storage_type", "sqlite"}, {"connection_name", "orders"}});
  ASSERT_FALSE(writable.empty());
  wrote = writer->Call("query_storage",
                       {{"connection_id", writable}, {"query", "INSERT INTO t VALUES (11)"}});
  EXPECT_FALSE(wrote.value("isError", false)) << wrote.dump();
  // A write rule adds no writes the operator did not allow (payroll).
  std::string payroll =
      writer->Connect({{"storage_type", "sqlite"}, {"connection_name", "payroll"}});
  ASSERT_FALSE(payroll.empty());
  wrote = writer->Call("query_storage",
                       {{"connection_id", payroll}, {"query", "INSERT INTO t VALUES (12)"}});
  EXPECT_TRUE(wrote.value("isError", false)) << wrote.dump();

  // max_rows: the lower of the rule's (3) and the caller's.
  Json rows = ann->Call(
      "query_storage",
      {{"connection_id", orders}, {"query", "SELECT x FROM t ORDER BY x"}, {"max_rows", 100}});
  ASSERT_FALSE(rows.value("isError", false)) << rows.dump();
  EXPECT_EQ(rows["structuredContent"]["rows"].size(), 3u) << rows.dump();
  EXPECT_EQ(rows["structuredContent"]["truncated"], true);
  rows = ann->Call("query_storage",
                   {{"connection_id", orders}, {"query", "SELECT x FROM t"}, {"max_rows", 2}});
  EXPECT_EQ(rows["structuredContent"]["rows"].size(), 2u) << rows.dump();
}

TEST_F(GatewayPolicyTest, StorageTypesGovernConnectionsTheCallerBrings) {
  StartGateway(kPolicies);
  auto adhoc = As(Principal("adhoc"));
  // Asked as "sql" (any type), refused once the database turns out SQLite.
  std::string refused = ErrorText(adhoc->Call(
      "connect_storage",
      {{"storage_type", "sql"}, {"connection_string", "sqlite:///" + database_.string()}}));
  EXPECT_NE(refused.find("storage type 'sqlite'"), std::string::npos) << refused;
  refused = ErrorText(adhoc->Call(
      "connect_storage", {{"storage_type", "sqlite"}, {"connection_string", "sqlite::memory:"}}));
  EXPECT_NE(refused.find("storage type 'sqlite'"), std::string::npos) << refused;
}

TEST_F(GatewayPolicyTest, DbRoleNeedsItsClaimAndIsNeverSkipped) {
  StartGateway(kPolicies);
  auto roled = As(Principal("roled"));  // no preferred_username claim
  std::string orders = roled->Connect({{"storage_type", "sqlite"}, {"connection_name", "orders"}});
  ASSERT_FALSE(orders.empty());
  std::string refused =
      ErrorText(roled->Call("query_storage", {{"connection_id", orders}, {"query", "SELECT 1"}}));
  EXPECT_NE(refused.find("needs the claim 'preferred_username'"), std::string::npos) << refused;
  const std::string audit = AuditLog();
  EXPECT_NE(audit.find(R"("principal":"roled","tool":"query_storage")"), std::string::npos)
      << audit;
}

TEST_F(GatewayPolicyTest, ConnectionsBelongToTheirPrincipal) {
  StartGateway(kPolicies);
  auto ann = As(Principal("ann", {"analysts"}));
  auto bob = As(Principal("bob", {"analysts"}));
  std::string id = ann->Connect({{"storage_type", "sqlite"}, {"connection_name", "orders"}});
  ASSERT_FALSE(id.empty());
  // Bob, allowed the same connection by the same rule, cannot reach Ann's.
  EXPECT_NE(ErrorText(bob->Call("query_storage", {{"connection_id", id}, {"query", "SELECT 1"}}))
                .find("no open connection has this connection_id"),
            std::string::npos);
  EXPECT_TRUE(ErrorText(bob->Call("disconnect_storage", {{"connection_id", id}})).size() > 0);
  EXPECT_TRUE(
      bob->Call("list_connections", Json::object())["structuredContent"]["connections"].empty());
  // Ann's second session is Ann: it may use her connection.
  auto ann_again = As(Principal("ann", {"analysts"}));
  Json listed = ann_again->Call("list_connections", Json::object());
  ASSERT_EQ(listed["structuredContent"]["connections"].size(), 1u) << listed.dump();
  Json query = ann_again->Call("query_storage",
                               {{"connection_id", id}, {"query", "SELECT count(*) FROM t"}});
  EXPECT_FALSE(query.value("isError", false)) << query.dump();
}

TEST_F(GatewayPolicyTest, WithoutPoliciesNothingChanges) {
  StartGateway("");
  auto local = std::make_shared<mcp::AuthInfo>();
  local->principal = "me";  // kLocalUser, as stdio names it
  auto me = As(local);
  std::set<std::string> tools = me->ToolNames();
  EXPECT_EQ(tools.count("secure_database_connection"), 1u);
  EXPECT_EQ(tools.count("sql_execute_query"), 1u);
  std::string orders = me->Connect({{"storage_type", "sqlite"}, {"connection_name", "orders"}});
  Json wrote = me->Call("query_storage",
                        {{"connection_id", orders}, {"query", "INSERT INTO t VALUES (11)"}});
  EXPECT_FALSE(wrote.value("isError", false)) << wrote.dump();
  // An OAuth principal is governed even so (gateway.auth on): denied by default.
  EXPECT_TRUE(As(Principal("ann"))->ToolNames().empty());
}

TEST_F(GatewayPolicyTest, TheStorageServerGetsThePolicysRoleMaxRowsAndReadOnly) {
  StartGateway(R"([{"match": {"subject": ["ann"]},
                    "allow": {"connections": ["probed"], "tools": ["connect_storage",
                              "query_storage"], "max_rows": 7},
                    "db_role": "{preferred_username}_role"}])",
               true);
  auto auth = std::make_shared<mcp::AuthInfo>(*Principal("ann"));
  auth->claims["preferred_username"] = "ann";
  auto ann = As(auth);
  std::string id = ann->Connect({{"storage_type", "sql"}, {"connection_name", "probed"}});
  ASSERT_FALSE(id.empty());
  // The client's own role and a larger max_rows do not pass.
  Json query = ann->Call(
      "query_storage",
      {{"connection_id", id}, {"query", "SELECT 1"}, {"max_rows", 100}, {"role", "postgres"}});
  ASSERT_FALSE(query.value("isError", false)) << query.dump();
  Json connect, execute;
  for (const Json& call : ProbeCalls()) {
    if (call["tool"] == "connect_database") connect = call["arguments"];
    if (call["tool"] == "execute_query") execute = call["arguments"];
  }
  EXPECT_EQ(connect.value("read_only", false), true) << connect.dump();
  EXPECT_EQ(execute.value("role", ""), "ann_role") << execute.dump();
  EXPECT_EQ(execute.value("max_rows", 0), 7) << execute.dump();
}

TEST_F(GatewayPolicyTest, ClientsNeverSeeOrSetAStorageServersRole) {
  StartGateway("", true);
  auto anyone = As(nullptr);
  std::set<std::string> tools = anyone->ToolNames();
  ASSERT_EQ(tools.count("probe_execute_query"), 1u);
  EXPECT_EQ(anyone->ToolSchema("probe_execute_query")["properties"].count("role"), 0u);
  Json opened =
      anyone->Call("probe_connect_database", {{"connection_string", "sqlite:///unused.db"}});
  std::string id = opened.value("structuredContent", Json::object()).value("connection_id", "");
  ASSERT_FALSE(id.empty());
  Json query = anyone->Call("probe_execute_query",
                            {{"connection_id", id}, {"query", "SELECT 1"}, {"role", "postgres"}});
  // Refused with a reason, not silently dropped, and never sent on.
  ASSERT_TRUE(query.value("isError", false)) << query.dump();
  EXPECT_NE(query.dump().find("'role' is not the caller's to set"), std::string::npos)
      << query.dump();
  for (const Json& call : ProbeCalls()) EXPECT_NE(call["tool"], "execute_query") << call.dump();
}

}  // namespace
}  // namespace aurite::host
