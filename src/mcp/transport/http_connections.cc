// Connections are counted from Admit until their `serve` returns, not until
// their thread is joined: a client's limit frees the moment it hangs up.
#include "mcp/transport/http_connections.h"

#include <fmt/format.h>
#include <sys/socket.h>

#include <system_error>

#include "runtime/log.h"

namespace aurite::mcp {

using Clock = std::chrono::steady_clock;

void HttpConnection::Arm(std::chrono::milliseconds timeout) {
  deadline_ns_ = (Clock::now() + timeout).time_since_epoch().count();
}

HttpConnections::HttpConnections(std::size_t max_connections, std::size_t max_per_client)
    : max_connections_(max_connections), max_per_client_(max_per_client) {}

HttpConnections::~HttpConnections() { JoinAll(); }

HttpConnections::Admission HttpConnections::Admit(int fd, std::string client,
                                                  std::function<void(HttpConnection&)> serve) {
  std::lock_guard lock(mu_);
  ReapLocked();
  if (open_ >= max_connections_) return Admission::kServerFull;
  std::size_t& from_client = per_client_[client];
  if (from_client >= max_per_client_) return Admission::kClientFull;
  ++from_client;
  ++open_;
  HttpConnection& connection = connections_.emplace_back(fd, std::move(client));
  try {
    connection.thread_ = std::thread([this, &connection, serve = std::move(serve)] {
      serve(connection);
      std::lock_guard done_lock(mu_);
      connection.fd_ = -1;
      connection.done_ = true;
      ReleaseLocked(connection);
    });
  } catch (const std::system_error&) {
    // Out of threads: as good as full.
    ReleaseLocked(connection);
    connections_.pop_back();
    return Admission::kServerFull;
  }
  return Admission::kAdmitted;
}

void HttpConnections::Refuse(int fd, Admission why, bool answer) {
  const bool server_full = why == Admission::kServerFull;
  {
    std::lock_guard lock(mu_);
    ++refusals_unlogged_;
    if (Clock::now() - last_refusal_log_ > std::chrono::seconds(10)) {
      runtime::LogWarn("refused {} HTTP connection(s): {} open{}", refusals_unlogged_,
                       server_full ? max_connections_ : max_per_client_,
                       server_full ? " (max_connections)"
                                   : " from one client address (max_connections_per_client)");
      last_refusal_log_ = Clock::now();
      refusals_unlogged_ = 0;
    }
  }
  if (!answer) return;
  const std::string_view body =
      server_full ? "too many connections\n" : "too many connections from your address\n";
  const std::string text = fmt::format(
      "HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain\r\nRetry-After: 1\r\n"
      "Connection: close\r\nContent-Length: {}\r\n\r\n{}",
      body.size(), body);
  (void)::send(fd, text.data(), text.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
}

std::size_t HttpConnections::open() const {
  std::lock_guard lock(mu_);
  return open_;
}

void HttpConnections::ReleaseLocked(const HttpConnection& connection) {
  --open_;
  auto it = per_client_.find(connection.client_);
  if (--it->second == 0) per_client_.erase(it);
}

void HttpConnections::ReapLocked() {
  connections_.remove_if([](HttpConnection& c) {
    if (!c.done_) return false;
    c.thread_.join();  // it has finished: only its last instructions remain
    return true;
  });
}

void HttpConnections::ShutdownOverdue() {
  const auto now = Clock::now().time_since_epoch().count();
  std::lock_guard lock(mu_);
  for (HttpConnection& c : connections_) {
    if (c.fd_ >= 0 && c.deadline_ns_ < now) {
      ::shutdown(c.fd_, SHUT_RDWR);
      c.Disarm();
    }
  }
}

void HttpConnections::ShutdownAll() {
  std::lock_guard lock(mu_);
  for (HttpConnection& c : connections_) {
    if (c.fd_ >= 0) ::shutdown(c.fd_, SHUT_RDWR);
  }
}

void HttpConnections::JoinAll() {
  // Not under the lock: finishing threads take it.
  std::list<HttpConnection> all;
  {
    std::lock_guard lock(mu_);
    all.splice(all.end(), connections_);
  }
  for (HttpConnection& c : all) {
    if (c.thread_.joinable()) c.thread_.join();
  }
}

}  // namespace aurite::mcp
