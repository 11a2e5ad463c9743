// Streamable HTTP over Boost.Beast, synchronous, one thread per connection:
// MCP hosts serve few clients, and blocking code keeps the stream logic
// plain. A watchdog thread enforces io_timeout by shutting down the socket
// of any connection stuck in one read or write for too long.
#include "mcp/http_server.h"

#include <fmt/format.h>
#include <openssl/rand.h>
#include <sys/socket.h>

#include <atomic>
#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <condition_variable>
#include <list>
#include <map>
#include <mutex>
#include <optional>
#include <thread>

#include "mcp/bearer_auth.h"
#include "mcp/http_session.h"
#include "mcp/log.h"
#include "mcp/message_parser.h"
#include "mcp/modern_era.h"
#include "mcp/param_headers.h"
#include "mcp/protocol_version.h"
#include "mcp/server_session.h"

namespace aurite::mcp {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;
using HttpRequest = http::request<http::string_body>;
using HttpResponse = http::response<http::string_body>;

constexpr std::size_t kHeaderLimit = 16 * 1024;

// Beast 1.74 hands out boost::string_view; the rest of our code speaks std.
template <class Key>
std::string_view Field(const HttpRequest& req, Key key) {
  const auto value = req[key];
  return {value.data(), value.size()};
}

std::string NewSessionId() {
  unsigned char bytes[16];
  RAND_bytes(bytes, sizeof bytes);
  std::string id;
  for (unsigned char b : bytes) id += fmt::format("{:02x}", b);
  return id;
}

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

bool Accepts(const HttpRequest& req, std::string_view type) {
  const auto accept = Field(req, http::field::accept);
  return accept.find(type) != std::string_view::npos ||
         accept.find("*/*") != std::string_view::npos;
}

// Marks a session as in use for the guard's lifetime, so it cannot expire.
class SessionUse {
 public:
  explicit SessionUse(std::shared_ptr<HttpSession> session) : session_(std::move(session)) {
    session_->BeginUse();
  }
  ~SessionUse() { session_->EndUse(); }
  SessionUse(const SessionUse&) = delete;
  SessionUse& operator=(const SessionUse&) = delete;

 private:
  std::shared_ptr<HttpSession> session_;
};

// A connection's blocking operation deadline, watched by the watchdog.
struct Connection {
  std::thread thread;
  std::atomic<int> fd{-1};
  std::atomic<std::int64_t> deadline_ns{INT64_MAX};
  std::atomic<bool> done{false};

  void Arm(std::chrono::milliseconds timeout) {
    deadline_ns = (Clock::now() + timeout).time_since_epoch().count();
  }
  void Disarm() { deadline_ns = INT64_MAX; }
};

}  // namespace

struct HttpServer::Impl {
  Impl(McpServer& s, HttpServerOptions o) : server(s), options(std::move(o)) {}

  Status Start();
  void Stop();
  void AcceptLoop();
  void Watchdog();
  // Removes the sessions idle for too long and returns them, to be ended.
  std::vector<std::shared_ptr<HttpSession>> TakeIdleSessionsLocked();
  void ServeSocket(tcp::socket socket, Connection& connection);
  template <class Stream>
  void ServeConnection(Stream& stream, Connection& connection);
  template <class Stream>
  bool Handle(Stream& stream, Connection& connection, const HttpRequest& req);
  template <class Stream>
  bool HandlePost(Stream& stream, Connection& connection, const HttpRequest& req);
  template <class Stream>
  bool AnswerPost(Stream& stream, Connection& connection, const HttpRequest& req, const Json& body,
                  HttpSession& session);
  std::optional<RpcError> CheckToolParamHeaders(const HttpRequest& req,
                                                const Request& request) const;
  template <class Stream>
  bool HandleStateless(Stream& stream, Connection& connection, const HttpRequest& req,
                       const Json& body);
  template <class Stream>
  bool HandleGet(Stream& stream, Connection& connection, const HttpRequest& req);
  template <class Stream>
  void StreamEvents(Stream& stream, Connection& connection, EventStream& events,
                    std::uint64_t after);
  template <class Stream>
  bool Write(Stream& stream, Connection& connection, HttpResponse& res);
  template <class Stream>
  bool WriteRaw(Stream& stream, Connection& connection, const std::string& text);

