// Where Aurite sends requests to an AWS service (STS, Secrets Manager),
// chosen as the AWS SDKs choose it:
//  1. the service-specific endpoint URL variable (AWS_ENDPOINT_URL_STS,
//     AWS_ENDPOINT_URL_SECRETS_MANAGER);
//  2. AWS_ENDPOINT_URL, the endpoint URL of every service;
//  3. https://<service>.<region>.amazonaws.com (.amazonaws.com.cn in China).
// An empty variable counts as unset, and AWS_IGNORE_CONFIGURED_ENDPOINT_URLS
// set to "true" skips both variables, as in the SDKs. An endpoint URL is
// http:// (an emulator on this machine, say) or https://, a host, an
// optional port and an optional path; nothing else.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "base/status.h"
#include "crypto/key_loader.h"

namespace aurite::credentials {

struct HttpEndpoint {
  bool tls = true;
  std::string host;  // a DNS name or IP address; IPv6 without brackets
  std::uint16_t port = 443;
  std::string path = "/";  // absolute, as written (already URI-encoded)

  // The Host header, as sent and signed: the host (IPv6 in brackets) and
  // the port unless it is the scheme's default.
  std::string HostHeader() const;
  // The URL again, for messages: scheme, host, port and path.
  std::string Url() const;
};

// Parses an endpoint URL; `origin` names where it came from, for messages.
// kInvalidArgument naming the origin and the accepted form.
StatusOr<HttpEndpoint> ParseEndpointUrl(std::string_view url, std::string_view origin);

// An AWS service as endpoint resolution knows it: the SDKs' variable for
// its endpoint URL, and the first label of its regional host name.
struct AwsService {
  std::string_view endpoint_variable;
  std::string_view host_prefix;
};
inline constexpr AwsService kStsService{"AWS_ENDPOINT_URL_STS", "sts"};
inline constexpr AwsService kSecretsManagerService{"AWS_ENDPOINT_URL_SECRETS_MANAGER",
                                                   "secretsmanager"};

// The endpoint of `service` for `region` (checked: lower-case letters,
// digits and '-'), as described above.
StatusOr<HttpEndpoint> ResolveAwsEndpoint(const AwsService& service, std::string_view region,
                                          const crypto::EnvironmentLookup& environment);

}  // namespace aurite::credentials
