// SigV4 against the values AWS documents: the signing-key derivation
// examples, the IAM ListUsers walk-through (string to sign and signature) and
// the S3 presigned-URL example; then the encoding and ordering rules.
#include "crypto/sigv4.h"

#include <gtest/gtest.h>

#include <cctype>
#include <string>

namespace aurite::crypto {
namespace {

using std::chrono::seconds;
using std::chrono::sys_days;

std::string Hex(const SecretBuffer& bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string hex;
  for (unsigned char byte : bytes.bytes()) {
    hex.push_back(kDigits[byte >> 4]);
    hex.push_back(kDigits[byte & 0xf]);
  }
  return hex;
}

// AWS's documented example key id: the presigned-URL case below is AWS's
// published vector and signs over it. It is no real key.
AwsCredentials Credentials(std::string_view secret, std::string_view token = "") {
  return {"AKIAIOSFODNN7EXAMPLE", SecretBuffer::CopyFrom(secret), SecretBuffer::CopyFrom(token)};
}

// "Examples of how to derive a signing key for Signature Version 4".
TEST(SigV4Test, SigningKeyMatchesAwsDerivationExample) {
  SecretBuffer secret = SecretBuffer::CopyFrom("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
  EXPECT_EQ(Hex(DeriveSigningKey(secret, "20120215", "us-east-1", "iam")),
            "f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d");
  EXPECT_EQ(Hex(DeriveSigningKey(secret, "20150830", "us-east-1", "iam")),
            "c4afb1cc5771d871763a393e44b703571b55cc28424d1a5e86da6ed3c154a4b9");
}

// The IAM ListUsers request of AWS's SigV4 walk-through (header form).
TEST(SigV4Test, StringToSignAndSignatureMatchAwsWalkThrough) {
  const std::string canonical_request =
      "GET\n/\nAction=ListUsers&Version=2010-05-08\n"
      "content-type:application/x-www-form-urlencoded; charset=utf-8\n"
      "host:iam.amazonaws.com\nx-amz-date:20150830T123600Z\n\n"
      "content-type;host;x-amz-date\n" +
      std::string(kEmptyPayloadSha256);
  const std::string string_to_sign =
      StringToSign("20150830T123600Z", "20150830/us-east-1/iam/aws4_request", canonical_request);
  EXPECT_EQ(string_to_sign,
            "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/iam/aws4_request\n"
            "f536975d06c0309214f805bb90ccff089219ecd68b2577efef23edd43b7e1a59");
  SecretBuffer secret = SecretBuffer::CopyFrom("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
  EXPECT_EQ(Signature(DeriveSigningKey(secret, "20150830", "us-east-1", "iam"), string_to_sign),
            "5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7");
}

// "Authenticating Requests: Using Query Parameters", the S3 GET example.
TEST(SigV4Test, PresignedQueryMatchesAwsS3Example) {
  PresignRequest request;
  request.host = "examplebucket.s3.amazonaws.com";
  request.path = "/test.txt";
  request.region = "us-east-1";
  request.service = "s3";
  request.expires = seconds(86400);
  request.now = sys_days(std::chrono::year(2013) / 5 / 24);
  request.payload_hash = "UNSIGNED-PAYLOAD";
  SecretBuffer query =
      PresignQuery(request, Credentials("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"));
  EXPECT_EQ(query.Reveal(),
            "X-Amz-Algorithm=AWS4-HMAC-SHA256"
            "&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request"
            "&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host"
            "&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404");
}

TEST(SigV4Test, UriEncodingKeepsOnlyUnreservedCharacters) {
  EXPECT_EQ(UriEncode("AZaz09-._~"), "AZaz09-._~");
  EXPECT_EQ(UriEncode("a b+c=d&e%f"), "a%20b%2Bc%3Dd%26e%25f");
  EXPECT_EQ(UriEncode("/x/y"), "%2Fx%2Fy");
  EXPECT_EQ(UriEncode("\xc3\xbc\xe2\x82\xac"), "%C3%BC%E2%82%AC");
  EXPECT_EQ(UriEncode(std::string_view("\0\x7f\xff", 3)), "%00%7F%FF");
  for (int c = 0; c < 256; ++c) {
    const std::string one(1, static_cast<char>(c));
    const bool unreserved = std::isalnum(c) || one == "-" || one == "." || one == "_" || one == "~";
    EXPECT_EQ(UriEncode(one).size(), unreserved ? 1u : 3u) << c;
  }
}

TEST(SigV4Test, AmzDateIsUtcToTheSecond) {
  auto leap_day = sys_days(std::chrono::year(2024) / 2 / 29);
  EXPECT_EQ(AmzDate(leap_day + std::chrono::hours(23) + std::chrono::minutes(59) + seconds(58) +
                    std::chrono::milliseconds(999)),
            "20240229T235958Z");
  EXPECT_EQ(AmzDate(std::chrono::system_clock::time_point()), "19700101T000000Z");
}

PresignRequest RdsLikeRequest() {
  PresignRequest request;
  request.host = "db.example.com:5432";
  request.parameters = {{"Action", "connect"}, {"DBUser", "app user"}};
  request.region = "eu-west-1";
  request.service = "rds-db";
  request.expires = seconds(900);
  request.now = sys_days(std::chrono::year(2024) / 1 / 2) + seconds(3);
  return request;
}

// The signature of RdsLikeRequest() under the secret "secret", computed from
// `canonical_request` as written out by the test.
std::string RdsLikeSignature(const std::string& canonical_request) {
  return Signature(
      DeriveSigningKey(SecretBuffer::CopyFrom("secret"), "20240102", "eu-west-1", "rds-db"),
      StringToSign("20240102T000003Z", "20240102/eu-west-1/rds-db/aws4_request",
                   canonical_request));
}

// The canonical form sorts parameters and carries the session token; the URL
// keeps the operation's order and puts the token after SignedHeaders. The
// expected signature is built here from the documented canonical layout.
TEST(SigV4Test, SessionTokenIsSignedAndFollowsSignedHeaders) {
  const std::string token = "FwoG/Zz+token==";
  SecretBuffer query = PresignQuery(RdsLikeRequest(), Credentials("secret", token));
  const std::string head =
      "Action=connect&DBUser=app%20user&X-Amz-Algorithm=AWS4-HMAC-SHA256"
      "&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20240102%2Feu-west-1%2Frds-db%2Faws4_request"
      "&X-Amz-Date=20240102T000003Z&X-Amz-Expires=900";
  const std::string canonical_request =
      "GET\n/\n" + head +
      "&X-Amz-Security-Token=FwoG%2FZz%2Btoken%3D%3D&X-Amz-SignedHeaders=host\n"
      "host:db.example.com:5432\n\nhost\n" +
      std::string(kEmptyPayloadSha256);
  const std::string signature = RdsLikeSignature(canonical_request);
  EXPECT_EQ(query.Reveal(), head +
                                "&X-Amz-SignedHeaders=host"
                                "&X-Amz-Security-Token=FwoG%2FZz%2Btoken%3D%3D"
                                "&X-Amz-Signature=" +
                                signature);
}

// Sorting is by name, then value: "a" comes before "a-b" although "a=" sorts
// after "a-" as text.
TEST(SigV4Test, CanonicalQuerySortsByNameThenValue) {
  PresignRequest request = RdsLikeRequest();
  request.parameters = {{"a-b", "1"}, {"a", "2"}};
  SecretBuffer query = PresignQuery(request, Credentials("secret"));
  const std::string auth =
      "X-Amz-Algorithm=AWS4-HMAC-SHA256"
      "&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20240102%2Feu-west-1%2Frds-db%2Faws4_request"
      "&X-Amz-Date=20240102T000003Z&X-Amz-Expires=900&X-Amz-SignedHeaders=host";
  // Upper-case "X-Amz-" sorts before lower-case names.
  const std::string canonical_request = "GET\n/\n" + auth +
                                        "&a=2&a-b=1\nhost:db.example.com:5432\n\nhost\n" +
                                        std::string(kEmptyPayloadSha256);
  const std::string signature = RdsLikeSignature(canonical_request);
  EXPECT_EQ(query.Reveal(), "a-b=1&a=2&" + auth + "&X-Amz-Signature=" + signature);
}

TEST(SigV4Test, EverySigningInputChangesTheSignature) {
  const std::string base(PresignQuery(RdsLikeRequest(), Credentials("secret")).Reveal());
  PresignRequest other_host = RdsLikeRequest();
  other_host.host = "db.example.com:5433";
  EXPECT_NE(PresignQuery(other_host, Credentials("secret")).Reveal(), base);
  EXPECT_NE(PresignQuery(RdsLikeRequest(), Credentials("secret2")).Reveal(), base);
  PresignRequest later = RdsLikeRequest();
  later.now += seconds(1);
  EXPECT_NE(PresignQuery(later, Credentials("secret")).Reveal(), base);
}

}  // namespace
}  // namespace aurite::crypto
