// Parse the reference, find region and credentials, fetch, pick the field.
#include "secrets/aws_secret_reference.h"

#include <algorithm>

#include "credentials/aws_credentials.h"
#include "credentials/aws_region.h"
#include "secrets/aws_secrets_manager.h"
#include "secrets/json_field.h"

namespace aurite::secrets {
namespace {

constexpr std::size_t kMaxSecretIdLength = 2048;  // AWS's limit for a SecretId

bool IsSecretIdChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         std::string_view("/_+=.@-:").find(c) != std::string_view::npos;
}

}  // namespace

StatusOr<AwsSecretReference> ParseAwsSecretReference(std::string_view text) {
  const std::size_t hash = text.find('#');
  AwsSecretReference reference;
  reference.secret_id = std::string(text.substr(0, hash));
  const std::string& id = reference.secret_id;
  if (id.empty() || id.size() > kMaxSecretIdLength ||
      !std::all_of(id.begin(), id.end(), IsSecretIdChar)) {
    return InvalidArgumentError(
        "an aws-sm reference is ${aws-sm:SECRET_ID} or ${aws-sm:SECRET_ID#FIELD}, where "
        "SECRET_ID is a secret's name or ARN (up to 2048 letters, digits and /_+=.@-:)");
  }
  if (hash != std::string_view::npos) {
    reference.field = std::string(text.substr(hash + 1));
    if (reference.field->empty()) {
      return InvalidArgumentError("secret '" + id +
                                  "': '#' must be followed by a field name, e.g. #password");
    }
  }
  return reference;
}

StatusOr<crypto::SecretBuffer> ReadAwsSecret(std::string_view text,
                                             const crypto::EnvironmentLookup& environment,
                                             std::chrono::system_clock::time_point now) {
  AURITE_ASSIGN_OR_RETURN(AwsSecretReference reference, ParseAwsSecretReference(text));
  const std::string subject = "secret '" + reference.secret_id + "'";
  StatusOr<std::string> region = credentials::AwsRegionFromEnvironment(environment);
  if (!region.ok()) {
    return Status(region.status().code(), subject + ": " + region.status().message());
  }
  StatusOr<crypto::AwsCredentials> aws = credentials::LoadAwsCredentials(std::nullopt, environment);
  if (!aws.ok()) return Status(aws.status().code(), subject + ": " + aws.status().message());
  AURITE_ASSIGN_OR_RETURN(crypto::SecretBuffer value,
                          GetSecretValue(reference.secret_id, *region, *aws, now, environment));
  if (!reference.field) return value;
  return JsonSecretField(value, *reference.field, subject);
}

}  // namespace aurite::secrets
