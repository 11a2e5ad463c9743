// Resolve, encode, sign and post, read; errors get the secret and endpoint.
#include "secrets/aws_secrets_manager.h"

#include <nlohmann/json.hpp>
#include <string>

#include "credentials/aws_endpoint.h"
#include "credentials/aws_request.h"
#include "secrets/aws_sm_response.h"

namespace aurite::secrets {

StatusOr<crypto::SecretBuffer> GetSecretValue(std::string_view secret_id, std::string_view region,
                                              const crypto::AwsCredentials& credentials,
                                              std::chrono::system_clock::time_point now,
                                              const crypto::EnvironmentLookup& environment,
                                              const credentials::HttpRequestOptions& options) {
  const std::string subject = "GetSecretValue of secret '" + std::string(secret_id) + "'";
  StatusOr<credentials::HttpEndpoint> endpoint =
      credentials::ResolveAwsEndpoint(credentials::kSecretsManagerService, region, environment);
  if (!endpoint.ok()) {
    return Status(endpoint.status().code(), subject + ": " + endpoint.status().message());
  }
  // The id is not secret; plain nlohmann::json escapes it.
  const std::string body = nlohmann::json{{"SecretId", secret_id}}.dump();
  const credentials::AwsRequest request{
      .region = region,
      .service = "secretsmanager",
      .headers = {{"Content-Type", "application/x-amz-json-1.1"},
                  {"X-Amz-Target", "secretsmanager.GetSecretValue"}},
      .body = body};
  StatusOr<credentials::HttpAnswer> answer =
      credentials::PostSignedAwsRequest(*endpoint, request, credentials, now, environment, options);
  StatusOr<crypto::SecretBuffer> value =
      answer.ok() ? ParseGetSecretValueResponse(answer->body, answer->status)
                  : StatusOr<crypto::SecretBuffer>(answer.status());
  if (value.ok()) return value;
  const std::string message =
      credentials::ScrubCredentials(std::string(value.status().message()), credentials);
  return Status(value.status().code(), subject + " at " + endpoint->Url() + ": " + message);
}

}  // namespace aurite::secrets
