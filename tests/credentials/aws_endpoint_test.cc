// AWS endpoints (STS, Secrets Manager): the SDKs' variables in their
// order, the regional default, and endpoint URLs that are refused.
#include "credentials/aws_endpoint.h"

#include <gtest/gtest.h>

#include <string>

#include "test_environment.h"

namespace aurite::credentials {
namespace {

std::string Url(std::string_view region, Variables variables) {
  StatusOr<HttpEndpoint> endpoint =
      ResolveAwsEndpoint(kStsService, region, MapEnvironment(std::move(variables)));
  return endpoint.ok() ? endpoint->Url() : "error: " + endpoint.status().message();
}

TEST(AwsEndpointTest, RegionalDefault) {
  EXPECT_EQ(Url("eu-west-1", {}), "https://sts.eu-west-1.amazonaws.com/");
  EXPECT_EQ(Url("cn-north-1", {}), "https://sts.cn-north-1.amazonaws.com.cn/");
  StatusOr<HttpEndpoint> endpoint =
      ResolveAwsEndpoint(kStsService, "us-east-2", MapEnvironment({}));
  ASSERT_TRUE(endpoint.ok());
  EXPECT_TRUE(endpoint->tls);
  EXPECT_EQ(endpoint->port, 443);
  EXPECT_EQ(endpoint->HostHeader(), "sts.us-east-2.amazonaws.com");
}

TEST(AwsEndpointTest, ServiceVariableWinsOverGeneralOne) {
  EXPECT_EQ(Url("eu-west-1", {{"AWS_ENDPOINT_URL_STS", "http://127.0.0.1:5000"},
                              {"AWS_ENDPOINT_URL", "http://127.0.0.1:6000"}}),
            "http://127.0.0.1:5000/");
  EXPECT_EQ(Url("eu-west-1", {{"AWS_ENDPOINT_URL", "https://LocalStack.example:4566/sts/"}}),
            "https://localstack.example:4566/sts/");
  // An empty variable counts as unset.
  EXPECT_EQ(Url("eu-west-1",
                {{"AWS_ENDPOINT_URL_STS", ""}, {"AWS_ENDPOINT_URL", "http://127.0.0.1:6000"}}),
            "http://127.0.0.1:6000/");
}

// Secrets Manager has its own variable and host name; AWS_ENDPOINT_URL and
// the STS variable's neighbour do not mix up the services.
TEST(AwsEndpointTest, SecretsManagerHasItsOwnVariableAndHost) {
  auto url = [](Variables variables) {
    StatusOr<HttpEndpoint> endpoint = ResolveAwsEndpoint(kSecretsManagerService, "eu-west-1",
                                                         MapEnvironment(std::move(variables)));
    return endpoint.ok() ? endpoint->Url() : "error: " + endpoint.status().message();
  };
  EXPECT_EQ(url({}), "https://secretsmanager.eu-west-1.amazonaws.com/");
  EXPECT_EQ(url({{"AWS_ENDPOINT_URL_STS", "http://127.0.0.1:5000"}}),
            "https://secretsmanager.eu-west-1.amazonaws.com/");
  EXPECT_EQ(url({{"AWS_ENDPOINT_URL_SECRETS_MANAGER", "http://127.0.0.1:5001"},
                 {"AWS_ENDPOINT_URL", "http://127.0.0.1:6000"}}),
            "http://127.0.0.1:5001/");
  EXPECT_EQ(url({{"AWS_ENDPOINT_URL", "http://127.0.0.1:6000"}}), "http://127.0.0.1:6000/");
  EXPECT_TRUE(url({{"AWS_ENDPOINT_URL_SECRETS_MANAGER", "ftp://x"}})
                  .starts_with("error: AWS_ENDPOINT_URL_SECRETS_MANAGER "));
}

TEST(AwsEndpointTest, IgnoreConfiguredEndpointUrls) {
  EXPECT_EQ(Url("eu-west-1", {{"AWS_ENDPOINT_URL_STS", "http://127.0.0.1:5000"},
                              {"AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "TRUE"}}),
            "https://sts.eu-west-1.amazonaws.com/");
  EXPECT_EQ(Url("eu-west-1", {{"AWS_ENDPOINT_URL_STS", "http://127.0.0.1:5000"},
                              {"AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "false"}}),
            "http://127.0.0.1:5000/");
}

TEST(AwsEndpointTest, HostHeaderOmitsOnlyTheSchemesDefaultPort) {
  auto header = [](std::string_view url) {
    StatusOr<HttpEndpoint> endpoint = ParseEndpointUrl(url, "test");
    return endpoint.ok() ? endpoint->HostHeader() : "error: " + endpoint.status().message();
  };
  EXPECT_EQ(header("http://127.0.0.1:80"), "127.0.0.1");
  EXPECT_EQ(header("http://127.0.0.1:443"), "127.0.0.1:443");
  EXPECT_EQ(header("https://sts.example:443"), "sts.example");
  EXPECT_EQ(header("https://[::1]:8443"), "[::1]:8443");
  EXPECT_EQ(header("HTTPS://[::1]"), "[::1]");
}

TEST(AwsEndpointTest, MalformedUrlsAreRefusedNamingTheVariable) {
  for (const char* url :
       {"ftp://127.0.0.1", "127.0.0.1:5000", "http://", "http://:5000", "http://user:pw@host",
        "http://host:0", "http://host:65536", "http://host:", "http://host?x=1", "http://host/#f",
        "http://[::1", "http://[::1]x", "http://ho st", "http://host/a b", "https://[zz]"}) {
    StatusOr<HttpEndpoint> endpoint = ResolveAwsEndpoint(
        kStsService, "eu-west-1", MapEnvironment({{"AWS_ENDPOINT_URL_STS", url}}));
    ASSERT_FALSE(endpoint.ok()) << url;
    EXPECT_EQ(endpoint.status().code(), StatusCode::kInvalidArgument) << url;
    EXPECT_TRUE(endpoint.status().message().starts_with("AWS_ENDPOINT_URL_STS "))
        << endpoint.status().message();
    EXPECT_NE(endpoint.status().message().find("http://HOST[:PORT][/PATH]"), std::string::npos);
  }
  // The user part might be a password: it is never quoted.
  StatusOr<HttpEndpoint> endpoint = ParseEndpointUrl("http://user:s3cret@host", "X");
  EXPECT_EQ(endpoint.status().message().find("s3cret"), std::string::npos);
}

TEST(AwsEndpointTest, RegionIsChecked) {
  for (const char* region : {"", "EU-WEST-1", "eu_west_1", "eu-west-1.evil.example/"}) {
    EXPECT_EQ(ResolveAwsEndpoint(kStsService, region, MapEnvironment({})).status().code(),
              StatusCode::kInvalidArgument)
        << region;
  }
}

}  // namespace
}  // namespace aurite::credentials
