// Dynamic database users through the real `aurite serve`, on the harness's
// PostgreSQL and MariaDB: one user per connect_storage with exactly the
// granted role, dropped on disconnect, on expiry and at shutdown; renewal
// while busy but never past max_ttl; what a killed host left is dropped by
// the next start; and the admin's password never leaves the host.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <chrono>
#include <map>
#include <set>
#include <thread>

#include "engine_fixture.h"
#include "gateway_process.h"
#include "sql/connection.h"
#include "sql/test_databases.h"
#include "support/command_runner.h"

namespace aurite::e2e {
namespace {

using mcp::Json;
using namespace std::chrono_literals;
using sql::Engine;

class DynamicUsersTest : public ReaderRoleGatewayTest {
 protected:
  Json Config(const std::string& default_ttl = "15m", const std::string& max_ttl = "8h") {
    Json config = BaseConfig(dir_);
    config["connections"] = {{"orders",
                              {{"storage_type", Scheme()},
                               {"connection_string", Scheme() + "://" + Address()},
                               {"allow_writes", true},
                               {"credentials",
                                {{"mode", "dynamic"},
                                 {"admin", AdminUri()},
                                 {"grant_roles", {role_}},
                                 {"default_ttl", default_ttl},
                                 {"max_ttl", max_ttl}}}}}};
    return config;
  }