  std::optional<HttpResponse> CheckAccess(const HttpRequest& req) const;
  HttpResponse Simple(http::status status, const HttpRequest& req, std::string body,
                      const char* type = "text/plain") const;
  HttpResponse JsonRpcError(http::status status, const HttpRequest& req, const Json& body) const;
  std::shared_ptr<HttpSession> FindSession(const HttpRequest& req,
                                           std::optional<HttpResponse>* error);

  McpServer& server;
  const HttpServerOptions options;
  asio::io_context io;
  std::optional<tcp::acceptor> acceptor;
  std::optional<asio::ssl::context> tls;
  std::uint16_t bound_port = 0;
  std::atomic<bool> stopping{false};
  std::thread accept_thread;
  std::thread watchdog_thread;
  std::mutex mu;
  std::condition_variable watchdog_cv;
  std::list<Connection> connections;
  std::map<std::string, std::shared_ptr<HttpSession>> sessions;
};

Status HttpServer::Impl::Start() {
  beast::error_code ec;
  const auto address = asio::ip::make_address(options.address, ec);
  if (ec) return InvalidArgumentError(fmt::format("bad listen address {}", options.address));
  if (!options.tls_certificate_file.empty() || !options.tls_private_key_file.empty()) {
    tls.emplace(asio::ssl::context::tls_server);
    tls->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                     asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
                     asio::ssl::context::no_tlsv1_1);
    tls->use_certificate_chain_file(options.tls_certificate_file, ec);
    if (!ec) tls->use_private_key_file(options.tls_private_key_file, asio::ssl::context::pem, ec);
    if (ec)
      return InvalidArgumentError(
          fmt::format("cannot load the TLS certificate or key: {}", ec.message()));
  }
  acceptor.emplace(io);
  const tcp::endpoint endpoint(address, options.port);
  acceptor->open(endpoint.protocol(), ec);
  if (!ec) acceptor->set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor->bind(endpoint, ec);
  if (!ec) acceptor->listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    return UnavailableError(
        fmt::format("cannot listen on {}:{}: {}", options.address, options.port, ec.message()));
  }
  bound_port = acceptor->local_endpoint().port();
  accept_thread = std::thread([this] { AcceptLoop(); });
  watchdog_thread = std::thread([this] { Watchdog(); });
  return OkStatus();
}

void HttpServer::Impl::Stop() {
  if (stopping.exchange(true)) return;
  // No new connections first, so the shutdown below reaches every one.
  if (acceptor) ::shutdown(acceptor->native_handle(), SHUT_RDWR);
  if (accept_thread.joinable()) accept_thread.join();
  {
    std::lock_guard lock(mu);
    for (auto& c : connections) {
      if (c.fd >= 0) ::shutdown(c.fd, SHUT_RDWR);
    }
    for (auto& [id, session] : sessions) session->Close();
  }
  watchdog_cv.notify_all();
  if (watchdog_thread.joinable()) watchdog_thread.join();
  for (auto& c : connections) {
    if (c.thread.joinable()) c.thread.join();
  }
  connections.clear();
  for (auto& [id, session] : sessions) session->End();
  sessions.clear();
}

void HttpServer::Impl::AcceptLoop() {
  while (!stopping) {
    beast::error_code ec;
    tcp::socket socket(io);
    acceptor->accept(socket, ec);
    if (stopping) return;
    if (ec) continue;
    std::lock_guard lock(mu);
    connections.remove_if([](Connection& c) {
      if (!c.done) return false;
      c.thread.join();
      return true;
    });
    if (connections.size() >= options.max_connections) {
      LogWarn("refused an HTTP connection: {} already open", connections.size());
      continue;  // the socket closes as it goes out of scope
    }
    Connection& connection = connections.emplace_back();
    connection.fd = socket.native_handle();
    connection.thread = std::thread([this, &connection, s = std::move(socket)]() mutable {
      ServeSocket(std::move(s), connection);
      connection.fd = -1;
      connection.done = true;
    });
  }
}

void HttpServer::Impl::Watchdog() {
  std::unique_lock lock(mu);
  while (!stopping) {
    watchdog_cv.wait_for(lock, std::chrono::milliseconds(100));
    const auto now = Clock::now().time_since_epoch().count();
    for (auto& c : connections) {
      if (c.fd >= 0 && c.deadline_ns < now) {
        ::shutdown(c.fd, SHUT_RDWR);
        c.Disarm();
      }
    }
    auto expired = TakeIdleSessionsLocked();
    if (expired.empty()) continue;
    // Ending runs the session-closed handler, which may be slow: not under the lock.
    lock.unlock();
    for (auto& session : expired) session->End();
    lock.lock();
  }
}

