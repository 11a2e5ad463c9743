// Streamable HTTP over Boost.Beast, synchronous, one thread per connection:
// MCP hosts serve few clients, and blocking code keeps the stream logic
// plain. This file is the plumbing: listening (with TLS or not), accepting,
// reading requests and building answers. A watchdog thread enforces the
// deadlines (http_limits.h) by shutting down the socket of any connection
// stuck too long, and ends the sessions that were evicted or idle too long.
// Admission of connections is http_connections.*, the sessions
// http_session_table.*, the checks of a request head
// http_request_checks.*; what each request means to MCP (routing, GET,
// DELETE) is http_server_routing.cc, and POSTs http_server_post.cc.
#include "mcp/transport/http_server.h"

#include <fmt/format.h>
#include <openssl/crypto.h>
#include <sys/socket.h>

#include "mcp/server/server_session.h"
#include "mcp/transport/http_server_impl.h"
#include "runtime/log.h"

namespace aurite::mcp {
namespace {

using Clock = std::chrono::steady_clock;

constexpr std::size_t kReadChunk = 4096;

}  // namespace

Status HttpServer::Impl::Start() {
  const HttpLimits& limits = options.limits;
  if (limits.max_connections == 0 || limits.max_connections_per_client == 0 ||
      limits.max_sessions == 0 || limits.header_timeout.count() <= 0 ||
      limits.io_timeout.count() <= 0 || limits.session_idle_timeout.count() <= 0 ||
      limits.max_header_bytes == 0 || limits.max_body_bytes == 0 ||
      limits.max_in_flight_per_session == 0) {
    return InvalidArgumentError(
        "every HTTP limit (connections, sessions, timeouts, sizes, requests in flight) must be "
        "above zero");
  }
  if (std::string problem = OpsPagesProblem(); !problem.empty()) {
    return InvalidArgumentError(std::move(problem));
  }
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
  connections.ShutdownAll();
  sessions.CloseAll();
  { std::lock_guard lock(watchdog_mu); }
  watchdog_cv.notify_all();
  if (watchdog_thread.joinable()) watchdog_thread.join();
  connections.JoinAll();
  sessions.EndAll();
}

void HttpServer::Impl::AcceptLoop() {
  while (!stopping) {
    beast::error_code ec;
    auto socket = std::make_shared<tcp::socket>(io);
    acceptor->accept(*socket, ec);
    if (stopping) return;
    if (ec) continue;
    const tcp::endpoint peer = socket->remote_endpoint(ec);
    if (ec) continue;  // already gone
    // Answers are small and connections kept alive: no waiting on Nagle.
    socket->set_option(tcp::no_delay(true), ec);
    const auto admission = connections.Admit(
        socket->native_handle(), peer.address().to_string(),
        [this, socket](HttpConnection& connection) { ServeSocket(*socket, connection); });
    if (admission == HttpConnections::Admission::kAdmitted) continue;
    // A TLS client would not understand a plain answer.
    connections.Refuse(socket->native_handle(), admission, /*answer=*/!tls);
    socket->shutdown(tcp::socket::shutdown_both, ec);
  }
}

void HttpServer::Impl::Watchdog() {
  std::unique_lock lock(watchdog_mu);
  while (!stopping) {
    watchdog_cv.wait_for(lock, std::chrono::milliseconds(100));
    if (stopping) return;
    lock.unlock();
    connections.ShutdownOverdue();
    // Ending runs the session-closed handler, which may be slow: on this
    // thread, never on a client's.
    sessions.EndRetired();
    lock.lock();
  }
}

void HttpServer::Impl::ServeSocket(tcp::socket& socket, HttpConnection& connection) {
  // The first request head (and the TLS handshake before it) is due within
  // header_timeout of the connection's opening.
  connection.Arm(options.limits.header_timeout);
  if (!tls) {
    ServeConnection(socket, connection);
  } else {
    asio::ssl::stream<tcp::socket&> stream(socket, *tls);
    beast::error_code ec;
    stream.handshake(asio::ssl::stream_base::server, ec);
    if (ec) return;
    ServeConnection(stream, connection);
    connection.Arm(options.limits.io_timeout);
    stream.shutdown(ec);
  }
  beast::error_code ignored;
  socket.shutdown(tcp::socket::shutdown_both, ignored);
}

template <class Stream>
void HttpServer::Impl::ServeConnection(Stream& stream, HttpConnection& connection) {
  beast::flat_buffer buffer;
  for (bool first = true; !stopping; first = false) {
    http::request_parser<http::string_body> parser;
    parser.body_limit(options.limits.max_body_bytes);
    parser.header_limit(static_cast<std::uint32_t>(options.limits.max_header_bytes));
    beast::error_code ec;
    if (!first) {
      // A kept-alive connection may wait io_timeout for its next request;
      // from the request's first byte, its head is due within header_timeout.
      if (buffer.size() == 0) {
        connection.Arm(options.limits.io_timeout);
        buffer.commit(stream.read_some(buffer.prepare(kReadChunk), ec));
        if (ec) return;
      }
      connection.Arm(options.limits.header_timeout);
    }
    http::read_header(stream, buffer, parser, ec);
    const bool page = !ec && IsPagePath(parser.get());
    if (page) {
      // A Content-Length was checked against the limit as the head ended.
      parser.body_limit(options.pages_max_body_bytes);
      const auto length = parser.content_length();
      if (length && *length > options.pages_max_body_bytes) ec = http::error::body_limit;
    }
    if (!ec) {
      connection.Arm(options.limits.io_timeout);
      http::read(stream, buffer, parser, ec);
    }
    connection.Disarm();
    if (ec == http::error::body_limit) {
      HttpRequest head;
      HttpResponse res =
          Simple(http::status::payload_too_large, head,
                 fmt::format("request body exceeds {} bytes",
                             page ? options.pages_max_body_bytes : options.limits.max_body_bytes));
      res.keep_alive(false);
      Write(stream, connection, res);
      return;
    }
    if (ec == http::error::header_limit) {
      HttpRequest head;
      HttpResponse res =
          Simple(http::status::request_header_fields_too_large, head,
                 fmt::format("request head exceeds {} bytes", options.limits.max_header_bytes));
      res.keep_alive(false);
      Write(stream, connection, res);
      return;
    }
    if (ec && ec.category() == beast::http::make_error_code(http::error::bad_target).category() &&
        ec != http::error::end_of_stream && ec != http::error::partial_message) {
      // A malformed or ambiguous message (e.g. two different Content-Lengths).
      HttpRequest head;
      HttpResponse res = Simple(http::status::bad_request, head,
                                fmt::format("malformed HTTP request: {}", ec.message()));
      res.keep_alive(false);
      Write(stream, connection, res);
      return;
    }
    if (ec) return;
    HttpRequest& req = parser.get();
    if (page) {
      // The form (maybe a password) passed through the parser's body and
      // the read buffer: take it and wipe both (all of the buffer but a
      // pipelined request's unread bytes) before anything is answered, so
      // no copy outlives the response.
      crypto::SecretBuffer body = crypto::SecretBuffer::TakeFrom(req.body());
      const auto spare = buffer.prepare(buffer.capacity() - buffer.size());
      OPENSSL_cleanse(spare.data(), spare.size());
      if (!HandlePage(stream, connection, req, std::move(body)) || !req.keep_alive()) return;
      continue;
    }
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

HttpServer::HttpServer(McpServer& server, HttpServerOptions options)
    : impl_(std::make_unique<Impl>(server, std::move(options))) {}

HttpServer::~HttpServer() { Stop(); }

Status HttpServer::Start() { return impl_->Start(); }

std::uint16_t HttpServer::port() const { return impl_->bound_port; }

std::size_t HttpServer::sessions() const { return impl_->sessions.size(); }

void HttpServer::Stop() { impl_->Stop(); }

}  // namespace aurite::mcp
