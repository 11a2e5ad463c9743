// The AWS credentials chain: variables, explicit and implicit profiles of the
// shared credentials file, in the AWS CLI's order; errors that say how to
// provide credentials and never contain a secret.
#include "credentials/aws_credentials.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <string>

namespace aurite::credentials {
namespace {

constexpr std::string_view kAwsCanary = "canary-secret-5a1f/Qx+";

class AwsCredentialsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    home_ = std::filesystem::temp_directory_path() /
            ("aurite-aws-" + std::to_string(getpid()) + "-" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(home_ / ".aws");
    variables_["HOME"] = home_.string();
  }
  void TearDown() override { std::filesystem::remove_all(home_); }

  void WriteFile(const std::filesystem::path& path, const std::string& text) {
    std::ofstream(path) << text;
  }
  void WriteDefaultFile() {
    WriteFile(home_ / ".aws/credentials",
              "[default]\naws_access_key_id = AKIAFILE\naws_secret_access_key = file-secret\n"
              "[work]\naws_access_key_id = ASIAWORK\naws_secret_access_key = " +
                  std::string(kAwsCanary) + "\naws_session_token = work-token\n");
  }

  StatusOr<crypto::AwsCredentials> Load(std::optional<std::string_view> profile = std::nullopt) {
    return LoadAwsCredentials(profile, [this](std::string_view name) {
      auto it = variables_.find(std::string(name));
      return it == variables_.end() ? std::nullopt : std::optional<std::string_view>(it->second);
    });
  }

