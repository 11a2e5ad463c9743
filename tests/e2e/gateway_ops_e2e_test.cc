// End-to-end: `aurite serve --transport http` as a load balancer and
// Prometheus see it (issue 20): /healthz, /readyz and /metrics without the
// bearer token /mcp needs, metrics that move with MCP calls and refused
// tokens and never show a canary secret, readiness that follows the
// backends, and gateway.http.ops_endpoints switching the pages off.
#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "gateway_process.h"
#include "support/prometheus_text.h"
#include "support/raw_http.h"

namespace aurite::e2e {
namespace {

using mcp::Json;
using namespace std::chrono_literals;

constexpr const char* kOpsCanaryPassword = "Ops-Canary-Pw-3b8d1";
constexpr const char* kOpsCanaryToken = "ops-canary-gateway-token-c47a";
constexpr const char* kOpsCanaryPrincipal = "ops-canary-principal";

struct OpsPage {
  int status = 0;
  std::string body;
};

OpsPage Fetch(std::uint16_t port, const std::string& method, const std::string& path,
              const std::string& extra = "") {
  const std::string answer = rawhttp::Exchange(
      port, method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n" + extra +
                "\r\n");
  const auto end = answer.find("\r\n\r\n");
  return {rawhttp::HttpStatus(answer), end == std::string::npos ? "" : answer.substr(end + 4)};
}

class GatewayOpsTest : public GatewayTestBase {
 protected:
  // HttpConfig with a named bearer token (the principal kOpsCanaryPrincipal).
  Json OpsConfig() {
    Json config = HttpConfig(dir_);
    config["gateway"]["bearer_tokens"] = {
        {{"name", kOpsCanaryPrincipal}, {"token", kOpsCanaryToken}}};
    return config;
  }
  std::unique_ptr<mcp::HttpClient> Connect(std::uint16_t port) {
    mcp::HttpClientOptions options;
    options.port = port;
    options.bearer_token = crypto::SecretBuffer::CopyFrom(kOpsCanaryToken);
    auto client = std::make_unique<mcp::HttpClient>(std::move(options));
    mcp::RpcResult initialized = client->client().Initialize();
    EXPECT_TRUE(initialized.ok()) << (initialized.ok() ? "" : initialized.error().message);
    return client;
  }
};

TEST_F(GatewayOpsTest, PagesNeedNoTokenAndMetricsMoveWithoutSecrets) {
  const std::string database = SampleDatabase();
  auto gateway = HttpGateway::Start(dir_, OpsConfig(), key_);
  ASSERT_NE(gateway->port(), 0);
  const std::uint16_t port = gateway->port();
  EXPECT_EQ(Fetch(port, "GET", "/healthz").body, "ok\n");
  const OpsPage ready = Fetch(port, "GET", "/readyz");
  EXPECT_EQ(ready.status, 200);
  EXPECT_EQ(ready.body, "ready\n");
  EXPECT_EQ(Fetch(port, "HEAD", "/readyz").status, 200);
  EXPECT_EQ(Fetch(port, "POST", "/metrics", "Content-Length: 0\r\n").status, 405);
  // /mcp still wants the token: two refusals.
  EXPECT_EQ(
      rawhttp::HttpStatus(rawhttp::Exchange(port, rawhttp::McpPost(rawhttp::kInitializeBody))),
      401);
  EXPECT_EQ(rawhttp::HttpStatus(rawhttp::Exchange(
                port, rawhttp::McpPost(rawhttp::kInitializeBody,
                                       "Authorization: Bearer not-the-token\r\n"))),
            401);

  auto client = Connect(port);
  mcp::McpClient& mcp = client->client();
  mcp::RpcResult secured =
      mcp.CallTool("secure_database_connection",
                   {{"connection_string", std::string("postgresql://app:") + kOpsCanaryPassword +
                                              "@127.0.0.1:9/orders"}});
  ASSERT_TRUE(secured.ok());
  const std::string access_token = Structured(secured.value())["token"].get<std::string>();
  mcp::RpcResult opened = mcp.CallTool(
      "connect_storage", {{"storage_type", "sqlite"}, {"connection_string", database}});
  ASSERT_TRUE(opened.ok());
  const Json id = Structured(opened.value())["connection_id"];
  ASSERT_TRUE(id.is_string()) << opened.value().dump();
  mcp::RpcResult rows =
      mcp.CallTool("query_storage", {{"connection_id", id}, {"query", "SELECT name FROM items"}});
  ASSERT_TRUE(rows.ok());
  mcp::RpcResult unknown =
      mcp.CallTool("query_storage", {{"connection_id", "conn_nope"}, {"query", "SELECT 1"}});
  ASSERT_TRUE(unknown.ok());

  const OpsPage metrics = Fetch(port, "GET", "/metrics");
  ASSERT_EQ(metrics.status, 200);
  std::vector<promtext::Sample> samples;
  const auto problem = promtext::Parse(metrics.body, &samples);
  ASSERT_FALSE(problem) << *problem << "\n" << metrics.body;
  const auto calls = [&samples](const char* tool, const char* outcome) {
    return promtext::Find(samples, "aurite_tool_calls_total",
                          {{"tool", tool}, {"outcome", outcome}});
  };
  EXPECT_EQ(calls("secure_database_connection", "ok"), 1);
  EXPECT_EQ(calls("connect_storage", "ok"), 1);
  EXPECT_EQ(calls("query_storage", "ok"), 1);
  EXPECT_EQ(calls("query_storage", "error"), 1);
  EXPECT_EQ(calls("sql_execute_query", "ok"), 0);  // a backend tool, listed at 0
  EXPECT_EQ(promtext::Find(samples, "aurite_tool_call_duration_seconds_count",
                           {{"tool", "query_storage"}}),
            2);
  EXPECT_EQ(promtext::Find(samples, "aurite_denials_total", {{"kind", "auth_failed"}}), 2);
  EXPECT_EQ(promtext::Find(samples, "aurite_http_sessions"), 1);
  EXPECT_EQ(promtext::Find(samples, "aurite_live_connections"), 1);
  EXPECT_GE(promtext::Find(samples, "aurite_live_tokens").value_or(0), 2);
  EXPECT_GE(promtext::Find(samples, "aurite_store_round_trip_seconds_count").value_or(0), 1);
  for (const std::string& secret :
       {std::string(kOpsCanaryPassword), std::string(kOpsCanaryToken),
        std::string(kOpsCanaryPrincipal), access_token, dir_.string(), std::string("127.0.0.1")}) {
    EXPECT_EQ(metrics.body.find(secret), std::string::npos) << secret << " in\n" << metrics.body;
  }
}

TEST_F(GatewayOpsTest, ReadyzFollowsTheBackends) {
  Json config = OpsConfig();
  config["mcpServers"]["probe"]["restart"] = "never";
  auto gateway = HttpGateway::Start(dir_, config, key_);
  ASSERT_NE(gateway->port(), 0);
  EXPECT_EQ(Fetch(gateway->port(), "GET", "/readyz").status, 200);
  pid_t probe = 0;
  for (pid_t child : ChildrenOf(gateway->pid())) {
    if (ProcFile(child, "cmdline").find("aurite-e2e-probe") != std::string::npos) probe = child;
  }
  ASSERT_NE(probe, 0);
  ASSERT_EQ(::kill(probe, SIGKILL), 0);
  OpsPage page;
  for (int i = 0; i < 100 && page.status != 503; ++i) {
    std::this_thread::sleep_for(50ms);
    page = Fetch(gateway->port(), "GET", "/readyz");
  }
  EXPECT_EQ(page.status, 503);
  EXPECT_EQ(page.body,
            "not ready\nbackends: not running (starting, restarting or stopped): probe\n");
  EXPECT_EQ(Fetch(gateway->port(), "GET", "/healthz").status, 200);  // alive, not ready
}

TEST_F(GatewayOpsTest, OpsEndpointsSwitchOff) {
  Json config = OpsConfig();
  config["gateway"]["http"] = {{"ops_endpoints", {{"metrics", false}}}};
  {
    auto gateway = HttpGateway::Start(dir_, config, key_);
    ASSERT_NE(gateway->port(), 0);
    EXPECT_EQ(Fetch(gateway->port(), "GET", "/healthz").status, 200);
    EXPECT_EQ(Fetch(gateway->port(), "GET", "/readyz").status, 200);
    EXPECT_EQ(Fetch(gateway->port(), "GET", "/metrics").status, 404);
  }
  config["gateway"]["http"] = {{"ops_endpoints", false}};
  // A folder of its own: the port is read from the first ready line of host.log.
  auto gateway = HttpGateway::Start(dir_ / "all-off", config, key_);
  ASSERT_NE(gateway->port(), 0);
  for (const char* path : {"/healthz", "/readyz", "/metrics"}) {
    EXPECT_EQ(Fetch(gateway->port(), "GET", path).status, 404) << path;
  }
}

}  // namespace
}  // namespace aurite::e2e
