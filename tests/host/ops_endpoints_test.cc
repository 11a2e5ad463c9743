// Tests of the gateway's operational pages (ops_endpoints.h), with the
// readiness checks and metrics `aurite serve` gives them: a real host with
// the real `aurite sql-server` on SQLite, the gateway's tools on a real
// HTTP server, MCP calls through the HTTP client and the pages read raw.
// Canary values (a password, a principal, a connection name, the gateway's
// token, an access token) must never reach a page.
#include "host/ops_endpoints.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "crypto/fernet_key.h"
#include "crypto/key_loader.h"
#include "host/gateway.h"
#include "host/live_gauges.h"
#include "host/readiness_checks.h"
#include "host/storage_router.h"
#include "mcp/transport/http_client.h"
#include "mcp/transport/http_server.h"
#include "sqlite_test_dir.h"
#include "support/prometheus_text.h"
#include "support/raw_http.h"

namespace aurite::host {
namespace {

using mcp::Json;
using namespace std::chrono_literals;

constexpr const char* kCanaryPassword = "Canary-Pw-5f1c9e";
constexpr const char* kCanaryPrincipal = "canary-principal-7f3e";
constexpr const char* kCanaryConnection = "canary_named_connection";
constexpr const char* kCanaryGatewayToken = "canary-gateway-token-91ab";

struct Page {
  int status = 0;
  std::string body;
};

class OpsEndpointsTest : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = MakeSqliteTestDir("aurite-ops", 3); }
  void TearDown() override {
    gauges_.clear();
    if (http_) http_->Stop();
    http_.reset();
    server_.reset();
    gateway_.reset();
    if (router_) router_->DisconnectAll();
    router_.reset();
    ops_.reset();
    if (host_) host_->Shutdown();
    host_.reset();
    std::filesystem::remove_all(dir_);
  }

