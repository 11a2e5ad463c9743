// RDS IAM tokens on top of crypto::PresignQuery.
#include "credentials/rds_auth_token.h"

#include <arpa/inet.h>

#include <algorithm>
#include <string_view>

#include "credentials/aws_region.h"

namespace aurite::credentials {
namespace {

constexpr int kDefaultTokenPort = 443;

bool IsHostnameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_';
}

bool IsValidHostname(std::string_view hostname) {
  if (hostname.size() > 2 && hostname.front() == '[' && hostname.back() == ']') {
    const std::string address(hostname.substr(1, hostname.size() - 2));
    in6_addr parsed;
    return inet_pton(AF_INET6, address.c_str(), &parsed) == 1;
  }
  return !hostname.empty() && std::all_of(hostname.begin(), hostname.end(), IsHostnameChar);
}

// The Host header as signed: the name in lower case, and the port unless it
// is the default port of https, the scheme botocore signs the URL under.
std::string SignedHost(const RdsTokenRequest& request) {
  std::string host = request.hostname;
  std::transform(host.begin(), host.end(), host.begin(), [](char c) {
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
  });
  if (request.port != kDefaultTokenPort) host += ":" + std::to_string(request.port);
  return host;
}

}  // namespace

Status ValidateRdsTokenRequest(const RdsTokenRequest& request) {
  if (!IsValidHostname(request.hostname)) {
    return InvalidArgumentError(
        "hostname must be the database's DNS name or IP address (IPv6 in brackets), without "
        "scheme, port or path, e.g. mydb.abc123.eu-west-1.rds.amazonaws.com");
  }
  if (request.port < 1 || request.port > 65535) {
    return InvalidArgumentError("port must be between 1 and 65535");
  }
  if (request.username.empty()) return InvalidArgumentError("username must not be empty");
  if (!IsValidAwsRegion(request.region)) return InvalidArgumentError(std::string(kRegionForm));
  return OkStatus();
}

StatusOr<crypto::SecretBuffer> GenerateRdsAuthToken(const RdsTokenRequest& request,
                                                    const crypto::AwsCredentials& credentials,
                                                    std::chrono::system_clock::time_point now) {
  AURITE_RETURN_IF_ERROR(ValidateRdsTokenRequest(request));
  const std::string host = SignedHost(request);
  crypto::PresignRequest presign;
  presign.host = host;
  presign.parameters = {{"Action", "connect"}, {"DBUser", request.username}};
  presign.region = request.region;
  presign.service = "rds-db";
  presign.expires = kRdsTokenLifetime;
  presign.now = now;
  crypto::SecretBuffer token =
      crypto::SecretBuffer::CopyFrom(request.hostname + ":" + std::to_string(request.port) + "/?");
  token.Append(crypto::PresignQuery(presign, credentials).bytes());
  return token;
}

}  // namespace aurite::credentials
