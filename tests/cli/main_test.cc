// The `aurite` binary's front door: --help, --version, usage errors.
#include <gtest/gtest.h>

#include "base/version.h"
#include "support/command_runner.h"

namespace aurite::cli {
namespace {

using aurite::testing::RunCommand;

TEST(MainTest, VersionPrintsTheProjectVersion) {
  auto result = RunCommand(std::string(AURITE_BINARY) + " --version");
  EXPECT_EQ(result.exit_status, 0);
  EXPECT_EQ(result.out, std::string("aurite ") + kVersion + "\n");
}

TEST(MainTest, HelpListsTheCommands) {
  auto result = RunCommand(std::string(AURITE_BINARY) + " --help");
  EXPECT_EQ(result.exit_status, 0);
  EXPECT_NE(result.out.find("Usage: aurite"), std::string::npos);
  EXPECT_NE(result.out.find("key"), std::string::npos);
}

TEST(MainTest, NoCommandIsAUsageError) {
  auto result = RunCommand(AURITE_BINARY);
  EXPECT_EQ(result.exit_status, 2);
  EXPECT_NE(result.err.find("subcommand"), std::string::npos) << result.err;
}

TEST(MainTest, UnknownCommandIsAUsageError) {
  auto result = RunCommand(std::string(AURITE_BINARY) + " frobnicate");
  EXPECT_EQ(result.exit_status, 2);
  EXPECT_NE(result.err.find("--help"), std::string::npos) << result.err;
}

// value * unit used to overflow into a negative, or an already past, expiry.
TEST(MainTest, SecureRefusesATtlLongerThanAHundredYears) {
  auto result = RunCommand(std::string(AURITE_BINARY) + " secure --ttl 106751991167301d");
  EXPECT_EQ(result.exit_status, 2);
  EXPECT_NE(result.err.find("'106751991167301d' is longer than 100 years"), std::string::npos)
      << result.err;
}

}  // namespace
}  // namespace aurite::cli
