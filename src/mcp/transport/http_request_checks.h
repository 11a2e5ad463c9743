// The checks every request head passes before the HTTP server acts on it:
// an unambiguous head (400), then Host and Origin (403, the DNS-rebinding
// defence) and a session's protocol version (400). The bearer token is the
// authenticator's (http_auth.h), asked for requests to the MCP path only.
// Internal to the HTTP server; Boost.Beast types are fine here.
#pragma once

#include <boost/beast/http.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "mcp/transport/http_server.h"

namespace aurite::mcp {

using HttpRequest = boost::beast::http::request<boost::beast::http::string_body>;

// A header's value as std::string_view (Beast 1.74 hands out boost's); the
// first one when repeated, which AmbiguousHead rules out.
template <class Key>
std::string_view HeaderValue(const HttpRequest& req, Key key) {
  const auto value = req[key];
  return {value.data(), value.size()};
}

// True when the Accept header lists `type` (or */*).
bool Accepts(const HttpRequest& req, std::string_view type);

// Why the head is ambiguous, if it is: no Host, or a header that must
// appear at most once (Host, Content-Length, Transfer-Encoding,
// Content-Type, Authorization, Origin, Last-Event-ID, every Mcp-* header)
// appearing more often, or a Content-Length listing several values.
// Different readers of such a head could see different requests, so it is
// answered 400 and never acted on.
std::optional<std::string> AmbiguousHead(const HttpRequest& req);

struct Refusal {
  boost::beast::http::status status;
  std::string message;
  std::string www_authenticate;  // for 401
};
// The token of an "Authorization: Bearer <token>" header, if any.
std::optional<std::string_view> BearerToken(const HttpRequest& req);

// The Host rule alone (the one pages follow, http_pages.h).
std::optional<Refusal> CheckHost(const HttpRequest& req, const HttpServerOptions& options);
// The access rules of HttpServerOptions (http_server.h), in order: the
// Host, the Origin, the MCP-Protocol-Version of a
// request that names a session.
std::optional<Refusal> CheckAccess(const HttpRequest& req, const HttpServerOptions& options);

}  // namespace aurite::mcp
