// The MCP side of the HTTP server: which path and method does what, the
// checks of a request head, finding a request's session, and GET (the
// standalone stream, or resuming one) and DELETE. POSTs are
// http_server_post.cc; the sockets, TLS, reading requests and writing
// answers are http_server.cc.
#include "mcp/transport/http_server_impl.h"

namespace aurite::mcp {

std::optional<HttpResponse> HttpServer::Impl::CheckHead(const HttpRequest& req) const {
  if (auto ambiguous = AmbiguousHead(req)) {
    HttpResponse res = Simple(http::status::bad_request, req, *ambiguous);
    res.keep_alive(false);  // where this request ends is as doubtful as its head
    return res;
  }
  auto refusal = CheckAccess(req, options);
  if (!refusal) return std::nullopt;
  HttpResponse res = Simple(refusal->status, req, std::move(refusal->message));
  if (!refusal->www_authenticate.empty()) {
    res.set(http::field::www_authenticate, refusal->www_authenticate);
  }
  return res;
}

HttpServerOptions WithAuthenticator(HttpServerOptions options) {
  if (!options.authenticate && !options.bearer_token_digests.empty()) {
    options.authenticate = DigestAuthenticator(options.bearer_token_digests);
  }
  return options;
}

std::optional<HttpResponse> HttpServer::Impl::MetadataAnswer(const HttpRequest& req,
                                                             std::string_view path) const {
  if (!options.protected_resource || req.method() != http::verb::get) return std::nullopt;
  for (const std::string& served : MetadataPaths(*options.protected_resource)) {
    if (path == served) {
      return Simple(http::status::ok, req,
                    Dump(ProtectedResourceMetadata(*options.protected_resource)),
                    "application/json");
    }
  }
  return std::nullopt;
}

RequestAuth HttpServer::Impl::Authenticate(const HttpRequest& req, const HttpConnection& connection,
                                           std::optional<HttpResponse>* denied) const {
  if (!options.authenticate) return nullptr;
  // An Authorization header that is not "Bearer <token>" counts as no token.
  auto outcome =
      options.authenticate(BearerToken(req).value_or(std::string_view()), connection.client());
  if (auto* auth = std::get_if<RequestAuth>(&outcome)) return *auth;
  auto& refusal = std::get<AuthRefusal>(outcome);
  *denied = Simple(static_cast<http::status>(refusal.status), req, std::move(refusal.message));
  if (!refusal.www_authenticate.empty()) {
    (*denied)->set(http::field::www_authenticate, refusal.www_authenticate);
  }
  return nullptr;
}

SessionLease HttpServer::Impl::FindSession(const HttpRequest& req, const RequestAuth& auth,
                                           std::optional<HttpResponse>* error, bool passive) {
  const auto id = HeaderValue(req, "Mcp-Session-Id");
  if (id.empty()) {
    *error = Simple(http::status::bad_request, req, "missing Mcp-Session-Id header");
    return {};
  }
  SessionLease session = sessions.Find(id, auth, passive);
  if (!session) *error = Simple(http::status::not_found, req, "unknown or expired session");
  return session;
}

template <class Stream>
bool HttpServer::Impl::Handle(Stream& stream, HttpConnection& connection, const HttpRequest& req) {
  if (auto denied = CheckHead(req)) return Write(stream, connection, *denied);
  const std::string_view target(req.target().data(), req.target().size());
  const auto path = target.substr(0, target.find('?'));
  if (auto metadata = MetadataAnswer(req, path)) return Write(stream, connection, *metadata);
  if (auto ops = OpsAnswer(req, path)) return Write(stream, connection, *ops);
  if (path != options.path || !options.serve_mcp) {
    HttpResponse res = Simple(http::status::not_found, req, "not found");
    return Write(stream, connection, res);
  }
  std::optional<HttpResponse> denied;
  const RequestAuth auth = Authenticate(req, connection, &denied);
  if (denied) return Write(stream, connection, *denied);
  switch (req.method()) {
    case http::verb::post:
      return HandlePost(stream, connection, req, auth);
    case http::verb::get:
      return HandleGet(stream, connection, req, auth);
    case http::verb::delete_: {
      const auto id = HeaderValue(req, "Mcp-Session-Id");
      HttpResponse res =
          id.empty() ? Simple(http::status::bad_request, req, "missing Mcp-Session-Id header")
          : sessions.EndNow(id, auth.get())
              ? Simple(http::status::ok, req, "")
              : Simple(http::status::not_found, req, "unknown or expired session");
      return Write(stream, connection, res);
    }
    default: {
      HttpResponse res = Simple(http::status::method_not_allowed, req, "method not allowed");
      res.set(http::field::allow, "GET, POST, DELETE");
      return Write(stream, connection, res);
    }
  }
}

template <class Stream>
bool HttpServer::Impl::HandleGet(Stream& stream, HttpConnection& connection, const HttpRequest& req,
                                 const RequestAuth& auth) {
  if (!Accepts(req, "text/event-stream")) {
    HttpResponse res =
        Simple(http::status::not_acceptable, req, "Accept must list text/event-stream");
    return Write(stream, connection, res);
  }
  std::optional<HttpResponse> error;
  // A standalone stream only listens: it must not keep an abandoned
  // session from eviction. A resumed stream awaits answers: it does.
  SessionLease session =
      FindSession(req, auth, &error, /*passive=*/HeaderValue(req, "Last-Event-ID").empty());
  if (!session) return Write(stream, connection, *error);
  std::shared_ptr<EventStream> events;
  std::uint64_t after = 0;
  bool standalone = false;
  if (const auto last = HeaderValue(req, "Last-Event-ID"); !last.empty()) {
    if (const auto position = ParseEventId(last)) {
      events = session->FindStream(std::string(position->stream_id));
      after = position->seq;
    }
    if (!events) {
      HttpResponse res = Simple(http::status::not_found, req, "unknown Last-Event-ID");
      return Write(stream, connection, res);
    }
  } else {
    events = session->OpenStandalone();
    standalone = true;
    if (!events) {
      HttpResponse res = Simple(http::status::conflict, req, "a GET stream is already open");
      return Write(stream, connection, res);
    }
  }
  if (WriteRaw(stream, connection,
               "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: "
               "no-cache\r\nConnection: close\r\n\r\n")) {
    StreamEvents(stream, connection, *events, after);
  }
  if (standalone) session->ReleaseStandalone(events);
  return false;
}

template bool HttpServer::Impl::Handle(tcp::socket&, HttpConnection&, const HttpRequest&);
template bool HttpServer::Impl::Handle(TlsStream&, HttpConnection&, const HttpRequest&);

}  // namespace aurite::mcp
