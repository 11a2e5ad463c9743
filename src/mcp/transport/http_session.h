// HttpSession: one Streamable HTTP session (one Mcp-Session-Id) and the
// routing of its outgoing messages onto HTTP streams. No sockets here; the
// HTTP server (http_server.cc) does the I/O.
//
// Routing rules (MCP Streamable HTTP):
//  - a response goes to the stream of the POST that carried its request;
//  - a notification or request sent while a request's handler runs goes to
//    that request's stream while it is still open;
//  - anything else goes to the standalone GET stream, or is dropped (and
//    logged) when the client has none open.
// A POST stream finishes when every request it carried has been answered.
#pragma once

#include <chrono>
#include <cstddef>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "mcp/server/server.h"
#include "mcp/server/server_session.h"
#include "mcp/transport/event_stream.h"

namespace aurite::mcp {

class HttpSession {
 public:
  // At most `max_in_flight` requests of the session may be in progress at
  // once (Post rejects more with HTTP 429).
  HttpSession(McpServer& server, std::string id, std::size_t max_in_flight);
  ~HttpSession();
  HttpSession(const HttpSession&) = delete;
  HttpSession& operator=(const HttpSession&) = delete;

  const std::string& id() const { return id_; }
  ServerSession& mcp() { return *mcp_; }

  struct NoRequests {};  // only notifications and responses: answer 202
  struct Rejected {
    Json error_body;        // a JSON-RPC error response to send with http_status
    int http_status = 400;  // 429: too many requests in progress, retry later
  };
  using PostOutcome = std::variant<std::shared_ptr<EventStream>, NoRequests, Rejected>;

  // Feeds a POST body (one message or a batch), parsed by the transport.
  PostOutcome Post(Json body);

  // The standalone stream for GET; null when one is already open.
  std::shared_ptr<EventStream> OpenStandalone();
  void ReleaseStandalone(const std::shared_ptr<EventStream>& stream);
  // A stream by id, for resumption with Last-Event-ID; null if unknown.
  std::shared_ptr<EventStream> FindStream(const std::string& stream_id);

  // Wakes the session's streams and cancels its running handlers.
  void Close();
  // Close, then ServerSession::End (waits for the handlers and reports the
  // session to McpServer's session-closed handler). For the session's end.
  void End();

  // Idle tracking: a session in use by a connection never expires. A
  // passive use (a standalone GET stream, which only listens) keeps it from
  // expiring but not from being evicted (IdleSince).
  void BeginUse(bool passive = false);
  void EndUse(bool passive = false);
  bool IdleLongerThan(std::chrono::steady_clock::duration limit) const;
  // When a request last used it; nullopt while one does (passive uses aside).
  std::optional<std::chrono::steady_clock::time_point> IdleSince() const;

 private:
  Status Route(std::string message);
  void ForgetCancelled(const Notification& notification);
  std::shared_ptr<EventStream> NewStreamLocked();

  const std::string id_;
  const std::size_t max_in_flight_;
  mutable std::mutex mu_;
  std::uint64_t next_stream_ = 1;
  // Request id key -> the open stream awaiting its response.
  std::map<std::string, std::shared_ptr<EventStream>> by_request_;
  std::map<EventStream*, int> awaiting_;  // open POST streams: responses still due
  // For resumption, by number: the first is the oldest.
  std::map<std::uint64_t, std::shared_ptr<EventStream>> recent_;
  std::shared_ptr<EventStream> standalone_;
  int users_ = 0;          // all uses
  int passive_users_ = 0;  // of which passive
  std::chrono::steady_clock::time_point last_used_ = std::chrono::steady_clock::now();
  std::shared_ptr<ServerSession> mcp_;  // last: drained first on destruction
};

}  // namespace aurite::mcp