std::vector<std::shared_ptr<HttpSession>> HttpServer::Impl::TakeIdleSessionsLocked() {
  std::vector<std::shared_ptr<HttpSession>> expired;
  for (auto it = sessions.begin(); it != sessions.end();) {
    if (!it->second->IdleLongerThan(options.session_idle_timeout)) {
      ++it;
      continue;
    }
    LogInfo("closed HTTP session idle for over {} ms", options.session_idle_timeout.count());
    expired.push_back(std::move(it->second));
    it = sessions.erase(it);
  }
  return expired;
}

void HttpServer::Impl::ServeSocket(tcp::socket socket, Connection& connection) {
  if (!tls) {
    ServeConnection(socket, connection);
  } else {
    asio::ssl::stream<tcp::socket&> stream(socket, *tls);
    beast::error_code ec;
    connection.Arm(options.io_timeout);
    stream.handshake(asio::ssl::stream_base::server, ec);
    connection.Disarm();
    if (ec) return;
    ServeConnection(stream, connection);
    connection.Arm(options.io_timeout);
    stream.shutdown(ec);
  }
  beast::error_code ignored;
  socket.shutdown(tcp::socket::shutdown_both, ignored);
}

template <class Stream>
void HttpServer::Impl::ServeConnection(Stream& stream, Connection& connection) {
  beast::flat_buffer buffer;
  while (!stopping) {
    http::request_parser<http::string_body> parser;
    parser.body_limit(options.max_body_bytes);
    parser.header_limit(kHeaderLimit);
    beast::error_code ec;
    connection.Arm(options.io_timeout);
    http::read(stream, buffer, parser, ec);
    connection.Disarm();
    if (ec == http::error::body_limit) {
      HttpRequest head;
      HttpResponse res =
          Simple(http::status::payload_too_large, head,
                 fmt::format("request body exceeds {} bytes", options.max_body_bytes));
      res.keep_alive(false);
      Write(stream, connection, res);
      return;
    }
    if (ec) return;
    const HttpRequest& req = parser.get();
    if (!Handle(stream, connection, req) || !req.keep_alive()) return;
  }
}

HttpResponse HttpServer::Impl::Simple(http::status status, const HttpRequest& req, std::string body,
                                      const char* type) const {
  HttpResponse res(status, req.version() == 0 ? 11 : req.version());
  res.set(http::field::content_type, type);
  res.keep_alive(req.keep_alive());
  res.body() = std::move(body);
  res.prepare_payload();
  return res;
}

HttpResponse HttpServer::Impl::JsonRpcError(http::status status, const HttpRequest& req,
                                            const Json& body) const {
  return Simple(status, req, Dump(body), "application/json");
}

std::optional<HttpResponse> HttpServer::Impl::CheckAccess(const HttpRequest& req) const {
  const std::string host = HostName(Field(req, http::field::host));
  if (std::find(options.allowed_hosts.begin(), options.allowed_hosts.end(), host) ==
      options.allowed_hosts.end()) {
    return Simple(http::status::forbidden, req, "host not allowed");
  }
  const auto origin = Field(req, http::field::origin);
  if (!origin.empty()) {
    const bool listed = std::find(options.allowed_origins.begin(), options.allowed_origins.end(),
                                  origin) != options.allowed_origins.end();
    if (!listed && !(options.allowed_origins.empty() && IsLoopbackOrigin(origin))) {
      return Simple(http::status::forbidden, req, "origin not allowed");
    }
  }
  if (!options.bearer_token_digests.empty()) {
    const auto auth = Field(req, http::field::authorization);
    constexpr std::string_view kBearer = "Bearer ";
    const bool has_token =
        auth.size() > kBearer.size() && auth.substr(0, kBearer.size()) == kBearer;
    if (!has_token ||
        !BearerTokenAccepted(auth.substr(kBearer.size()), options.bearer_token_digests)) {
      HttpResponse res = Simple(http::status::unauthorized, req, "authentication required");
      res.set(http::field::www_authenticate, has_token
                                                 ? R"(Bearer realm="aurite", error="invalid_token")"
                                                 : R"(Bearer realm="aurite")");
      return res;
    }
  }
  // Without a session the request is stateless (2026-07-28), whose
  // version errors are JSON-RPC errors (HandleStateless).
  const auto version = Field(req, "MCP-Protocol-Version");
  if (!version.empty() && !IsSupportedProtocolVersion(version) &&
      !Field(req, "Mcp-Session-Id").empty()) {
    return Simple(http::status::bad_request, req,
                  fmt::format("unsupported MCP-Protocol-Version: {}", std::string(version)));
  }
  return std::nullopt;
}

