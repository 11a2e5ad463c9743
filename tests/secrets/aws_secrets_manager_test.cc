// GetSecretValue as the endpoint sees it: a signed JSON 1.1 POST for the
// secretsmanager service carrying the session token; an answer that echoes
// the token is scrubbed; a malformed endpoint is named.
#include "secrets/aws_secrets_manager.h"

#include <gtest/gtest.h>

#include <string>

#include "credentials/scripted_peer.h"
#include "credentials/test_environment.h"

namespace aurite::secrets {
namespace {

using credentials::kCanarySecret;
using credentials::kCanaryToken;
using credentials::MapEnvironment;
using credentials::ScriptedPeer;
using std::chrono::seconds;
using std::chrono::system_clock;

crypto::AwsCredentials Temporary() {
  return {"ASIAEXAMPLE", crypto::SecretBuffer::CopyFrom(kCanarySecret),
          crypto::SecretBuffer::CopyFrom(kCanaryToken)};
}

TEST(AwsSecretsManagerTest, RequestAsSeenByThePeerAndEchoedSecretsScrubbed) {
  ScriptedPeer peer([&peer](int fd, const std::atomic<bool>&) {
    credentials::AnswerEchoingToken(
        peer, fd, "400 Bad Request", "application/x-amz-json-1.1", [](const std::string& token) {
          return R"({"__type":"UnrecognizedClientException","message":"bad token )" + token +
                 R"("})";
        });
  });
  const std::string url = "http://127.0.0.1:" + std::to_string(peer.port());
  const auto now = system_clock::time_point(seconds(1709208000));  // 2024-02-29T12:00:00Z
  StatusOr<crypto::SecretBuffer> value =
      GetSecretValue("prod/orders", "eu-west-1", Temporary(), now,
                     MapEnvironment({{"AWS_ENDPOINT_URL_SECRETS_MANAGER", url}}));
  EXPECT_EQ(value.status().code(), StatusCode::kPermissionDenied);
  EXPECT_TRUE(
      value.status().message().starts_with("GetSecretValue of secret 'prod/orders' at " + url +
                                           "/: UnrecognizedClientException: bad token ****"))
      << value.status().message();
  credentials::ExpectNoCanary(value.status());

  const std::string request = peer.request();
  EXPECT_TRUE(request.starts_with("POST / HTTP/1.1\r\n")) << request;
  EXPECT_NE(request.find("Content-Type: application/x-amz-json-1.1\r\n"), std::string::npos);
  EXPECT_NE(request.find("X-Amz-Target: secretsmanager.GetSecretValue\r\n"), std::string::npos);
  EXPECT_NE(request.find("X-Amz-Date: 20240229T120000Z\r\n"), std::string::npos);
  EXPECT_NE(request.find("Authorization: AWS4-HMAC-SHA256 Credential=ASIAEXAMPLE/20240229/"
                         "eu-west-1/secretsmanager/aws4_request, SignedHeaders=content-type;host;"
                         "x-amz-date;x-amz-security-token;x-amz-target, Signature="),
            std::string::npos)
      << request;
  EXPECT_TRUE(request.ends_with("\r\n\r\n{\"SecretId\":\"prod/orders\"}")) << request;
  EXPECT_EQ(request.find(kCanarySecret), std::string::npos);
}

TEST(AwsSecretsManagerTest, BadEndpointOrRegionIsNamed) {
  StatusOr<crypto::SecretBuffer> value =
      GetSecretValue("prod/orders", "eu-west-1", Temporary(), system_clock::now(),
                     MapEnvironment({{"AWS_ENDPOINT_URL_SECRETS_MANAGER", "ftp://x"}}));
  EXPECT_EQ(value.status().code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(value.status().message().starts_with(
      "GetSecretValue of secret 'prod/orders': AWS_ENDPOINT_URL_SECRETS_MANAGER "))
      << value.status().message();
}

}  // namespace
}  // namespace aurite::secrets
