// The region as the SDKs read it: AWS_REGION, then AWS_DEFAULT_REGION.
#include "credentials/aws_region.h"

#include <gtest/gtest.h>

#include "test_environment.h"

namespace aurite::credentials {
namespace {

std::string Region(Variables variables) {
  StatusOr<std::string> region = AwsRegionFromEnvironment(MapEnvironment(std::move(variables)));
  return region.ok() ? *region : "error: " + region.status().message();
}

TEST(AwsRegionTest, AwsRegionWinsOverTheDefault) {
  EXPECT_EQ(Region({{"AWS_REGION", "eu-west-1"}, {"AWS_DEFAULT_REGION", "us-east-1"}}),
            "eu-west-1");
  EXPECT_EQ(Region({{"AWS_DEFAULT_REGION", "us-east-1"}}), "us-east-1");
  // An empty variable counts as unset.
  EXPECT_EQ(Region({{"AWS_REGION", ""}, {"AWS_DEFAULT_REGION", "us-east-1"}}), "us-east-1");
}

TEST(AwsRegionTest, MissingOrMalformedRegionIsAnError) {
  StatusOr<std::string> none = AwsRegionFromEnvironment(MapEnvironment({}));
  EXPECT_EQ(none.status().code(), StatusCode::kNotFound);
  EXPECT_NE(none.status().message().find("set AWS_REGION"), std::string::npos);
  EXPECT_TRUE(Region({{"AWS_REGION", "eu-west-1.evil.example/"}})
                  .starts_with("error: AWS_REGION: region must be an AWS region name"));
}

}  // namespace
}  // namespace aurite::credentials
