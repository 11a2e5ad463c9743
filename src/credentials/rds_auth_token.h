// RDS IAM authentication tokens: the password a database user with IAM
// authentication logs in with. A token is a SigV4-presigned
// `Action=connect` request for the service "rds-db", valid for 15 minutes,
// written without a scheme: "host:port/?Action=connect&DBUser=...&X-Amz-...",
// character for character what botocore's generate_db_auth_token (and so
// `aws rds generate-db-auth-token`) returns for the same inputs and instant.
#pragma once

#include <chrono>
#include <string>

#include "base/status.h"
#include "crypto/secret_buffer.h"
#include "crypto/sigv4.h"

namespace aurite::credentials {

inline constexpr std::chrono::seconds kRdsTokenLifetime{900};

struct RdsTokenRequest {
  std::string hostname;  // a DNS name or IP address; IPv6 in brackets
  int port = 0;
  std::string username;  // the database user
  std::string region;    // the database's AWS region, e.g. "eu-west-1"
};

// Checks each field: kInvalidArgument naming the field and the accepted form.
Status ValidateRdsTokenRequest(const RdsTokenRequest& request);

// A token for `request`, signed with `credentials` at `now`. The token admits
// its holder to the database until it expires, so it is a SecretBuffer.
StatusOr<crypto::SecretBuffer> GenerateRdsAuthToken(const RdsTokenRequest& request,
                                                    const crypto::AwsCredentials& credentials,
                                                    std::chrono::system_clock::time_point now);

}  // namespace aurite::credentials
