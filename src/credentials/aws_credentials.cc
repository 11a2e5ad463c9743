// The AWS credentials chain: variables, then the shared credentials file.
#include "credentials/aws_credentials.h"

#include <fcntl.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "base/unique_fd.h"
#include "credentials/aws_credentials_file.h"
#include "crypto/secret_reader.h"

namespace aurite::credentials {
namespace {

constexpr std::size_t kMaxFileSize = 1024 * 1024;
constexpr std::string_view kAccessKeyVariable = "AWS_ACCESS_KEY_ID";
constexpr std::string_view kSecretKeyVariable = "AWS_SECRET_ACCESS_KEY";

std::string HowToProvide() {
  return "set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN for temporary "
         "credentials), or put aws_access_key_id and aws_secret_access_key in a profile of the "
         "shared credentials file (~/.aws/credentials or AWS_SHARED_CREDENTIALS_FILE), chosen "
         "with --profile or AWS_PROFILE (default: [default])";
}

StatusOr<std::optional<crypto::AwsCredentials>> FromVariables(
    const crypto::EnvironmentLookup& environment) {
  const auto access_key_id = crypto::NonEmptyVariable(environment, kAccessKeyVariable);
  const auto secret_access_key = crypto::NonEmptyVariable(environment, kSecretKeyVariable);
  if (!access_key_id && !secret_access_key) return std::optional<crypto::AwsCredentials>();
  if (!access_key_id || !secret_access_key) {
    const std::string_view set = access_key_id ? kAccessKeyVariable : kSecretKeyVariable;
    const std::string_view unset = access_key_id ? kSecretKeyVariable : kAccessKeyVariable;
    return InvalidArgumentError(std::string(set) + " is set but " + std::string(unset) +
                                " is not: set both, or neither to use the shared credentials file");
  }
  crypto::AwsCredentials credentials;
  credentials.access_key_id = std::string(*access_key_id);
  credentials.secret_access_key = crypto::SecretBuffer::CopyFrom(*secret_access_key);
  if (auto token = crypto::NonEmptyVariable(environment, "AWS_SESSION_TOKEN")) {
    credentials.session_token = crypto::SecretBuffer::CopyFrom(*token);
  }
  return std::optional(std::move(credentials));
}

StatusOr<std::string> CredentialsFilePath(const crypto::EnvironmentLookup& environment) {
  const auto home = crypto::NonEmptyVariable(environment, "HOME");
  if (auto path = crypto::NonEmptyVariable(environment, "AWS_SHARED_CREDENTIALS_FILE")) {
    if (!path->starts_with("~/")) return std::string(*path);
    if (!home) return NotFoundError("AWS_SHARED_CREDENTIALS_FILE starts with ~ but HOME is unset");
    return std::string(*home) + std::string(path->substr(1));
  }
  if (!home) return NotFoundError("HOME is not set, so there is no ~/.aws/credentials");
  return std::string(*home) + "/.aws/credentials";
}

// The file's content; kNotFound when it does not exist.
StatusOr<crypto::SecretBuffer> ReadCredentialsFile(const std::string& path) {
  UniqueFd file(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  const int error = errno;
  if (!file.valid() && error == ENOENT) return NotFoundError(path + " does not exist");
  if (!file.valid()) {
    return InvalidArgumentError("cannot read the AWS credentials file " + path + ": " +
                                std::strerror(error));
  }
  StatusOr<crypto::SecretBuffer> text = crypto::ReadSecret(file.get(), kMaxFileSize);
  if (text.status().code() == StatusCode::kResourceExhausted) {
    return InvalidArgumentError("the AWS credentials file " + path + " is larger than 1 MiB");
  }
  if (!text.ok()) {
    return InvalidArgumentError("cannot read the AWS credentials file " + path + " to the end");
  }
  return text;
}

StatusOr<crypto::AwsCredentials> FromFile(std::string_view profile,
                                          const crypto::EnvironmentLookup& environment) {
  StatusOr<std::string> path = CredentialsFilePath(environment);
  if (!path.ok()) return path.status();
  StatusOr<crypto::SecretBuffer> text = ReadCredentialsFile(*path);
  if (!text.ok()) return text.status();
  return ParseCredentialsProfile(*text, profile, *path);
}

}  // namespace

StatusOr<crypto::AwsCredentials> LoadAwsCredentials(std::optional<std::string_view> profile,
                                                    const crypto::EnvironmentLookup& environment) {
  std::string because;
  if (!profile) {
    StatusOr<std::optional<crypto::AwsCredentials>> variables = FromVariables(environment);
    if (!variables.ok()) return variables.status();
    if (*variables) return std::move(**variables);
    because = "AWS_ACCESS_KEY_ID is not set, and ";
  }
  const std::string_view name =
      profile.value_or(crypto::NonEmptyVariable(environment, "AWS_PROFILE").value_or("default"));
  StatusOr<crypto::AwsCredentials> credentials = FromFile(name, environment);
  if (credentials.status().code() != StatusCode::kNotFound) return credentials;
  return NotFoundError("no AWS credentials: " + because + credentials.status().message() + "; " +
                       HowToProvide());
}

}  // namespace aurite::credentials
