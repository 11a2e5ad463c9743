#include "mcp/transport/http_request_checks.h"

#include <fmt/format.h>

#include <algorithm>
#include <boost/beast/core/string.hpp>
#include <map>

#include "base/text.h"
#include "mcp/core/protocol_version.h"

namespace aurite::mcp {
namespace {

namespace http = boost::beast::http;

// "host" of a Host header value "host:port" or "[v6]:port".
std::string HostName(std::string_view host) {
  if (!host.empty() && host.front() == '[') {
    const auto close = host.find(']');
    return std::string(host.substr(0, close == std::string_view::npos ? host.size() : close + 1));
  }
  return std::string(host.substr(0, host.find(':')));
}

bool IsLoopbackOrigin(std::string_view origin) {
  for (std::string_view scheme : {"http://", "https://"}) {
    if (origin.rfind(scheme, 0) != 0) continue;
    const std::string host = HostName(origin.substr(scheme.size()));
    return host == "localhost" || host == "127.0.0.1" || host == "[::1]";
  }
  return false;
}

bool MustBeSingle(const std::string& lower_name) {
  static const char* const kSingle[] = {"host",         "content-length", "transfer-encoding",
                                        "content-type", "authorization",  "origin",
                                        "last-event-id"};
  for (const char* name : kSingle) {
    if (lower_name == name) return true;
  }
  return lower_name.rfind("mcp-", 0) == 0;
}

}  // namespace

bool Accepts(const HttpRequest& req, std::string_view type) {
  const auto accept = HeaderValue(req, http::field::accept);
  return accept.find(type) != std::string_view::npos ||
         accept.find("*/*") != std::string_view::npos;
}

std::optional<std::string> AmbiguousHead(const HttpRequest& req) {
  std::map<std::string, int> seen;
  for (const auto& field : req) {
    const std::string name =
        AsciiLowercase({field.name_string().data(), field.name_string().size()});
    if (MustBeSingle(name) && ++seen[name] > 1) {
      return fmt::format("the request has more than one {} header; send it once",
                         std::string(field.name_string()));
    }
  }
  if (seen["host"] == 0) return "the request has no Host header";
  if (HeaderValue(req, http::field::content_length).find(',') != std::string_view::npos) {
    return "the Content-Length header lists several values; send one";
  }
  return std::nullopt;
}

std::optional<std::string_view> BearerToken(const HttpRequest& req) {
  const auto auth = HeaderValue(req, http::field::authorization);
  constexpr std::string_view kBearer = "Bearer ";
  if (auth.size() <= kBearer.size() || auth.substr(0, kBearer.size()) != kBearer) {
    return std::nullopt;
  }
  return auth.substr(kBearer.size());
}

std::optional<Refusal> CheckHost(const HttpRequest& req, const HttpServerOptions& options) {
  const std::string host = HostName(HeaderValue(req, http::field::host));
  if (std::find(options.allowed_hosts.begin(), options.allowed_hosts.end(), host) ==
      options.allowed_hosts.end()) {
    return Refusal{http::status::forbidden, "host not allowed", ""};
  }
  return std::nullopt;
}

std::optional<Refusal> CheckAccess(const HttpRequest& req, const HttpServerOptions& options) {
  if (auto refusal = CheckHost(req, options)) return refusal;
  if (const auto origin = HeaderValue(req, http::field::origin); !origin.empty()) {
    const bool listed = std::find(options.allowed_origins.begin(), options.allowed_origins.end(),
                                  origin) != options.allowed_origins.end();
    if (!listed && !(options.allowed_origins.empty() && IsLoopbackOrigin(origin))) {
      return Refusal{http::status::forbidden, "origin not allowed", ""};
    }
  }
  // Without a session the request is stateless (2026-07-28), whose
  // version errors are JSON-RPC errors (HttpServer's HandleStateless).
  const auto version = HeaderValue(req, "MCP-Protocol-Version");
  if (!version.empty() && !IsSupportedProtocolVersion(version) &&
      !HeaderValue(req, "Mcp-Session-Id").empty()) {
    return Refusal{http::status::bad_request,
                   fmt::format("unsupported MCP-Protocol-Version: {}", std::string(version)), ""};
  }
  return std::nullopt;
}

}  // namespace aurite::mcp
