// RDS IAM tokens: character for character botocore's generate_db_auth_token
// (Debian's python3-botocore, its clock frozen) for generated cases, and
// clear errors for requests that cannot make a token.
#include "credentials/rds_auth_token.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "support/botocore_rds_tokens.h"
#include "test_environment.h"

namespace aurite::credentials {
namespace {

using aurite::testing::RdsTokenCase;

constexpr int kGeneratedCases = 40;

// Draws the parts of a case. The seed is fixed so every run checks the same
// cases and a failure can be reproduced.
class CaseGenerator {
 public:
  RdsTokenCase Next(int index) {
    RdsTokenCase c;
    c.hostname = Hostname(index);
    c.port = Port(index);
    c.username = Username();
    c.region = Pick(kRegions);
    c.time = Between(946684800, 4102444799);  // 2000 to 2099
    const bool temporary = index % 2 == 1;
    c.access_key_id = (temporary ? "ASIA" : "AKIA") + Text(16, 16, kKeyIdAlphabet);
    c.secret_access_key = Text(40, 40, kSecretAlphabet);
    if (temporary) c.session_token = Text(100, 400, std::string(kSecretAlphabet) + "=");
    return c;
  }

 private:
  static constexpr const char* kRegions[] = {
      "us-east-1",      "us-east-2",  "us-west-2",  "eu-west-1",      "eu-central-1",
      "eu-north-1",     "ap-south-1", "sa-east-1",  "ap-northeast-1", "ca-central-1",
      "cn-northwest-1", "me-south-1", "af-south-1", "us-gov-west-1",  "il-central-1"};
  static constexpr const char* kUserPieces[] = {"a",
                                                "Z",
                                                "0",
                                                "_",
                                                "-",
                                                ".",
                                                "~",
                                                " ",
                                                "+",
                                                "/",
                                                "=",
                                                "&",
                                                "%",
                                                "@",
                                                ":",
                                                ";",
                                                "!",
                                                "?",
                                                "#",
                                                "[",
                                                "]",
                                                "'",
                                                "\"",
                                                "\\",
                                                "$",
                                                "*",
                                                ",",
                                                "(",
                                                ")",
                                                "<",
                                                ">",
                                                "\t",
                                                "\xc3\xbc",
                                                "\xe2\x82\xac",
                                                "\xe5\x90\x8d",
                                                "\xf0\x9f\x98\x80",
                                                "app",
                                                "admin",
                                                "iam_user"};
  static constexpr std::string_view kLabelAlphabet = "abcdefghijklmnopqrstuvwxyz0123456789-";
  static constexpr std::string_view kKeyIdAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  static constexpr std::string_view kSecretAlphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/+";

  std::int64_t Between(std::int64_t low, std::int64_t high) {
    return std::uniform_int_distribution<std::int64_t>(low, high)(random_);
  }
  template <std::size_t N>
  std::string Pick(const char* const (&choices)[N]) {
    return choices[Between(0, N - 1)];
  }
  std::string Text(int min_size, int max_size, std::string_view alphabet) {
    std::string text;
    for (auto n = Between(min_size, max_size); n > 0; --n) {
      text.push_back(alphabet[Between(0, static_cast<std::int64_t>(alphabet.size()) - 1)]);
    }
    return text;
  }

  std::string Hostname(int index) {
    if (index % 10 == 3) return "[2001:DB8::" + Text(1, 4, "0123456789abcdef") + "]";
    if (index % 10 == 7) {
      return std::to_string(Between(1, 223)) + "." + std::to_string(Between(0, 255)) + ".0." +
             std::to_string(Between(1, 254));
    }
    std::string name = Text(1, 20, kLabelAlphabet) + "." + Text(12, 12, kLabelAlphabet) + "." +
                       Pick(kRegions) + ".rds.amazonaws.com";
    // Upper case is kept in the token but lowered in the signed Host header.
    if (index % 4 == 0) name[0] = 'M', name[name.size() - 3] = 'C';
    return name;
  }

  int Port(int index) {
    static constexpr int kPorts[] = {5432, 3306, 443, 1, 65535};
    if (index < 10) return kPorts[index % 5];
    return static_cast<int>(Between(1, 65535));
  }

  std::string Username() {
    std::string name;
    for (auto n = Between(1, 12); n > 0; --n) name += Pick(kUserPieces);
    return name;
  }

