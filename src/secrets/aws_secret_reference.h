// The target of a ${aws-sm:SECRET_ID#FIELD} reference: a secret in AWS
// Secrets Manager and, optionally, one top-level field of its JSON value.
//
// SECRET_ID is a secret's name or its ARN (ARNs hold ':', which is fine
// here). Everything before the first '#' is the id, everything after it the
// field. Secret names and ARNs never contain '#' or '}' (AWS allows letters,
// digits and /_+=.@- in names), so neither is allowed in the id; a field
// may contain '#' but not '}', which ends the reference.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "base/status.h"
#include "crypto/key_loader.h"
#include "crypto/secret_buffer.h"

namespace aurite::secrets {

struct AwsSecretReference {
  std::string secret_id;
  std::optional<std::string> field;  // nullopt: the whole SecretString
};

// Splits `text` ("SECRET_ID" or "SECRET_ID#FIELD"). kInvalidArgument for an
// empty id or field, or an id of more than 2048 characters or with a
// character other than letters, digits and /_+=.@-: (the message names the
// accepted form).
StatusOr<AwsSecretReference> ParseAwsSecretReference(std::string_view text);

// What ${aws-sm:TEXT} expands to: parses TEXT, takes the region from
// AWS_REGION or AWS_DEFAULT_REGION and credentials from
// credentials::LoadAwsCredentials (environment, then the shared credentials
// file), calls GetSecretValue at `now` and picks the field, if any, with
// JsonSecretField. Errors name the secret id (and field), never its value.
StatusOr<crypto::SecretBuffer> ReadAwsSecret(
    std::string_view text, const crypto::EnvironmentLookup& environment,
    std::chrono::system_clock::time_point now = std::chrono::system_clock::now());

}  // namespace aurite::secrets
