// Where Aurite finds AWS credentials: the first sources of the AWS CLI's
// chain, in its order.
//  1. An explicit profile (`--profile NAME`): that profile of the shared
//     credentials file and nothing else; like the AWS CLI, the variables
//     below are then ignored.
//  2. AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, with AWS_SESSION_TOKEN for
//     temporary credentials. An empty variable counts as unset.
//  3. The profile AWS_PROFILE names, or "default", of the shared credentials
//     file: AWS_SHARED_CREDENTIALS_FILE, or ~/.aws/credentials.
// The config file (~/.aws/config), roles, SSO, credential_process and the
// container and instance metadata services are not sources (yet).
#pragma once

#include <optional>
#include <string_view>

#include "base/status.h"
#include "crypto/key_loader.h"
#include "crypto/sigv4.h"

namespace aurite::credentials {

// The credentials from the first source that has them. kNotFound when no
// source has any, kInvalidArgument for half-set variables or a malformed or
// incomplete profile; each message says how to provide credentials and
// never contains a secret.
StatusOr<crypto::AwsCredentials> LoadAwsCredentials(
    std::optional<std::string_view> profile,
    const crypto::EnvironmentLookup& environment = crypto::ProcessEnvironment);

}  // namespace aurite::credentials
