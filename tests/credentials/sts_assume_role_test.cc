// STS AssumeRole against a real STS emulator (moto_server, started here):
// temporary credentials come back; moto, enforcing authentication, accepts
// our signatures and refuses wrong ones with clear errors; https verifies
// the peer. Then the request as a peer sees it, and canaries that must not
// leak even when a peer echoes them.
#include "credentials/sts_assume_role.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "scripted_peer.h"
#include "support/command_runner.h"
#include "support/moto_server.h"
#include "test_environment.h"

namespace aurite::credentials {
namespace {

using testing::IamAccessKey;
using testing::MotoServer;

using std::chrono::seconds;
using std::chrono::system_clock;

crypto::AwsCredentials Source(std::string_view id, std::string_view secret,
                              std::string_view token = "") {
  return {std::string(id), crypto::SecretBuffer::CopyFrom(secret),
          crypto::SecretBuffer::CopyFrom(token)};
}

AssumeRoleRequest Request(std::string role = "arn:aws:iam::123456789012:role/db-access") {
  AssumeRoleRequest request;
  request.region = "eu-west-1";
  request.role_arn = std::move(role);
  request.duration = seconds(900);
  return request;
}

TEST(StsAssumeRoleTest, ReturnsTemporaryCredentialsFromMoto) {
  MotoServer moto;
  ASSERT_EQ(moto.error(), "");
  const auto now = system_clock::now();
  StatusOr<AssumedRole> role =
      AssumeRole(Request(), Source(FakeAccessKeyId("SOURCE"), "source-secret"), now,
                 MapEnvironment({{"AWS_ENDPOINT_URL_STS", moto.Url()}}));
  ASSERT_TRUE(role.ok()) << role.status().message() << "\n" << moto.Log();
  EXPECT_TRUE(role->credentials.access_key_id.starts_with("ASIA"))
      << role->credentials.access_key_id;
  EXPECT_GE(role->credentials.secret_access_key.size(), 20u);
  EXPECT_GE(role->credentials.session_token.size(), 20u);
  EXPECT_GT(role->expiration, now + seconds(800));
  EXPECT_LT(role->expiration, now + seconds(1000));
}

// With authentication enforced, moto recomputes every signature as AWS does
// and applies the user's policy: a right signature passes, a wrong secret, an
// unknown key and a role the policy does not allow are each refused with
// STS's code and message.
TEST(StsAssumeRoleTest, MotoChecksSignaturesAndPolicies) {
  MotoServer moto;
  ASSERT_EQ(moto.error(), "");
  const IamAccessKey key =
      moto.CreateUser("aurite", "sts:AssumeRole", "arn:aws:iam::123456789012:role/db-*");
  ASSERT_FALSE(key.secret_access_key.empty()) << moto.Log();
  ASSERT_TRUE(moto.EnforceAuthentication()) << moto.Log();
  const auto environment = MapEnvironment({{"AWS_ENDPOINT_URL_STS", moto.Url()}});
  const auto now = system_clock::now();

  StatusOr<AssumedRole> role =
      AssumeRole(Request(), Source(key.access_key_id, key.secret_access_key), now, environment);
  ASSERT_TRUE(role.ok()) << role.status().message() << "\n" << moto.Log();

  StatusOr<AssumedRole> wrong_secret =
      AssumeRole(Request(), Source(key.access_key_id, kCanarySecret), now, environment);
  EXPECT_EQ(wrong_secret.status().code(), StatusCode::kPermissionDenied);
  EXPECT_NE(wrong_secret.status().message().find("SignatureDoesNotMatch: The request signature"),
            std::string::npos)
      << wrong_secret.status().message();
  ExpectNoCanary(wrong_secret.status());

  StatusOr<AssumedRole> unknown =
      AssumeRole(Request(), Source(FakeAccessKeyId("UNKNOWN"), kCanarySecret), now, environment);
  EXPECT_EQ(unknown.status().code(), StatusCode::kPermissionDenied);
  EXPECT_NE(unknown.status().message().find("InvalidClientTokenId"), std::string::npos)
      << unknown.status().message();
  ExpectNoCanary(unknown.status());

  StatusOr<AssumedRole> denied =
      AssumeRole(Request("arn:aws:iam::123456789012:role/admin"),
                 Source(key.access_key_id, key.secret_access_key), now, environment);
  EXPECT_EQ(denied.status().code(), StatusCode::kPermissionDenied);
  EXPECT_NE(denied.status().message().find("AccessDenied: User: arn:aws:iam::123456789012:user/"
                                           "aurite is not authorized to perform: sts:AssumeRole"),
            std::string::npos)
      << denied.status().message();
  EXPECT_NE(denied.status().message().find(
                "AssumeRole of arn:aws:iam::123456789012:role/admin at " + moto.Url() + "/"),
            std::string::npos)
      << denied.status().message();
}

// A CA, and a certificate it signed for 127.0.0.1 only, made with the
// openssl command in a fresh directory.
struct TestPki {
  std::filesystem::path directory;
  std::string error;
  std::string ca() const { return (directory / "ca.pem").string(); }
  std::string cert() const { return (directory / "leaf.pem").string(); }
  std::string key() const { return (directory / "leaf.key").string(); }
  TestPki() {
    directory =
        std::filesystem::temp_directory_path() / ("aurite-sts-pki-" + std::to_string(::getpid()));
    std::filesystem::create_directories(directory);
    const std::string d = testing::ShellQuote(directory.string());
    const auto run = testing::RunCommand(
        "cd " + d +
        " && openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=aurite-test-ca "
        "-keyout ca.key -out ca.pem 2>&1"
        " && openssl req -newkey rsa:2048 -nodes -subj /CN=127.0.0.1 -keyout leaf.key "
        "-out leaf.csr 2>&1"
        " && printf 'subjectAltName=IP:127.0.0.1\\n' > leaf.ext"
        " && openssl x509 -req -in leaf.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 1 "
        "-extfile leaf.ext -out leaf.pem 2>&1");
    if (run.exit_status != 0) error = "openssl failed: " + run.out + run.err;
  }
  ~TestPki() {
    std::error_code ignored;
    std::filesystem::remove_all(directory, ignored);
  }
};

TEST(StsAssumeRoleTest, HttpsVerifiesCertificateAndHostName) {
  TestPki pki;
  ASSERT_EQ(pki.error, "");
  MotoServer moto(pki.cert(), pki.key());
  ASSERT_EQ(moto.error(), "");
  const auto source = Source(FakeAccessKeyId("SOURCE"), "source-secret");
  const auto now = system_clock::now();
  const std::string url = "https://127.0.0.1:" + std::to_string(moto.port());

  StatusOr<AssumedRole> trusted =
      AssumeRole(Request(), source, now,
                 MapEnvironment({{"AWS_ENDPOINT_URL", url}, {"AWS_CA_BUNDLE", pki.ca()}}));
  ASSERT_TRUE(trusted.ok()) << trusted.status().message() << "\n" << moto.Log();

  // The system's trust store does not know the test CA.
  StatusOr<AssumedRole> untrusted =
      AssumeRole(Request(), source, now, MapEnvironment({{"AWS_ENDPOINT_URL", url}}));
  EXPECT_EQ(untrusted.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(untrusted.status().message().find("TLS handshake"), std::string::npos)
      << untrusted.status().message();
  EXPECT_NE(untrusted.status().message().find("certificate verify failed"), std::string::npos)
      << untrusted.status().message();

  // The certificate names 127.0.0.1, not localhost.
  StatusOr<AssumedRole> wrong_name = AssumeRole(
      Request(), source, now,
      MapEnvironment({{"AWS_ENDPOINT_URL", "https://localhost:" + std::to_string(moto.port())},
                      {"AWS_CA_BUNDLE", pki.ca()}}));
  EXPECT_EQ(wrong_name.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(wrong_name.status().message().find("certificate verify failed"), std::string::npos)
      << wrong_name.status().message();

  StatusOr<AssumedRole> no_bundle = AssumeRole(
      Request(), source, now,
      MapEnvironment({{"AWS_ENDPOINT_URL", url}, {"AWS_CA_BUNDLE", "/nonexistent/ca.pem"}}));
  EXPECT_EQ(no_bundle.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(no_bundle.status().message().find("/nonexistent/ca.pem"), std::string::npos)
      << no_bundle.status().message();
}

// What the endpoint receives: a form-encoded, signed POST carrying the
// session token; and an answer that echoes the token is scrubbed.
TEST(StsAssumeRoleTest, RequestAsSeenByThePeerAndEchoedSecretsScrubbed) {
  ScriptedPeer peer([&peer](int fd, const std::atomic<bool>&) {
    AnswerEchoingToken(peer, fd, "403 Forbidden", "text/xml", [](const std::string& token) {
      return "<ErrorResponse><Error><Code>InvalidClientTokenId</Code><Message>bad token " + token +
             "</Message></Error></ErrorResponse>";
    });
  });
  const auto now = system_clock::time_point(seconds(1709208000));  // 2024-02-29T12:00:00Z
  StatusOr<AssumedRole> role = AssumeRole(
      Request(), Source("ASIAEXAMPLE", kCanarySecret, kCanaryToken), now,
      MapEnvironment(
          {{"AWS_ENDPOINT_URL_STS", "http://127.0.0.1:" + std::to_string(peer.port())}}));
  EXPECT_EQ(role.status().code(), StatusCode::kPermissionDenied);
  EXPECT_NE(role.status().message().find("InvalidClientTokenId: bad token ****"), std::string::npos)
      << role.status().message();
  ExpectNoCanary(role.status());

  const std::string request = peer.request();
  EXPECT_TRUE(request.starts_with("POST / HTTP/1.1\r\n")) << request;
  EXPECT_NE(request.find("Content-Type: application/x-www-form-urlencoded; charset=utf-8\r\n"),
            std::string::npos);
  EXPECT_NE(request.find("X-Amz-Date: 20240229T120000Z\r\n"), std::string::npos);
  EXPECT_NE(request.find("Authorization: AWS4-HMAC-SHA256 Credential=ASIAEXAMPLE/20240229/"
                         "eu-west-1/sts/aws4_request, SignedHeaders=content-type;host;"
                         "x-amz-date;x-amz-security-token, Signature="),
            std::string::npos)
      << request;
  EXPECT_TRUE(request.ends_with(
      "\r\n\r\nAction=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3A"
      "role%2Fdb-access&RoleSessionName=aurite&DurationSeconds=900"))
      << request;
  EXPECT_EQ(request.find(kCanarySecret), std::string::npos);
}

TEST(StsAssumeRoleTest, NonXmlAnswerIsAClearError) {
  ScriptedPeer peer([&peer](int fd, const std::atomic<bool>&) {
    peer.ReadRequest(fd);
    SendAll(fd, "HTTP/1.1 200 OK\r\nContent-Length: 12\r\n\r\n{\"json\":true");
  });
  StatusOr<AssumedRole> role = AssumeRole(
      Request(), Source("AKIAEXAMPLE", kCanarySecret), system_clock::now(),
      MapEnvironment(
          {{"AWS_ENDPOINT_URL_STS", "http://127.0.0.1:" + std::to_string(peer.port())}}));
  EXPECT_EQ(role.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(role.status().message().find("is not well-formed XML"), std::string::npos)
      << role.status().message();
}

TEST(StsAssumeRoleTest, RequestsAreCheckedBeforeSending) {
  auto status = [](AssumeRoleRequest request) { return ValidateAssumeRoleRequest(request); };
  EXPECT_TRUE(status(Request()).ok());
  EXPECT_TRUE(status(Request("arn:aws-cn:iam::123456789012:role/path/to/db")).ok());
  for (const char* arn :
       {"", "db-access", "arn:aws:iam::12345:role/db", "arn:aws:iam::123456789012:user/db",
        "arn:aws:iam::123456789012:role/", "arn:aws:s3:::bucket/role/x",
        "arn:aws:iam::123456789012:role/a b", "arn::iam::123456789012:role/db"}) {
    const Status refused = status(Request(arn));
    EXPECT_EQ(refused.code(), StatusCode::kInvalidArgument) << arn;
    EXPECT_NE(refused.message().find("arn:PARTITION:iam::ACCOUNT:role/NAME"), std::string::npos);
  }
  for (const std::string& name :
       std::vector<std::string>{"a", "has space", "semi;colon", std::string(65, 'n')}) {
    AssumeRoleRequest request = Request();
    request.role_session_name = name;
    EXPECT_EQ(status(request).code(), StatusCode::kInvalidArgument) << name;
  }
  AssumeRoleRequest short_lived = Request();
  short_lived.duration = seconds(899);
  EXPECT_EQ(status(short_lived).code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace aurite::credentials
