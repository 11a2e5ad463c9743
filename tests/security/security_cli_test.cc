// End-to-end tests of the security subcommands of the `aurite` binary:
// secure, tokens, mask, scan, audit verify and key rotate, each run as its
// own process, as a user would.
#include <gtest/gtest.h>

#include <map>
#include <string>

#include "crypto/fernet_key.h"
#include "security/detection.h"
#include "security/security_manager.h"
#include "security/sqlite_store.h"
#include "support/command_runner.h"
#include "test_support.h"

namespace aurite::security {
namespace {

using testing::kCanaryPassword;
using testing::ReadFile;
using testing::ScratchDir;
using testing::WriteFile;

using ::aurite::testing::CommandOutput;
using ::aurite::testing::RunCommand;
using ::aurite::testing::ShellQuote;

class SecurityCliTest : public ::testing::Test {
 protected:
  // Runs `aurite args` with `input` on stdin and only the given environment
  // (plus HOME pointing into the scratch directory).
  CommandOutput Run(const std::string& args, const std::string& input = "",
                    const std::map<std::string, std::string>& env = {}) {
    std::string command = "cd " + ShellQuote(dir_.path().string()) +
                          " && env -i HOME=" + ShellQuote(dir_.path().string());
    for (const auto& [name, value] : env) command += " " + name + "=" + ShellQuote(value);
    return RunCommand(command + " " + ShellQuote(AURITE_BINARY) + " " + args, input);
  }

  std::map<std::string, std::string> KeyEnv() const {
    return {{"AURITE_MCP_ENCRYPTION_KEY", key_}};
  }

  // Secures `secret` through the CLI and returns the token it printed.
  std::string SecureThroughCli(const std::string& secret, const std::string& flags = "") {
    CommandOutput run = Run("secure --store store.db " + flags, secret + "\n", KeyEnv());
    EXPECT_EQ(run.exit_status, 0) << run.err;
    std::size_t at = run.out.find("token: ");
    EXPECT_NE(at, std::string::npos) << run.out;
    return run.out.substr(at + 7, kAccessTokenTextSize);
  }

  // Opens the store in this process, as a restarted host would.
  std::unique_ptr<SecurityManager> OpenInProcess(const std::string& key_text) {
    SecurityManagerOptions options;
    auto store =
        SqliteStore::Open(dir_ / "store.db", {.keys = [&](const crypto::KdfSalt&) {
                            std::vector<crypto::FernetKey> keys;
                            keys.push_back(*crypto::FernetKey::FromText(key_text));
                            return StatusOr<std::vector<crypto::FernetKey>>(std::move(keys));
                          }});
    EXPECT_TRUE(store.ok()) << store.status().ToString();
    options.store = std::move(*store);
    auto manager = SecurityManager::Create(std::move(options));
    EXPECT_TRUE(manager.ok());
    (*manager)->RegisterServerPermissions("sql", {std::string(kDatabaseConnection)});
    return std::move(*manager);
  }

