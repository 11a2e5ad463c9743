// Test support: a gateway test on one of the harness's server databases
// (PostgreSQL or MariaDB, the test's parameter), with a root session for
// setting up and inspecting users, and the calls the tests of made logins
// share (connect, query, who is logged in, is a user gone).
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "gateway_process.h"
#include "sql/connection.h"
#include "sql/test_databases.h"

namespace aurite::e2e {

class EngineGatewayTest : public GatewayTestBase,
                          public ::testing::WithParamInterface<sql::Engine> {
 protected:
  void SetUp() override {
    GatewayTestBase::SetUp();
    sql::OpenOptions options;
    options.allow_writes = true;
    StatusOr<std::unique_ptr<sql::Connection>> root =
        sql::OpenConnection(sql::testing::AdminConfigFor(GetParam()), options);
    ASSERT_TRUE(root.ok()) << root.status().ToString();
    root_ = std::move(root).value();
  }

  bool postgres() const { return GetParam() == sql::Engine::kPostgres; }
  // The harness's entry for the engine: port, database, admin_user, admin_password.
  const mcp::Json& Server() {
    return sql::testing::Databases()[postgres() ? "postgres" : "mariadb"];
  }
  std::string Database() { return Server()["database"].get<std::string>(); }
  std::string Scheme() const { return postgres() ? "postgresql" : "mariadb"; }
  // "127.0.0.1:<port>/<database>"
  std::string Address() {
    return "127.0.0.1:" + std::to_string(Server()["port"].get<int>()) + "/" + Database();
  }
  std::string AdminPassword() { return Server()["admin_password"]; }
  // The connection string of the harness's admin.
  std::string AdminUri() {
    return Scheme() + "://" + Server()["admin_user"].get<std::string>() + ":" + AdminPassword() +
           "@" + Address();
  }
  // Runs `statement` as the admin; fails the test when it fails.
  void Root(const std::string& statement) {
    StatusOr<sql::QueryResult> result = root_->Execute(statement, {}, {});
    ASSERT_TRUE(result.ok()) << statement << ": " << result.status().ToString();
  }

  bool UserExists(const std::string& user) {
    const std::string query = postgres() ? "SELECT count(*) FROM pg_roles WHERE rolname = $1"
                                         : "SELECT count(*) FROM mysql.user WHERE User = ?";
    StatusOr<sql::QueryResult> result = root_->Execute(query, {sql::Param(user)}, {});
    EXPECT_TRUE(result.ok()) << result.status().ToString();
    if (!result.ok()) return false;
    const mcp::Json& count = result->rows.at(0).at(0);  // bigint: a number or its text
    return count.is_string() ? count.get<std::string>() != "0" : count.get<long>() != 0;
  }
  bool WaitUntilGone(const std::string& user, std::chrono::milliseconds limit) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (UserExists(user)) {
      if (std::chrono::steady_clock::now() > deadline) return false;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return true;
  }

  // connect_storage on named connection `name`: the connection id.
  std::string Connect(GatewayProcess& gateway, const std::string& name = "orders") {
    mcp::Json connected = mcp::testing::Structured(
        gateway.Call("connect_storage", {{"storage_type", Scheme()}, {"connection_name", name}}));
    EXPECT_TRUE(connected.contains("connection_id")) << connected.dump();
    return connected.value("connection_id", "");
  }
  mcp::Json Query(GatewayProcess& gateway, const std::string& id, const std::string& sql) {
    return gateway.Call("query_storage", {{"connection_id", id}, {"query", sql}});
  }
  // The database user the connection logs in as.
  std::string CurrentUser(GatewayProcess& gateway, const std::string& id) {
    mcp::Json rows = mcp::testing::Structured(Query(
        gateway, id,
        postgres() ? "SELECT current_user" : "SELECT SUBSTRING_INDEX(CURRENT_USER(), '@', 1)"));
    return rows.contains("rows") ? rows["rows"][0][0].get<std::string>() : "";
  }

  // Fails the test when `secret` is in the argument vector or environment
  // of `gateway` or any of its child processes.
  static void ExpectNotInAnyProcess(const GatewayProcess& gateway, const std::string& secret) {
    std::vector<pid_t> processes = ChildrenOf(gateway.pid());
    processes.push_back(gateway.pid());
    for (pid_t process : processes) {
      for (const char* file : {"cmdline", "environ"}) {
        EXPECT_EQ(ProcFile(process, file).find(secret), std::string::npos)
            << "/proc/" << process << "/" << file;
      }
    }
  }

  std::unique_ptr<sql::Connection> root_;
};

// An EngineGatewayTest with a fresh role `role_` that may read the database
// and cannot log in: what made logins are granted.
class ReaderRoleGatewayTest : public EngineGatewayTest {
 protected:
  void SetUp() override {
    EngineGatewayTest::SetUp();
    if (HasFatalFailure()) return;
    role_ = sql::testing::UniqueName("aurite_e2e_reader");
    if (postgres()) {
      // No GRANT USAGE ON SCHEMA public: PUBLIC has it already, and grants on
      // that one shared schema from tests running side by side (ctest -j)
      // race on its catalog row ("tuple concurrently updated").
      Root("CREATE ROLE \"" + role_ + "\" NOLOGIN");
    } else {
      Root("CREATE ROLE `" + role_ + "`");
      Root("GRANT SELECT ON `" + Database() + "`.* TO `" + role_ + "`");
    }
  }
  void TearDown() override {
    if (root_) {
      if (postgres()) Root("DROP OWNED BY \"" + role_ + "\"");
      Root(postgres() ? "DROP ROLE \"" + role_ + "\"" : "DROP ROLE `" + role_ + "`");
    }
    EngineGatewayTest::TearDown();
  }

  std::string role_;
};

// Names the instances "PostgreSQL" and "MariaDB".
inline std::string EngineTestName(const ::testing::TestParamInfo<sql::Engine>& param_info) {
  return param_info.param == sql::Engine::kPostgres ? "PostgreSQL" : "MariaDB";
}

}  // namespace aurite::e2e
