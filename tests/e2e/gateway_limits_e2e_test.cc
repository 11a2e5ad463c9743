// End-to-end: the size limits of the gateway and its servers agree, and an
// answer too large for the gateway fails its call at once with an error
// that says so, instead of leaving the client to its timeout.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <chrono>

#include "gateway_process.h"

namespace aurite::e2e {
namespace {

using mcp::Json;
using Clock = std::chrono::steady_clock;

class GatewayLimitsTest : public GatewayTestBase {};

TEST_F(GatewayLimitsTest, AThousandRowsOfTwoAndAHalfKilobytesReachTheClient) {
  std::string database = SampleDatabase();
  auto gateway = StartGateway(BaseConfig(dir_));
  ASSERT_NE(gateway, nullptr);
  Json opened = Structured(gateway->Call(
      "connect_storage", {{"storage_type", "sqlite"}, {"connection_string", database}}));
  // 2.5 MB of rows: with the text copy, an answer over the old 4 MiB limit.
  Json rows = gateway->Call(
      "query_storage",
      {{"connection_id", opened["connection_id"]},
       {"query",
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000) "
        "SELECT i, printf('%.2500c', 'r') AS filler FROM n"}});
  EXPECT_FALSE(rows.value("isError", false)) << ErrorText(rows);
  EXPECT_EQ(rows["structuredContent"].value("row_count", 0), 1000);
  EXPECT_EQ(rows["structuredContent"].value("truncated", true), false);
}

TEST_F(GatewayLimitsTest, AnAnswerOverAServersLimitFailsItsCallAtOnceSayingWhy) {
  Json config = BaseConfig(dir_);
  config["mcpServers"]["probe"]["max_message_bytes"] = 65536;
  // A call left waiting would only end after a minute.
  config["mcpServers"]["probe"]["timeout"] = "60s";
  auto gateway = StartGateway(config);
  ASSERT_NE(gateway, nullptr);
  const Clock::time_point start = Clock::now();
  mcp::RpcResult result =
      gateway->client().CallTool("probe_chatter", {{"text", std::string(100000, 'w')}});
  const auto waited = Clock::now() - start;
  const std::string error = result.ok() ? ErrorText(result.value()) : result.error().message;
  EXPECT_NE(error.find("65536 byte limit"), std::string::npos) << error;
  EXPECT_NE(error.find("max_message_bytes"), std::string::npos) << error;
  // Not the timeout's doing: it would have taken the full minute.
  EXPECT_LT(waited, std::chrono::seconds(30));
  // The server is still usable for answers that fit.
  Json small = gateway->Call("probe_chatter", {{"text", "fits"}});
  EXPECT_FALSE(small.value("isError", false)) << small.dump();
}

TEST_F(GatewayLimitsTest, ASqlServerWhoseRowsCouldNotFitIsRefusedAtStartSayingWhy) {
  Json config = BaseConfig(dir_);
  // 8 MiB of rows needs answers of up to 25 MiB; the host reads 16 MiB.
  config["mcpServers"]["sql"]["args"] = {"sql-server", "--max-result-bytes", "8388608"};
  FailedStart run = RunServeExpectingFailure(dir_, config.dump(), key_);
  EXPECT_FALSE(run.became_ready) << run.stderr_text;
  EXPECT_NE(run.stderr_text.find("--max-result-bytes 8388608 does not fit"), std::string::npos)
      << run.stderr_text;
}

}  // namespace
}  // namespace aurite::e2e