  ScratchDir dir_;
  std::string key_ = std::string(crypto::FernetKey::Generate().ToText().Reveal());
  const std::string connection_ = "postgresql://app:" + kCanaryPassword + "@db:5432/prod";
};

TEST_F(SecurityCliTest, SecurePrintsTokenAndMaskedFormButNotTheSecret) {
  CommandOutput run = Run("secure --store store.db --ttl 2h", connection_ + "\n", KeyEnv());
  ASSERT_EQ(run.exit_status, 0) << run.err;
  EXPECT_NE(run.out.find("token: aurite_tk_"), std::string::npos);
  EXPECT_NE(run.out.find("masked: postgresql://app:****@db:5432/prod"), std::string::npos);
  EXPECT_EQ(run.out.find("w/rd"), std::string::npos);
  EXPECT_EQ(run.err.find("w/rd"), std::string::npos);
}

TEST_F(SecurityCliTest, ATokenFromOneProcessResolvesInAnother) {
  std::string token = SecureThroughCli(connection_, "--bind-server sql");
  auto manager = OpenInProcess(key_);
  auto resolved = manager->Resolve(token, "sql", kDatabaseConnection);
  ASSERT_TRUE(resolved.ok()) << resolved.status().ToString();
  EXPECT_EQ(resolved->secret.Reveal(), connection_);
}

TEST_F(SecurityCliTest, SecureWithoutAKeyExplainsAndExits2) {
  CommandOutput run = Run("secure --store store.db", connection_ + "\n");
  EXPECT_EQ(run.exit_status, 2);
  EXPECT_NE(run.err.find("AURITE_MCP_ENCRYPTION_KEY is not set"), std::string::npos);
  EXPECT_EQ(run.err.find("w/rd"), std::string::npos);
}

TEST_F(SecurityCliTest, SecureRejectsABadTtl) {
  CommandOutput run = Run("secure --store store.db --ttl soon", connection_ + "\n", KeyEnv());
  EXPECT_EQ(run.exit_status, 2);
  EXPECT_NE(run.err.find("not a duration"), std::string::npos);
}

TEST_F(SecurityCliTest, TokensListShowsMaskedEntriesOnly) {
  std::string token = SecureThroughCli(connection_, "--bind-server sql --max-uses 2");
  CommandOutput run = Run("tokens list --store store.db --json", "", KeyEnv());
  ASSERT_EQ(run.exit_status, 0) << run.err;
  EXPECT_NE(run.out.find("postgresql://app:****@db:5432/prod"), std::string::npos);
  EXPECT_NE(run.out.find("\"max_uses\": 2"), std::string::npos);
  EXPECT_EQ(run.out.find("w/rd"), std::string::npos);
  EXPECT_EQ(run.out.find(token), std::string::npos);
}

TEST_F(SecurityCliTest, TokensRevokeByTokenFromStdinAndById) {
  std::string first = SecureThroughCli(connection_);
  std::string second = SecureThroughCli(connection_);
  CommandOutput by_token = Run("tokens revoke --store store.db --token", second + "\n", KeyEnv());
  EXPECT_EQ(by_token.exit_status, 0) << by_token.err;
  auto manager = OpenInProcess(key_);
  std::vector<CredentialSummary> list = manager->List();
  ASSERT_EQ(list.size(), 1u);
  EXPECT_TRUE(manager->Resolve(first, "sql", kDatabaseConnection).ok());
  manager.reset();
  CommandOutput by_id = Run("tokens revoke --store store.db " + list[0].id, "", KeyEnv());
  EXPECT_EQ(by_id.exit_status, 0) << by_id.err;
  CommandOutput listed = Run("tokens list --store store.db", "", KeyEnv());
  EXPECT_NE(listed.out.find("no live credentials"), std::string::npos) << listed.out;
}

TEST_F(SecurityCliTest, WrongKeyExits2AndLeavesTheStoreUntouched) {
  SecureThroughCli(connection_);
  std::string before = ReadFile(dir_ / "store.db");
  std::string other = std::string(crypto::FernetKey::Generate().ToText().Reveal());
  CommandOutput run =
      Run("tokens list --store store.db", "", {{"AURITE_MCP_ENCRYPTION_KEY", other}});
  EXPECT_EQ(run.exit_status, 2);
  EXPECT_NE(run.err.find("does not open credential store"), std::string::npos);
  EXPECT_EQ(ReadFile(dir_ / "store.db"), before);
}

TEST_F(SecurityCliTest, KeyRotateMovesTheStoreToTheNewKey) {
  std::string token = SecureThroughCli(connection_);
  std::string new_key = std::string(crypto::FernetKey::Generate().ToText().Reveal());
  CommandOutput rotate =
      Run("key rotate --store store.db", "",
          {{"AURITE_MCP_ENCRYPTION_KEY", new_key}, {"AURITE_MCP_PREVIOUS_KEYS", key_}});
  ASSERT_EQ(rotate.exit_status, 0) << rotate.err;
  EXPECT_NE(rotate.out.find("re-encrypted 1 credential"), std::string::npos);
  CommandOutput old_key = Run("tokens list --store store.db", "", KeyEnv());
  EXPECT_EQ(old_key.exit_status, 2);
  auto manager = OpenInProcess(new_key);
  EXPECT_TRUE(manager->Resolve(token, "sql", kDatabaseConnection).ok());
}

TEST_F(SecurityCliTest, MaskCopiesStdinWithPasswordsMasked) {
  CommandOutput run = Run("mask", "a " + connection_ + "\nhost=h password=" + "'x y'" + "\n");
  ASSERT_EQ(run.exit_status, 0) << run.err;
  EXPECT_EQ(run.out, "a postgresql://app:****@db:5432/prod\nhost=h password=****\n");
}

TEST_F(SecurityCliTest, ScanReportsFindingsWithoutTheSecretAndExits1) {
  WriteFile(dir_ / "config.yaml", "name: app\npassword: " + kCanaryPassword + "\n");
  WriteFile(dir_ / "clean.txt", "nothing to see\n");
  CommandOutput run = Run("scan config.yaml clean.txt");
  EXPECT_EQ(run.exit_status, 1);
  EXPECT_NE(run.out.find("config.yaml:2:11: password-assignment"), std::string::npos) << run.out;
  EXPECT_EQ(run.out.find("w/rd"), std::string::npos);
  EXPECT_EQ(Run("scan clean.txt").exit_status, 0);
  EXPECT_EQ(Run("scan missing.txt").exit_status, 2);
}

// Masked and redacted text is clean: `aurite scan` on what `aurite mask` and
// `tokens list` print, and on the redactor's marker, exits 0.
TEST_F(SecurityCliTest, ScanOfMaskedOrRedactedTextFindsNothing) {
  CommandOutput masked =
      Run("mask", connection_ + "\nhost=h password='x y' sslpassword=abc\nServer=h;PWD=abc;\n");
  ASSERT_EQ(masked.exit_status, 0) << masked.err;
  SecureThroughCli(connection_);
  SecureThroughCli("sqlite:////var/lib/aurite/app.db");
  CommandOutput listed = Run("tokens list --store store.db", "", KeyEnv());
  ASSERT_EQ(listed.exit_status, 0) << listed.err;
  EXPECT_NE(listed.out.find("sqlite:////var/lib/aurite/app.db"), std::string::npos) << listed.out;
  std::string text = masked.out + listed.out +
                     "postgresql://user:[REDACTED]@host/db\n{\"password\":\"[REDACTED]\"}\n";
  CommandOutput scan = Run("scan", text);
  EXPECT_EQ(scan.exit_status, 0) << scan.out << "\n" << text;
  // A password made of asterisks and something else is still a finding.
  EXPECT_EQ(Run("scan", "postgresql://user:****x@host/db\n").exit_status, 1);
}

TEST_F(SecurityCliTest, ScanReadsStdin) {
  CommandOutput run = Run("scan", "key " + std::string("AKIA") + "FAKEFAKEFAKE0000\n");
  EXPECT_EQ(run.exit_status, 1);
  EXPECT_NE(run.out.find("<stdin>:1:5: aws-access-key-id"), std::string::npos) << run.out;
}

TEST_F(SecurityCliTest, AuditVerifyFindsTheFirstBadLine) {
  SecureThroughCli(connection_);
  SecureThroughCli(connection_);
  CommandOutput intact = Run("audit verify audit.jsonl");
  EXPECT_EQ(intact.exit_status, 0) << intact.out << intact.err;
  EXPECT_NE(intact.out.find("intact"), std::string::npos);
  std::vector<std::string> lines = testing::ReadLines(dir_ / "audit.jsonl");
  ASSERT_GE(lines.size(), 4u);
  lines.erase(lines.begin() + 2);
  testing::WriteLines(dir_ / "audit.jsonl", lines);
  CommandOutput broken = Run("audit verify audit.jsonl");
  EXPECT_EQ(broken.exit_status, 1);
  EXPECT_NE(broken.out.find("audit.jsonl:3:"), std::string::npos) << broken.out;
}

TEST_F(SecurityCliTest, ScanHelpListsEveryRule) {
  CommandOutput run = Run("scan --help");
  ASSERT_EQ(run.exit_status, 0);
  for (const DetectionRule& rule : DetectionRules()) {
    EXPECT_NE(run.out.find(std::string(rule.id) + ": "), std::string::npos) << rule.id;
  }
}

TEST_F(SecurityCliTest, EveryCommandHasHelpWithAnExample) {
  for (const char* command :
       {"secure", "tokens list", "tokens revoke", "mask", "scan", "audit verify", "key rotate"}) {
    CommandOutput run = Run(std::string(command) + " --help");
    EXPECT_EQ(run.exit_status, 0) << command;
    EXPECT_NE(run.out.find("Example"), std::string::npos) << command;
  }
}

}  // namespace
}  // namespace aurite::security
