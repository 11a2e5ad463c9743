// HttpConnections: the HTTP server's open connections, one thread each, and
// their admission and deadlines.
//
// Contract:
//  - Admit refuses a connection when max_connections are open, or when
//    max_per_client are open from the same client address; otherwise it
//    runs `serve` on a thread of its own and counts the connection until
//    `serve` returns.
//  - A connection's current blocking operation has a deadline (Arm); the
//    watchdog calls ShutdownOverdue, which shuts down the socket of every
//    connection past its deadline, so the blocked read or write fails.
//  - ShutdownAll wakes every connection; JoinAll waits for their threads.
//    Thread-safe.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <list>
#include <map>
#include <mutex>
#include <string>
#include <thread>

namespace aurite::mcp {

// One connection's socket and the deadline of its blocking operation.
class HttpConnection {
 public:
  explicit HttpConnection(int fd, std::string client) : fd_(fd), client_(std::move(client)) {}

  // The operation from now on must end within `timeout`.
  void Arm(std::chrono::milliseconds timeout);
  // No deadline until the next Arm (between operations).
  void Disarm() { deadline_ns_ = INT64_MAX; }
  const std::string& client() const { return client_; }

 private:
  friend class HttpConnections;
  std::thread thread_;
  std::atomic<int> fd_;
  const std::string client_;
  std::atomic<std::int64_t> deadline_ns_{INT64_MAX};
  bool done_ = false;  // guarded by HttpConnections::mu_
};

class HttpConnections {
 public:
  HttpConnections(std::size_t max_connections, std::size_t max_per_client);
  ~HttpConnections();  // JoinAll
  HttpConnections(const HttpConnections&) = delete;
  HttpConnections& operator=(const HttpConnections&) = delete;

  enum class Admission { kAdmitted, kServerFull, kClientFull };
  // `fd` is the connection's socket (owned by `serve`'s caller, shut down
  // but never closed here); `client` its peer's address.
  Admission Admit(int fd, std::string client, std::function<void(HttpConnection&)> serve);
  // For a connection Admit refused: logs it (at most a line per 10 s, for
  // refusals come by the thousand under attack) and, with `answer`, sends
  // it a plain HTTP 503 without ever blocking. The caller closes it.
  void Refuse(int fd, Admission why, bool answer);
  std::size_t open() const;

  void ShutdownOverdue();
  void ShutdownAll();
  void JoinAll();

 private:
  // Joins the threads of finished connections.
  void ReapLocked();
  // Stops counting `connection` (open and per client).
  void ReleaseLocked(const HttpConnection& connection);

  const std::size_t max_connections_;
  const std::size_t max_per_client_;
  mutable std::mutex mu_;
  std::list<HttpConnection> connections_;  // a list: threads hold references
  std::map<std::string, std::size_t> per_client_;
  std::size_t open_ = 0;
  std::chrono::steady_clock::time_point last_refusal_log_{};
  std::size_t refusals_unlogged_ = 0;
};

}  // namespace aurite::mcp
