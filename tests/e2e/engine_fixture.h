// Test support: a gateway test on one of the harness's server databases
// (PostgreSQL or MariaDB, the test's parameter), with a root session for
// setting up and inspecting users.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
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

// Names the instances "PostgreSQL" and "MariaDB".
inline std::string EngineTestName(const ::testing::TestParamInfo<sql::Engine>& param_info) {
  return param_info.param == sql::Engine::kPostgres ? "PostgreSQL" : "MariaDB";
}

}  // namespace aurite::e2e