std::shared_ptr<HttpSession> HttpServer::Impl::FindSession(const HttpRequest& req,
                                                           std::optional<HttpResponse>* error) {
  const auto id = Field(req, "Mcp-Session-Id");
  if (id.empty()) {
    *error = Simple(http::status::bad_request, req, "missing Mcp-Session-Id header");
    return nullptr;
  }
  std::lock_guard lock(mu);
  auto it = sessions.find(std::string(id));
  if (it == sessions.end()) {
    *error = Simple(http::status::not_found, req, "unknown or expired session");
    return nullptr;
  }
  return it->second;
}

template <class Stream>
bool HttpServer::Impl::Handle(Stream& stream, Connection& connection, const HttpRequest& req) {
  const std::string_view target(req.target().data(), req.target().size());
  const auto path = target.substr(0, target.find('?'));
  if (path != options.path) {
    HttpResponse res = Simple(http::status::not_found, req, "not found");
    return Write(stream, connection, res);
  }
  if (auto denied = CheckAccess(req)) return Write(stream, connection, *denied);
  switch (req.method()) {
    case http::verb::post:
      return HandlePost(stream, connection, req);
    case http::verb::get:
      return HandleGet(stream, connection, req);
    case http::verb::delete_: {
      std::optional<HttpResponse> error;
      auto session = FindSession(req, &error);
      if (!session) return Write(stream, connection, *error);
      {
        std::lock_guard lock(mu);
        sessions.erase(session->id());
      }
      session->End();
      HttpResponse res = Simple(http::status::ok, req, "");
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
bool HttpServer::Impl::HandlePost(Stream& stream, Connection& connection, const HttpRequest& req) {
  if (Field(req, http::field::content_type).find("application/json") == std::string_view::npos) {
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
  limits.max_bytes = options.max_body_bytes;
  auto parsed = ParseJsonText(req.body(), limits);
  if (auto* error = std::get_if<RpcError>(&parsed)) {
    HttpResponse res =
        JsonRpcError(http::status::bad_request, req,
                     {{"jsonrpc", "2.0"}, {"id", nullptr}, {"error", error->ToJson()}});
    return Write(stream, connection, res);
  }
  const Json& body = std::get<Json>(parsed);
  std::shared_ptr<HttpSession> session;
  const bool modern = body.is_object() && IsModernEraRequest(body.value("params", Json()));
  const bool initialize =
      !modern && body.is_object() && body.value("method", Json()) == "initialize";
  if (!initialize && Field(req, "Mcp-Session-Id").empty() &&
      !IsSupportedProtocolVersion(Field(req, "MCP-Protocol-Version"))) {
    return HandleStateless(stream, connection, req, body);
  }
  if (initialize) {
    if (const auto version = Field(req, "MCP-Protocol-Version");
        !version.empty() && !IsSupportedProtocolVersion(version)) {
      HttpResponse res =
          Simple(http::status::bad_request, req,
                 fmt::format("unsupported MCP-Protocol-Version: {}", std::string(version)));
      return Write(stream, connection, res);
    }
    std::lock_guard lock(mu);
    if (sessions.size() >= options.max_sessions) {
      HttpResponse res = Simple(http::status::service_unavailable, req, "too many sessions");
      return Write(stream, connection, res);
    }
    session = std::make_shared<HttpSession>(server, NewSessionId());
    sessions[session->id()] = session;
  } else {
    std::optional<HttpResponse> error;
    session = FindSession(req, &error);
    if (!session) return Write(stream, connection, *error);
  }
  SessionUse use(session);
  const bool keep_alive = AnswerPost(stream, connection, req, body, *session);
  if (initialize && !session->mcp().initialized()) {
    // A failed initialize leaves nothing worth keeping.
    std::lock_guard lock(mu);
    sessions.erase(session->id());
  }
  return keep_alive;
}

template <class Stream>
bool HttpServer::Impl::AnswerPost(Stream& stream, Connection& connection, const HttpRequest& req,
                                  const Json& body, HttpSession& session) {
  auto outcome = session.Post(body, req.body());
  if (auto* rejected = std::get_if<HttpSession::Rejected>(&outcome)) {
    HttpResponse res = JsonRpcError(http::status::bad_request, req, rejected->error_body);
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
                           [&req](const std::string& header) { return Field(req, header); });
}

// A 2026-07-28 request: checked against its headers, then served by a
// session of its own, so nothing outlives the request. A lone response is
// sent as JSON with the status its error calls for; if the handler sends
// anything first (progress, logs), the reply becomes an SSE stream.
template <class Stream>
bool HttpServer::Impl::HandleStateless(Stream& stream, Connection& connection,
                                       const HttpRequest& req, const Json& body) {
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
  auto envelope = ReadModernRequest(request->params, Field(req, "MCP-Protocol-Version"));
  if (auto* error = std::get_if<RpcError>(&envelope)) {
    return reject(400, request->id.ToJson(), *error);
  }
  if (auto error = CheckRoutingHeaders(request->method, request->params, Field(req, "Mcp-Method"),
                                       Field(req, "Mcp-Name"))) {
    return reject(400, request->id.ToJson(), *error);
  }
  if (auto error = CheckToolParamHeaders(req, *request)) {
    return reject(400, request->id.ToJson(), *error);
  }
  auto events = std::make_shared<EventStream>("0");
  auto session = server.Connect([events](std::string message) {
    const Json parsed = Json::parse(message, nullptr, false);
    const bool response = parsed.is_object() && !parsed.contains("method");
    events->Push(std::move(message));
    if (response) events->Finish();
    return OkStatus();
  });
  session->Receive(req.body());
  std::vector<EventStream::Event> first;
  bool done = false;
  while (first.empty() && !done && !stopping) {
    first = events->Next(0, options.sse_keepalive, &done);
  }
  const Json head = first.empty() ? Json() : Json::parse(first.front().data, nullptr, false);
  if (head.is_object() && !head.contains("method")) {
    // The response came first, so it is the only message (the stream ends with it).
    int status = 200;
    if (head.contains("error")) status = HttpStatusForModernError(head["error"].value("code", 0));
    HttpResponse res =
        Simple(static_cast<http::status>(status), req, first.front().data, "application/json");
    return Write(stream, connection, res);
  }
  if (WriteRaw(stream, connection,
               "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: "
               "no-cache\r\nConnection: close\r\n\r\n")) {
    StreamEvents(stream, connection, *events, 0);
  }
  return false;
}

template <class Stream>
bool HttpServer::Impl::HandleGet(Stream& stream, Connection& connection, const HttpRequest& req) {
  if (!Accepts(req, "text/event-stream")) {
    HttpResponse res =
        Simple(http::status::not_acceptable, req, "Accept must list text/event-stream");
    return Write(stream, connection, res);
  }
  std::optional<HttpResponse> error;
  auto session = FindSession(req, &error);
  if (!session) return Write(stream, connection, *error);
  SessionUse use(session);
  std::shared_ptr<EventStream> events;
  std::uint64_t after = 0;
  bool standalone = false;
  if (const auto last = Field(req, "Last-Event-ID"); !last.empty()) {
    const auto slash = last.rfind('/');
    if (slash != std::string_view::npos) {
      events = session->FindStream(std::string(last.substr(0, slash)));
      after = std::strtoull(std::string(last.substr(slash + 1)).c_str(), nullptr, 10);
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

template <class Stream>
void HttpServer::Impl::StreamEvents(Stream& stream, Connection& connection, EventStream& events,
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
bool HttpServer::Impl::Write(Stream& stream, Connection& connection, HttpResponse& res) {
  beast::error_code ec;
  connection.Arm(options.io_timeout);
  http::write(stream, res, ec);
  connection.Disarm();
  return !ec && res.keep_alive();
}

template <class Stream>
bool HttpServer::Impl::WriteRaw(Stream& stream, Connection& connection, const std::string& text) {
  beast::error_code ec;
  connection.Arm(options.io_timeout);
  asio::write(stream, asio::buffer(text), ec);
  connection.Disarm();
  return !ec;
}

HttpServer::HttpServer(McpServer& server, HttpServerOptions options)
    : impl_(std::make_unique<Impl>(server, std::move(options))) {}

HttpServer::~HttpServer() { Stop(); }

Status HttpServer::Start() { return impl_->Start(); }

std::uint16_t HttpServer::port() const { return impl_->bound_port; }

void HttpServer::Stop() { impl_->Stop(); }

}  // namespace aurite::mcp
