// Credentials mode "vault" through the real `aurite serve`, with
// tests/harness/vault-standin as Vault's database secrets engine making
// real users in the harness's PostgreSQL: a Vault-made user per
// connect_storage, its lease revoked (user dropped) on disconnect, at
// shutdown and by the next start after a kill; a sealed ("down") Vault
// fails only that connection's connect, and a revocation it refuses is
// retried; a lease revoked at Vault ends its connection at the next
// renewal; and the password Vault made appears nowhere it must not.
#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <fstream>
#include <thread>

#include "engine_fixture.h"
#include "gateway_process.h"
#include "sql/test_databases.h"
#include "support/command_runner.h"
#include "support/vault_standin.h"

namespace aurite::e2e {
namespace {

using mcp::Json;
using namespace std::chrono_literals;

constexpr char kToken[] = "hvs.e2e-vault-credentials";
constexpr char kPath[] = "database/creds/app";

class VaultCredentialsTest : public ReaderRoleGatewayTest {
 protected:
  void TearDown() override {
    vault_.reset();
    ReaderRoleGatewayTest::TearDown();
  }

  // Starts the stand-in with role "app" (`ttl`, `max_ttl` in seconds).
  void StartVault(int ttl = 60, int max_ttl = 600) {
    vault_ = std::make_unique<testing::VaultStandin>(
        kToken,
        std::vector<std::string>{"--database-role",
                                 "app=" + AdminUri() + ",ttl=" + std::to_string(ttl) +
                                     ",max_ttl=" + std::to_string(max_ttl) + ",grant=" + role_,
                                 "--credentials-log", (dir_ / "issued.jsonl").string()});
    ASSERT_EQ(vault_->error(), "");
  }
  std::unique_ptr<GatewayProcess> Start() {
    if (notes_.empty()) notes_ = SampleDatabase();
    Json config = BaseConfig(dir_);
    config["connections"] = {
        {"orders",
         {{"storage_type", "postgresql"},
          {"connection_string", "postgresql://" + Address()},
          {"credentials", {{"mode", "vault"}, {"path", kPath}}}}},
        {"notes", {{"storage_type", "sqlite"}, {"connection_string", notes_}}}};
    return StartGateway(config,
                        {"VAULT_ADDR=" + vault_->Url(), std::string("VAULT_TOKEN=") + kToken});
  }
  // What the stand-in issued: the lines of its credentials log.
  std::vector<Json> Issued() {
    std::vector<Json> issued;
    std::ifstream in(dir_ / "issued.jsonl");
    for (std::string line; std::getline(in, line);) issued.push_back(Json::parse(line));
    return issued;
  }
  std::string Audit() { return ReadFile(dir_ / "audit.jsonl"); }
  // Waits up to `limit` for `text` in the audit log.
  bool AuditSays(const std::string& text, std::chrono::milliseconds limit) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (Audit().find(text) == std::string::npos) {
      if (std::chrono::steady_clock::now() > deadline) return false;
      std::this_thread::sleep_for(50ms);
    }
    return true;
  }

