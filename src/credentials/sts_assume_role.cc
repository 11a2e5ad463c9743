// The AssumeRole call: validate, encode, sign, post, read.
#include "credentials/sts_assume_role.h"

#include <algorithm>

#include "base/text.h"

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

// `text` with every occurrence of `secret` replaced by "****".
std::string Scrub(std::string text, std::string_view secret) {
  if (secret.empty()) return text;
  for (std::size_t at = text.find(secret); at != std::string::npos;
       at = text.find(secret, at + 4)) {
    text.replace(at, secret.size(), "****");
  }
  return text;
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
                                 const HttpPostOptions& options) {
  AURITE_RETURN_IF_ERROR(ValidateAssumeRoleRequest(request));
  StatusOr<HttpEndpoint> endpoint = ResolveStsEndpoint(request.region, environment);
  if (!endpoint.ok()) return endpoint.status();

  const std::string body =
      "Action=AssumeRole&Version=2011-06-15&RoleArn=" + PercentEncode(request.role_arn) +
      "&RoleSessionName=" + PercentEncode(request.role_session_name) +
      "&DurationSeconds=" + std::to_string(request.duration.count());
  const std::string host = endpoint->HostHeader();
  const std::string payload_hash = crypto::PayloadSha256(body);
  crypto::HeaderSignRequest sign;
  sign.host = host;
  sign.path = endpoint->path;
  sign.headers = {{"Content-Type", kContentType}};
  sign.region = request.region;
  sign.service = "sts";
  sign.now = now;
  sign.payload_hash = payload_hash;
  const crypto::SignedHeaders signed_headers = crypto::SignRequestHeaders(sign, source);
  std::vector<crypto::HttpHeader> headers = {{"Content-Type", kContentType},
                                             {"X-Amz-Date", signed_headers.amz_date},
                                             {"Authorization", signed_headers.authorization}};
  if (!source.session_token.empty()) {
    headers.push_back({"X-Amz-Security-Token", source.session_token.Reveal()});
  }

  HttpPostOptions post_options = options;
  if (post_options.ca_file.empty()) {
    post_options.ca_file = std::string(environment("AWS_CA_BUNDLE").value_or(""));
  }
  StatusOr<HttpAnswer> answer = HttpPost(*endpoint, headers, body, post_options);
  StatusOr<AssumedRole> role = answer.ok() ? ParseAssumeRoleResponse(answer->body, answer->status)
                                           : StatusOr<AssumedRole>(answer.status());
  if (role.ok()) return role;
  const std::string message =
      Scrub(Scrub(std::string(role.status().message()), source.secret_access_key.Reveal()),
            source.session_token.Reveal());
  return Status(role.status().code(),
                "AssumeRole of " + request.role_arn + " at " + endpoint->Url() + ": " + message);
}

}  // namespace aurite::credentials
