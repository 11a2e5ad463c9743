// ${aws-sm:SECRET_ID#FIELD} end to end against a real Secrets Manager
// emulator (moto_server, started here): plain and JSON secrets, names and
// ARNs, a rotation seen by the next read, a missing secret, field and
// document errors, credentials moto refuses once it checks signatures, and
// a canary value that no error message contains. Then the reference's
// syntax, region and credentials, which need no endpoint.
#include "secrets/aws_secret_reference.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "credentials/test_environment.h"
#include "support/moto_server.h"
#include "support/raw_http.h"

namespace aurite::secrets {
namespace {

using credentials::ExpectNoCanary;
using credentials::MapEnvironment;
using credentials::Variables;
using testing::MotoServer;

// Every error message is checked for it (ExpectNoCanary looks for "CANARY").
constexpr std::string_view kCanaryPassword = "CANARY-pw/9f\"Xq}#{";

// The body of a moto answer (after the head).
std::string Body(const std::string& answer) {
  const std::size_t at = answer.find("\r\n\r\n");
  return at == std::string::npos ? "" : answer.substr(at + 4);
}

// One emulator for the suite (starting moto takes seconds), stopped at exit.
MotoServer& SharedMoto() {
  static MotoServer moto;
  return moto;
}

class AwsSecretReferenceTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_EQ(SharedMoto().error(), ""); }

  // Creates a secret; returns its ARN.
  static std::string Create(const std::string& name, const std::string& value) {
    const std::string answer =
        SharedMoto().PostJson("secretsmanager", "secretsmanager.CreateSecret",
                              nlohmann::json{{"Name", name}, {"SecretString", value}}.dump());
    EXPECT_EQ(rawhttp::HttpStatus(answer), 200) << answer;
    return nlohmann::json::parse(Body(answer), nullptr, false).value("ARN", "");
  }
  static void Put(const std::string& name, const std::string& value) {
    const std::string answer =
        SharedMoto().PostJson("secretsmanager", "secretsmanager.PutSecretValue",
                              nlohmann::json{{"SecretId", name}, {"SecretString", value}}.dump());
    EXPECT_EQ(rawhttp::HttpStatus(answer), 200) << answer;
  }

  // us-east-1: where MotoServer::PostJson made the secrets.
  static Variables Environment() {
    return {{"AWS_REGION", "us-east-1"},
            {"AWS_ACCESS_KEY_ID", credentials::FakeAccessKeyId("READER")},
            {"AWS_SECRET_ACCESS_KEY", "test-secret-key"},
            {"AWS_ENDPOINT_URL_SECRETS_MANAGER", SharedMoto().Url()},
            {"HOME", "/nonexistent"}};
  }
  static StatusOr<std::string> Read(std::string_view reference,
                                    const Variables& variables = Environment()) {
    StatusOr<crypto::SecretBuffer> value = ReadAwsSecret(reference, MapEnvironment(variables));
    if (!value.ok()) {
      ExpectNoCanary(value.status());
      return value.status();
    }
    return std::string(value->Reveal());
  }
};

TEST_F(AwsSecretReferenceTest, PlainStringSecretIsTheWholeValue) {
  Create("app/api-token", std::string(kCanaryPassword));
  StatusOr<std::string> value = Read("app/api-token");
  ASSERT_TRUE(value.ok()) << value.status().message() << "\n" << SharedMoto().Log();
  EXPECT_EQ(*value, kCanaryPassword);
}

// An RDS-managed secret: each field by name, the port (a JSON number) as
// its decimal text, the whole document without #FIELD, and the same by ARN.
TEST_F(AwsSecretReferenceTest, JsonSecretFieldsByNameAndByArn) {
  const std::string document =
      nlohmann::json{{"username", "orders_app"}, {"password", kCanaryPassword},
                     {"host", "db.internal"},    {"port", 5432},
                     {"dbname", "orders"},       {"engine", "postgres"}}
          .dump();
  const std::string arn = Create("prod/orders", document);
  ASSERT_TRUE(arn.starts_with("arn:aws:secretsmanager:us-east-1:")) << arn;
  EXPECT_EQ(*Read("prod/orders#username"), "orders_app");
  EXPECT_EQ(*Read("prod/orders#password"), kCanaryPassword);
  EXPECT_EQ(*Read("prod/orders#port"), "5432");
  EXPECT_EQ(*Read("prod/orders#dbname"), "orders");
  EXPECT_EQ(*Read("prod/orders"), document);
  StatusOr<std::string> by_arn = Read(arn + "#password");
  ASSERT_TRUE(by_arn.ok()) << by_arn.status().message();
  EXPECT_EQ(*by_arn, kCanaryPassword);
}

