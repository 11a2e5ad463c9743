// Sign, add the signature's headers, post.
#include "credentials/aws_request.h"

namespace aurite::credentials {
namespace {

std::string Scrub(std::string text, std::string_view secret) {
  if (secret.empty()) return text;
  for (std::size_t at = text.find(secret); at != std::string::npos;
       at = text.find(secret, at + 4)) {
    text.replace(at, secret.size(), "****");
  }
  return text;
}

}  // namespace

StatusOr<HttpAnswer> PostSignedAwsRequest(const HttpEndpoint& endpoint, const AwsRequest& request,
                                          const crypto::AwsCredentials& credentials,
                                          std::chrono::system_clock::time_point now,
                                          const crypto::EnvironmentLookup& environment,
                                          const HttpRequestOptions& options) {
  const std::string host = endpoint.HostHeader();
  const std::string payload_hash = crypto::PayloadSha256(request.body);
  crypto::HeaderSignRequest sign;
  sign.host = host;
  sign.path = endpoint.path;
  sign.headers = request.headers;
  sign.region = request.region;
  sign.service = request.service;
  sign.now = now;
  sign.payload_hash = payload_hash;
  const crypto::SignedHeaders signed_headers = crypto::SignRequestHeaders(sign, credentials);
  std::vector<crypto::HttpHeader> headers = request.headers;
  headers.push_back({"X-Amz-Date", signed_headers.amz_date});
  headers.push_back({"Authorization", signed_headers.authorization});
  if (!credentials.session_token.empty()) {
    headers.push_back({"X-Amz-Security-Token", credentials.session_token.Reveal()});
  }
  HttpRequestOptions post_options = options;
  if (post_options.ca_file.empty()) {
    post_options.ca_file = std::string(environment("AWS_CA_BUNDLE").value_or(""));
  }
  return HttpPost(endpoint, headers, request.body, post_options);
}

std::string ScrubCredentials(std::string message, const crypto::AwsCredentials& credentials) {
  return Scrub(Scrub(std::move(message), credentials.secret_access_key.Reveal()),
               credentials.session_token.Reveal());
}

}  // namespace aurite::credentials