  // The host with the sql server (never restarted) and the named
  // connection kCanaryConnection, a policy that lets kCanaryPrincipal use
  // only that connection and four tools, and the gateway on HTTP with the
  // pages `ops` enables, as serve_command sets them up.
  void StartGateway(OpsEndpointsConfig ops = {}) {
    Config config;
    ServerConfig sql;
    sql.name = "sql";
    sql.command = AURITE_BINARY;
    sql.args = {"sql-server"};
    sql.capabilities = {"tools", "storage"};
    sql.restart.mode = RestartPolicy::Mode::kNever;
    config.servers.push_back(std::move(sql));
    ConnectionConfig named;
    named.name = kCanaryConnection;
    named.storage_type = "sqlite";
    named.connection_string =
        crypto::SecretBuffer::CopyFrom("sqlite:///" + (dir_ / "t.db").string());
    config.connections.push_back(std::move(named));
    config.security.store_path = dir_ / "store.db";
    config.security.audit_log = dir_ / "audit.jsonl";
    StatusOr<Config> policies = ParseConfig(
        std::string(R"({"policies": [{"match": {"subject": [")") + kCanaryPrincipal +
            R"("]}, "allow": {"connections": [")" + kCanaryConnection +
            R"("], "tools": ["secure_database_connection", "connect_storage", "query_storage",
                             "disconnect_storage"], "access": "read"}}]})",
        "aurite.json", dir_);
    ASSERT_TRUE(policies.ok()) << policies.status().ToString();
    config.policies = std::move(policies->policies);
    // A persistent store (a key given), so the store check has a store to reach.
    crypto::KeySetting key{crypto::KeyForm::kFernetKey, crypto::FernetKey::Generate().ToText(),
                           "the test", "AURITE_MCP_ENCRYPTION_KEY"};
    StatusOr<std::unique_ptr<MCPHost>> host = MCPHost::Create(std::move(config), std::move(key));
    ASSERT_TRUE(host.ok()) << host.status().ToString();
    host_ = std::move(host).value();
    ASSERT_TRUE(host_->Start().ok());
    router_ = std::make_unique<StorageRouter>(*host_);
    gateway_ = std::make_unique<Gateway>(*host_, *router_);
    server_ = std::make_unique<mcp::McpServer>(Gateway::ServerOptions());
    gateway_->RegisterWith(*server_);

    ops_ = std::make_unique<OpsEndpoints>(
        ops, host_->metrics().registry(),
        [this](std::string_view text) { return host_->security().Redact(text); });
    ops_->AddReadinessCheck(StoreReadiness(host_->security(), host_->metrics()));
    ops_->AddReadinessCheck(BackendsReadiness(*host_));
    mcp::HttpServerOptions options;
    options.authenticate = [](std::string_view token, std::string_view) -> mcp::AuthOutcome {
      if (token != kCanaryGatewayToken) return mcp::AuthRefusal{401, "unknown token", ""};
      auto auth = std::make_shared<mcp::AuthInfo>();
      auth->kind = mcp::AuthInfo::Kind::kOAuth;
      auth->principal = kCanaryPrincipal;
      auth->claims = {{"sub", kCanaryPrincipal}};
      return std::shared_ptr<const mcp::AuthInfo>(std::move(auth));
    };
    ops_->ServeOn(options);
    http_ = std::make_unique<mcp::HttpServer>(*server_, std::move(options));
    ASSERT_TRUE(http_->Start().ok());
    gauges_ = AddLiveGauges(host_->metrics().registry(), host_->security(), *gateway_, *http_);
  }

  std::unique_ptr<mcp::HttpClient> Client() {
    mcp::HttpClientOptions options;
    options.port = http_->port();
    options.bearer_token = crypto::SecretBuffer::CopyFrom(kCanaryGatewayToken);
    auto client = std::make_unique<mcp::HttpClient>(std::move(options));
    EXPECT_TRUE(client->client().Initialize().ok());
    return client;
  }

  Page Get(const std::string& path, const std::string& method = "GET") {
    const std::string answer =
        rawhttp::Exchange(http_->port(), method + " " + path +
                                             " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
                                             "Content-Length: 0\r\n\r\n");
    const auto end = answer.find("\r\n\r\n");
    return {rawhttp::HttpStatus(answer), end == std::string::npos ? "" : answer.substr(end + 4)};
  }

  // /metrics parsed; fails the test when it does not parse.
  std::vector<promtext::Sample> Scrape(std::string* text = nullptr) {
    const Page page = Get("/metrics");
    EXPECT_EQ(page.status, 200);
    std::vector<promtext::Sample> samples;
    const auto problem = promtext::Parse(page.body, &samples);
    EXPECT_FALSE(problem) << *problem << "\n" << page.body;
    if (text != nullptr) *text = page.body;
    return samples;
  }

  // Runs `statement` on the store from a connection of its own, as another
  // process would; "" or SQLite's error.
  std::string AlterStore(const char* statement) {
    sqlite3* db = nullptr;
    std::string error;
    if (sqlite3_open((dir_ / "store.db").c_str(), &db) != SQLITE_OK) {
      error = "cannot open the store";
    } else {
      sqlite3_busy_timeout(db, 5000);
      if (sqlite3_exec(db, statement, nullptr, nullptr, nullptr) != SQLITE_OK) {
        error = sqlite3_errmsg(db);
      }
    }
    sqlite3_close(db);
    return error;
  }

  std::filesystem::path dir_;
  std::unique_ptr<MCPHost> host_;
  std::unique_ptr<StorageRouter> router_;
  std::unique_ptr<Gateway> gateway_;
  std::unique_ptr<mcp::McpServer> server_;
  std::unique_ptr<OpsEndpoints> ops_;
  std::unique_ptr<mcp::HttpServer> http_;
  std::vector<runtime::MetricsRegistry::Callback> gauges_;
};

TEST_F(OpsEndpointsTest, HealthzIsOkWithoutAToken) {
  StartGateway();
  const Page health = Get("/healthz");
  EXPECT_EQ(health.status, 200);
  EXPECT_EQ(health.body, "ok\n");
  EXPECT_EQ(Get("/healthz", "HEAD").status, 200);
}

