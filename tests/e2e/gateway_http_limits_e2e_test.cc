// End-to-end: `aurite serve --transport http` stays available under the two
// cheap attacks of issue 13 (item 9), with its default limits: connections
// that trickle a request head forever, and sessions opened and abandoned by
// the hundred. A normal client must still be served within a second.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <thread>

#include "gateway_process.h"
#include "support/raw_http.h"

namespace aurite::e2e {
namespace {

using mcp::Json;
using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

// Connects, initializes and lists the tools like a normal client; returns
// how long it took, or fails the test.
Clock::duration ServeNormalClient(const HttpGateway& gateway) {
  const auto start = Clock::now();
  std::unique_ptr<mcp::HttpClient> client = gateway.Connect();
  mcp::RpcResult tools = client->client().ListTools();
  EXPECT_TRUE(tools.ok()) << (tools.ok() ? "" : tools.error().message);
  return tools.ok() ? Clock::now() - start : Clock::duration::max();
}

long Milliseconds(Clock::duration d) {
  return static_cast<long>(std::chrono::duration_cast<std::chrono::milliseconds>(d).count());
}

class GatewayHttpLimitsTest : public GatewayTestBase {};

TEST_F(GatewayHttpLimitsTest, ANormalClientIsServedWithinASecondUnderBothAttacks) {
  auto gateway = HttpGateway::Start(dir_, HttpConfig(dir_), key_);
  ASSERT_NE(gateway->port(), 0);
  // 300 sessions opened and abandoned (more than the 256 kept).
  int opened = 0;
  for (int i = 0; i < 300; ++i) {
    const std::string answer =
        rawhttp::Exchange(gateway->port(), rawhttp::McpPost(rawhttp::kInitializeBody));
    opened += rawhttp::HttpHeader(answer, "Mcp-Session-Id").empty() ? 0 : 1;
  }
  EXPECT_EQ(opened, 300);
  const auto after_sessions = ServeNormalClient(*gateway);
  EXPECT_LT(after_sessions, 1s) << Milliseconds(after_sessions) << " ms";
  // Then 100 connections trickling a request head, on top.
  rawhttp::Tricklers attack(gateway->port(), 100, "127.0.0.1");
  EXPECT_EQ(attack.connected(), 100);
  EXPECT_EQ(attack.Refused(), 0);
  const auto under_both = ServeNormalClient(*gateway);
  EXPECT_LT(under_both, 1s) << Milliseconds(under_both) << " ms";
  std::printf(
      "normal client served in %ld ms after 300 abandoned sessions, %ld ms with 100 "
      "trickling connections too\n",
      Milliseconds(after_sessions), Milliseconds(under_both));
}

TEST_F(GatewayHttpLimitsTest, TheLimitsComeFromGatewayHttp) {
  Json config = HttpConfig(dir_);
  config["gateway"]["http"] = {{"max_connections", 8},
                               {"max_connections_per_client", 2},
                               {"max_sessions", 4},
                               {"header_timeout", "500ms"}};
  auto gateway = HttpGateway::Start(dir_, config, key_);
  ASSERT_NE(gateway->port(), 0);
  const auto start = Clock::now();
  rawhttp::Tricklers attack(gateway->port(), 3, "127.0.0.2");
  EXPECT_EQ(attack.Refused(), 1);  // the third from one address
  while (attack.Refused() < 3 && Clock::now() - start < 5s) std::this_thread::sleep_for(20ms);
  EXPECT_EQ(attack.Refused(), 3);  // the other two cut at their head deadline
  EXPECT_LT(Clock::now() - start, 1500ms);
  // More than max_sessions: the oldest are evicted. Each from its own
  // address: a closed connection is counted until the server's side of it
  // ends, which may be just after the client read the answer.
  for (int i = 0; i < 6; ++i) {
    const std::string source = "127.0.0." + std::to_string(10 + i);
    EXPECT_EQ(
        rawhttp::HttpStatus(rawhttp::Exchange(
            gateway->port(), rawhttp::McpPost(rawhttp::kInitializeBody), 10s, source.c_str())),
        200)
        << "session " << i;
  }
}

// The backend connections of a session evicted to make room are released
// through the same path as on DELETE: with a SQL server that allows one
// connection, a newcomer can open one only once the abandoned owner's is gone.
TEST_F(GatewayHttpLimitsTest, AnEvictedSessionsBackendConnectionsAreReleased) {
  std::string database = SampleDatabase();
  Json config = HttpConfig(dir_);
  config["mcpServers"]["sql"]["args"] = {"sql-server", "--max-connections", "1"};
  config["gateway"]["http"] = {{"max_sessions", 2}, {"max_connections", 16}};
  auto gateway = HttpGateway::Start(dir_, config, key_);
  ASSERT_NE(gateway->port(), 0);
  const auto port = gateway->port();
  // A raw client opens a backend connection and walks away (no DELETE).
  const std::string id = rawhttp::HttpHeader(
      rawhttp::Exchange(port, rawhttp::McpPost(rawhttp::kInitializeBody)), "Mcp-Session-Id");
  ASSERT_FALSE(id.empty());
  const std::string session = "Mcp-Session-Id: " + id + "\r\n";
  (void)rawhttp::Exchange(
      port, rawhttp::McpPost(R"({"jsonrpc":"2.0","method":"notifications/initialized"})", session));
  const Json connect = {
      {"jsonrpc", "2.0"},
      {"id", 2},
      {"method", "tools/call"},
      {"params",
       {{"name", "sql_connect_database"}, {"arguments", {{"connection_string", database}}}}}};
  const std::string opened = rawhttp::Exchange(port, rawhttp::McpPost(connect.dump(), session));
  ASSERT_NE(opened.find("conn_"), std::string::npos) << opened;
  // Two live clients: the second session ends the abandoned one.
  auto bob = gateway->Connect();
  auto carol = gateway->Connect();
  const auto start = Clock::now();
  Json result;
  do {
    mcp::RpcResult r =
        carol->client().CallTool("sql_connect_database", {{"connection_string", database}});
    ASSERT_TRUE(r.ok()) << r.error().message;
    result = r.value();
  } while (result.value("isError", false) && Clock::now() - start < 3s &&
           (std::this_thread::sleep_for(50ms), true));
  EXPECT_FALSE(result.value("isError", false)) << result.dump();
  EXPECT_EQ(rawhttp::HttpStatus(rawhttp::Exchange(
                port, rawhttp::McpPost(R"({"jsonrpc":"2.0","id":3,"method":"ping"})", session))),
            404);
}

}  // namespace
}  // namespace aurite::e2e
