// End-to-end: PostgreSQL and MariaDB restarted under the gateway's open
// connections. Each test starts a server of its own with the harness
// (`databases start <dir> <engine>`), since restarting the shared one would
// cut the sessions of the tests running beside it, and restarts it with
// `databases restart` (a fast stop: every session is cut, as in a crash or
// a failover). The call after the restart gets a clear error; the one after
// that reconnects by itself (the connection pool drops lost sessions).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "gateway_process.h"
#include "sql/connection.h"
#include "support/command_runner.h"

namespace aurite::e2e {
namespace {

using ::aurite::testing::CommandOutput;
using ::aurite::testing::RunCommand;
using ::aurite::testing::ShellQuote;
using mcp::Json;

class DatabaseRestartTest : public GatewayTestBase,
                            public ::testing::WithParamInterface<sql::Engine> {
 protected:
  void SetUp() override {
    GatewayTestBase::SetUp();
    CommandOutput started = Harness("start", dir_ / "db");
    ASSERT_EQ(started.exit_status, 0) << started.err;
    server_ = Json::parse(ReadFile(dir_ / "db" / "databases.json"))[Engine()];
  }
  void TearDown() override {
    (void)Harness("stop", dir_ / "db");
    GatewayTestBase::TearDown();
  }

  std::string Engine() const { return postgres() ? "postgres" : "mariadb"; }
  bool postgres() const { return GetParam() == sql::Engine::kPostgres; }

  CommandOutput Harness(const std::string& command, const std::filesystem::path& dir) {
    return RunCommand(ShellQuote(std::string(AURITE_TEST_SOURCE_DIR) + "/../harness/databases") +
                      " " + command + " " + ShellQuote(dir.string()) + " " + Engine());
  }

  Json Query(GatewayProcess& gateway, const std::string& id) {
    return gateway.Call("query_storage", {{"connection_id", id}, {"query", "SELECT 41 + 1"}});
  }

  Json server_;
};

TEST_P(DatabaseRestartTest, TheNextCallGetsAClearErrorAndALaterOneReconnects) {
  auto gateway = StartGateway(BaseConfig(dir_));
  ASSERT_NE(gateway, nullptr);
  Json opened = Structured(
      gateway->Call("connect_storage", {{"storage_type", postgres() ? "postgresql" : "mariadb"},
                                        {"connection_string", server_["uri"]}}));
  const std::string id = opened.value("connection_id", "");
  ASSERT_FALSE(id.empty()) << opened.dump();
  ASSERT_EQ(Structured(Query(*gateway, id))["rows"], Json::parse("[[42]]"));

  CommandOutput restarted = Harness("restart", dir_ / "db");
  ASSERT_EQ(restarted.exit_status, 0) << restarted.err;
  const std::string error = ErrorText(Query(*gateway, id));
  EXPECT_NE(error.find("the connection to the server was lost"), std::string::npos) << error;
  EXPECT_EQ(error.find(server_["password"].get<std::string>()), std::string::npos) << error;

  Json again = Query(*gateway, id);
  EXPECT_EQ(Structured(again)["rows"], Json::parse("[[42]]")) << again.dump();
}

INSTANTIATE_TEST_SUITE_P(Engines, DatabaseRestartTest,
                         ::testing::Values(sql::Engine::kPostgres, sql::Engine::kMariaDb),
                         [](const ::testing::TestParamInfo<sql::Engine>& param_info) {
                           return param_info.param == sql::Engine::kPostgres ? "PostgreSQL"
                                                                             : "MariaDB";
                         });

}  // namespace
}  // namespace aurite::e2e
