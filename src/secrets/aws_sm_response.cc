// Error answers first (any status but 200, or a __type), then the value.
#include "secrets/aws_sm_response.h"

#include <string>

#include "base/text.h"
#include "credentials/sts_response.h"
#include "secrets/wiping_json.h"

namespace aurite::secrets {
namespace {

// The text of `key` in `document` when it is a string, else "". For the
// error document's __type and message, which are not secret.
std::string StringMember(const WipingJson& document, std::string_view key) {
  const auto found = document.find(key);
  if (found == document.end() || !found->is_string()) return "";
  const WipedString& value = found->get_ref<const WipedString&>();
  return std::string(value.begin(), value.end());
}

// The errors of a request AWS did not accept as signed by someone allowed:
// AccessDeniedException, UnrecognizedClientException,
// InvalidSignatureException, IncompleteSignature, ExpiredTokenException,
// MissingAuthenticationToken, InvalidClientTokenId and the like.
bool IsAuthenticationError(std::string_view type) {
  return type.starts_with("AccessDenied") || type.starts_with("IncompleteSignature") ||
         type == "UnrecognizedClientException" || type == "InvalidSignatureException" ||
         type == "SignatureDoesNotMatch" || type.find("Token") != std::string_view::npos;
}

// The status for an error of `type` (may be empty) with AWS's `text`.
Status AwsError(std::string type, const std::string& text, int http_status) {
  // __type may be qualified: "com.amazonaws.secretsmanager#ResourceNotFoundException".
  if (const std::size_t hash = type.rfind('#'); hash != std::string::npos) {
    type = type.substr(hash + 1);
  }
  if (type.empty()) type = "HTTP status " + std::to_string(http_status);
  std::string message = PeerTextExcerpt(type);
  if (!text.empty()) message += ": " + PeerTextExcerpt(text);
  if (type == "ResourceNotFoundException") return NotFoundError(std::move(message));
  if (http_status == 403 || IsAuthenticationError(type)) {
    return PermissionDeniedError(std::move(message) +
                                 " (check the AWS credentials and that their policy allows "
                                 "secretsmanager:GetSecretValue on the secret)");
  }
  if (http_status >= 500 || type.starts_with("Throttl") || type == "InternalServiceError") {
    return UnavailableError(std::move(message));
  }
  return InvalidArgumentError(std::move(message));
}

}  // namespace

StatusOr<crypto::SecretBuffer> ParseGetSecretValueResponse(const crypto::SecretBuffer& body,
                                                           int http_status) {
  const WipingJson document = ParseWipingJson(body.Reveal());
  const std::string where = " (HTTP status " + std::to_string(http_status) + ")";
  if (!document.is_object()) {
    // moto, and AWS's front ends now and then, answer authentication
    // failures in the query protocol's XML even for JSON services.
    if (auto error = credentials::ParseXmlError(body)) {
      return AwsError(std::move(error->code), error->message, http_status);
    }
    if (http_status != 200) return AwsError("", "", http_status);
    return UnavailableError("Secrets Manager's answer is not a JSON object" + where);
  }
  if (http_status != 200 || document.contains("__type")) {
    std::string text = StringMember(document, "message");
    if (text.empty()) text = StringMember(document, "Message");  // some errors capitalise it
    return AwsError(StringMember(document, "__type"), text, http_status);
  }
  const auto value = document.find("SecretString");
  if (value != document.end() && value->is_string()) {
    return crypto::SecretBuffer::CopyFrom(value->get_ref<const WipedString&>());
  }
  if (document.contains("SecretBinary")) {
    return FailedPreconditionError(
        "the secret holds SecretBinary, not SecretString; only text secrets can be referenced");
  }
  return UnavailableError("Secrets Manager's answer has no SecretString" + where);
}

}  // namespace aurite::secrets
