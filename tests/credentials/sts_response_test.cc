// Reading STS answers: results, error documents, and bodies that are not
// what they should be. Secret values are canaries that no message may hold.
#include "credentials/sts_response.h"

#include <gtest/gtest.h>

#include <string>

namespace aurite::credentials {
namespace {

constexpr std::string_view kSecret = "CANARYsecretKEY/TestOnly+NotAKey";
constexpr std::string_view kToken = "CANARYsessionTOKEN/FwoGZXIvYXdzEBYaD+a==";

std::string Result(std::string_view credentials_inner) {
  return R"(<?xml version="1.0" encoding="UTF-8"?>
<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <AssumeRoleResult>
    <SourceIdentity>me</SourceIdentity>
    <AssumedRoleUser><Arn>arn:aws:sts::123456789012:assumed-role/db/aurite</Arn></AssumedRoleUser>
    <Credentials>)" +
         std::string(credentials_inner) + R"(</Credentials>
  </AssumeRoleResult>
  <ResponseMetadata><RequestId>c6104cbe</RequestId></ResponseMetadata>
</AssumeRoleResponse>)";
}

std::string Credentials(std::string_view expiration = "2024-02-29T12:34:56.789Z") {
  return "<AccessKeyId>ASIAEXAMPLE</AccessKeyId><SecretAccessKey>" + std::string(kSecret) +
         "</SecretAccessKey><SessionToken>" + std::string(kToken) + "</SessionToken><Expiration>" +
         std::string(expiration) + "</Expiration>";
}

StatusOr<AssumedRole> Parse(std::string_view body, int status = 200) {
  return ParseAssumeRoleResponse(crypto::SecretBuffer::CopyFrom(body), status);
}

void ExpectNoSecret(const Status& status) {
  EXPECT_EQ(status.message().find("CANARY"), std::string::npos) << status.message();
}

TEST(StsResponseTest, ReadsCredentialsAndExpiration) {
  StatusOr<AssumedRole> role = Parse(Result(Credentials()));
  ASSERT_TRUE(role.ok()) << role.status().message();
  EXPECT_EQ(role->credentials.access_key_id, "ASIAEXAMPLE");
  EXPECT_EQ(role->credentials.secret_access_key.Reveal(), kSecret);
  EXPECT_EQ(role->credentials.session_token.Reveal(), kToken);
  EXPECT_EQ(role->expiration, std::chrono::sys_days(std::chrono::year(2024) / 2 / 29) +
                                  std::chrono::hours(12) + std::chrono::minutes(34) +
                                  std::chrono::seconds(56));
}

TEST(StsResponseTest, PrefixedNamespacesAndEntitiesInValues) {
  const std::string body =
      R"(<sts:AssumeRoleResponse xmlns:sts="https://sts.amazonaws.com/doc/2011-06-15/">)"
      R"(<sts:AssumeRoleResult><sts:Credentials><sts:AccessKeyId>ASIA&amp;X</sts:AccessKeyId>)"
      R"(<sts:SecretAccessKey>a&lt;b</sts:SecretAccessKey><sts:SessionToken><![CDATA[t&k]]>)"
      R"(</sts:SessionToken><sts:Expiration>2030-01-01T00:00:00Z</sts:Expiration>)"
      R"(</sts:Credentials></sts:AssumeRoleResult></sts:AssumeRoleResponse>)";
  StatusOr<AssumedRole> role = Parse(body);
  ASSERT_TRUE(role.ok()) << role.status().message();
  EXPECT_EQ(role->credentials.access_key_id, "ASIA&X");
  EXPECT_EQ(role->credentials.secret_access_key.Reveal(), "a<b");
  EXPECT_EQ(role->credentials.session_token.Reveal(), "t&k");
}

