// Every way the credential store can fail to open, through the real `aurite`
// CLI: each cause is named with its fix, no message suggests deleting or
// replacing the store, a wrong key is named by the variable (and file) it
// came from, and the store's bytes are the same afterwards.
//
// File modes do not bind root, so when the tests run as root the CLI runs as
// nobody (setpriv) in a scratch directory given to nobody.
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <string>

#include "crypto/fernet.h"
#include "crypto/fernet_key.h"
#include "security/access_token.h"
#include "store_test_support.h"
#include "support/command_runner.h"
#include "test_support.h"

namespace aurite::security {
namespace {

using ::aurite::testing::CommandOutput;
using ::aurite::testing::RunCommand;
using ::aurite::testing::ShellQuote;
using testing::ReadFile;
using testing::ScratchDir;
using testing::WriteFile;

constexpr uid_t kNobody = 65534;

std::string NewKeyText() { return std::string(crypto::FernetKey::Generate().ToText().Reveal()); }

std::string Lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

class StoreErrorsCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (as_root_) {
      ASSERT_EQ(::chown(dir_.path().c_str(), kNobody, kNobody), 0);
    }
    CommandOutput secured = Run("secure --store store.db", "postgresql://u:pw-1234@h/db\n");
    ASSERT_EQ(secured.exit_status, 0) << secured.err;
    before_ = ReadFile(store_);
    ASSERT_FALSE(before_.empty());
  }

  // `aurite args` with the store key (unless `env` sets one) and only `env`.
  CommandOutput Run(const std::string& args, const std::string& input = "",
                    std::map<std::string, std::string> env = {}) {
    if (!env.contains("AURITE_MCP_ENCRYPTION_KEY_FILE"))
      env.emplace("AURITE_MCP_ENCRYPTION_KEY", key_);
    std::string command = "cd " + ShellQuote(dir_.path().string()) + " && ";
    if (as_root_) {
      command += "setpriv --reuid=" + std::to_string(kNobody) +
                 " --regid=" + std::to_string(kNobody) + " --clear-groups ";
    }
    command += "env -i HOME=" + ShellQuote(dir_.path().string());
    for (const auto& [name, value] : env) command += " " + name + "=" + ShellQuote(value);
    return RunCommand(command + " " + ShellQuote(AURITE_BINARY) + " " + args, input);
  }

  // The command fails with exit status 2, names the cause (`expected`, any
  // case) and suggests nothing that would destroy the store.
  void ExpectRefused(const CommandOutput& run, const std::string& expected) {
    EXPECT_EQ(run.exit_status, 2) << run.err;
    std::string err = Lower(run.err);
    EXPECT_NE(err.find(Lower(expected)), std::string::npos) << run.err;
    EXPECT_EQ(err.find("not an aurite credential store"), std::string::npos) << run.err;
    for (const char* destructive : {"delete", "remove", "replace", "another file", "rm "}) {
      EXPECT_EQ(err.find(destructive), std::string::npos) << run.err;
    }
  }

  void ExpectStoreUnchanged() { EXPECT_TRUE(ReadFile(store_) == before_) << "the store changed"; }

  bool as_root_ = ::geteuid() == 0;
  ScratchDir dir_;
  std::filesystem::path store_ = dir_ / "store.db";
  std::string key_ = NewKeyText();
  std::string before_;
};

TEST_F(StoreErrorsCliTest, AWrongKeyFromAFileIsNamedByTheFileVariableAndTheFile) {
  std::filesystem::path key_file = dir_ / "other.key";
  WriteFile(key_file, NewKeyText() + "\n");
  ::chmod(key_file.c_str(), 0644);
  CommandOutput run =
      Run("tokens list --store store.db", "", {{"AURITE_MCP_ENCRYPTION_KEY_FILE", key_file}});
  ExpectRefused(run, "the key from AURITE_MCP_ENCRYPTION_KEY_FILE ('" + key_file.string() +
                         "') does not open credential store");
  EXPECT_NE(run.err.find("Point AURITE_MCP_ENCRYPTION_KEY_FILE at a file holding the key"),
            std::string::npos)
      << run.err;
  // The variable that was not used is not blamed.
  std::string err = run.err;
  for (std::size_t at; (at = err.find("AURITE_MCP_ENCRYPTION_KEY_FILE")) != std::string::npos;) {
    err.erase(at, 30);
  }
  EXPECT_EQ(err.find("AURITE_MCP_ENCRYPTION_KEY"), std::string::npos) << run.err;
  ExpectStoreUnchanged();
}

TEST_F(StoreErrorsCliTest, AWrongKeyFromTheVariableIsNamedByTheVariable) {
  CommandOutput run =
      Run("tokens list --store store.db", "", {{"AURITE_MCP_ENCRYPTION_KEY", NewKeyText()}});
  ExpectRefused(run, "the key from AURITE_MCP_ENCRYPTION_KEY does not open credential store");
  EXPECT_NE(run.err.find("Set AURITE_MCP_ENCRYPTION_KEY to the key"), std::string::npos) << run.err;
  ExpectStoreUnchanged();
}

TEST_F(StoreErrorsCliTest, AnUnreadableStoreIsAPermissionProblem) {
  ASSERT_EQ(::chmod(store_.c_str(), 0), 0);
  CommandOutput run = Run("tokens list --store store.db");
  ASSERT_EQ(::chmod(store_.c_str(), 0600), 0);
  ExpectRefused(run, "cannot read credential store");
  EXPECT_NE(run.err.find("Permission denied"), std::string::npos) << run.err;
  EXPECT_NE(run.err.find("chmod 600"), std::string::npos) << run.err;
  ExpectStoreUnchanged();
}

