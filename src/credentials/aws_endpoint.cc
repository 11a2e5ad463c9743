// Endpoint URLs: the SDKs' variables, then the regional default.
#include "credentials/aws_endpoint.h"

#include <algorithm>
#include <optional>

#include "base/text.h"
#include "credentials/aws_region.h"

namespace aurite::credentials {
namespace {

constexpr std::uint16_t kHttpPort = 80;
constexpr std::uint16_t kHttpsPort = 443;

bool IsHostChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_';
}

bool IsIpv6Char(char c) { return HexDigitValue(c) >= 0 || c == ':' || c == '.'; }

std::optional<std::uint16_t> ParsePort(std::string_view text) {
  if (text.empty() || text.size() > 5) return std::nullopt;
  unsigned port = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    port = port * 10 + static_cast<unsigned>(c - '0');
  }
  if (port < 1 || port > 65535) return std::nullopt;
  return static_cast<std::uint16_t>(port);
}

}  // namespace

std::string HttpEndpoint::HostHeader() const {
  std::string header = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  if (port != (tls ? kHttpsPort : kHttpPort)) header += ":" + std::to_string(port);
  return AsciiLowercase(header);
}

std::string HttpEndpoint::Url() const {
  return std::string(tls ? "https://" : "http://") + HostHeader() + path;
}

StatusOr<HttpEndpoint> ParseEndpointUrl(std::string_view url, std::string_view origin) {
  auto invalid = [origin](std::string_view why) {
    return InvalidArgumentError(std::string(origin) + " " + std::string(why) +
                                ": write http://HOST[:PORT][/PATH] or https://HOST[:PORT][/PATH], "
                                "e.g. https://sts.eu-west-1.amazonaws.com or "
                                "http://127.0.0.1:5000");
  };
  HttpEndpoint endpoint;
  std::string_view rest;
  const std::string scheme = AsciiLowercase(url.substr(0, url.find("://")));
  if (scheme == "https" && url.find("://") == 5) {
    rest = url.substr(8);
  } else if (scheme == "http" && url.find("://") == 4) {
    endpoint.tls = false;
    endpoint.port = kHttpPort;
    rest = url.substr(7);
  } else {
    return invalid("must start with http:// or https://");
  }
  const std::size_t path_start = rest.find('/');
  std::string_view authority = rest.substr(0, path_start);
  if (path_start != std::string_view::npos) endpoint.path = std::string(rest.substr(path_start));
  if (endpoint.path.find_first_of("?#") != std::string::npos ||
      authority.find_first_of("@?#") != std::string_view::npos) {
    return invalid("may have no user, query or fragment");
  }
  if (!std::all_of(endpoint.path.begin(), endpoint.path.end(),
                   [](char c) { return c > ' ' && c < 0x7f; })) {
    return invalid("has a path with spaces or control characters");
  }
  std::string_view port;
  if (authority.starts_with("[")) {
    const std::size_t close = authority.find(']');
    if (close == std::string_view::npos) return invalid("has an unclosed '['");
    endpoint.host = std::string(authority.substr(1, close - 1));
    if (endpoint.host.empty() ||
        !std::all_of(endpoint.host.begin(), endpoint.host.end(), IsIpv6Char)) {
      return invalid("has a malformed IPv6 address");
    }
    const std::string_view after = authority.substr(close + 1);
    if (!after.empty() && !after.starts_with(":")) return invalid("has text after ']'");
    if (!after.empty()) port = after.substr(1);
    if (!after.empty() && port.empty()) return invalid("has ':' without a port");
  } else {
    const std::size_t colon = authority.find(':');
    endpoint.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) {
      port = authority.substr(colon + 1);
      if (port.empty()) return invalid("has ':' without a port");
    }
    if (endpoint.host.empty() ||
        !std::all_of(endpoint.host.begin(), endpoint.host.end(), IsHostChar)) {
      return invalid(
          "has no host, or a host with characters other than letters, digits, '-', "
          "'.' and '_'");
    }
  }
  if (!port.empty()) {
    const std::optional<std::uint16_t> number = ParsePort(port);
    if (!number) return invalid("has a port outside 1-65535");
    endpoint.port = *number;
  }
  return endpoint;
}

StatusOr<HttpEndpoint> ResolveAwsEndpoint(const AwsService& service, std::string_view region,
                                          const crypto::EnvironmentLookup& environment) {
  if (!IsValidAwsRegion(region)) return InvalidArgumentError(std::string(kRegionForm));
  const bool ignore_variables =
      AsciiLowercase(crypto::NonEmptyVariable(environment, "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS")
                         .value_or("")) == "true";
  if (!ignore_variables) {
    for (std::string_view name :
         {service.endpoint_variable, std::string_view("AWS_ENDPOINT_URL")}) {
      if (auto url = crypto::NonEmptyVariable(environment, name))
        return ParseEndpointUrl(*url, name);
    }
  }
  const std::string_view domain = region.starts_with("cn-") ? "amazonaws.com.cn" : "amazonaws.com";
  HttpEndpoint endpoint;
  endpoint.host =
      std::string(service.host_prefix) + "." + std::string(region) + "." + std::string(domain);
  return endpoint;
}

}  // namespace aurite::credentials
