// `aurite store migrate` and --store with a shared store's URL, run as the
// built binary against the harness's PostgreSQL.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <sstream>

#include "host/postgres_store.h"
#include "host/postgres_store_fixture.h"
#include "security/access_token.h"
#include "security/security_manager.h"
#include "security/store_test_support.h"
#include "security/test_support.h"
#include "support/command_runner.h"

namespace aurite::cli {
namespace {

using ::aurite::testing::CommandOutput;
using ::aurite::testing::RunCommand;
using ::aurite::testing::ShellQuote;

std::string FileBytes(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

class StoreCommandTest : public host::testing::StoreDatabaseTest {
 protected:
  void SetUp() override {
    StoreDatabaseTest::SetUp();
    // The URL with its password as a reference; the password, as the URL
    // encodes it, is in the environment only.
    const std::size_t colon = url_.find(':', std::string("postgresql://").size());
    const std::size_t at = url_.find('@');
    password_ = url_.substr(colon + 1, at - colon - 1);
    by_reference_ = url_.substr(0, colon + 1) + "${env:STORE_PW}" + url_.substr(at);
  }
  CommandOutput Run(const std::string& args, const std::string& input = "") {
    std::string command = "cd " + ShellQuote(dir_.path().string()) +
                          " && env -i HOME=" + ShellQuote(dir_.path().string()) +
                          " AURITE_MCP_ENCRYPTION_KEY=" + ShellQuote(key_text_) +
                          " STORE_PW=" + ShellQuote(password_);
    return RunCommand(command + " " + ShellQuote(AURITE_BINARY) + " " + args, input);
  }
  std::string Secure(const std::string& store) {
    CommandOutput run = Run("secure --store " + store, connection_ + "\n");
    EXPECT_EQ(run.exit_status, 0) << run.err;
    std::size_t at = run.out.find("token: ");
    EXPECT_NE(at, std::string::npos) << run.out;
    return at == std::string::npos ? "" : run.out.substr(at + 7, security::kAccessTokenTextSize);
  }
  // A gateway's manager on the shared store, as `aurite serve` would open it.
  std::unique_ptr<security::SecurityManager> Gateway() {
    crypto::FernetKey key = *crypto::FernetKey::FromText(key_text_);
    auto store = host::PostgresStore::Open(url_, security::testing::Keys({&key}));
    EXPECT_TRUE(store.ok()) << store.status().ToString();
    security::SecurityManagerOptions options;
    options.store = std::move(*store);
    auto manager = security::SecurityManager::Create(std::move(options));
    EXPECT_TRUE(manager.ok()) << manager.status().ToString();
    (*manager)->RegisterServerPermissions("sql", {std::string(security::kDatabaseConnection)});
    return std::move(*manager);
  }

  security::testing::ScratchDir dir_;
  std::string key_text_ = std::string(crypto::FernetKey::Generate().ToText().Reveal());
  std::string password_;
  std::string by_reference_;
  const std::string connection_ =
      "postgresql://app:" + security::testing::kCanaryPassword + "@db:5432/prod";
};

TEST_F(StoreCommandTest, MigrateMovesEveryCredentialAndItsTokensKeepWorking) {
  std::string first = Secure("store.db");
  std::string second = Secure("store.db");
  std::string file_before = FileBytes(dir_.path() / "store.db");

  CommandOutput migrated = Run("store migrate --from store.db --to " + ShellQuote(by_reference_));
  ASSERT_EQ(migrated.exit_status, 0) << migrated.err;
  EXPECT_NE(migrated.out.find("copied 2 credentials"), std::string::npos) << migrated.out;
  EXPECT_EQ(FileBytes(dir_.path() / "store.db"), file_before) << "the file was not changed";

  auto gateway = Gateway();
  auto resolved = gateway->Resolve(first, "sql", security::kDatabaseConnection);
  ASSERT_TRUE(resolved.ok()) << resolved.status().ToString();
  EXPECT_EQ(resolved->secret.Reveal(), connection_);

  CommandOutput listed = Run("tokens list --json --store " + ShellQuote(by_reference_));
  ASSERT_EQ(listed.exit_status, 0) << listed.err;
  EXPECT_NE(listed.out.find("postgresql://app:****@db:5432/prod"), std::string::npos);
  EXPECT_EQ(listed.out.find(security::testing::kCanaryPassword), std::string::npos);

  std::string tables = host::testing::DumpStore(database_);
  CommandOutput again = Run("store migrate --from store.db --to " + ShellQuote(by_reference_));
  EXPECT_NE(again.exit_status, 0);
  EXPECT_NE(again.err.find("already holds"), std::string::npos) << again.err;
  EXPECT_EQ(host::testing::DumpStore(database_), tables) << "a second migration wrote nothing";

  // A revocation through the command reaches the running gateway.
  CommandOutput revoked =
      Run("tokens revoke --token --store " + ShellQuote(by_reference_), second + "\n");
  ASSERT_EQ(revoked.exit_status, 0) << revoked.err;
  EXPECT_FALSE(gateway->Resolve(second, "sql", security::kDatabaseConnection).ok());
  EXPECT_TRUE(gateway->Resolve(first, "sql", security::kDatabaseConnection).ok());
}

TEST_F(StoreCommandTest, AStoreUrlWithALiteralPasswordIsRefusedWithoutEchoingIt) {
  for (const std::string& args : {"tokens list --store " + ShellQuote(url_),
                                  "store migrate --from store.db --to " + ShellQuote(url_),
                                  "audit verify --store " + ShellQuote(url_)}) {
    CommandOutput run = Run(args);
    EXPECT_NE(run.exit_status, 0) << args;
    EXPECT_NE(run.err.find("holds a password"), std::string::npos) << args << ": " << run.err;
    EXPECT_EQ(run.err.find("canary"), std::string::npos) << run.err;
  }
}

}  // namespace
}  // namespace aurite::cli