  std::unique_ptr<testing::VaultStandin> vault_;
  std::string notes_;  // the SQLite connection "notes"
};

TEST_P(VaultCredentialsTest, EachConnectionGetsAVaultUserRevokedOnDisconnectAndShutdown) {
  StartVault();
  auto gateway = Start();
  ASSERT_NE(gateway, nullptr);
  const std::string first = Connect(*gateway);
  const std::string second = Connect(*gateway);
  const std::string first_user = CurrentUser(*gateway, first);
  const std::string second_user = CurrentUser(*gateway, second);
  EXPECT_TRUE(first_user.starts_with("v-token-app-")) << first_user;
  EXPECT_NE(first_user, second_user);
  ASSERT_TRUE(UserExists(first_user));
  ASSERT_TRUE(UserExists(second_user));
  Json listed = Structured(gateway->Call("list_connections", Json::object()));
  ASSERT_EQ(listed["connections"].size(), 2u) << listed.dump();
  EXPECT_TRUE(listed["connections"][0].contains("lease_expires_at")) << listed.dump();

  const std::vector<Json> issued = Issued();
  ASSERT_EQ(issued.size(), 2u);
  for (const Json& login : issued) {
    ExpectNotInAnyProcess(*gateway, login["password"].get<std::string>());
  }

  Structured(gateway->Call("disconnect_storage", {{"connection_id", first}}));
  EXPECT_TRUE(WaitUntilGone(first_user, 3s)) << "disconnect revokes the lease at Vault";
  EXPECT_TRUE(UserExists(second_user));
  gateway->Stop();
  EXPECT_FALSE(UserExists(second_user)) << "shutdown revokes every lease";

  const std::string audit = Audit();
  const std::string log = ReadFile(dir_ / "host.log");
  for (const Json& login : issued) {
    const std::string password = login["password"];
    EXPECT_EQ(gateway->received().find(password), std::string::npos);
    EXPECT_EQ(log.find(password), std::string::npos);
    EXPECT_EQ(audit.find(password), std::string::npos);
    EXPECT_NE(audit.find(login["lease_id"].get<std::string>()), std::string::npos)
        << "Vault's lease ids are audited";
    EXPECT_NE(audit.find(login["username"].get<std::string>()), std::string::npos);
  }
  EXPECT_EQ(log.find(kToken), std::string::npos);
  EXPECT_EQ(audit.find(kToken), std::string::npos);
}

TEST_P(VaultCredentialsTest, ALeaseOfAKilledHostIsRevokedByTheNextStart) {
  StartVault();
  auto gateway = Start();
  ASSERT_NE(gateway, nullptr);
  const std::string user = CurrentUser(*gateway, Connect(*gateway));
  ASSERT_FALSE(user.empty());
  ::kill(gateway->pid(), SIGKILL);
  gateway->Stop();
  EXPECT_TRUE(UserExists(user)) << "nothing ran after SIGKILL";

  auto restarted = Start();
  ASSERT_NE(restarted, nullptr);
  EXPECT_TRUE(WaitUntilGone(user, 3s));
  EXPECT_NE(Audit().find("left by an ended run of the host"), std::string::npos) << Audit();
}

TEST_P(VaultCredentialsTest, ASealedVaultFailsOnlyItsConnectionsConnectWithAClearError) {
  StartVault();
  auto gateway = Start();
  ASSERT_NE(gateway, nullptr);
  ASSERT_NE(vault_->Send("PUT", "sys/seal").find(" 204 "), std::string::npos);
  const std::string error = ErrorText(gateway->Call(
      "connect_storage", {{"storage_type", "postgresql"}, {"connection_name", "orders"}}));
  EXPECT_NE(error.find(kPath), std::string::npos) << error;
  EXPECT_NE(error.find(vault_->Url()), std::string::npos) << error;
  EXPECT_NE(error.find("Vault is sealed"), std::string::npos) << error;
  EXPECT_EQ(error.find(kToken), std::string::npos) << error;

  Json notes = Structured(
      gateway->Call("connect_storage", {{"storage_type", "sqlite"}, {"connection_name", "notes"}}));
  ASSERT_TRUE(notes.contains("connection_id")) << notes.dump();
  Json rows = Structured(Query(*gateway, notes["connection_id"], "SELECT name FROM items"));
  EXPECT_EQ(rows["rows"].size(), 2u) << rows.dump();

  vault_->Send("PUT", "sys/unseal", R"({"key": "stand-in"})");
  EXPECT_TRUE(CurrentUser(*gateway, Connect(*gateway)).starts_with("v-token-app-"));
}

TEST_P(VaultCredentialsTest, ARevocationVaultRefusesIsKeptAndRetried) {
  StartVault();
  auto gateway = Start();
  ASSERT_NE(gateway, nullptr);
  const std::string id = Connect(*gateway);
  const std::string user = CurrentUser(*gateway, id);
  ASSERT_FALSE(user.empty());
  vault_->Send("PUT", "sys/seal");
  Structured(gateway->Call("disconnect_storage", {{"connection_id", id}}));
  EXPECT_TRUE(AuditSays("lease_revoke_failed", 3s)) << Audit();
  EXPECT_TRUE(UserExists(user)) << "Vault was down: the lease is still there";

  testing::CommandOutput tokens =
      testing::RunCommand("env -i AURITE_MCP_ENCRYPTION_KEY=" + testing::ShellQuote(key_) + " " +
                          testing::ShellQuote(AURITE_BINARY) + " tokens list --store " +
                          testing::ShellQuote((dir_ / "store.db").string()));
  EXPECT_NE(tokens.out.find("user " + user + " of connection 'orders'  being revoked"),
            std::string::npos)
      << "the record is kept: " << tokens.out;
  EXPECT_NE(tokens.out.find("Vault lease database/creds/app/"), std::string::npos) << tokens.out;

  vault_->Send("PUT", "sys/unseal", R"({"key": "stand-in"})");
  EXPECT_TRUE(WaitUntilGone(user, 5s)) << "the retry revokes it";
}

TEST_P(VaultCredentialsTest, ALeaseRevokedAtVaultEndsItsConnectionAtTheNextRenewal) {
  StartVault(/*ttl=*/3, /*max_ttl=*/60);
  auto gateway = Start();
  ASSERT_NE(gateway, nullptr);
  const std::string id = Connect(*gateway);
  ASSERT_FALSE(CurrentUser(*gateway, id).empty());
  const std::string lease_id = Issued().at(0)["lease_id"];
  // An operator revokes it at Vault (`vault lease revoke`).
  vault_->Send("PUT", "sys/leases/revoke", Json{{"lease_id", lease_id}}.dump());
  // Used, so renewed with a second left; Vault no longer knows the lease.
  // The failed renewal is audited before the lease is ended, so wait for the end.
  const auto deadline = std::chrono::steady_clock::now() + 5s;
  while (!AuditSays("renewal found the login gone: ", 0ms) &&
         std::chrono::steady_clock::now() < deadline) {
    (void)Query(*gateway, id, "SELECT 1");
    std::this_thread::sleep_for(200ms);
  }
  const std::string audit = Audit();
  EXPECT_NE(audit.find("was revoked or has expired at Vault"), std::string::npos) << audit;
  EXPECT_NE(audit.find("renewal found the login gone: "), std::string::npos) << audit;
  EXPECT_NE(ReadFile(dir_ / "host.log").find(lease_id), std::string::npos);
  const std::string error = ErrorText(Query(*gateway, id, "SELECT 1"));
  EXPECT_NE(error.find("the lease of its database login ended"), std::string::npos) << error;
}

TEST_P(VaultCredentialsTest, RenewalKeepsABusyConnectionUntilVaultsMaxTtl) {
  StartVault(/*ttl=*/3, /*max_ttl=*/5);
  auto gateway = Start();
  ASSERT_NE(gateway, nullptr);
  const auto opened = std::chrono::steady_clock::now();
  const std::string id = Connect(*gateway);
  const std::string user = CurrentUser(*gateway, id);
  ASSERT_FALSE(user.empty());
  bool ended = false;
  while (!ended && std::chrono::steady_clock::now() - opened < 8s) {
    ended = Query(*gateway, id, "SELECT 1").value("isError", false);
    if (!ended) std::this_thread::sleep_for(200ms);
  }
  EXPECT_TRUE(ended);
  EXPECT_GE(std::chrono::steady_clock::now() - opened, 4s) << "renewed past the first ttl";
  EXPECT_NE(Audit().find("lease_renewed"), std::string::npos);
  EXPECT_TRUE(WaitUntilGone(user, 2s));
}

TEST_P(VaultCredentialsTest, AKvReferenceThroughAnAppRoleBlockLogsInAndShowsNothing) {
  // ${vault(refresh=…):…} in a connection string, read through a
  // security.vault block that logs in with AppRole ids kept in files: the
  // password, the role_id and the secret_id reach no result, log, audit
  // line, argv or environment of the gateway or its servers.
  const std::string role_id = "e2e-role-" + sql::testing::UniqueName("id");
  const std::string secret_id = "e2e-secret-" + sql::testing::UniqueName("id");
  vault_ = std::make_unique<testing::VaultStandin>(
      kToken, std::vector<std::string>{"--approle", role_id + ":" + secret_id});
  ASSERT_EQ(vault_->error(), "");
  const std::string answer =
      vault_->Put("secret/orders", Json{{"password", AdminPassword()}}.dump());
  ASSERT_NE(answer.find(" 200 "), std::string::npos) << answer;
  std::ofstream(dir_ / "role_id") << role_id;
  std::ofstream(dir_ / "secret_id") << secret_id;
  Json config = BaseConfig(dir_);
  config["security"]["vault"] = {
      {"address", vault_->Url()},
      {"auth",
       {{"method", "approle"},
        {"role_id", "${file:" + (dir_ / "role_id").string() + "}"},
        {"secret_id", "${file:" + (dir_ / "secret_id").string() + "}"}}}};
  config["connections"] = {
      {"orders",
       {{"storage_type", "postgresql"},
        {"connection_string", "postgresql://" + Server()["admin_user"].get<std::string>() +
                                  ":${vault(refresh=2s):secret/orders#password}@" + Address()}}}};
  auto gateway = StartGateway(config);
  ASSERT_NE(gateway, nullptr);
  Json connected = gateway->Call("connect_storage",
                                 {{"storage_type", "postgresql"}, {"connection_name", "orders"}});
  ASSERT_FALSE(connected.value("isError", false)) << connected.dump();
  const std::string id = Structured(connected)["connection_id"];
  EXPECT_FALSE(Query(*gateway, id, "SELECT 1").value("isError", false));
  for (const std::string& secret : {AdminPassword(), role_id, secret_id}) {
    EXPECT_EQ(gateway->received().find(secret), std::string::npos);
    EXPECT_EQ(ReadFile(dir_ / "host.log").find(secret), std::string::npos);
    EXPECT_EQ(Audit().find(secret), std::string::npos);
    ExpectNotInAnyProcess(*gateway, secret);
  }
}

INSTANTIATE_TEST_SUITE_P(Engines, VaultCredentialsTest, ::testing::Values(sql::Engine::kPostgres),
                         EngineTestName);

}  // namespace
}  // namespace aurite::e2e