  std::vector<std::string> RolesOf(const std::string& user) {
    const std::string query =
        postgres() ? "SELECT r.rolname FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.roleid "
                     "JOIN pg_roles u ON u.oid = m.member WHERE u.rolname = $1"
                   : "SELECT Role FROM mysql.roles_mapping WHERE User = ?";
    StatusOr<sql::QueryResult> result = root_->Execute(query, {sql::Param(user)}, {});
    EXPECT_TRUE(result.ok()) << result.status().ToString();
    std::vector<std::string> roles;
    if (result.ok()) {
      for (const auto& row : result->rows) roles.push_back(row.at(0).get<std::string>());
    }
    return roles;
  }
};

TEST_P(DynamicUsersTest, EachConnectionHasItsOwnUserWithTheGrantedRoleUntilDisconnect) {
  auto gateway = StartGateway(Config());
  ASSERT_NE(gateway, nullptr);
  const std::string first = Connect(*gateway);
  const std::string second = Connect(*gateway);
  const std::string first_user = CurrentUser(*gateway, first);
  const std::string second_user = CurrentUser(*gateway, second);
  EXPECT_TRUE(first_user.starts_with("aurite_orders_")) << first_user;
  EXPECT_TRUE(second_user.starts_with("aurite_orders_")) << second_user;
  EXPECT_NE(first_user, second_user);
  EXPECT_TRUE(UserExists(first_user));
  EXPECT_EQ(RolesOf(first_user), std::vector<std::string>{role_});

  Json listed = Structured(gateway->Call("list_connections", Json::object()));
  ASSERT_EQ(listed["connections"].size(), 2u) << listed.dump();
  EXPECT_TRUE(listed["connections"][0].contains("lease_expires_at")) << listed.dump();

  // `aurite tokens list` shows each lease's user and expiry too.
  testing::CommandOutput tokens =
      testing::RunCommand("env -i AURITE_MCP_ENCRYPTION_KEY=" + testing::ShellQuote(key_) + " " +
                          testing::ShellQuote(AURITE_BINARY) + " tokens list --json --store " +
                          testing::ShellQuote((dir_ / "store.db").string()));
  ASSERT_EQ(tokens.exit_status, 0) << tokens.err;
  std::map<std::string, std::int64_t> expiry_by_user;
  for (const Json& entry : Json::parse(tokens.out)) {
    if (entry["lease"].is_object()) {
      expiry_by_user[entry["lease"]["user"]] = entry["lease"]["expires_at"].get<std::int64_t>();
    }
  }
  EXPECT_EQ(expiry_by_user.size(), 2u) << tokens.out;
  for (const Json& connection : listed["connections"]) {
    const std::string user = CurrentUser(*gateway, connection["connection_id"]);
    EXPECT_EQ(expiry_by_user[user], connection["lease_expires_at"].get<std::int64_t>());
  }

  ExpectNotInAnyProcess(*gateway, AdminPassword());
  Structured(gateway->Call("disconnect_storage", {{"connection_id", first}}));
  EXPECT_TRUE(WaitUntilGone(first_user, 2s));
  EXPECT_TRUE(UserExists(second_user));
  gateway->Stop();
  EXPECT_FALSE(UserExists(second_user)) << "shutdown ends every lease";

  const std::string password = AdminPassword();
  EXPECT_EQ(gateway->received().find(password), std::string::npos);
  EXPECT_EQ(ReadFile(dir_ / "host.log").find(password), std::string::npos);
  const std::string audit = ReadFile(dir_ / "audit.jsonl");
  EXPECT_EQ(audit.find(password), std::string::npos);
  EXPECT_NE(audit.find(first_user), std::string::npos) << "leases are audited by user name";
}

TEST_P(DynamicUsersTest, AnExpiredLeaseDropsTheUserAndEndsItsConnection) {
  auto gateway = StartGateway(Config("2s", "2s"));
  ASSERT_NE(gateway, nullptr);
  const std::string id = Connect(*gateway);
  const std::string user = CurrentUser(*gateway, id);
  ASSERT_FALSE(user.empty());
  EXPECT_TRUE(WaitUntilGone(user, 5s)) << ReadFile(dir_ / "audit.jsonl");
  std::string error = ErrorText(Query(*gateway, id, "SELECT 1"));
  EXPECT_NE(error.find("connection_id"), std::string::npos) << error;
}

TEST_P(DynamicUsersTest, RenewalKeepsABusyConnectionPastItsTtlButNotPastMaxTtl) {
  auto gateway = StartGateway(Config("3s", "6s"));
  ASSERT_NE(gateway, nullptr);
  const auto opened = std::chrono::steady_clock::now();
  const std::string id = Connect(*gateway);
  const std::string user = CurrentUser(*gateway, id);
  ASSERT_FALSE(user.empty());
  // Busy for 4.5 s: past default_ttl, kept alive by renewal.
  while (std::chrono::steady_clock::now() - opened < 4500ms) {
    Json rows = Query(*gateway, id, "SELECT 1");
    ASSERT_FALSE(rows.value("isError", false)) << rows.dump();
    std::this_thread::sleep_for(300ms);
  }
  // Still busy, but max_ttl ends it.
  bool ended = false;
  while (!ended && std::chrono::steady_clock::now() - opened < 9s) {
    ended = Query(*gateway, id, "SELECT 1").value("isError", false);
    std::this_thread::sleep_for(200ms);
  }
  EXPECT_TRUE(ended);
  EXPECT_GE(std::chrono::steady_clock::now() - opened, 5s);
  EXPECT_TRUE(WaitUntilGone(user, 2s));
}

TEST_P(DynamicUsersTest, UsersOfAKilledHostAreDroppedByTheNextStart) {
  auto gateway = StartGateway(Config());
  ASSERT_NE(gateway, nullptr);
  const std::string user = CurrentUser(*gateway, Connect(*gateway));
  ASSERT_FALSE(user.empty());
  ::kill(gateway->pid(), SIGKILL);
  gateway->Stop();
  EXPECT_TRUE(UserExists(user)) << "nothing ran after SIGKILL";

  auto restarted = StartGateway(Config());
  ASSERT_NE(restarted, nullptr);
  EXPECT_TRUE(WaitUntilGone(user, 2s));
  const std::string audit = ReadFile(dir_ / "audit.jsonl");
  EXPECT_NE(audit.find(user), std::string::npos);
  EXPECT_NE(audit.find("left by an ended run of the host"), std::string::npos) << audit;
}

INSTANTIATE_TEST_SUITE_P(Engines, DynamicUsersTest,
                         ::testing::Values(Engine::kPostgres, Engine::kMariaDb), EngineTestName);

// With a superuser as admin and a plain role granted, the dynamic user
// cannot use PostgreSQL's server-side escapes, even with writes allowed.
class PostgresDynamicUserTest : public DynamicUsersTest {};

TEST_P(PostgresDynamicUserTest, ASuperuserAdminMakesAPlainUserThatCannotEscape) {
  auto gateway = StartGateway(Config());
  ASSERT_NE(gateway, nullptr);
  const std::string id = Connect(*gateway);
  for (const char* escape :
       {"SELECT pg_read_file('/etc/hostname')", "COPY (SELECT 1) TO PROGRAM 'true'",
        "SELECT lo_export(lo_create(0), '/tmp/aurite-escape')",
        "CREATE TABLE aurite_escape_test (x int)"}) {
    Json result = Query(*gateway, id, escape);
    EXPECT_TRUE(result.value("isError", false)) << escape << ": " << result.dump();
  }
}

INSTANTIATE_TEST_SUITE_P(Engines, PostgresDynamicUserTest, ::testing::Values(Engine::kPostgres),
                         EngineTestName);

}  // namespace
}  // namespace aurite::e2e
