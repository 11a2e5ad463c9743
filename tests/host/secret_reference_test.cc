// ${env:…}, ${file:…}, ${exec:…}, ${aws-sm:…}, ${vault:…} expansion: values resolved, failures
// closed, errors that name the reference and never the secret.
#include "host/secret_reference.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>

#include "host/fake_environment.h"

namespace aurite::host {
namespace {

constexpr std::string_view kReferenceCanary = "canary-p@ss:w/rd;'\"}%=&#+ \xc3\xbc";

class SecretReferenceTest : public ::testing::Test {
 protected:
  ~SecretReferenceTest() override { std::filesystem::remove(file_); }

  StatusOr<std::string> Expand(std::string_view value) {
    StatusOr<crypto::SecretBuffer> expanded = ExpandSecretReferences(value, sources_);
    if (!expanded.ok()) return expanded.status();
    return std::string(expanded->Reveal());
  }

  FakeEnvironment fake_;
  std::map<std::string, std::string>& env_ = fake_.variables;
  const ReferenceSources& sources_ = fake_.sources();
  std::filesystem::path file_ =
      std::filesystem::temp_directory_path() / ("aurite-ref-" + std::to_string(getpid()));
};

TEST_F(SecretReferenceTest, LiteralTextIsUnchanged) {
  EXPECT_EQ(*Expand("postgresql://app@db/orders"), "postgresql://app@db/orders");
  EXPECT_EQ(*Expand(""), "");
  EXPECT_EQ(*Expand("cost: $5 {braces}"), "cost: $5 {braces}");
}

TEST_F(SecretReferenceTest, EnvironmentReferencesMixWithText) {
  env_["PW"] = std::string(kReferenceCanary);
  env_["HOST"] = "db.internal";
  EXPECT_EQ(*Expand("postgresql://app:${env:PW}@${env:HOST}/orders"),
            "postgresql://app:" + std::string(kReferenceCanary) + "@db.internal/orders");
}

TEST_F(SecretReferenceTest, UnsetVariableFailsNamingIt) {
  StatusOr<std::string> result = Expand("postgresql://app:${env:MISSING_PW}@db/orders");
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.status().message().find("MISSING_PW is not set"), std::string::npos)
      << result.status().message();
}

TEST_F(SecretReferenceTest, FileReferenceReadsTheFileWithoutTrailingNewline) {
  std::ofstream(file_) << kReferenceCanary << "\n";
  EXPECT_EQ(*Expand("${file:" + file_.string() + "}"), kReferenceCanary);
}

TEST_F(SecretReferenceTest, MissingFileFailsNamingThePath) {
  StatusOr<std::string> result = Expand("${file:/nonexistent/aurite/secret}");
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.status().message().find("/nonexistent/aurite/secret"), std::string::npos);
}

TEST_F(SecretReferenceTest, ExecReferenceUsesTheCommandsOutput) {
  EXPECT_EQ(*Expand("${exec:printf 'top-secret\\n'}"), "top-secret");
}

TEST_F(SecretReferenceTest, FailingCommandFailsWithoutItsOutput) {
  StatusOr<std::string> result = Expand("${exec:echo leaked-output; exit 3}");
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.status().message().find("exit status 3"), std::string::npos)
      << result.status().message();
  EXPECT_EQ(result.status().message().find("leaked-output\n"), std::string::npos);
}

TEST_F(SecretReferenceTest, ExecCommandInheritsNeitherTheStoreKeyNorOtherSecrets) {
  ::setenv("AURITE_MCP_ENCRYPTION_KEY", "canary-store-key", 1);
  ::setenv("ORDERS_DB_PASSWORD", "canary-db-password", 1);
  StatusOr<std::string> seen =
      Expand("${exec:echo \"[$AURITE_MCP_ENCRYPTION_KEY][$ORDERS_DB_PASSWORD][$HOME]\"}");
  ::unsetenv("AURITE_MCP_ENCRYPTION_KEY");
  ::unsetenv("ORDERS_DB_PASSWORD");
  ASSERT_TRUE(seen.ok()) << seen.status().message();
  const char* home = std::getenv("HOME");
  EXPECT_EQ(*seen, "[][][" + std::string(home != nullptr ? home : "") + "]");
}

