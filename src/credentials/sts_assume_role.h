// STS AssumeRole: trades source AWS credentials for temporary credentials of
// a role. One form-encoded POST ("Action=AssumeRole&Version=2011-06-15&…")
// to the STS endpoint ResolveAwsEndpoint picks, sent by PostSignedAwsRequest
// (which honours AWS_CA_BUNDLE); the answer is read by
// ParseAssumeRoleResponse.
#pragma once

#include <chrono>
#include <string>

#include "base/status.h"
#include "credentials/http_post.h"
#include "credentials/sts_response.h"
#include "crypto/key_loader.h"
#include "crypto/sigv4.h"

namespace aurite::credentials {

struct AssumeRoleRequest {
  std::string region;  // signs the request and names the default endpoint
  std::string role_arn;
  std::string role_session_name = "aurite";  // shows in CloudTrail as the caller
  std::chrono::seconds duration{3600};       // STS allows 900 up to the role's maximum
};

// Checks the request before anything is sent: kInvalidArgument naming the
// field and the form AWS accepts (a role ARN "arn:PARTITION:iam::ACCOUNT:role/NAME",
// a session name of 2-64 characters from [A-Za-z0-9+=,.@_-], a duration of
// 900-43200 seconds).
Status ValidateAssumeRoleRequest(const AssumeRoleRequest& request);

// Assumes `request.role_arn` with `source`, signing at `now`. Errors are
// those of ValidateAssumeRoleRequest, ResolveAwsEndpoint, HttpPost and
// ParseAssumeRoleResponse; no message contains the source's secret access
// key or session token, even where STS quoted them.
StatusOr<AssumedRole> AssumeRole(const AssumeRoleRequest& request,
                                 const crypto::AwsCredentials& source,
                                 std::chrono::system_clock::time_point now,
                                 const crypto::EnvironmentLookup& environment,
                                 const HttpRequestOptions& options = {});

}  // namespace aurite::credentials