TEST_F(AwsSecretReferenceTest, RotatedSecretGivesTheNewValue) {
  Create("prod/rotating", R"({"password": "CANARY-first"})");
  EXPECT_EQ(*Read("prod/rotating#password"), "CANARY-first");
  Put("prod/rotating", R"({"password": "CANARY-second"})");
  EXPECT_EQ(*Read("prod/rotating#password"), "CANARY-second");
}

TEST_F(AwsSecretReferenceTest, MissingSecretIsNotFoundNamingIdAndEndpoint) {
  StatusOr<std::string> value = Read("prod/no-such-secret#password");
  EXPECT_EQ(value.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(value.status().message(),
            "GetSecretValue of secret 'prod/no-such-secret' at " + SharedMoto().Url() +
                "/: ResourceNotFoundException: Secrets Manager can't find the specified secret.");
}

TEST_F(AwsSecretReferenceTest, MissingFieldNamesSecretAndFieldNeverTheValue) {
  Create("prod/fields", nlohmann::json{{"password", kCanaryPassword}}.dump());
  StatusOr<std::string> value = Read("prod/fields#passwd");
  EXPECT_EQ(value.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(value.status().message(), "secret 'prod/fields' has no field 'passwd'");
}

TEST_F(AwsSecretReferenceTest, FieldOfANonJsonSecretIsAClearError) {
  Create("prod/plain", std::string(kCanaryPassword));
  StatusOr<std::string> value = Read("prod/plain#password");
  EXPECT_EQ(value.status().code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(value.status().message().starts_with(
      "secret 'prod/plain' is not a JSON object, so it has no field 'password'"))
      << value.status().message();
}

TEST_F(AwsSecretReferenceTest, UnreachableEndpointIsNamed) {
  Variables variables = Environment();
  const std::string url = "http://127.0.0.1:1";  // tcpmux: nothing listens there
  variables["AWS_ENDPOINT_URL_SECRETS_MANAGER"] = url;
  StatusOr<std::string> value = Read("prod/orders#password", variables);
  EXPECT_EQ(value.status().code(), StatusCode::kUnavailable);
  EXPECT_TRUE(value.status().message().starts_with("GetSecretValue of secret 'prod/orders' at " +
                                                   url + "/: "))
      << value.status().message();
}

// With authentication enforced, moto checks every signature and policy as
// AWS does: our signature passes, a wrong secret key and an unknown key are
// refused with AWS's error code and message, and neither key is echoed.
TEST(AwsSecretReferenceAuthTest, MotoChecksSignatures) {
  MotoServer moto;
  ASSERT_EQ(moto.error(), "");
  const std::string answer =
      moto.PostJson("secretsmanager", "secretsmanager.CreateSecret",
                    R"({"Name": "prod/guarded", "SecretString": "CANARY-guarded"})");
  ASSERT_EQ(rawhttp::HttpStatus(answer), 200) << answer;
  const testing::IamAccessKey key = moto.CreateUser("aurite", "secretsmanager:GetSecretValue", "*");
  ASSERT_FALSE(key.secret_access_key.empty()) << moto.Log();
  ASSERT_TRUE(moto.EnforceAuthentication()) << moto.Log();
  auto read = [&](const std::string& id, std::string_view secret) {
    return ReadAwsSecret("prod/guarded",
                         MapEnvironment({{"AWS_REGION", "us-east-1"},
                                         {"AWS_ACCESS_KEY_ID", id},
                                         {"AWS_SECRET_ACCESS_KEY", std::string(secret)},
                                         {"AWS_ENDPOINT_URL", moto.Url()}}));
  };

  StatusOr<crypto::SecretBuffer> allowed = read(key.access_key_id, key.secret_access_key);
  ASSERT_TRUE(allowed.ok()) << allowed.status().message() << "\n" << moto.Log();
  EXPECT_EQ(allowed->Reveal(), "CANARY-guarded");

  StatusOr<crypto::SecretBuffer> wrong_secret = read(key.access_key_id, credentials::kCanarySecret);
  EXPECT_EQ(wrong_secret.status().code(), StatusCode::kPermissionDenied);
  EXPECT_NE(wrong_secret.status().message().find(
                "GetSecretValue of secret 'prod/guarded' at " + moto.Url() +
                "/: SignatureDoesNotMatch: The request signature we calculated does not match"),
            std::string::npos)
      << wrong_secret.status().message();
  ExpectNoCanary(wrong_secret.status());

  StatusOr<crypto::SecretBuffer> unknown =
      read(credentials::FakeAccessKeyId("UNKNOWN"), credentials::kCanarySecret);
  EXPECT_EQ(unknown.status().code(), StatusCode::kPermissionDenied);
  EXPECT_NE(unknown.status().message().find(
                "InvalidClientTokenId: The security token included in the request is invalid"),
            std::string::npos)
      << unknown.status().message();
  ExpectNoCanary(unknown.status());
}

TEST(AwsSecretReferenceSyntaxTest, IdAndFieldSplitAtTheFirstHash) {
  auto parse = [](std::string_view text) {
    StatusOr<AwsSecretReference> reference = ParseAwsSecretReference(text);
    if (!reference.ok()) return "error: " + reference.status().message();
    return reference->secret_id + (reference->field ? "|" + *reference->field : "");
  };
  EXPECT_EQ(parse("prod/orders"), "prod/orders");
  EXPECT_EQ(parse("prod/orders#password"), "prod/orders|password");
  EXPECT_EQ(parse("arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/orders-AbCdEf#port"),
            "arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/orders-AbCdEf|port");
  EXPECT_EQ(parse("a_b+c=d.e@f-g#x#y"), "a_b+c=d.e@f-g|x#y");
  for (std::string_view bad :
       std::initializer_list<std::string_view>{"", "#password", "prod orders", "prod/orders\"",
                                               "prod/{x}", std::string_view("pr\0d", 4)}) {
    EXPECT_TRUE(parse(bad).starts_with("error: an aws-sm reference is ${aws-sm:SECRET_ID}")) << bad;
  }
  EXPECT_TRUE(parse(std::string(2049, 'a')).starts_with("error: an aws-sm reference is"));
  EXPECT_EQ(parse("prod/orders#"),
            "error: secret 'prod/orders': '#' must be followed by a field name, e.g. #password");
}

TEST(AwsSecretReferenceSyntaxTest, RegionAndCredentialsComeFromTheEnvironment) {
  StatusOr<crypto::SecretBuffer> no_region = ReadAwsSecret(
      "prod/orders",
      MapEnvironment({{"AWS_ACCESS_KEY_ID", "AKIAEXAMPLE"}, {"AWS_SECRET_ACCESS_KEY", "x"}}));
  EXPECT_EQ(no_region.status().code(), StatusCode::kNotFound);
  EXPECT_TRUE(no_region.status().message().starts_with("secret 'prod/orders': no AWS region"))
      << no_region.status().message();

  StatusOr<crypto::SecretBuffer> bad_region = ReadAwsSecret(
      "prod/orders", MapEnvironment({{"AWS_REGION", ""}, {"AWS_DEFAULT_REGION", "EU/west"}}));
  EXPECT_EQ(bad_region.status().code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(bad_region.status().message().starts_with("secret 'prod/orders': AWS_DEFAULT_REGION"))
      << bad_region.status().message();

  StatusOr<crypto::SecretBuffer> no_credentials = ReadAwsSecret(
      "prod/orders", MapEnvironment({{"AWS_REGION", "us-east-1"},
                                     {"AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/credentials"},
                                     {"HOME", "/nonexistent"}}));
  EXPECT_FALSE(no_credentials.ok());
  EXPECT_TRUE(no_credentials.status().message().starts_with("secret 'prod/orders': "))
      << no_credentials.status().message();
}

}  // namespace
}  // namespace aurite::secrets