  std::filesystem::path home_;
  std::map<std::string, std::string> variables_;
};

TEST_F(AwsCredentialsTest, VariablesComeFirst) {
  WriteDefaultFile();
  variables_["AWS_ACCESS_KEY_ID"] = "AKIAVARIABLE";
  variables_["AWS_SECRET_ACCESS_KEY"] = std::string(kAwsCanary);
  variables_["AWS_PROFILE"] = "work";
  StatusOr<crypto::AwsCredentials> credentials = Load();
  ASSERT_TRUE(credentials.ok()) << credentials.status().ToString();
  EXPECT_EQ(credentials->access_key_id, "AKIAVARIABLE");
  EXPECT_EQ(credentials->secret_access_key.Reveal(), kAwsCanary);
  EXPECT_TRUE(credentials->session_token.empty());

  variables_["AWS_SESSION_TOKEN"] = "variable-token";
  credentials = Load();
  ASSERT_TRUE(credentials.ok());
  EXPECT_EQ(credentials->session_token.Reveal(), "variable-token");
}

TEST_F(AwsCredentialsTest, HalfSetVariablesAreAnError) {
  WriteDefaultFile();
  variables_["AWS_SECRET_ACCESS_KEY"] = std::string(kAwsCanary);
  Status status = Load().status();
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(status.message(),
            "AWS_SECRET_ACCESS_KEY is set but AWS_ACCESS_KEY_ID is not: set both, or neither to "
            "use the shared credentials file");

  variables_["AWS_ACCESS_KEY_ID"] = "AKIA";
  variables_["AWS_SECRET_ACCESS_KEY"] = "";
  status = Load().status();
  EXPECT_NE(status.message().find("AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not"),
            std::string::npos)
      << status.message();
}

TEST_F(AwsCredentialsTest, EmptyVariablesFallBackToTheDefaultProfile) {
  WriteDefaultFile();
  variables_["AWS_ACCESS_KEY_ID"] = "";
  variables_["AWS_SECRET_ACCESS_KEY"] = "";
  StatusOr<crypto::AwsCredentials> credentials = Load();
  ASSERT_TRUE(credentials.ok()) << credentials.status().ToString();
  EXPECT_EQ(credentials->access_key_id, "AKIAFILE");
  EXPECT_EQ(credentials->secret_access_key.Reveal(), "file-secret");
}

TEST_F(AwsCredentialsTest, AwsProfileChoosesTheProfile) {
  WriteDefaultFile();
  variables_["AWS_PROFILE"] = "work";
  StatusOr<crypto::AwsCredentials> credentials = Load();
  ASSERT_TRUE(credentials.ok()) << credentials.status().ToString();
  EXPECT_EQ(credentials->access_key_id, "ASIAWORK");
  EXPECT_EQ(credentials->session_token.Reveal(), "work-token");
}

// As with the AWS CLI's --profile, an explicit profile ignores the variables.
TEST_F(AwsCredentialsTest, ExplicitProfileIgnoresVariables) {
  WriteDefaultFile();
  variables_["AWS_ACCESS_KEY_ID"] = "AKIAVARIABLE";
  variables_["AWS_SECRET_ACCESS_KEY"] = "variable-secret";
  variables_["AWS_PROFILE"] = "default";
  StatusOr<crypto::AwsCredentials> credentials = Load("work");
  ASSERT_TRUE(credentials.ok()) << credentials.status().ToString();
  EXPECT_EQ(credentials->access_key_id, "ASIAWORK");
  EXPECT_EQ(credentials->secret_access_key.Reveal(), kAwsCanary);
}

TEST_F(AwsCredentialsTest, SharedCredentialsFileVariableNamesTheFile) {
  WriteFile(home_ / "other",
            "[default]\naws_access_key_id = AKIAOTHER\naws_secret_access_key = s\n");
  variables_["AWS_SHARED_CREDENTIALS_FILE"] = (home_ / "other").string();
  StatusOr<crypto::AwsCredentials> credentials = Load();
  ASSERT_TRUE(credentials.ok()) << credentials.status().ToString();
  EXPECT_EQ(credentials->access_key_id, "AKIAOTHER");

  variables_["AWS_SHARED_CREDENTIALS_FILE"] = "~/other";
  credentials = Load();
  ASSERT_TRUE(credentials.ok()) << credentials.status().ToString();
  EXPECT_EQ(credentials->access_key_id, "AKIAOTHER");
}

TEST_F(AwsCredentialsTest, NoCredentialsSaysWhereItLookedAndHowToProvideThem) {
  Status status = Load().status();
  EXPECT_EQ(status.code(), StatusCode::kNotFound);
  const std::string file = (home_ / ".aws/credentials").string();
  EXPECT_TRUE(
      status.message().starts_with("no AWS credentials: AWS_ACCESS_KEY_ID is not set, and " + file +
                                   " does not exist; set AWS_ACCESS_KEY_ID and "
                                   "AWS_SECRET_ACCESS_KEY"))
      << status.message();
  EXPECT_NE(status.message().find("--profile or AWS_PROFILE"), std::string::npos);

  WriteDefaultFile();
  status = Load("missing").status();
  EXPECT_EQ(status.code(), StatusCode::kNotFound);
  EXPECT_TRUE(status.message().starts_with("no AWS credentials: profile [missing] in " + file +
                                           " does not exist; "))
      << status.message();

  variables_.erase("HOME");
  status = Load().status();
  EXPECT_NE(status.message().find("HOME is not set"), std::string::npos) << status.message();
}

TEST_F(AwsCredentialsTest, FileErrorsKeepTheSecretOut) {
  WriteFile(home_ / ".aws/credentials",
            "[default]\naws_access_key_id = A\n" + std::string(kAwsCanary) + "\n");
  Status status = Load().status();
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(status.message().find("line 3"), std::string::npos) << status.message();
  EXPECT_EQ(status.message().find(kAwsCanary), std::string::npos);

  std::filesystem::remove(home_ / ".aws/credentials");
  std::filesystem::create_directory(home_ / ".aws/credentials");
  status = Load().status();
  EXPECT_NE(status.message().find("cannot read the AWS credentials file"), std::string::npos)
      << status.message();
}

}  // namespace
}  // namespace aurite::credentials
