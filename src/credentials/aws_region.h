// AWS region names as Aurite accepts them: what RDS tokens and STS requests
// are signed for, and what names the regional STS endpoint.
#pragma once

#include <algorithm>
#include <string_view>

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

}  // namespace aurite::credentials
