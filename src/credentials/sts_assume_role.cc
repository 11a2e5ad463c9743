// The AssumeRole call: validate, encode, sign, post, read.
#include "credentials/sts_assume_role.h"

#include <algorithm>

#include "base/text.h"
#include "credentials/aws_request.h"

namespace aurite::credentials {
namespace {

constexpr std::string_view kContentType = "application/x-www-form-urlencoded; charset=utf-8";
constexpr std::chrono::seconds kMinDuration{900};
constexpr std::chrono::seconds kMaxDuration{43200};

bool IsSessionNameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         std::string_view("+=,.@_-").find(c) != std::string_view::npos;
}

bool IsValidRoleArn(std::string_view arn) {
  // arn:PARTITION:iam::ACCOUNT:role/PATH/NAME
  if (!arn.starts_with("arn:") || arn.size() < 20 || arn.size() > 2048) return false;
  const std::size_t iam = arn.find(":iam::", 4);
  if (iam == std::string_view::npos || iam == 4) return false;
  const std::string_view rest = arn.substr(iam + 6);
  const std::size_t colon = rest.find(':');
  if (colon != 12 ||
      !std::all_of(rest.begin(), rest.begin() + 12, [](char c) { return c >= '0' && c <= '9'; })) {
    return false;
  }
  const std::string_view resource = rest.substr(colon + 1);
  return resource.starts_with("role/") && resource.size() > 5 &&
         std::all_of(resource.begin(), resource.end(), [](char c) { return c > ' ' && c < 0x7f; });
}

}  // namespace

Status ValidateAssumeRoleRequest(const AssumeRoleRequest& request) {
  if (!IsValidRoleArn(request.role_arn)) {
    return InvalidArgumentError(
        "role_arn must be an IAM role ARN, arn:PARTITION:iam::ACCOUNT:role/NAME with a 12-digit "
        "account, e.g. arn:aws:iam::123456789012:role/db-access");
  }
  const std::string& name = request.role_session_name;
  if (name.size() < 2 || name.size() > 64 ||
      !std::all_of(name.begin(), name.end(), IsSessionNameChar)) {
    return InvalidArgumentError(
        "role_session_name must be 2 to 64 characters of letters, digits and + = , . @ _ -");
  }
  if (request.duration < kMinDuration || request.duration > kMaxDuration) {
    return InvalidArgumentError("the AssumeRole duration must be 900 to 43200 seconds");
  }
  return OkStatus();
}

StatusOr<AssumedRole> AssumeRole(const AssumeRoleRequest& request,
                                 const crypto::AwsCredentials& source,
                                 std::chrono::system_clock::time_point now,
                                 const crypto::EnvironmentLookup& environment,
                                 const HttpRequestOptions& options) {
  AURITE_RETURN_IF_ERROR(ValidateAssumeRoleRequest(request));
  StatusOr<HttpEndpoint> endpoint = ResolveAwsEndpoint(kStsService, request.region, environment);
  if (!endpoint.ok()) return endpoint.status();

  const std::string body =
      "Action=AssumeRole&Version=2011-06-15&RoleArn=" + PercentEncode(request.role_arn) +
      "&RoleSessionName=" + PercentEncode(request.role_session_name) +
      "&DurationSeconds=" + std::to_string(request.duration.count());
  const AwsRequest post{.region = request.region,
                        .service = "sts",
                        .headers = {{"Content-Type", kContentType}},
                        .body = body};
  StatusOr<HttpAnswer> answer =
      PostSignedAwsRequest(*endpoint, post, source, now, environment, options);
  StatusOr<AssumedRole> role = answer.ok() ? ParseAssumeRoleResponse(answer->body, answer->status)
                                           : StatusOr<AssumedRole>(answer.status());
  if (role.ok()) return role;
  const std::string message = ScrubCredentials(std::string(role.status().message()), source);
  return Status(role.status().code(),
                "AssumeRole of " + request.role_arn + " at " + endpoint->Url() + ": " + message);
}

}  // namespace aurite::credentials
