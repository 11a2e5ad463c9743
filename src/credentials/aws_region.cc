// The SDKs' region variables.
#include "credentials/aws_region.h"

namespace aurite::credentials {

StatusOr<std::string> AwsRegionFromEnvironment(const crypto::EnvironmentLookup& environment) {
  for (std::string_view name : {"AWS_REGION", "AWS_DEFAULT_REGION"}) {
    const std::optional<std::string_view> region = crypto::NonEmptyVariable(environment, name);
    if (!region) continue;
    if (!IsValidAwsRegion(*region)) {
      return InvalidArgumentError(std::string(name) + ": " + std::string(kRegionForm));
    }
    return std::string(*region);
  }
  return NotFoundError(
      "no AWS region: set AWS_REGION (or AWS_DEFAULT_REGION) to the region of the service, e.g. "
      "eu-west-1");
}

}  // namespace aurite::credentials
