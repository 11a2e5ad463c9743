// Test support: raw HTTP/1.1 over loopback sockets, for tests that must
// misbehave the way a client library never would (half-open requests,
// trickled bytes, duplicated headers), choosing the client's source address.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdlib>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "base/unique_fd.h"

namespace aurite::rawhttp {

// A TCP connection to 127.0.0.1:port from `source` (any 127.x.y.z address
// is this host's); invalid when it cannot connect.
// A loopback port nobody listens on right now (0 when none could be had).
// Another process may take it before the caller's server binds it.
inline std::uint16_t UnusedLoopbackPort() {
  UniqueFd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t size = sizeof address;
  if (::bind(fd.get(), reinterpret_cast<sockaddr*>(&address), size) != 0 ||
      ::getsockname(fd.get(), reinterpret_cast<sockaddr*>(&address), &size) != 0) {
    return 0;
  }
  return ntohs(address.sin_port);
}

inline UniqueFd ConnectLoopback(std::uint16_t port, const char* source = "127.0.0.1") {
  UniqueFd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  sockaddr_in from{};
  from.sin_family = AF_INET;
  ::inet_pton(AF_INET, source, &from.sin_addr);
  if (::bind(fd.get(), reinterpret_cast<sockaddr*>(&from), sizeof from) != 0) return UniqueFd();
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(port);
  to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd.get(), reinterpret_cast<sockaddr*>(&to), sizeof to) != 0) return UniqueFd();
  // A connect to a loopback port nobody listens on yet can be given that
  // very port as its source, and then "succeeds" as a TCP simultaneous open
  // with itself: a readiness poll would take it for the server.
  sockaddr_in local{};
  socklen_t length = sizeof local;
  if (::getsockname(fd.get(), reinterpret_cast<sockaddr*>(&local), &length) != 0 ||
      (local.sin_port == to.sin_port && local.sin_addr.s_addr == to.sin_addr.s_addr)) {
    return UniqueFd();
  }
  return fd;
}

inline bool SendText(int fd, const std::string& text) {
  return ::send(fd, text.data(), text.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(text.size());
}

// Everything the peer sends until it closes, or until `timeout` passes.
inline std::string ReadUntilClosed(int fd, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::string out;
  char buf[4096];
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    pollfd p{fd, POLLIN, 0};
    if (left.count() <= 0 || ::poll(&p, 1, static_cast<int>(left.count())) <= 0) return out;
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n <= 0) return out;
    out.append(buf, static_cast<std::size_t>(n));
  }
}

// Sends `request` on a new connection and returns the whole answer (the
// request should say "Connection: close"); "" when it cannot connect.
inline std::string Exchange(std::uint16_t port, const std::string& request,
                            std::chrono::milliseconds timeout = std::chrono::seconds(10),
                            const char* source = "127.0.0.1") {
  UniqueFd fd = ConnectLoopback(port, source);
  if (!fd.valid() || !SendText(fd.get(), request)) return "";
  return ReadUntilClosed(fd.get(), timeout);
}

// A POST of `body` to /mcp with the headers every MCP POST needs, plus `extra`.
inline std::string McpPost(const std::string& body, const std::string& extra = "") {
  return "POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
         "Content-Type: application/json\r\nAccept: application/json, text/event-stream\r\n" +
         extra + "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
}

inline const char* const kInitializeBody =
    R"({"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{}}})";

// The status code of an HTTP answer; 0 when there is none.
inline int HttpStatus(const std::string& answer) {
  return answer.size() > 12 && answer.rfind("HTTP/1.", 0) == 0
             ? std::atoi(answer.substr(9, 3).c_str())
             : 0;
}

// The value of header `name` in an answer; "" when absent.
inline std::string HttpHeader(const std::string& answer, const std::string& name) {
  const auto at = answer.find("\r\n" + name + ": ");
  if (at == std::string::npos) return "";
  const auto start = at + name.size() + 4;
  return answer.substr(start, answer.find("\r\n", start) - start);
}

// Connections from `source` that start a request and never finish its
// head: a byte every 100 ms until destroyed (the classic slowloris).
class Tricklers {
 public:
  Tricklers(std::uint16_t port, int count, const char* source) {
    for (int i = 0; i < count; ++i) {
      UniqueFd fd = ConnectLoopback(port, source);
      if (!fd.valid()) continue;
      (void)SendText(fd.get(), "POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ");
      fds_.push_back(std::move(fd));
    }
    thread_ = std::thread([this] {
      std::unique_lock lock(mu_);
      while (!cv_.wait_for(lock, std::chrono::milliseconds(100), [this] { return stop_; })) {
        for (const UniqueFd& fd : fds_) {
          (void)::send(fd.get(), "a", 1, MSG_NOSIGNAL | MSG_DONTWAIT);
        }
      }
    });
    // Every one accepted (or refused) by the server by now.
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
  }
  ~Tricklers() {
    {
      std::lock_guard lock(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    thread_.join();
  }
  Tricklers(const Tricklers&) = delete;
  Tricklers& operator=(const Tricklers&) = delete;

  int connected() const { return static_cast<int>(fds_.size()); }
  // How many the server has answered or closed (refused, or cut off).
  int Refused() const {
    int refused = 0;
    for (const UniqueFd& fd : fds_) {
      pollfd p{fd.get(), POLLIN, 0};
      if (::poll(&p, 1, 0) > 0) ++refused;
    }
    return refused;
  }

 private:
  std::vector<UniqueFd> fds_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace aurite::rawhttp