TEST_F(OpsEndpointsTest, ReadyzIsReadyThen503NamingTheFailingCheckRedacted) {
  StartGateway();
  const Page ready = Get("/readyz");
  EXPECT_EQ(ready.status, 200);
  EXPECT_EQ(ready.body, "ready\n");
  // The password becomes a live secret the redactor knows.
  auto client = Client();
  const std::string canary_string =
      std::string("postgresql://app:") + kCanaryPassword + "@127.0.0.1:9/orders";
  ASSERT_TRUE(client->client()
                  .CallTool("secure_database_connection", {{"connection_string", canary_string}})
                  .ok());
  // A store failing with an error that quotes the secret, over two lines.
  ops_->AddReadinessCheck({"store", [&canary_string] {
                             return UnavailableError("cannot reach " + canary_string +
                                                     "\nsecond line");
                           }});
  const Page failing = Get("/readyz");
  EXPECT_EQ(failing.status, 503);
  EXPECT_EQ(failing.body.rfind("not ready\nstore: cannot reach ", 0), 0u) << failing.body;
  EXPECT_NE(failing.body.find("second line\n"), std::string::npos) << failing.body;
  EXPECT_EQ(failing.body.find(kCanaryPassword), std::string::npos) << failing.body;
  EXPECT_EQ(std::count(failing.body.begin(), failing.body.end(), '\n'), 2) << failing.body;
  EXPECT_EQ(Get("/readyz", "HEAD").status, 503);
  EXPECT_EQ(Get("/healthz").status, 200);  // alive all the same
}

TEST_F(OpsEndpointsTest, ReadyzIs503WhileABackendIsDown) {
  StartGateway();
  EXPECT_EQ(Get("/readyz").status, 200);
  ManagedServer* sql = host_->FindServer("sql");
  ASSERT_NE(sql, nullptr);
  ASSERT_TRUE(sql->pid().has_value());
  ASSERT_EQ(::kill(*sql->pid(), SIGKILL), 0);
  Page page;
  for (int i = 0; i < 100 && page.status != 503; ++i) {
    std::this_thread::sleep_for(50ms);
    page = Get("/readyz");
  }
  EXPECT_EQ(page.status, 503);
  EXPECT_EQ(page.body, "not ready\nbackends: not running (starting, restarting or stopped): sql\n");
}

TEST_F(OpsEndpointsTest, TheStoreCheckTimesItsProbeAndCountsAFailure) {
  StartGateway();
  const ReadinessCheck store = StoreReadiness(host_->security(), host_->metrics());
  EXPECT_EQ(store.name, "store");
  EXPECT_TRUE(store.check().ok());
  EXPECT_EQ(Get("/readyz").status, 200);
  auto samples = Scrape();
  EXPECT_EQ(promtext::Find(samples, "aurite_store_round_trip_seconds_count"), 2);
  EXPECT_EQ(promtext::Find(samples, "aurite_errors_total", {{"kind", "store_unreachable"}}), 0);
  // Another process damages the store: the credentials table is gone.
  ASSERT_EQ(AlterStore("ALTER TABLE credentials RENAME TO credentials_gone"), "");
  const Page failing = Get("/readyz");
  EXPECT_EQ(failing.status, 503) << failing.body;
  EXPECT_EQ(failing.body.rfind("not ready\nstore: ", 0), 0u) << failing.body;
  samples = Scrape();
  EXPECT_EQ(promtext::Find(samples, "aurite_store_round_trip_seconds_count"), 3);
  EXPECT_EQ(promtext::Find(samples, "aurite_errors_total", {{"kind", "store_unreachable"}}), 1);
  // Repaired, the gateway is ready again.
  ASSERT_EQ(AlterStore("ALTER TABLE credentials_gone RENAME TO credentials"), "");
  EXPECT_EQ(Get("/readyz").status, 200);
}

