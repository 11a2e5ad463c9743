// Test support: a TCP peer on a free loopback port that treats every
// connection it accepts with a scripted behaviour (answer garbage, never
// answer, send forever, close at once), for the abuse tests of the
// credentials layer's HTTP client. Runs on its own thread until destroyed.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>

#include <atomic>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "base/unique_fd.h"

namespace aurite::credentials {

class ScriptedPeer {
 public:
  // `behaviour` gets each accepted connection and whether the peer is
  // stopping (it should return soon once that is true).
  using Behaviour = std::function<void(int fd, const std::atomic<bool>& stopping)>;

  explicit ScriptedPeer(Behaviour behaviour, int backlog = 8) : behaviour_(std::move(behaviour)) {
    listener_ = UniqueFd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t size = sizeof address;
    if (::bind(listener_.get(), reinterpret_cast<sockaddr*>(&address), size) != 0 ||
        ::listen(listener_.get(), backlog) != 0 ||
        ::getsockname(listener_.get(), reinterpret_cast<sockaddr*>(&address), &size) != 0) {
      return;
    }
    port_ = ntohs(address.sin_port);
    if (behaviour_) thread_ = std::thread([this] { Serve(); });
  }
  ~ScriptedPeer() {
    stopping_ = true;
    if (thread_.joinable()) thread_.join();
  }
  ScriptedPeer(const ScriptedPeer&) = delete;
  ScriptedPeer& operator=(const ScriptedPeer&) = delete;

  std::uint16_t port() const { return port_; }
  int listener() const { return listener_.get(); }
  // What the last connection sent before the behaviour returned, if the
  // behaviour read it with ReadRequest.
  std::string request() {
    std::lock_guard lock(mu_);
    return request_;
  }

  // Reads one request head and the body its Content-Length announces, at
  // most 1 s; records it for request().
  std::string ReadRequest(int fd) {
    std::string text;
    char buffer[4096];
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(1);
    for (;;) {
      const std::size_t head_end = text.find("\r\n\r\n");
      if (head_end != std::string::npos) {
        const std::size_t length_at = text.find("Content-Length: ");
        const std::size_t length =
            length_at == std::string::npos ? 0 : std::stoul(text.substr(length_at + 16));
        if (text.size() >= head_end + 4 + length) break;
      }
      pollfd p{fd, POLLIN, 0};
      if (std::chrono::steady_clock::now() > deadline || ::poll(&p, 1, 50) < 0) break;
      if (p.revents == 0) continue;
      const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
      if (n <= 0) break;
      text.append(buffer, static_cast<std::size_t>(n));
    }
    std::lock_guard lock(mu_);
    request_ = text;
    return text;
  }

 private:
  void Serve() {
    while (!stopping_) {
      pollfd p{listener_.get(), POLLIN, 0};
      if (::poll(&p, 1, 50) <= 0) continue;
      UniqueFd connection(::accept4(listener_.get(), nullptr, nullptr, SOCK_CLOEXEC));
      if (connection.valid()) behaviour_(connection.get(), stopping_);
    }
  }

  Behaviour behaviour_;
  UniqueFd listener_;
  std::uint16_t port_ = 0;
  std::atomic<bool> stopping_{false};
  std::mutex mu_;
  std::string request_;
  std::thread thread_;
};

// Sends all of `text`; false when the connection is gone.
inline bool SendAll(int fd, std::string_view text) {
  while (!text.empty()) {
    const ssize_t n = ::send(fd, text.data(), text.size(), MSG_NOSIGNAL);
    if (n <= 0) return false;
    text.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

// Reads the request on `fd` and answers it with HTTP status `status` (e.g.
// "403 Forbidden"), `content_type` and the body `body(token)`, where token
// is the request's X-Amz-Security-Token: an endpoint that echoes the
// session token it was sent, as a careless or hostile one might.
inline void AnswerEchoingToken(ScriptedPeer& peer, int fd, std::string_view status,
                               std::string_view content_type,
                               const std::function<std::string(const std::string&)>& body) {
  const std::string request = peer.ReadRequest(fd);
  const std::size_t at = request.find("X-Amz-Security-Token: ");
  const std::string token =
      at == std::string::npos ? "" : request.substr(at + 22, request.find("\r\n", at) - at - 22);
  const std::string text = body(token);
  SendAll(fd, "HTTP/1.1 " + std::string(status) + "\r\nContent-Type: " + std::string(content_type) +
                  "\r\nContent-Length: " + std::to_string(text.size()) + "\r\n\r\n" + text);
}

// Waits until the peer is stopping, keeping the connection open.
inline void HoldOpen(const std::atomic<bool>& stopping) {
  while (!stopping) std::this_thread::sleep_for(std::chrono::milliseconds(20));
}

}  // namespace aurite::credentials
