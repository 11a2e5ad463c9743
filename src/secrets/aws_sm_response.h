// Secrets Manager's answer to GetSecretValue (the AWS JSON 1.1 protocol):
//
//   200  {"ARN": …, "Name": …, "VersionId": …, "SecretString": "…",
//         "VersionStages": ["AWSCURRENT"], "CreatedDate": 1.7e9}
//   4xx  {"__type": "ResourceNotFoundException", "message": "…"}
//
// The body is parsed as a WipingJson, so every copy the parser makes of the
// secret is cleansed when it is released; the SecretString goes from there
// straight into a SecretBuffer.
#pragma once

#include "base/status.h"
#include "crypto/secret_buffer.h"

namespace aurite::secrets {

// The SecretString of a GetSecretValue answer that came with HTTP status
// `http_status`. An AWS error answer becomes a status naming its type (the
// part of __type after any '#') and quoting its message (at most 512
// bytes, control characters replaced): kNotFound for
// ResourceNotFoundException; kPermissionDenied for HTTP 403 and for
// AccessDenied, UnrecognizedClient, InvalidSignature, IncompleteSignature,
// ExpiredToken and other token and signature errors; kUnavailable for
// HTTP 5xx and throttling; kInvalidArgument otherwise. A secret that holds
// SecretBinary instead of SecretString is kFailedPrecondition saying so.
// An error in the query protocol's XML (credentials::ParseXmlError), or a
// non-200 answer with neither, is read the same way.
// Anything else (not JSON, no SecretString) is kUnavailable saying what was
// wrong; no message quotes the secret.
StatusOr<crypto::SecretBuffer> ParseGetSecretValueResponse(const crypto::SecretBuffer& body,
                                                           int http_status);

}  // namespace aurite::secrets
