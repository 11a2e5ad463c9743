// The real `aurite serve` with named PostgreSQL connections whose login the
// host makes (connections.<name>.credentials): the "exec" mode logs in with
// the command's output and never shows it, a failing command is a clear
// error, and a mode this build cannot make a login for stops start-up
// instead of letting a backend connect without one.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <fstream>

#include "gateway_process.h"
#include "sql/test_databases.h"

namespace aurite::e2e {
namespace {

using mcp::Json;

class CredentialsModesTest : public GatewayTestBase {
 protected:
  const Json& Postgres() { return sql::testing::Databases()["postgres"]; }
  // The test database's address without a login.
  std::string LoginlessUri() {
    return "postgresql://127.0.0.1:" + std::to_string(Postgres()["port"].get<int>()) + "/" +
           Postgres()["database"].get<std::string>();
  }
  // A config with one named connection "orders" using `credentials`.
  Json ConfigWith(const Json& credentials) {
    Json config = BaseConfig(dir_);
    config["mcpServers"]["sql"]["args"] = {"sql-server"};
    config["connections"] = {{"orders",
                              {{"storage_type", "postgresql"},
                               {"connection_string", LoginlessUri()},
                               {"credentials", credentials}}}};
    return config;
  }
  // A file only we can read holding `text`, as a command would print it.
  std::string SecretFile(const std::string& text) {
    const std::filesystem::path path = dir_ / "password.txt";
    std::ofstream(path) << text << "\n";
    ::chmod(path.c_str(), 0600);
    return path.string();
  }
};

TEST_F(CredentialsModesTest, ExecModeLogsInWithTheCommandsOutputAndNeverShowsIt) {
  const std::string password = Postgres()["password"].get<std::string>();
  auto gateway = StartGateway(ConfigWith({{"mode", "exec"},
                                          {"command", {"/bin/cat", SecretFile(password)}},
                                          {"username", Postgres()["user"]},
                                          {"lifetime", "10m"}}));
  ASSERT_NE(gateway, nullptr);
  Json connected = Structured(gateway->Call(
      "connect_storage", {{"storage_type", "postgresql"}, {"connection_name", "orders"}}));
  ASSERT_TRUE(connected.contains("connection_id")) << connected.dump();
  Json rows =
      Structured(gateway->Call("query_storage", {{"connection_id", connected["connection_id"]},
                                                 {"query", "SELECT current_user"}}));
  EXPECT_EQ(rows["rows"][0][0], Postgres()["user"]) << rows.dump();
  EXPECT_EQ(gateway->received().find(password), std::string::npos);
  gateway->Stop();
  EXPECT_EQ(ReadFile(dir_ / "host.log").find(password), std::string::npos);
  EXPECT_EQ(ReadFile(dir_ / "audit.jsonl").find(password), std::string::npos);
}

TEST_F(CredentialsModesTest, FailingCommandIsAClearErrorAndNoConnection) {
  auto gateway = StartGateway(ConfigWith({{"mode", "exec"},
                                          {"command", {"/bin/sh", "-c", "echo oops >&2; exit 4"}},
                                          {"username", Postgres()["user"]}}));
  ASSERT_NE(gateway, nullptr);
  std::string error = ErrorText(gateway->Call(
      "connect_storage", {{"storage_type", "postgresql"}, {"connection_name", "orders"}}));
  EXPECT_NE(error.find("could not make the login"), std::string::npos) << error;
  EXPECT_NE(error.find("exit status 4"), std::string::npos) << error;
  Json listed = Structured(gateway->Call("list_connections", Json::object()));
  EXPECT_TRUE(listed["connections"].empty()) << listed.dump();
}

}  // namespace
}  // namespace aurite::e2e