TEST_F(SecretReferenceTest, AwsSecretsManagerReferencePassesIdAndFieldToTheSource) {
  fake_.aws_secrets["prod/orders#username"] = "orders_app";
  fake_.aws_secrets["prod/orders#password"] = std::string(kReferenceCanary);
  fake_.aws_secrets["arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/orders-AbCdEf"] =
      "whole";
  EXPECT_EQ(*Expand("postgresql://${aws-sm:prod/orders#username}:${aws-sm:prod/orders#password}"
                    "@db.internal/orders"),
            "postgresql://orders_app:" + std::string(kReferenceCanary) + "@db.internal/orders");
  EXPECT_EQ(*Expand("${aws-sm:arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/"
                    "orders-AbCdEf}"),
            "whole");
  EXPECT_EQ(fake_.aws_requests,
            (std::vector<std::string>{
                "prod/orders#username", "prod/orders#password",
                "arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/orders-AbCdEf"}));
}

TEST_F(SecretReferenceTest, AwsSecretsManagerFailureNamesTheReference) {
  StatusOr<std::string> result = Expand("pw=${aws-sm:prod/missing#password}");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), StatusCode::kNotFound);
  EXPECT_TRUE(result.status().message().starts_with("${aws-sm:prod/missing#password}: "))
      << result.status().message();
  EXPECT_FALSE(Expand("${aws-sm:}").ok());  // an empty target is not a reference
  EXPECT_TRUE(fake_.aws_requests == std::vector<std::string>{"prod/missing#password"});
}

TEST_F(SecretReferenceTest, VaultReferencePassesTheTargetToTheSource) {
  fake_.vault_secrets["secret/orders#username"] = "orders_app";
  fake_.vault_secrets["secret/team/orders?version=3#password"] = std::string(kReferenceCanary);
  EXPECT_EQ(*Expand("postgresql://${vault:secret/orders#username}:"
                    "${vault:secret/team/orders?version=3#password}@db.internal/orders"),
            "postgresql://orders_app:" + std::string(kReferenceCanary) + "@db.internal/orders");
  EXPECT_EQ(fake_.vault_requests,
            (std::vector<std::string>{"secret/orders#username",
                                      "secret/team/orders?version=3#password"}));
  EXPECT_TRUE(fake_.aws_requests.empty());
}

TEST_F(SecretReferenceTest, VaultFailureNamesTheReference) {
  StatusOr<std::string> result = Expand("pw=${vault:secret/missing#password}");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), StatusCode::kNotFound);
  EXPECT_TRUE(result.status().message().starts_with("${vault:secret/missing#password}: "))
      << result.status().message();
  EXPECT_FALSE(Expand("${vault:}").ok());  // an empty target is not a reference
  EXPECT_EQ(fake_.vault_requests, std::vector<std::string>{"secret/missing#password"});
}

TEST_F(SecretReferenceTest, DoubleDollarIsALiteral) {
  EXPECT_EQ(*Expand("a$${env:X}b"), "a${env:X}b");
}

TEST_F(SecretReferenceTest, UnknownOrBrokenReferencesFailClosedWithoutEcho) {
  for (std::string value : {"pw${notascheme}x", "${env:}", "${VAR}", "${sh:id}", "abc${env:X"}) {
    StatusOr<std::string> result = Expand(value);
    ASSERT_FALSE(result.ok()) << value;
    EXPECT_EQ(result.status().message().find(value), std::string::npos) << value;
  }
  EXPECT_EQ(Expand("p${secretpart}w").status().message().find("secretpart"), std::string::npos);
}

TEST(HasSecretReferenceTest, DetectsTheOpener) {
  EXPECT_TRUE(HasSecretReference("x${env:A}"));
  EXPECT_FALSE(HasSecretReference("x$env:A}"));
}

}  // namespace
}  // namespace aurite::host
