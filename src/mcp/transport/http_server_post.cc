// Answering POSTs: JSON-RPC messages for a session (initialize creates
// one), and stateless 2026-07-28 requests served by a session of their own
// that ends with the answer.
#include <fmt/format.h>

#include "mcp/core/message_head.h"
#include "mcp/core/message_parser.h"
#include "mcp/core/modern_era.h"
#include "mcp/core/protocol_version.h"
#include "mcp/server/server_session.h"
#include "mcp/transport/http_server_impl.h"
#include "mcp/transport/param_headers.h"
#include "runtime/log.h"

namespace aurite::mcp {
namespace {

// Ends a stateless request's session, so what it opened is released
// (McpServer's session-closed handler) like any session's.
class EndOnExit {
 public:
  explicit EndOnExit(std::shared_ptr<ServerSession> session) : session_(std::move(session)) {}
  ~EndOnExit() { session_->End(); }
  EndOnExit(const EndOnExit&) = delete;
  EndOnExit& operator=(const EndOnExit&) = delete;

 private:
  std::shared_ptr<ServerSession> session_;
};

}  // namespace

template <class Stream>
bool HttpServer::Impl::HandlePost(Stream& stream, HttpConnection& connection,
                                  const HttpRequest& req, const RequestAuth& auth) {
  if (HeaderValue(req, http::field::content_type).find("application/json") ==
      std::string_view::npos) {
    HttpResponse res =
        Simple(http::status::unsupported_media_type, req, "Content-Type must be application/json");
    return Write(stream, connection, res);
  }
  if (!Accepts(req, "application/json") || !Accepts(req, "text/event-stream")) {
    HttpResponse res = Simple(http::status::not_acceptable, req,
                              "Accept must list application/json and text/event-stream");
    return Write(stream, connection, res);
  }
  ParseLimits limits = server.options().session.limits;
  limits.max_bytes = options.limits.max_body_bytes;
  auto parsed = ParseJsonText(req.body(), limits);
  if (auto* error = std::get_if<RpcError>(&parsed)) {
    HttpResponse res =
        JsonRpcError(http::status::bad_request, req,
                     {{"jsonrpc", "2.0"}, {"id", nullptr}, {"error", error->ToJson()}});
    return Write(stream, connection, res);
  }
  Json& body = std::get<Json>(parsed);
  SessionLease session;
  const bool modern = body.is_object() && IsModernEraRequest(body.value("params", Json()));
  const bool initialize =
      !modern && body.is_object() && body.value("method", Json()) == "initialize";
  if (!initialize && HeaderValue(req, "Mcp-Session-Id").empty() &&
      !IsSupportedProtocolVersion(HeaderValue(req, "MCP-Protocol-Version"))) {
    return HandleStateless(stream, connection, req, std::move(body), auth);
  }
  if (initialize) {
    if (const auto version = HeaderValue(req, "MCP-Protocol-Version");
        !version.empty() && !IsSupportedProtocolVersion(version)) {
      HttpResponse res =
          Simple(http::status::bad_request, req,
                 fmt::format("unsupported MCP-Protocol-Version: {}", std::string(version)));
      return Write(stream, connection, res);
    }
    session = sessions.Create(auth);
    if (!session) {
      HttpResponse res =
          Simple(http::status::service_unavailable, req, "too many sessions in use; retry later");
      res.set(http::field::retry_after, "1");
      return Write(stream, connection, res);
    }
  } else {
    std::optional<HttpResponse> error;
    session = FindSession(req, auth, &error);
    if (!session) return Write(stream, connection, *error);
  }
  const bool keep_alive = AnswerPost(stream, connection, req, std::move(body), *session);
  // A failed initialize leaves nothing worth keeping.
  if (initialize && !session->mcp().initialized()) sessions.EndNow(session->id(), auth.get());
  return keep_alive;
}

template <class Stream>
bool HttpServer::Impl::AnswerPost(Stream& stream, HttpConnection& connection,
                                  const HttpRequest& req, Json body, HttpSession& session) {
  const bool lone = body.is_object();  // not a batch
  auto outcome = session.Post(std::move(body));
  if (auto* rejected = std::get_if<HttpSession::Rejected>(&outcome)) {
    HttpResponse res =
        JsonRpcError(static_cast<http::status>(rejected->http_status), req, rejected->error_body);
    if (rejected->http_status == 429) res.set(http::field::retry_after, "1");
    return Write(stream, connection, res);
  }
  if (std::holds_alternative<HttpSession::NoRequests>(outcome)) {
    HttpResponse res = Simple(http::status::accepted, req, "");
    return Write(stream, connection, res);
  }
  auto events = std::get<std::shared_ptr<EventStream>>(outcome);
  const std::string session_header = fmt::format("Mcp-Session-Id: {}\r\n", session.id());
  if (options.json_response) {
    bool done = false;
    std::vector<EventStream::Event> all;
    while (!done && !stopping) {
      auto more = events->Next(all.size(), options.sse_keepalive, &done);
      all.insert(all.end(), more.begin(), more.end());
    }
    HttpResponse res =
        Simple(http::status::ok, req, all.empty() ? "" : all.back().data, "application/json");
    res.set("Mcp-Session-Id", session.id());
    return Write(stream, connection, res);
  }
  // A lone request whose response is the first thing its handler sends is
  // answered with that response as JSON on a kept-alive connection (the
  // client Accepts both): no stream, and no new connection per call. What
  // sends anything first (progress, logs, requests to the client) is
  // streamed, with event ids for resumption. A handler silent for
  // sse_keepalive is streamed too, so its keepalives notice a gone client.
  bool done = false;
  std::vector<EventStream::Event> first;
  if (lone) first = events->Next(0, options.sse_keepalive, &done);
  if (first.size() == 1 && first.front().response && !stopping) {
    HttpResponse res = Simple(http::status::ok, req, first.front().data, "application/json");
    res.set("Mcp-Session-Id", session.id());
    return Write(stream, connection, res);
  }
  if (!WriteRaw(stream, connection,
                "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: "
                "no-cache\r\nConnection: close\r\n" +
                    session_header + "\r\n")) {
    return false;
  }
  StreamEvents(stream, connection, *events, 0);
  return false;
}

std::optional<RpcError> HttpServer::Impl::CheckToolParamHeaders(const HttpRequest& req,
                                                                const Request& request) const {
  if (request.method != "tools/call" || !request.params.is_object()) return std::nullopt;
  auto name = request.params.find("name");
  if (name == request.params.end() || !name->is_string()) return std::nullopt;
  auto tool = server.FindTool(name->get<std::string>());
  if (!tool) return std::nullopt;
  return CheckParamHeaders(tool->tool.input_schema,
                           request.params.value("arguments", Json::object()),
                           [&req](const std::string& header) { return HeaderValue(req, header); });
}

// A 2026-07-28 request: checked against its headers, then served by a
// session of its own, so nothing outlives the request. A lone response is
// sent as JSON with the status its error calls for; if the handler sends
// anything first (progress, logs), the reply becomes an SSE stream.
template <class Stream>
bool HttpServer::Impl::HandleStateless(Stream& stream, HttpConnection& connection,
                                       const HttpRequest& req, Json body, const RequestAuth& auth) {
  auto reject = [&](int status, const Json& id, const RpcError& error) {
    HttpResponse res = JsonRpcError(static_cast<http::status>(status), req,
                                    {{"jsonrpc", "2.0"}, {"id", id}, {"error", error.ToJson()}});
    return Write(stream, connection, res);
  };
  if (!body.is_object()) {
    return reject(400, nullptr,
                  MakeError(error_code::kInvalidRequest,
                            "JSON-RPC batches do not exist in protocol version 2026-07-28"));
  }
  auto classified = ClassifyMessage(body);
  if (auto* rejection = std::get_if<Rejection>(&classified)) {
    return reject(400, rejection->id ? rejection->id->ToJson() : Json(nullptr), rejection->error);
  }
  auto* request = std::get_if<Request>(&std::get<Message>(classified));
  if (request == nullptr) {
    // Notifications and responses have no meaning without a session.
    HttpResponse res = Simple(http::status::accepted, req, "");
    return Write(stream, connection, res);
  }
  auto envelope = ReadModernRequest(request->params, HeaderValue(req, "MCP-Protocol-Version"));
  if (auto* error = std::get_if<RpcError>(&envelope)) {
    return reject(400, request->id.ToJson(), *error);
  }
  if (auto error =
          CheckRoutingHeaders(request->method, request->params, HeaderValue(req, "Mcp-Method"),
                              HeaderValue(req, "Mcp-Name"))) {
    return reject(400, request->id.ToJson(), *error);
  }
  if (auto error = CheckToolParamHeaders(req, *request)) {
    return reject(400, request->id.ToJson(), *error);
  }
  auto events = std::make_shared<EventStream>("0");
  // The HTTP status of the reply, read as it is sent: written before the
  // Push that hands the reply over, so seen after Next.
  auto reply_status = std::make_shared<int>(200);
  auto session = server.Connect([events, reply_status](std::string message) {
    const MessageHead head = ReadMessageHead(message);
    const bool response = head.object && !head.request;
    if (response && head.error) {  // small: read whole for its code
      const Json parsed = Json::parse(message, nullptr, false);
      const Json error = parsed.is_object() ? parsed.value("error", Json()) : Json();
      if (error.is_object()) *reply_status = HttpStatusForModernError(error.value("code", 0));
    }
    events->Push(std::move(message), response);
    if (response) events->Finish();
    return OkStatus();
  });
  SessionOwner owner = session->owner();
  owner.task_scope = StatelessTaskScope(auth.get());
  owner.auth = auth;
  session->SetOwner(std::move(owner));
  EndOnExit end(session);
  session->ReceiveParsed(std::move(body));
  std::vector<EventStream::Event> first;
  bool done = false;
  while (first.empty() && !done && !stopping) {
    first = events->Next(0, options.sse_keepalive, &done);
  }
  if (!first.empty() && first.front().response) {
    // The response came first, so it is the only message (the stream ends with it).
    HttpResponse res = Simple(static_cast<http::status>(*reply_status), req, first.front().data,
                              "application/json");
    return Write(stream, connection, res);
  }
  if (WriteRaw(stream, connection,
               "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: "
               "no-cache\r\nConnection: close\r\n\r\n")) {
    StreamEvents(stream, connection, *events, 0);
  }
  return false;
}

template bool HttpServer::Impl::HandlePost(tcp::socket&, HttpConnection&, const HttpRequest&,
                                           const RequestAuth&);
template bool HttpServer::Impl::HandlePost(TlsStream&, HttpConnection&, const HttpRequest&,
                                           const RequestAuth&);

}  // namespace aurite::mcp
