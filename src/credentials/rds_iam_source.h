// RdsIamSource: the connection strings of a connection in mode
// "aws-rds-iam". Each call makes a fresh RDS IAM token (valid 15 minutes)
// and returns the connection's base string with `username` as the user and
// the token as the password, ready for a new physical connection.
//
// The AWS credentials that sign come from the chain of aws_credentials.h
// (with the configured profile, if any), or, when role_arn is set, from STS
// AssumeRole with the chain's credentials as the source. Assumed
// credentials are cached and reused until 5 minutes before they expire; the
// chain itself is read on every call, so rotated keys are picked up.
//
// Thread-safe: connections may be opened from several threads at once.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>

#include "base/status.h"
#include "credentials/credentials_config.h"
#include "credentials/http_post.h"
#include "credentials/rds_auth_token.h"
#include "credentials/sts_response.h"
#include "crypto/key_loader.h"
#include "crypto/secret_buffer.h"

namespace aurite::credentials {

// What RdsIamSource takes from the world, replaceable in tests.
struct RdsIamEnvironment {
  crypto::EnvironmentLookup environment = crypto::ProcessEnvironment;  // AWS_*, HOME
  std::function<std::chrono::system_clock::time_point()> clock = std::chrono::system_clock::now;
  HttpRequestOptions sts;  // timeouts and limits of the AssumeRole call
};

// Assumed credentials are renewed this long before they expire.
inline constexpr std::chrono::minutes kAssumedRoleRenewal{5};

class RdsIamSource {
 public:
  // Checks `config` and `base` without contacting AWS: kInvalidArgument
  // saying what to change when the base string does not parse, is not
  // PostgreSQL or MariaDB/MySQL, names no TCP host, does not require TLS
  // (PostgreSQL sslmode require, verify-ca or verify-full; MariaDB ssl-mode
  // REQUIRED, VERIFY_CA or VERIFY_IDENTITY), or carries a user or password;
  // or when region, username, role_arn or role_session_name is malformed.
  // Messages never quote the base string.
  static Status Validate(const AwsRdsIamCredentials& config, const crypto::SecretBuffer& base);

  // A source for the connection; fails as Validate does.
  static StatusOr<std::unique_ptr<RdsIamSource>> Create(AwsRdsIamCredentials config,
                                                        crypto::SecretBuffer base,
                                                        RdsIamEnvironment environment = {});

  // The base string with the user and a token made now. The result admits
  // its holder to the database for 15 minutes. Errors are those of the
  // credentials chain (kNotFound, kInvalidArgument) and of AssumeRole.
  StatusOr<crypto::SecretBuffer> ConnectionString();

  RdsIamSource(const RdsIamSource&) = delete;
  RdsIamSource& operator=(const RdsIamSource&) = delete;

 private:
  struct Key {};  // only Create constructs, but through make_unique

 public:
  RdsIamSource(Key, AwsRdsIamCredentials config, crypto::SecretBuffer base, bool uri_form,
               RdsTokenRequest token_request, RdsIamEnvironment environment);

 private:
  // The credentials to sign with at `now`.
  StatusOr<crypto::AwsCredentials> SigningCredentials(std::chrono::system_clock::time_point now);

  const AwsRdsIamCredentials config_;
  const crypto::SecretBuffer base_;
  const bool uri_form_;                  // scheme://…; else libpq keyword=value pairs
  const RdsTokenRequest token_request_;  // host and port from the base string
  const RdsIamEnvironment environment_;

  std::mutex mu_;
  std::optional<AssumedRole> assumed_;  // guarded by mu_
};

}  // namespace aurite::credentials