TEST(StsResponseTest, ErrorDocumentsNameCodeAndMessage) {
  const std::string body =
      R"(<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error>)"
      R"(<Type>Sender</Type><Code>AccessDenied</Code><Message>User: arn:aws:iam::1:user/x is )"
      R"(not authorized to perform: sts:AssumeRole</Message></Error><RequestId>r</RequestId>)"
      R"(</ErrorResponse>)";
  StatusOr<AssumedRole> role = Parse(body, 403);
  EXPECT_EQ(role.status().code(), StatusCode::kPermissionDenied);
  EXPECT_NE(role.status().message().find("AccessDenied: User: arn:aws:iam::1:user/x is not "
                                         "authorized to perform: sts:AssumeRole"),
            std::string::npos)
      << role.status().message();

  // The shape moto and some services use.
  const std::string wrapped =
      "<ErrorResponse><Errors><Error><Code>SignatureDoesNotMatch</Code><Message>The request "
      "signature we calculated does not match</Message></Error></Errors></ErrorResponse>";
  StatusOr<AssumedRole> mismatch = Parse(wrapped, 403);
  EXPECT_EQ(mismatch.status().code(), StatusCode::kPermissionDenied);
  EXPECT_NE(mismatch.status().message().find("SignatureDoesNotMatch: The request signature"),
            std::string::npos)
      << mismatch.status().message();

  const std::string throttled =
      "<ErrorResponse><Error><Code>Throttling</Code><Message>Rate exceeded</Message></Error>"
      "</ErrorResponse>";
  EXPECT_EQ(Parse(throttled, 400).status().code(), StatusCode::kUnavailable);
  const std::string invalid =
      "<ErrorResponse><Error><Code>ValidationError</Code><Message>bad\n\tname</Message>"
      "</Error></ErrorResponse>";
  StatusOr<AssumedRole> refused = Parse(invalid, 400);
  EXPECT_EQ(refused.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(refused.status().message().find("ValidationError: bad  name"), std::string::npos)
      << refused.status().message();
}

TEST(StsResponseTest, LongErrorMessagesAreCut) {
  const std::string body = "<ErrorResponse><Error><Code>X</Code><Message>" +
                           std::string(10000, 'm') + "</Message></Error></ErrorResponse>";
  StatusOr<AssumedRole> role = Parse(body, 400);
  EXPECT_LT(role.status().message().size(), 700u);
}

TEST(StsResponseTest, NonXmlAndTruncatedBodies) {
  const std::string whole = Result(Credentials());
  for (const std::string& body :
       {std::string("<html><body>Internal Server Error</body>"), std::string("not xml at all"),
        std::string(""), whole.substr(0, whole.find("</SessionToken>")),
        whole.substr(0, whole.size() - 5)}) {
    StatusOr<AssumedRole> role = Parse(body, 200);
    ASSERT_FALSE(role.ok()) << body;
    EXPECT_EQ(role.status().code(), StatusCode::kUnavailable);
    EXPECT_NE(role.status().message().find("is not well-formed XML"), std::string::npos)
        << role.status().message();
    ExpectNoSecret(role.status());
  }
  // An HTML error page from a proxy: no error code, not a result.
  StatusOr<AssumedRole> page = Parse("<html><body>Bad Gateway</body></html>", 502);
  EXPECT_EQ(page.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(page.status().message().find("HTTP status 502"), std::string::npos)
      << page.status().message();
}

TEST(StsResponseTest, IncompleteResults) {
  for (const std::string& inner :
       {std::string("<AccessKeyId>A</AccessKeyId>"),
        "<AccessKeyId>A</AccessKeyId><SecretAccessKey>" + std::string(kSecret) +
            "</SecretAccessKey><Expiration>2030-01-01T00:00:00Z</Expiration>",
        Credentials("tomorrow"), Credentials("2030-02-30T00:00:00Z"),
        Credentials("2030-01-01T24:00:00Z"), Credentials("2030-01-01T00:00:00"),
        Credentials("2030-01-01T00:00:00.Z")}) {
    StatusOr<AssumedRole> role = Parse(Result(inner));
    EXPECT_EQ(role.status().code(), StatusCode::kUnavailable) << inner;
    ExpectNoSecret(role.status());
  }
  // Credentials in the wrong place do not count.
  const std::string misplaced =
      "<AssumeRoleResponse><Credentials>" + Credentials() + "</Credentials></AssumeRoleResponse>";
  EXPECT_EQ(Parse(misplaced).status().code(), StatusCode::kUnavailable);
}

TEST(StsResponseTest, RepeatedValuesAreRefused) {
  StatusOr<AssumedRole> role =
      Parse(Result(Credentials() + "<SecretAccessKey>other</SecretAccessKey>"));
  EXPECT_EQ(role.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(role.status().message().find("repeats <SecretAccessKey>"), std::string::npos)
      << role.status().message();
}

// "Billion laughs" and external entities need a document type declaration.
TEST(StsResponseTest, DocumentTypeDeclarationsAreRefused) {
  const std::string laughs =
      R"(<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>)"
      "<AssumeRoleResponse>&b;</AssumeRoleResponse>";
  const std::string external =
      R"(<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><ErrorResponse><Error>)"
      "<Code>&x;</Code></Error></ErrorResponse>";
  for (const std::string& body : {laughs, external}) {
    StatusOr<AssumedRole> role = Parse(body);
    EXPECT_EQ(role.status().code(), StatusCode::kUnavailable);
    EXPECT_NE(role.status().message().find("document type declaration"), std::string::npos)
        << role.status().message();
  }
}

TEST(StsResponseTest, DeepNestingAndHugeValuesAreRefused) {
  std::string deep;
  for (int i = 0; i < 100; ++i) deep += "<a>";
  StatusOr<AssumedRole> nested = Parse("<AssumeRoleResponse>" + deep);
  EXPECT_NE(nested.status().message().find("nests elements more than 16 deep"), std::string::npos)
      << nested.status().message();
  StatusOr<AssumedRole> huge =
      Parse(Result("<SessionToken>" + std::string(100 * 1024, 't') + "</SessionToken>"));
  EXPECT_NE(huge.status().message().find("value longer than 65536 bytes"), std::string::npos)
      << huge.status().message();
}

TEST(StsResponseTest, Iso8601) {
  using std::chrono::sys_days;
  const auto base = sys_days(std::chrono::year(2011) / 7 / 15);
  EXPECT_EQ(ParseIso8601Utc("2011-07-15T23:28:33.359Z"),
            base + std::chrono::hours(23) + std::chrono::minutes(28) + std::chrono::seconds(33));
  EXPECT_EQ(ParseIso8601Utc("2011-07-15T00:00:00Z"), base);
  for (const char* bad : {"2011-07-15 00:00:00Z", "2011-7-15T00:00:00Z",
                          "2011-07-15T00:00:00+01:00", "2011-13-01T00:00:00Z",
                          "2011-07-15T00:60:00Z", "2011-07-15T00:00:00.1234567890Z", "", "Z"}) {
    EXPECT_FALSE(ParseIso8601Utc(bad).has_value()) << bad;
  }
}

}  // namespace
}  // namespace aurite::credentials
