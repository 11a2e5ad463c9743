// `aurite credentials rds-token`, the real binary: its token equals
// botocore's for the instant it signed at, the secret access key never shows,
// and mistakes exit 2 saying what to fix.
#include <gtest/gtest.h>
#include <unistd.h>

#include <ctime>
#include <filesystem>
#include <fstream>

#include "support/botocore_rds_tokens.h"
#include "support/command_runner.h"

namespace aurite::cli {
namespace {

using aurite::testing::RdsTokenCase;
using aurite::testing::RunCommand;
using aurite::testing::ShellQuote;

const std::string kBinary = AURITE_BINARY;
constexpr char kCanary[] = "canary-Secret/Key+0123456789abcdefXYZ";
// A key id that is plainly not a real one (botocore signs with any).
const std::string kKeyId = std::string("TESTONLYKEYID") + "CLI";

// A clean environment: none of the caller's AWS variables or files count.
std::string Isolated(const std::string& variables, const std::string& arguments) {
  return "env -i HOME=/nonexistent " + variables + " " + kBinary + " credentials rds-token " +
         arguments;
}

std::string Arguments(const RdsTokenCase& c) {
  return "--hostname " + ShellQuote(c.hostname) + " --port " + std::to_string(c.port) +
         " --username " + ShellQuote(c.username) + " --region " + ShellQuote(c.region);
}

// The Unix time of the token's X-Amz-Date, so botocore signs at that instant.
std::int64_t SigningTime(const std::string& token) {
  const std::size_t at = token.find("X-Amz-Date=");
  if (at == std::string::npos) return -1;
  std::tm utc{};
  if (strptime(token.c_str() + at + 11, "%Y%m%dT%H%M%SZ", &utc) == nullptr) return -1;
  return timegm(&utc);
}

// Runs `command`, which must print one token, and compares it with
// botocore's for `expected` at the same instant.
void ExpectBotocoreToken(const std::string& command, RdsTokenCase expected) {
  auto result = RunCommand(command);
  ASSERT_EQ(result.exit_status, 0) << result.err;
  EXPECT_TRUE(result.err.empty()) << result.err;
  ASSERT_TRUE(result.out.ends_with("\n"));
  const std::string token = result.out.substr(0, result.out.size() - 1);
  expected.time = SigningTime(token);
  aurite::testing::BotocoreTokens botocore = aurite::testing::BotocoreRdsTokens({expected});
  ASSERT_EQ(botocore.tokens.size(), 1u) << botocore.error;
  EXPECT_EQ(token, botocore.tokens[0]);
  EXPECT_EQ((result.out + result.err).find(kCanary), std::string::npos);
  EXPECT_EQ((result.out + result.err).find(expected.secret_access_key), std::string::npos);
}

TEST(CredentialsCommandTest, RdsTokenFromVariablesEqualsBotocore) {
  RdsTokenCase c{"Mydb.cluster-abc123.eu-west-1.rds.amazonaws.com",
                 5432,
                 "app user/\xc3\xbc+=",
                 "eu-west-1",
                 0,
                 kKeyId,
                 kCanary,
                 std::nullopt};
  ExpectBotocoreToken(
      Isolated("AWS_ACCESS_KEY_ID=" + kKeyId + " AWS_SECRET_ACCESS_KEY=" + ShellQuote(kCanary),
               Arguments(c)),
      c);

  c.access_key_id = kKeyId + "TEMP";
  c.session_token = "FwoGZXIvYXdzEBYaD/session+token==";
  ExpectBotocoreToken(Isolated("AWS_ACCESS_KEY_ID=" + c.access_key_id +
                                   " AWS_SECRET_ACCESS_KEY=" + ShellQuote(kCanary) +
                                   " AWS_SESSION_TOKEN=" + ShellQuote(*c.session_token),
                               Arguments(c)),
                      c);
}

TEST(CredentialsCommandTest, RdsTokenFromAProfileEqualsBotocore) {
  const std::filesystem::path file =
      std::filesystem::temp_directory_path() / ("aurite-cli-aws-" + std::to_string(getpid()));
  std::ofstream(file) << "[default]\naws_access_key_id = AKIADEFAULT\naws_secret_access_key = d\n"
                      << "[ci]\naws_access_key_id = AKIACIPROFILE\naws_secret_access_key = "
                      << kCanary << "\n";
  RdsTokenCase c{"10.1.2.3",      3306,    "report",    "us-east-2", 0,
                 "AKIACIPROFILE", kCanary, std::nullopt};
  // --profile wins over the variables, as with the AWS CLI.
  ExpectBotocoreToken(Isolated("AWS_SHARED_CREDENTIALS_FILE=" + ShellQuote(file.string()) +
                                   " AWS_ACCESS_KEY_ID=AKIAIGNORED AWS_SECRET_ACCESS_KEY=ignored",
                               Arguments(c) + " --profile ci"),
                      c);
  std::filesystem::remove(file);
}

TEST(CredentialsCommandTest, HelpExplainsTheTokenAndWhereCredentialsComeFrom) {
  auto result = RunCommand(kBinary + " credentials rds-token --help");
  EXPECT_EQ(result.exit_status, 0);
  for (const char* text :
       {"RDS IAM authentication token", "--hostname", "--port", "--username", "--region",
        "--profile", "15 minutes", "AWS_ACCESS_KEY_ID", "AWS_SHARED_CREDENTIALS_FILE"}) {
    EXPECT_NE(result.out.find(text), std::string::npos) << text;
  }
  result = RunCommand(kBinary + " --help");
  EXPECT_NE(result.out.find("credentials"), std::string::npos);
}

TEST(CredentialsCommandTest, UsageErrorsExitTwo) {
  const std::string variables =
      "AWS_ACCESS_KEY_ID=AKIA AWS_SECRET_ACCESS_KEY=" + std::string(kCanary);
  const struct {
    std::string arguments;
    std::string expected;
  } cases[] = {
      {"--hostname db --port 5432 --username u", "--region is required"},
      {"--hostname db --port 0 --username u --region eu-west-1", "--port"},
      {"--hostname db --port 5432x --username u --region eu-west-1", "--port"},
      {"--hostname https://db --port 5432 --username u --region eu-west-1", "hostname must be"},
      {"--hostname db --port 5432 --username '' --region eu-west-1", "username must not be empty"},
      {"--hostname db --port 5432 --username u --region EU", "region must be"},
  };
  for (const auto& c : cases) {
    auto result = RunCommand(Isolated(variables, c.arguments));
    EXPECT_EQ(result.exit_status, 2) << c.arguments;
    EXPECT_TRUE(result.out.empty()) << c.arguments;
    EXPECT_NE(result.err.find(c.expected), std::string::npos) << result.err;
  }
  auto result = RunCommand(kBinary + " credentials");
  EXPECT_EQ(result.exit_status, 2);
}

TEST(CredentialsCommandTest, MissingCredentialsExitTwoWithoutEchoingSecrets) {
  const std::string arguments = "--hostname db --port 5432 --username u --region eu-west-1";
  auto result = RunCommand(Isolated("", arguments));
  EXPECT_EQ(result.exit_status, 2);
  EXPECT_TRUE(result.out.empty());
  EXPECT_NE(result.err.find("no AWS credentials"), std::string::npos) << result.err;
  EXPECT_NE(result.err.find("set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY"), std::string::npos);

  result = RunCommand(Isolated("AWS_SECRET_ACCESS_KEY=" + ShellQuote(kCanary), arguments));
  EXPECT_EQ(result.exit_status, 2);
  EXPECT_NE(result.err.find("AWS_ACCESS_KEY_ID is not"), std::string::npos) << result.err;
  EXPECT_EQ((result.out + result.err).find(kCanary), std::string::npos);
}

}  // namespace
}  // namespace aurite::cli