TEST_F(StoreErrorsCliTest, AReadOnlyStoreIsReportedAsReadOnly) {
  ASSERT_EQ(::chmod(store_.c_str(), 0400), 0);
  CommandOutput listed = Run("tokens list --store store.db");
  CommandOutput secured = Run("secure --store store.db", "postgresql://u:pw-5678@h/db\n");
  ASSERT_EQ(::chmod(store_.c_str(), 0600), 0);
  ExpectRefused(listed, "is read-only");
  ExpectRefused(secured, "is read-only");
  EXPECT_NE(listed.err.find("chmod 600"), std::string::npos) << listed.err;
  ExpectStoreUnchanged();
}

TEST_F(StoreErrorsCliTest, AReadOnlyDirectoryIsNamedWithWhySqliteNeedsIt) {
  ASSERT_EQ(::chmod(dir_.path().c_str(), 0500), 0);
  CommandOutput run = Run("tokens list --store store.db");
  ASSERT_EQ(::chmod(dir_.path().c_str(), 0700), 0);
  ExpectRefused(run, "of credential store");
  EXPECT_NE(run.err.find("is not writable"), std::string::npos) << run.err;
  EXPECT_NE(run.err.find("-wal"), std::string::npos) << run.err;
  ExpectStoreUnchanged();
}

TEST_F(StoreErrorsCliTest, AStoreLockedByAnotherProcessIsReportedAsLocked) {
  sqlite3* holder = nullptr;
  ASSERT_EQ(sqlite3_open(store_.c_str(), &holder), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(holder, "PRAGMA locking_mode=EXCLUSIVE; BEGIN EXCLUSIVE", nullptr, nullptr,
                         nullptr),
            SQLITE_OK);
  CommandOutput run = Run("tokens list --store store.db");  // waits out the 5 s busy timeout
  sqlite3_exec(holder, "ROLLBACK", nullptr, nullptr, nullptr);
  sqlite3_close(holder);
  ExpectRefused(run, "is locked by another process");
  ExpectStoreUnchanged();
}

TEST_F(StoreErrorsCliTest, ADamagedStoreIsReportedAsDamaged) {
  // Page 2 holds the first table after the schema: garbage there is damage.
  std::string damaged = before_;
  ASSERT_GT(damaged.size(), 8192u);
  std::fill(damaged.begin() + 4096, damaged.begin() + 8192, '\x5a');
  WriteFile(store_, damaged);
  before_ = damaged;
  CommandOutput run = Run("tokens list --store store.db");
  ExpectRefused(run, "is damaged");
  EXPECT_NE(run.err.find("backup"), std::string::npos) << run.err;
  ExpectStoreUnchanged();
}

TEST_F(StoreErrorsCliTest, ADamagedKeyCheckIsDamageNotAWrongKey) {
  testing::RunSql(store_, "UPDATE meta SET value = 'not a token' WHERE name = 'key_check'");
  before_ = ReadFile(store_);
  CommandOutput run = Run("tokens list --store store.db");
  ExpectRefused(run, "its key check is not a Fernet token");
  ExpectStoreUnchanged();

  // A well-formed key check under another key, while the right key still
  // decrypts the credentials: the key check is what is wrong.
  crypto::Fernet other(crypto::FernetKey::Generate());
  testing::RunSql(store_, "UPDATE meta SET value = '" +
                              other.Encrypt(std::string_view("aurite key check v1")) +
                              "' WHERE name = 'key_check'");
  before_ = ReadFile(store_);
  run = Run("tokens list --store store.db");
  ExpectRefused(run, "does not match the key its credentials are encrypted with");
  ExpectStoreUnchanged();
}

TEST_F(StoreErrorsCliTest, FilesThatAreNoStoreSayWhatTheyAre) {
  WriteFile(dir_ / "notes.txt", std::string(8192, 'n'));
  CommandOutput text = Run("tokens list --store notes.txt");
  EXPECT_EQ(text.exit_status, 2);
  EXPECT_NE(text.err.find("is not an Aurite credential store (it is not a SQLite database)"),
            std::string::npos)
      << text.err;
  testing::RunSql(dir_ / "other.db", "CREATE TABLE t (x)");
  CommandOutput other = Run("tokens list --store other.db");
  EXPECT_EQ(other.exit_status, 2);
  EXPECT_NE(other.err.find("is not an Aurite credential store (a SQLite database without "
                           "Aurite's tables)"),
            std::string::npos)
      << other.err;
  EXPECT_EQ(ReadFile(dir_ / "notes.txt"), std::string(8192, 'n'));
}

TEST_F(StoreErrorsCliTest, PathsThatCannotHoldAStoreSaySo) {
  ExpectRefused(Run("tokens list --store ."), "is a directory, not a file");
  ExpectRefused(Run("tokens list --store store.db/inner.db"), "runs through a file");
  CommandOutput made = Run("tokens list --store new/dir/store.db");
  EXPECT_EQ(made.exit_status, 0) << made.err;
  EXPECT_TRUE(std::filesystem::is_regular_file(dir_ / "new" / "dir" / "store.db"));
  ExpectStoreUnchanged();
}

}  // namespace
}  // namespace aurite::security