TEST_F(OpsEndpointsTest, MetricsParseMoveWithToolCallsAndHoldNoSecret) {
  StartGateway();
  std::string before_text;
  const auto before = Scrape(&before_text);
  const std::map<std::string, std::string> query_ok = {{"tool", "query_storage"},
                                                       {"outcome", "ok"}};
  EXPECT_EQ(promtext::Find(before, "aurite_tool_calls_total", query_ok), 0);
  EXPECT_EQ(promtext::Find(before, "aurite_live_connections"), 0);
  EXPECT_EQ(promtext::Find(before, "aurite_http_sessions"), 0);

  auto client = Client();
  mcp::McpClient& mcp = client->client();
  // A token for a canary password (then refused by the policy: not its connection).
  mcp::RpcResult secured =
      mcp.CallTool("secure_database_connection",
                   {{"connection_string",
                     std::string("postgresql://app:") + kCanaryPassword + "@127.0.0.1:9/orders"}});
  ASSERT_TRUE(secured.ok());
  const std::string token = secured.value()["structuredContent"]["token"].get<std::string>();
  mcp::RpcResult refused = mcp.CallTool(
      "connect_storage", {{"storage_type", "postgresql"}, {"connection_string", token}});
  ASSERT_TRUE(refused.ok());
  EXPECT_TRUE(refused.value().value("isError", false));
  // The named connection, twice queried.
  mcp::RpcResult opened = mcp.CallTool(
      "connect_storage", {{"storage_type", "sqlite"}, {"connection_name", kCanaryConnection}});
  ASSERT_TRUE(opened.ok());
  const Json id = opened.value()["structuredContent"]["connection_id"];
  ASSERT_TRUE(id.is_string()) << opened.value().dump();
  for (int i = 0; i < 2; ++i) {
    mcp::RpcResult rows =
        mcp.CallTool("query_storage", {{"connection_id", id}, {"query", "SELECT x FROM t"}});
    ASSERT_TRUE(rows.ok());
    EXPECT_FALSE(rows.value().value("isError", false)) << rows.value().dump();
  }
  // A tool the policy does not give this principal.
  mcp::RpcResult denied = mcp.CallTool("list_connections", Json::object());
  ASSERT_TRUE(denied.ok());
  EXPECT_TRUE(denied.value().value("isError", false));

  std::string text;
  const auto after = Scrape(&text);
  const auto calls = [&after](const char* tool, const char* outcome) {
    return promtext::Find(after, "aurite_tool_calls_total", {{"tool", tool}, {"outcome", outcome}});
  };
  EXPECT_EQ(calls("secure_database_connection", "ok"), 1);
  EXPECT_EQ(calls("connect_storage", "ok"), 1);
  EXPECT_EQ(calls("connect_storage", "error"), 1);
  EXPECT_EQ(calls("query_storage", "ok"), 2);
  EXPECT_EQ(calls("list_connections", "denied"), 1);
  EXPECT_EQ(calls("list_connections", "ok"), 0);
  EXPECT_EQ(
      promtext::Find(after, "aurite_tool_call_duration_seconds_count", {{"tool", "query_storage"}}),
      2);
  EXPECT_EQ(promtext::Find(after, "aurite_tool_call_duration_seconds_bucket",
                           {{"tool", "query_storage"}, {"le", "+Inf"}}),
            2);
  // One refusal by the tool gate, one by the router.
  EXPECT_EQ(promtext::Find(after, "aurite_denials_total", {{"kind", "policy_denied"}}), 2);
  EXPECT_EQ(promtext::Find(after, "aurite_live_connections"), 1);
  EXPECT_EQ(promtext::Find(after, "aurite_http_sessions"), 1);
  EXPECT_GE(promtext::Find(after, "aurite_live_tokens").value_or(0), 2);  // named + secured

  for (const std::string& secret :
       {std::string(kCanaryPassword), std::string(kCanaryPrincipal), std::string(kCanaryConnection),
        std::string(kCanaryGatewayToken), token, dir_.string()}) {
    EXPECT_EQ(text.find(secret), std::string::npos) << secret << " in\n" << text;
  }
  // Label values come from the fixed sets only.
  for (const promtext::Sample& sample : after) {
    for (const auto& [name, value] : sample.labels) {
      if (name == "tool") {
        EXPECT_TRUE(IsValidToolName(value)) << value;
      } else if (name == "outcome") {
        EXPECT_TRUE(value == "ok" || value == "error" || value == "denied") << value;
      } else {
        EXPECT_TRUE(name == "kind" || name == "le") << name << "=" << value;
      }
    }
  }
}

TEST_F(OpsEndpointsTest, DisabledPagesAre404) {
  StartGateway({.healthz = true, .readyz = true, .metrics = false});
  EXPECT_EQ(Get("/healthz").status, 200);
  EXPECT_EQ(Get("/readyz").status, 200);
  EXPECT_EQ(Get("/metrics").status, 404);
}

TEST_F(OpsEndpointsTest, AllPagesOffServesNone) {
  StartGateway({.healthz = false, .readyz = false, .metrics = false});
  for (const char* path : {"/healthz", "/readyz", "/metrics"}) {
    EXPECT_EQ(Get(path).status, 404) << path;
  }
}

TEST_F(OpsEndpointsTest, OnlyGetAndHeadAreServed) {
  StartGateway();
  for (const char* path : {"/healthz", "/readyz", "/metrics"}) {
    EXPECT_EQ(Get(path, "POST").status, 405) << path;
    EXPECT_EQ(Get(path, "DELETE").status, 405) << path;
  }
}

}  // namespace
}  // namespace aurite::host
