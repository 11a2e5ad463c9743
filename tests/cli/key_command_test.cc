// `aurite key generate|check`: keys that work, errors that name the problem
// and never print the key.
#include <gtest/gtest.h>

#include "crypto/fernet_key.h"
#include "support/command_runner.h"

namespace aurite::cli {
namespace {

using aurite::testing::RunCommand;
using aurite::testing::ShellQuote;

std::string Aurite(const std::string& args) {
  // Start from an environment without key variables, whatever the caller has.
  return "env -u AURITE_MCP_ENCRYPTION_KEY -u AURITE_MCP_ENCRYPTION_KEY_FILE " + args;
}

std::string WithKey(const std::string& key, const std::string& args) {
  return "env -u AURITE_MCP_ENCRYPTION_KEY_FILE AURITE_MCP_ENCRYPTION_KEY=" + ShellQuote(key) +
         " " + args;
}

const std::string kAuriteBinary = AURITE_BINARY;

TEST(KeyCommandTest, GeneratePrintsAFreshUsableKey) {
  auto first = RunCommand(Aurite(kAuriteBinary + " key generate"));
  auto second = RunCommand(Aurite(kAuriteBinary + " key generate"));
  ASSERT_EQ(first.exit_status, 0);
  ASSERT_EQ(first.out.size(), crypto::FernetKey::kTextSize + 1);
  EXPECT_TRUE(crypto::FernetKey::FromText(first.out.substr(0, 44)).ok());
  EXPECT_NE(first.out, second.out);
  EXPECT_TRUE(first.err.empty());
}

TEST(KeyCommandTest, CheckNamesTheFormWithoutPrintingTheKey) {
  std::string key(crypto::FernetKey::Generate().ToText().Reveal());
  auto result = RunCommand(WithKey(key, kAuriteBinary + " key check"));
  EXPECT_EQ(result.exit_status, 0);
  EXPECT_NE(result.out.find("a Fernet key"), std::string::npos) << result.out;
  EXPECT_EQ((result.out + result.err).find(key), std::string::npos);
}

TEST(KeyCommandTest, CheckRecognisesAPassphrase) {
  std::string canary = "canary-p@ss:w/rd;'\"}%=&#+ \xc3\xbc";
  auto result = RunCommand(WithKey(canary, kAuriteBinary + " key check"));
  EXPECT_EQ(result.exit_status, 0);
  EXPECT_NE(result.out.find("a passphrase"), std::string::npos) << result.out;
  EXPECT_EQ((result.out + result.err).find(canary), std::string::npos);
}

TEST(KeyCommandTest, UnusableKeyExitsTwoNamingVariableAndForms) {
  std::string key(crypto::FernetKey::Generate().ToText().Reveal());
  std::string mangled = key.substr(0, 43);
  auto result = RunCommand(WithKey(mangled, kAuriteBinary + " key check"));
  EXPECT_EQ(result.exit_status, 2);
  EXPECT_NE(result.err.find("AURITE_MCP_ENCRYPTION_KEY"), std::string::npos) << result.err;
  EXPECT_NE(result.err.find("accepted forms"), std::string::npos) << result.err;
  EXPECT_EQ((result.out + result.err).find(mangled), std::string::npos);
}

TEST(KeyCommandTest, EmptyKeyExitsTwo) {
  auto result = RunCommand(WithKey("", kAuriteBinary + " key check"));
  EXPECT_EQ(result.exit_status, 2);
  EXPECT_NE(result.err.find("set but empty"), std::string::npos) << result.err;
}

TEST(KeyCommandTest, UnreadableKeyFileExitsTwo) {
  auto result = RunCommand(
      "env -u AURITE_MCP_ENCRYPTION_KEY AURITE_MCP_ENCRYPTION_KEY_FILE=/nonexistent/key " +
      kAuriteBinary + " key check");
  EXPECT_EQ(result.exit_status, 2);
  EXPECT_NE(result.err.find("AURITE_MCP_ENCRYPTION_KEY_FILE"), std::string::npos) << result.err;
}

TEST(KeyCommandTest, UnsetKeySaysCredentialsDoNotPersist) {
  auto result = RunCommand(Aurite(kAuriteBinary + " key check"));
  EXPECT_EQ(result.exit_status, 0);
  EXPECT_NE(result.out.find("do not persist"), std::string::npos) << result.out;
}

}  // namespace
}  // namespace aurite::cli
