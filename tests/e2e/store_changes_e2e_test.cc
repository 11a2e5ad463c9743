// End-to-end: the credential store is the single source of truth. A running
// `aurite serve` sees within a second what another process (the `aurite`
// CLI here; a second gateway in production) changed in the store it shares.
#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <thread>

#include "gateway_process.h"
#include "servers/credentials_protocol.h"
#include "support/command_runner.h"
#include "support/poll_within.h"

namespace aurite::e2e {
namespace {

using mcp::Json;
using testing::PollWithin;
using Clock = std::chrono::steady_clock;

// A revocation made elsewhere must take effect within this long.
constexpr auto kWithinASecond = std::chrono::milliseconds(1000);

class StoreChangesTest : public GatewayTestBase {
 protected:
  // `aurite <arguments>` on the gateway's store, with its key.
  testing::CommandOutput Cli(const std::string& arguments, const std::string& input = "") {
    return testing::RunCommand("AURITE_MCP_ENCRYPTION_KEY=" + testing::ShellQuote(key_) + " " +
                                   testing::ShellQuote(AURITE_BINARY) + " " + arguments +
                                   " --store " + testing::ShellQuote((dir_ / "store.db").string()),
                               input);
  }

  // The id of the one live credential whose masked form is `masked`.
  std::string CredentialId(const std::string& masked) {
    testing::CommandOutput listed = Cli("tokens list --json");
    EXPECT_EQ(listed.exit_status, 0) << listed.err;
    for (const Json& entry : Json::parse(listed.out)) {
      if (entry.value("masked", "") == masked) return entry.value("id", "");
    }
    ADD_FAILURE() << "no credential " << masked << " in " << listed.out;
    return "";
  }
};

TEST_F(StoreChangesTest, ARevocationByAnotherProcessEndsTheTokenAndItsConnectionsWithinASecond) {
  std::string database = SampleDatabase();
  auto gateway = StartGateway(BaseConfig(dir_));
  ASSERT_NE(gateway, nullptr);
  Json secured =
      Structured(gateway->Call("secure_database_connection", {{"connection_string", database}}));
  const std::string token = secured.value("token", "");
  Json routed = Structured(
      gateway->Call("connect_storage", {{"storage_type", "sqlite"}, {"connection_string", token}}));
  const std::string route = routed.value("connection_id", "");
  Json direct = Structured(
      gateway->Call("sql_connect_database", {{"connection_string", token}, {"use_token", true}}));
  const std::string backend = direct.value("connection_id", "");
  ASSERT_FALSE(route.empty());
  ASSERT_FALSE(backend.empty());
  const std::string id = CredentialId(secured.value("masked_connection_string", ""));
  ASSERT_FALSE(id.empty());

  testing::CommandOutput revoked = Cli("tokens revoke " + id);
  ASSERT_EQ(revoked.exit_status, 0) << revoked.err;
  const Clock::time_point start = Clock::now();

  auto failed = [](const Json& result) { return result.value("isError", false); };
  EXPECT_TRUE(PollWithin(start, kWithinASecond, [&] {
    return failed(gateway->Call("connect_storage",
                                {{"storage_type", "sqlite"}, {"connection_string", token}}));
  })) << "the revoked token still opens connections";
  EXPECT_TRUE(PollWithin(start, kWithinASecond, [&] {
    return failed(
        gateway->Call("query_storage", {{"connection_id", route}, {"query", "SELECT 1"}}));
  })) << "the router's connection outlived its token";
  EXPECT_TRUE(PollWithin(start, kWithinASecond, [&] {
    return failed(
        gateway->Call("sql_execute_query", {{"connection_id", backend}, {"query", "SELECT 1"}}));
  })) << "the SQL server's connection outlived its token";
}

TEST_F(StoreChangesTest, ATokenSecuredByAnotherProcessWorksWithoutARestart) {
  std::string database = SampleDatabase();
  auto gateway = StartGateway(BaseConfig(dir_));
  ASSERT_NE(gateway, nullptr);
  testing::CommandOutput secured = Cli("secure --ttl 1h", database + "\n");
  ASSERT_EQ(secured.exit_status, 0) << secured.err;
  const std::size_t at = secured.out.find("aurite_tk_");
  ASSERT_NE(at, std::string::npos) << secured.out;
  const std::string token = secured.out.substr(at, secured.out.find_first_of(" \n", at) - at);
  const Clock::time_point start = Clock::now();
  EXPECT_TRUE(PollWithin(start, kWithinASecond, [&] {
    Json opened = gateway->Call("connect_storage",
                                {{"storage_type", "sqlite"}, {"connection_string", token}});
    return !opened.value("isError", false);
  })) << "the running gateway never learnt the new token";
}

TEST_F(StoreChangesTest, TokensListCountsTheUsesOfARunningGateway) {
  std::string database = SampleDatabase();
  auto gateway = StartGateway(BaseConfig(dir_));
  ASSERT_NE(gateway, nullptr);
  Json secured =
      Structured(gateway->Call("secure_database_connection", {{"connection_string", database}}));
  for (int i = 0; i < 2; ++i) {
    Json opened = Structured(gateway->Call(
        "connect_storage", {{"storage_type", "sqlite"}, {"connection_string", secured["token"]}}));
    ASSERT_TRUE(opened.contains("connection_id"));
  }
  testing::CommandOutput listed = Cli("tokens list --json");
  ASSERT_EQ(listed.exit_status, 0) << listed.err;
  bool found = false;
  for (const Json& entry : Json::parse(listed.out)) {
    if (entry.value("masked", "") != secured.value("masked_connection_string", "")) continue;
    found = true;
    EXPECT_EQ(entry.value("uses", 0), 2) << entry.dump();
  }
  EXPECT_TRUE(found) << listed.out;
}

}  // namespace
}  // namespace aurite::e2e
