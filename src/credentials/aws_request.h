// One signed call to an AWS API: the SigV4 header form over a POST to an
// endpoint ResolveAwsEndpoint picked, sent with HttpPost. STS AssumeRole
// (query protocol) and Secrets Manager GetSecretValue (JSON protocol) are
// both this, with their own headers and body.
//
// AWS_CA_BUNDLE, as in the AWS SDKs, names a PEM file of trust anchors for
// an https endpoint when the options name none.
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "credentials/aws_endpoint.h"
#include "credentials/http_post.h"
#include "crypto/key_loader.h"
#include "crypto/sigv4.h"

namespace aurite::credentials {

struct AwsRequest {
  std::string_view region;                  // the signing scope's region
  std::string_view service;                 // the signing name, e.g. "sts", "secretsmanager"
  std::vector<crypto::HttpHeader> headers;  // sent and signed, e.g. Content-Type
  std::string_view body;
};

// Signs `request` with `credentials` at `now` and POSTs it to `endpoint`
// with X-Amz-Date, Authorization and, for temporary credentials,
// X-Amz-Security-Token. Returns the answer of any status; errors are
// HttpPost's.
StatusOr<HttpAnswer> PostSignedAwsRequest(const HttpEndpoint& endpoint, const AwsRequest& request,
                                          const crypto::AwsCredentials& credentials,
                                          std::chrono::system_clock::time_point now,
                                          const crypto::EnvironmentLookup& environment,
                                          const HttpRequestOptions& options);

// `message` with every occurrence of the secret access key and the session
// token of `credentials` replaced by "****": for messages that quote what a
// peer answered, which might echo what it was sent.
std::string ScrubCredentials(std::string message, const crypto::AwsCredentials& credentials);

}  // namespace aurite::credentials
