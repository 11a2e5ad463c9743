// GetSecretValue answers as AWS writes them: the value, each kind of error
// document with its status code, SecretBinary, and bodies that are not an
// answer at all; no message quotes the secret.
#include "secrets/aws_sm_response.h"

#include <gtest/gtest.h>

#include <string>

namespace aurite::secrets {
namespace {

StatusOr<crypto::SecretBuffer> Parse(std::string_view body, int status = 200) {
  return ParseGetSecretValueResponse(crypto::SecretBuffer::CopyFrom(body), status);
}

TEST(AwsSmResponseTest, SecretStringIsTheValue) {
  StatusOr<crypto::SecretBuffer> value = Parse(
      R"({"ARN":"arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/orders-AbCdEf",)"
      R"("Name":"prod/orders","VersionId":"v1","SecretString":"{\"password\":\"CANARY\\n\"}",)"
      R"("VersionStages":["AWSCURRENT"],"CreatedDate":1.709208e9})");
  ASSERT_TRUE(value.ok()) << value.status().message();
  EXPECT_EQ(value->Reveal(), "{\"password\":\"CANARY\\n\"}");
}

TEST(AwsSmResponseTest, ErrorDocumentsMapToCodesAndQuoteTypeAndMessage) {
  struct Case {
    std::string body;
    int status;
    StatusCode code;
    std::string message_start;
  };
  for (
      const Case& c : std::vector<Case>{
          {R"({"__type":"ResourceNotFoundException","message":"Secrets Manager can't find the specified secret."})",
           400, StatusCode::kNotFound,
           "ResourceNotFoundException: Secrets Manager can't find the specified secret."},
          {R"({"__type":"com.amazonaws.secretsmanager#AccessDeniedException","Message":"not allowed"})",
           400, StatusCode::kPermissionDenied, "AccessDeniedException: not allowed (check"},
          {R"({"__type":"UnrecognizedClientException","message":"The security token included in the request is invalid."})",
           400, StatusCode::kPermissionDenied, "UnrecognizedClientException: The security token"},
          {R"({"__type":"InvalidSignatureException","message":"bad\nsignature"})", 400,
           StatusCode::kPermissionDenied, "InvalidSignatureException: bad signature"},
          {R"({"__type":"ExpiredTokenException","message":"expired"})", 400,
           StatusCode::kPermissionDenied, "ExpiredTokenException: expired"},
          {R"({"__type":"ThrottlingException","message":"slow down"})", 400,
           StatusCode::kUnavailable, "ThrottlingException: slow down"},
          {R"({"__type":"InternalServiceError"})", 500, StatusCode::kUnavailable,
           "InternalServiceError"},
          {R"({"__type":"InvalidRequestException","message":"marked for deletion"})", 400,
           StatusCode::kInvalidArgument, "InvalidRequestException: marked for deletion"},
          {R"({"message":"Forbidden"})", 403, StatusCode::kPermissionDenied,
           "HTTP status 403: Forbidden"},
      }) {
    StatusOr<crypto::SecretBuffer> value = Parse(c.body, c.status);
    EXPECT_EQ(value.status().code(), c.code) << c.body;
    EXPECT_TRUE(value.status().message().starts_with(c.message_start)) << value.status().message();
  }
}

// moto answers authentication failures of every service in XML.
TEST(AwsSmResponseTest, XmlErrorDocumentsAreReadToo) {
  StatusOr<crypto::SecretBuffer> value = Parse(
      "<?xml version=\"1.0\"?>\n<ErrorResponse><Errors><Error><Code>SignatureDoesNotMatch</Code>"
      "<Message>The request signature we calculated does not match</Message></Error></Errors>"
      "</ErrorResponse>",
      403);
  EXPECT_EQ(value.status().code(), StatusCode::kPermissionDenied);
  EXPECT_TRUE(value.status().message().starts_with(
      "SignatureDoesNotMatch: The request signature we calculated does not match (check"))
      << value.status().message();
}

TEST(AwsSmResponseTest, SecretBinaryIsAnErrorSayingSo) {
  StatusOr<crypto::SecretBuffer> value =
      Parse(R"({"Name":"cert","SecretBinary":"Q0FOQVJZ","VersionId":"v1"})");
  EXPECT_EQ(value.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(value.status().message().find("SecretBinary"), std::string::npos);
  EXPECT_EQ(value.status().message().find("Q0FOQVJZ"), std::string::npos);
}

TEST(AwsSmResponseTest, BodiesThatAreNoAnswerAreUnavailableWithoutQuotingThem) {
  for (std::string_view body :
       {"", "CANARY not json", R"(["CANARY"])", R"({"SecretString": "CANARY)", R"({"Name":"x"})",
        R"({"SecretString": 42})"}) {
    StatusOr<crypto::SecretBuffer> value = Parse(body);
    EXPECT_EQ(value.status().code(), StatusCode::kUnavailable) << body;
    EXPECT_EQ(value.status().message().find("CANARY"), std::string::npos)
        << value.status().message();
  }
  EXPECT_EQ(Parse("<html>bad gateway</html>", 502).status().code(), StatusCode::kUnavailable);
}

}  // namespace
}  // namespace aurite::secrets
