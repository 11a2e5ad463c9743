// HttpClient: an McpClient speaking MCP Streamable HTTP to a server URL.
//
// Contract:
//  - Each outgoing message is one POST, run on a worker thread that reads the
//    answer (JSON, an SSE stream, or 202) and feeds it to the client, so call
//    timeouts and cancellation work as over any other transport.
//  - The Mcp-Session-Id from initialize, and the negotiated
//    MCP-Protocol-Version, are sent on every later request.
//  - An SSE stream that ends before the awaited response is resumed with
//    GET and Last-Event-ID (waiting the server's retry: hint, at most
//    `max_resumptions` times).
//  - A failed POST (no connection, non-2xx status) fails the call it carried
//    with kConnectionClosed and a message naming the HTTP status.
//  - After notifications/initialized, a GET stream listens for the server's
//    own messages (requests not tied to a POST, list_changed, ...); it is
//    reopened with Last-Event-ID when it drops, until the server refuses it,
//    the session ends or the client is destroyed.
//  - Terminate() sends DELETE for the session.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>

#include "base/status.h"
#include "crypto/secret_buffer.h"
#include "mcp/client/client.h"
#include "runtime/thread_pool.h"

namespace aurite::mcp {

struct HttpClientOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;
  std::string path = "/mcp";
  bool tls = false;
  std::string tls_ca_file;  // PEM file of trusted CAs for tls; empty: system defaults
  // Sent as "Authorization: Bearer ..." when set. The header is built per
  // request in memory that is wiped when the request is done.
  crypto::SecretBuffer bearer_token;
  ClientOptions client;
  int max_resumptions = 3;
};

class HttpClient {
 public:
  explicit HttpClient(HttpClientOptions options);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  McpClient& client() { return *client_; }
  std::string session_id() const;
  Status Terminate();

 private:
  struct Answer;
  Status Send(std::string message);
  void Post(const std::string& message);
  void Listen();
  // Runs one request; SSE data events go to the client as they arrive.
  StatusOr<Answer> Exchange(int verb, const std::string& body, const std::string& last_event_id);

  const HttpClientOptions options_;
  mutable std::mutex mu_;
  std::string session_id_;
  std::set<int> open_sockets_;  // shut down on destruction to end pending reads
  bool closing_ = false;
  bool listening_ = false;
  std::condition_variable closing_cv_;
  std::thread listener_;
  std::unique_ptr<McpClient> client_;
  std::unique_ptr<runtime::ThreadPool> posts_;  // last: joined first
};

}  // namespace aurite::mcp
