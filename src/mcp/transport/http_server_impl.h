// HttpServer::Impl, shared by the files of the HTTP server: http_server.cc
// (listening, accepting, TLS, reading requests, building answers),
// http_server_routing.cc (what each path and method does, sessions, GET and
// DELETE) and http_server_post.cc (answering POSTs, with a session or
// stateless).
// Private to those files; Boost.Beast is fine here.
#pragma once

// clang-format off
#include <utility>  // before Boost.Asio 1.74, which uses std::exchange without it
// clang-format on

#include <fmt/format.h>

#include <atomic>
#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "crypto/secret_buffer.h"
#include "mcp/transport/event_stream.h"
#include "mcp/transport/http_connections.h"
#include "mcp/transport/http_request_checks.h"
#include "mcp/transport/http_server.h"
#include "mcp/transport/http_session.h"
#include "mcp/transport/http_session_table.h"

namespace aurite::mcp {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using HttpResponse = http::response<http::string_body>;
// The two kinds of stream a connection is served over.
using TlsStream = asio::ssl::stream<tcp::socket&>;
// The principal a request was authenticated as; null without authentication.
using RequestAuth = std::shared_ptr<const AuthInfo>;

// The options with the simple mode's authenticator filled in (http_auth.h).
HttpServerOptions WithAuthenticator(HttpServerOptions options);

struct HttpServer::Impl {
  Impl(McpServer& s, HttpServerOptions o)
      : server(s),
        options(WithAuthenticator(std::move(o))),
        connections(options.limits.max_connections, options.limits.max_connections_per_client),
        sessions(s, options.limits) {}

  Status Start();
  void Stop();
  void AcceptLoop();
  void Watchdog();
  void ServeSocket(tcp::socket& socket, HttpConnection& connection);
  template <class Stream>
  void ServeConnection(Stream& stream, HttpConnection& connection);
  template <class Stream>
  bool Handle(Stream& stream, HttpConnection& connection, const HttpRequest& req);
  // Whether the request goes to options.pages (http_pages.h).
  bool IsPagePath(const HttpRequest& req) const;
  // Answers a page request whose body the caller has already taken out of
  // req and the read buffer (both wiped) into `body`.
  template <class Stream>
  bool HandlePage(Stream& stream, HttpConnection& connection, const HttpRequest& req,
                  crypto::SecretBuffer body);
  // The answer of an ops page (http_ops_pages.h) when `path` is one, else nothing.
  std::optional<HttpResponse> OpsAnswer(const HttpRequest& req, std::string_view path) const;
  // Why options.ops_pages cannot be served; empty when they can.
  std::string OpsPagesProblem() const;
  // The metadata document (RFC 9728) when the request asks for it, else nothing.
  std::optional<HttpResponse> MetadataAnswer(const HttpRequest& req, std::string_view path) const;
  // The request's principal, or the refusal to send in *denied.
  RequestAuth Authenticate(const HttpRequest& req, const HttpConnection& connection,
                           std::optional<HttpResponse>* denied) const;
  template <class Stream>
  bool HandlePost(Stream& stream, HttpConnection& connection, const HttpRequest& req,
                  const RequestAuth& auth);
  template <class Stream>
  bool AnswerPost(Stream& stream, HttpConnection& connection, const HttpRequest& req, Json body,
                  HttpSession& session);
  std::optional<RpcError> CheckToolParamHeaders(const HttpRequest& req,
                                                const Request& request) const;
  template <class Stream>
  bool HandleStateless(Stream& stream, HttpConnection& connection, const HttpRequest& req,
                       Json body, const RequestAuth& auth);
  template <class Stream>
  bool HandleGet(Stream& stream, HttpConnection& connection, const HttpRequest& req,
                 const RequestAuth& auth);
  template <class Stream>
  void StreamEvents(Stream& stream, HttpConnection& connection, EventStream& events,
                    std::uint64_t after);
  template <class Stream>
  bool Write(Stream& stream, HttpConnection& connection, HttpResponse& res);
  template <class Stream>
  bool WriteRaw(Stream& stream, HttpConnection& connection, const std::string& text);

  std::optional<HttpResponse> CheckHead(const HttpRequest& req) const;
  HttpResponse Simple(http::status status, const HttpRequest& req, std::string body,
                      const char* type = "text/plain") const;
  HttpResponse JsonRpcError(http::status status, const HttpRequest& req, const Json& body) const;
  // The request's session, leased (passive: see HttpSessionTable::Find),
  // or null with the answer in *error (404 also when `auth` is not the
  // session's principal).
  SessionLease FindSession(const HttpRequest& req, const RequestAuth& auth,
                           std::optional<HttpResponse>* error, bool passive = false);

  McpServer& server;
  const HttpServerOptions options;
  asio::io_context io;
  std::optional<tcp::acceptor> acceptor;
  std::optional<asio::ssl::context> tls;
  std::uint16_t bound_port = 0;
  std::atomic<bool> stopping{false};
  std::thread accept_thread;
  std::thread watchdog_thread;
  std::mutex watchdog_mu;
  std::condition_variable watchdog_cv;
  HttpConnections connections;
  HttpSessionTable sessions;
};

template <class Stream>
void HttpServer::Impl::StreamEvents(Stream& stream, HttpConnection& connection, EventStream& events,
                                    std::uint64_t after) {
  for (;;) {
    bool done = false;
    auto batch = events.Next(after, options.sse_keepalive, &done);
    if (stopping) return;
    std::string text;
    for (const auto& event : batch) {
      text += fmt::format("id: {}\nevent: message\ndata: {}\n\n", events.EventId(event.seq),
                          event.data);
      after = event.seq;
    }
    // A comment line doubles as a liveness probe: writing to a gone client fails.
    if (text.empty() && !done) text = ": keepalive\n\n";
    if (!text.empty() && !WriteRaw(stream, connection, text)) return;
    if (done) return;
  }
}

template <class Stream>
bool HttpServer::Impl::Write(Stream& stream, HttpConnection& connection, HttpResponse& res) {
  beast::error_code ec;
  connection.Arm(options.limits.io_timeout);
  http::write(stream, res, ec);
  connection.Disarm();
  return !ec && res.keep_alive();
}

template <class Stream>
bool HttpServer::Impl::WriteRaw(Stream& stream, HttpConnection& connection,
                                const std::string& text) {
  beast::error_code ec;
  connection.Arm(options.limits.io_timeout);
  asio::write(stream, asio::buffer(text), ec);
  connection.Disarm();
  return !ec;
}

}  // namespace aurite::mcp