  std::mt19937_64 random_{20240229};
};

std::chrono::system_clock::time_point At(std::int64_t unix_seconds) {
  return std::chrono::system_clock::time_point(std::chrono::seconds(unix_seconds));
}

crypto::AwsCredentials CredentialsOf(const RdsTokenCase& c) {
  return {c.access_key_id, crypto::SecretBuffer::CopyFrom(c.secret_access_key),
          crypto::SecretBuffer::CopyFrom(c.session_token.value_or(""))};
}

TEST(RdsAuthTokenTest, EqualsBotocoreForGeneratedCases) {
  CaseGenerator generator;
  std::vector<RdsTokenCase> cases;
  for (int i = 0; i < kGeneratedCases; ++i) cases.push_back(generator.Next(i));
  aurite::testing::BotocoreTokens botocore = aurite::testing::BotocoreRdsTokens(cases);
  ASSERT_EQ(botocore.tokens.size(), cases.size()) << botocore.error;
  for (std::size_t i = 0; i < cases.size(); ++i) {
    const RdsTokenCase& c = cases[i];
    StatusOr<crypto::SecretBuffer> token = GenerateRdsAuthToken(
        {c.hostname, c.port, c.username, c.region}, CredentialsOf(c), At(c.time));
    ASSERT_TRUE(token.ok()) << "case " << i << ": " << token.status().ToString();
    EXPECT_EQ(token->Reveal(), botocore.tokens[i])
        << "case " << i << ": " << c.hostname << " port " << c.port << " region " << c.region;
  }
}

crypto::AwsCredentials ExampleCredentials(std::string_view token = "") {
  return {FakeAccessKeyId("RDS"), crypto::SecretBuffer::CopyFrom("canary-secret/Key+1"),
          crypto::SecretBuffer::CopyFrom(token)};
}

TEST(RdsAuthTokenTest, HasBotocoresShapeWithoutTheSecret) {
  StatusOr<crypto::SecretBuffer> token = GenerateRdsAuthToken(
      {"db.example.com", 5432, "app", "eu-west-1"}, ExampleCredentials(), At(1700000000));
  ASSERT_TRUE(token.ok()) << token.status().ToString();
  const std::string_view text = token->Reveal();
  EXPECT_TRUE(text.starts_with("db.example.com:5432/?Action=connect&DBUser=app&"));
  EXPECT_NE(text.find("&X-Amz-Credential=" + FakeAccessKeyId("RDS") +
                      "%2F20231114%2Feu-west-1%2Frds-db%2Faws4_request&X-Amz-Date=20231114T221320Z&"
                      "X-Amz-Expires=900&"),
            std::string_view::npos)
      << text;
  EXPECT_EQ(text.find("canary-secret"), std::string_view::npos);
  EXPECT_EQ(text.find("X-Amz-Security-Token"), std::string_view::npos);
}

TEST(RdsAuthTokenTest, RejectsRequestsNamingTheField) {
  const auto error = [](RdsTokenRequest request) {
    return GenerateRdsAuthToken(request, ExampleCredentials(), At(0)).status();
  };
  for (std::string hostname :
       {"", "https://db.example.com", "db.example.com:5432", "db/x", "db example", "user@db", "[]",
        "[::1", "::1", "[::1%eth0]", "[1::2::3]", "[db]"}) {
    Status status = error({hostname, 5432, "app", "eu-west-1"});
    EXPECT_EQ(status.code(), StatusCode::kInvalidArgument) << hostname;
    EXPECT_NE(status.message().find("hostname"), std::string::npos) << hostname;
  }
  for (int port : {0, -1, 65536}) {
    EXPECT_NE(error({"db", port, "app", "eu-west-1"}).message().find("port must be between"),
              std::string::npos);
  }
  EXPECT_NE(error({"db", 5432, "", "eu-west-1"}).message().find("username"), std::string::npos);
  for (std::string region : {"", "EU-WEST-1", "eu west 1", "eu-west-1/"}) {
    EXPECT_NE(error({"db", 5432, "app", region}).message().find("region"), std::string::npos)
        << region;
  }
  EXPECT_TRUE(ValidateRdsTokenRequest({"[::1]", 5432, "app", "eu-west-1"}).ok());
}

}  // namespace
}  // namespace aurite::credentials
