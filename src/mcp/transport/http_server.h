// HttpServer: serves an McpServer over MCP Streamable HTTP (one endpoint;
// POST for client messages, answered with SSE or JSON; GET for the
// server's standalone SSE stream and for resuming a stream; DELETE to end
// a session).
//
// Contract:
//  - Binds 127.0.0.1 by default. Every request's Host must be in
//    allowed_hosts and its Origin, when present, in allowed_origins (or a
//    loopback origin when that list is empty); otherwise 403. This is the
//    DNS-rebinding defence the MCP spec asks for.
//  - With `authenticate` set, every request to `path` is authenticated by
//    it (http_auth.h: 401/403 with its challenge when refused), and each
//    session is bound to the principal that initialized it. With only
//    bearer_token_digests set, requests need "Authorization: Bearer t"
//    where SHA-256(t) is one of them (DigestAuthenticator).
//  - With protected_resource set, its RFC 9728 metadata document is served
//    to GETs at MetadataPaths without authentication (Host still checked).
//  - Sessions: initialize creates one and returns Mcp-Session-Id; later
//    requests must carry it (400 without, 404 when unknown or deleted). An
//    MCP-Protocol-Version header naming an unsupported version gets 400.
//  - A request head that is malformed or ambiguous (no Host, or two Host,
//    Content-Length, Mcp-* or other single-valued headers) gets 400 and
//    the connection is closed. Heads over limits.max_header_bytes get 431,
//    bodies over limits.max_body_bytes 413; malformed JSON-RPC gets 400
//    with a JSON-RPC error body.
//  - A POST carrying a lone request whose handler sends nothing before its
//    response is answered with application/json on a kept-alive
//    connection; otherwise the answer is an SSE stream.
//  - Slow or idle clients cannot starve others (limits in http_limits.h): a
//    request head is due within header_timeout however its bytes trickle,
//    connections are limited in all and per client address (more than
//    sessions), and a new session evicts the least recently used idle one
//    rather than being refused. A refused connection gets 503.
//  - SSE events carry ids "<stream>/<n>"; a GET with Last-Event-ID replays
//    the events after it and continues the stream.
//  - A session no request has used for session_idle_timeout is closed, so
//    clients that vanish without DELETE do not pile up. A stateless
//    (2026-07-28) request's session ends after its answer. Every session
//    end reports to McpServer's session-closed handler.
//  - With TLS files set, only HTTPS is served.
//  - Paths under pages_prefix go to `pages` (http_pages.h). With serve_mcp
//    false the server serves those pages only: a side listener for them.
//  - The paths of ops_pages answer GET and HEAD without authentication
//    (http_ops_pages.h): health, readiness, metrics.
//  - Stop() (and the destructor) closes the listener and every connection
//    and session, and joins all threads.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "mcp/server/server.h"
#include "mcp/transport/http_auth.h"
#include "mcp/transport/http_limits.h"
#include "mcp/transport/http_ops_pages.h"
#include "mcp/transport/http_pages.h"
#include "mcp/transport/oauth_resource.h"

namespace aurite::mcp {

struct HttpServerOptions {
  std::string address = "127.0.0.1";
  std::uint16_t port = 0;  // 0: any free port (see HttpServer::port)
  std::string path = "/mcp";
  std::vector<std::string> allowed_hosts = {"127.0.0.1", "localhost", "[::1]"};
  std::vector<std::string> allowed_origins;  // e.g. "http://localhost:6274"
  std::string tls_certificate_file;          // PEM; with tls_private_key_file enables HTTPS
  std::string tls_private_key_file;
  std::vector<std::string> bearer_token_digests;        // hex SHA-256 (bearer_auth.h)
  Authenticator authenticate;                           // replaces bearer_token_digests when set
  std::optional<ProtectedResource> protected_resource;  // its metadata is served
  bool json_response = false;                           // answer POSTs with JSON instead of SSE
  HttpLimits limits;
  std::chrono::milliseconds sse_keepalive = std::chrono::seconds(15);
  bool serve_mcp = true;     // false: `path` is not served, only pages
  std::string pages_prefix;  // e.g. "/connect/"; empty: no pages
  PageHandler pages;         // answers requests under pages_prefix
  std::size_t pages_max_body_bytes = 16 * 1024;
  OpsPages ops_pages;  // exact paths served to GET and HEAD without a token
};

class HttpServer {
 public:
  HttpServer(McpServer& server, HttpServerOptions options);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds, listens and starts accepting on background threads.
  Status Start();
  std::uint16_t port() const;
  // The MCP sessions open now (for a gauge); 0 before Start and after Stop.
  std::size_t sessions() const;
  void Stop();

 private:
  struct Impl;  // keeps Boost.Beast out of this header
  std::unique_ptr<Impl> impl_;
};

}  // namespace aurite::mcp
