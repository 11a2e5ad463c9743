// The shared credentials file parser: what the AWS tools accept, read the
// same way; everything else an error naming the line, never a value.
#include "credentials/aws_credentials_file.h"

#include <gtest/gtest.h>

#include <string>

namespace aurite::credentials {
namespace {

constexpr std::string_view kCanary = "canary-TestOnly/NotAKey+0123456789abcd";

StatusOr<crypto::AwsCredentials> Parse(const std::string& text, std::string_view profile) {
  return ParseCredentialsProfile(crypto::SecretBuffer::CopyFrom(text), profile, "/home/u/creds");
}

TEST(AwsCredentialsFileTest, ReadsTheProfileAskedFor) {
  const std::string text =
      "# written by aws configure\n"
      "[default]\n"
      "aws_access_key_id = AKIADEFAULT\n"
      "aws_secret_access_key = default-secret\n"
      "\n"
      "; temporary credentials\r\n"
      "[work]\r\n"
      "  # an indented comment\n"
      "AWS_Access_Key_ID=ASIAWORK\r\n"
      "aws_secret_access_key :  " +
      std::string(kCanary) +
      "=x:y  \n"
      "aws_session_token\t= token/with+slashes==\n"
      "s3 =\n"
      "  max_concurrent_requests = 20\n"
      "region = eu-west-1\n";
  StatusOr<crypto::AwsCredentials> work = Parse(text, "work");
  ASSERT_TRUE(work.ok()) << work.status().ToString();
  EXPECT_EQ(work->access_key_id, "ASIAWORK");
  EXPECT_EQ(work->secret_access_key.Reveal(), std::string(kCanary) + "=x:y");
  EXPECT_EQ(work->session_token.Reveal(), "token/with+slashes==");

  StatusOr<crypto::AwsCredentials> fallback = Parse(text, "default");
  ASSERT_TRUE(fallback.ok()) << fallback.status().ToString();
  EXPECT_EQ(fallback->access_key_id, "AKIADEFAULT");
  EXPECT_EQ(fallback->secret_access_key.Reveal(), "default-secret");
  EXPECT_TRUE(fallback->session_token.empty());
}

TEST(AwsCredentialsFileTest, ProfileNamesAreExactAndMayBeMissing) {
  const std::string text = "[Work]\naws_access_key_id = A\naws_secret_access_key = S\n";
  StatusOr<crypto::AwsCredentials> missing = Parse(text, "work");
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(missing.status().message(), "profile [work] in /home/u/creds does not exist");
  EXPECT_TRUE(Parse(text, "Work").ok());
}

TEST(AwsCredentialsFileTest, IncompleteProfilesSayWhatIsMissing) {
  const std::string secret_only = "[p]\naws_secret_access_key = " + std::string(kCanary) + "\n";
  Status status = Parse(secret_only, "p").status();
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(status.message().find("has no aws_access_key_id"), std::string::npos);
  EXPECT_EQ(status.message().find(kCanary), std::string::npos);

  status = Parse("[p]\naws_access_key_id = AKIA\naws_secret_access_key =\n", "p").status();
  EXPECT_NE(status.message().find("no aws_secret_access_key"), std::string::npos)
      << status.message();
}

TEST(AwsCredentialsFileTest, MalformedLinesAreErrorsNamingTheLine) {
  const std::string secret = "aws_secret_access_key = " + std::string(kCanary) + "\n";
  const struct {
    std::string text;
    std::string expected;
  } cases[] = {
      {secret, "line 1 is a setting before the first [profile] header"},
      {"[p]\n" + secret + std::string(kCanary) + "\n", "line 3 is not a [profile] header"},
      {"[p]\n" + secret + secret, "line 3 repeats the setting aws_secret_access_key"},
      {"[p]\n" + secret + "[q]\n[p]\n", "line 4 repeats [p]"},
      {"[p]\n" + secret + "  " + std::string(kCanary) + "\n", "line 3 is indented"},
      {"[p\n" + secret, "line 1 is not a [profile] header"},
      {"[p] " + std::string(kCanary) + "\n", "line 1 is not a [profile] header"},
      {"[]\n", "line 1 is not a [profile] header"},
      {"[p]\n= " + std::string(kCanary) + "\n", "line 2 is not a [profile] header"},
  };
  for (const auto& c : cases) {
    Status status = Parse(c.text, "p").status();
    EXPECT_EQ(status.code(), StatusCode::kInvalidArgument) << c.text;
    EXPECT_NE(status.message().find("/home/u/creds " + c.expected), std::string::npos)
        << status.message();
    EXPECT_EQ(status.message().find(kCanary), std::string::npos) << status.message();
  }
}

}  // namespace
}  // namespace aurite::credentials
