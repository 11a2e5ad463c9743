// AWS Secrets Manager GetSecretValue: one JSON 1.1 POST
// (X-Amz-Target: secretsmanager.GetSecretValue, body {"SecretId": "…"}) to
// the endpoint ResolveAwsEndpoint picks for Secrets Manager
// (AWS_ENDPOINT_URL_SECRETS_MANAGER, AWS_ENDPOINT_URL, else
// https://secretsmanager.REGION.amazonaws.com), signed with SigV4 and sent
// by PostSignedAwsRequest; the answer is read by ParseGetSecretValueResponse.
#pragma once

#include <chrono>
#include <string_view>

#include "base/status.h"
#include "credentials/http_post.h"
#include "crypto/key_loader.h"
#include "crypto/secret_buffer.h"
#include "crypto/sigv4.h"

namespace aurite::secrets {

// The SecretString of the current version (AWSCURRENT) of `secret_id` (a
// name or an ARN) in `region`, signed with `credentials` at `now`. Errors
// are those of ResolveAwsEndpoint, HttpPost and ParseGetSecretValueResponse,
// each prefixed with "GetSecretValue of secret 'ID' at URL: "; none
// contains the secret, the signature, the secret access key or the session
// token.
StatusOr<crypto::SecretBuffer> GetSecretValue(std::string_view secret_id, std::string_view region,
                                              const crypto::AwsCredentials& credentials,
                                              std::chrono::system_clock::time_point now,
                                              const crypto::EnvironmentLookup& environment,
                                              const credentials::HttpRequestOptions& options = {});

}  // namespace aurite::secrets
