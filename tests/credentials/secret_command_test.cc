// RunSecretCommand with real programs (/bin/sh scripts): output taken and
// trimmed, no inherited environment, and every way a command can misbehave
// (fails, hangs, floods, prints nothing) ends in a clear error that quotes
// none of its output.
#include "credentials/secret_command.h"

#include <gtest/gtest.h>

#include <cstdlib>

namespace aurite::credentials {
namespace {

using namespace std::chrono_literals;

constexpr std::string_view kCommandCanary = "canary-token-5d1e7a";

SecretCommand Shell(std::string script, std::vector<std::string> environment = {}) {
  return {.program = "/bin/sh",
          .arguments = {"-c", std::move(script)},
          .environment = std::move(environment),
          .timeout = 5s,
          .description = "the test command"};
}

TEST(SecretCommandTest, TakesStandardOutputWithoutTheTrailingNewline) {
  StatusOr<crypto::SecretBuffer> output =
      RunSecretCommand(Shell("printf '%s\\r\\n' " + std::string(kCommandCanary)));
  ASSERT_TRUE(output.ok()) << output.status().message();
  EXPECT_EQ(output->Reveal(), kCommandCanary);
}

TEST(SecretCommandTest, StandardErrorIsDroppedAndNeverQuoted) {
  StatusOr<crypto::SecretBuffer> output = RunSecretCommand(
      Shell("echo stderr-" + std::string(kCommandCanary) + " >&2; echo out; exit 3"));
  ASSERT_FALSE(output.ok());
  EXPECT_NE(output.status().message().find("the test command failed (exit status 3)"),
            std::string::npos);
  EXPECT_EQ(output.status().message().find(kCommandCanary), std::string::npos);
}

TEST(SecretCommandTest, GetsOnlyTheEnvironmentGiven) {
  ::setenv("AURITE_SECRET_COMMAND_TEST_VAR", "inherited", 1);
  StatusOr<crypto::SecretBuffer> output =
      RunSecretCommand(Shell("echo \"[${AURITE_SECRET_COMMAND_TEST_VAR}][${GIVEN}]\"",
                             {"GIVEN=given", "PATH=/usr/bin:/bin"}));
  ::unsetenv("AURITE_SECRET_COMMAND_TEST_VAR");
  ASSERT_TRUE(output.ok()) << output.status().message();
  EXPECT_EQ(output->Reveal(), "[][given]");
}

TEST(SecretCommandTest, CommandEnvironmentKeepsToolSettingsButNotTheHostsSecrets) {
  const char* environ[] = {"PATH=/usr/bin",
                           "HOME=/home/op",
                           "AURITE_MCP_ENCRYPTION_KEY=canary-key",
                           "ORDERS_ADMIN_PASSWORD=canary-admin",
                           "CLOUDSDK_CONFIG=/home/op/.gcloud",
                           "AWS_PROFILE=prod",
                           "LC_ALL=C.UTF-8",
                           "NOEQUALS",
                           nullptr};
  EXPECT_EQ(CommandEnvironment(environ),
            (std::vector<std::string>{"PATH=/usr/bin", "HOME=/home/op",
                                      "CLOUDSDK_CONFIG=/home/op/.gcloud", "AWS_PROFILE=prod",
                                      "LC_ALL=C.UTF-8"}));
}

TEST(SecretCommandTest, AHangingCommandIsStoppedAtTheTimeout) {
  SecretCommand command = Shell("exec sleep 30");
  command.timeout = 300ms;
  const auto started = std::chrono::steady_clock::now();
  StatusOr<crypto::SecretBuffer> output = RunSecretCommand(command);
  ASSERT_FALSE(output.ok());
  EXPECT_EQ(output.status().code(), StatusCode::kDeadlineExceeded);
  EXPECT_NE(output.status().message().find("did not finish within 300 ms"), std::string::npos);
  // The sleep was ended, not waited for.
  EXPECT_LT(std::chrono::steady_clock::now() - started, 10s);
}

TEST(SecretCommandTest, AnEndlessOutputIsCutOffAtTheLimit) {
  SecretCommand command = Shell("exec yes " + std::string(kCommandCanary));
  command.max_output = 1024;
  StatusOr<crypto::SecretBuffer> output = RunSecretCommand(command);
  ASSERT_FALSE(output.ok());
  EXPECT_NE(output.status().message().find("printed more than 1024 bytes"), std::string::npos);
  EXPECT_EQ(output.status().message().find(kCommandCanary), std::string::npos);
}

TEST(SecretCommandTest, EmptyOutputMissingProgramAndDeathBySignalAreErrors) {
  EXPECT_NE(RunSecretCommand(Shell("true")).status().message().find("printed nothing"),
            std::string::npos);
  StatusOr<crypto::SecretBuffer> killed = RunSecretCommand(Shell("kill -9 $$"));
  ASSERT_FALSE(killed.ok());
  EXPECT_NE(killed.status().message().find("killed by signal 9"), std::string::npos);
  SecretCommand missing = Shell("");
  missing.program = "/nonexistent/aurite-no-such-program";
  missing.description = "the missing command";
  StatusOr<crypto::SecretBuffer> absent = RunSecretCommand(missing);
  ASSERT_FALSE(absent.ok());
  EXPECT_NE(absent.status().message().find("the missing command"), std::string::npos);
}

}  // namespace
}  // namespace aurite::credentials
