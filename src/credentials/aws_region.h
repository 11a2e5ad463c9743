// AWS region names as Aurite accepts them: what RDS tokens, STS and Secrets
// Manager requests are signed for, and what names the regional endpoints.
#pragma once

#include <algorithm>
#include <string>
#include <string_view>

#include "base/status.h"
#include "crypto/key_loader.h"

namespace aurite::credentials {

// True for a non-empty name of lower-case letters, digits and '-', such as
// "eu-west-1"; the message for anything else is kRegionForm.
inline bool IsValidAwsRegion(std::string_view region) {
  return !region.empty() && std::all_of(region.begin(), region.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
  });
}

inline constexpr std::string_view kRegionForm =
    "region must be an AWS region name of lower-case letters, digits and '-', e.g. eu-west-1";

// The region of the environment, as the AWS SDKs read it: AWS_REGION, else
// AWS_DEFAULT_REGION (an empty variable counts as unset). kNotFound when
// neither is set, kInvalidArgument naming the variable when its value is not
// a region name.
StatusOr<std::string> AwsRegionFromEnvironment(const crypto::EnvironmentLookup& environment);

}  // namespace aurite::credentials
