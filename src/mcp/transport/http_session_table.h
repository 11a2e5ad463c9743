// HttpSessionTable: the HTTP server's sessions by Mcp-Session-Id, their
// limit, and the one way a session ends.
//
// Contract:
//  - Create makes a session; when max_sessions exist it first evicts the
//    least recently used idle one, and returns null only when every session
//    is in use. A session is in use while a lease on it lives, so neither
//    eviction nor expiry can take a session a request is using. A passive
//    lease (a standalone GET stream) keeps a session from expiring but not
//    from eviction: else abandoned sessions that left a GET stream open
//    would lock new clients out as surely as no eviction at all.
//  - Every end goes through End (HttpSession::End: cancels the session's
//    handlers, waits for them, and reports the session to McpServer's
//    session-closed handler, which releases what it owned), exactly once:
//    DELETE and a failed initialize end at once (EndNow); evicted and
//    expired sessions are ended by EndRetired, which the watchdog calls, so
//    a new client never waits for another's cleanup; Stop ends the rest.
//  - Thread-safe.
#pragma once

#include <chrono>
#include <cstddef>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "mcp/server/server.h"
#include "mcp/transport/http_limits.h"
#include "mcp/transport/http_session.h"

namespace aurite::mcp {

// A session held in use (HttpSession::BeginUse) for the lease's lifetime.
class SessionLease {
 public:
  SessionLease() = default;
  // Call session->BeginUse(passive) first.
  SessionLease(std::shared_ptr<HttpSession> session, bool passive);
  ~SessionLease();
  SessionLease(SessionLease&& other) noexcept = default;
  SessionLease& operator=(SessionLease&& other) noexcept;
  SessionLease(const SessionLease&) = delete;
  SessionLease& operator=(const SessionLease&) = delete;

  explicit operator bool() const { return session_ != nullptr; }
  HttpSession* operator->() const { return session_.get(); }
  HttpSession& operator*() const { return *session_; }

 private:
  std::shared_ptr<HttpSession> session_;
  bool passive_ = false;
};

class HttpSessionTable {
 public:
  // Uses limits.max_sessions, session_idle_timeout and
  // max_in_flight_per_session (for each session).
  HttpSessionTable(McpServer& server, const HttpLimits& limits);
  ~HttpSessionTable();  // EndAll
  HttpSessionTable(const HttpSessionTable&) = delete;
  HttpSessionTable& operator=(const HttpSessionTable&) = delete;

  // A new session owned by `auth` (SessionOwner::auth; null: no one
  // authenticated), leased; empty when all max_sessions are in use.
  SessionLease Create(std::shared_ptr<const AuthInfo> auth = nullptr);
  // The session with this id, leased (passively for a standalone GET
  // stream, which does not keep it from eviction); empty when unknown or
  // when `auth` is not its principal (SamePrincipal), which leaves it as
  // it was. When it is, the session takes `auth` as its latest credentials
  // (ServerSession::RefreshAuth): a refreshed token's claims apply at once.
  SessionLease Find(std::string_view id, std::shared_ptr<const AuthInfo> auth,
                    bool passive = false);
  // Removes the session and ends it before returning; false when unknown
  // or not `auth`'s.
  bool EndNow(std::string_view id, const AuthInfo* auth);
  // Ends the sessions evicted since the last call and those idle longer
  // than the idle timeout.
  void EndRetired();
  // Wakes every session's streams (Stop's first step).
  void CloseAll();
  // Ends every session, retired or not.
  void EndAll();
  std::size_t size() const;

 private:
  using SessionMap = std::map<std::string, std::shared_ptr<HttpSession>, std::less<>>;
  // The session with this id when `auth` is its principal; end() otherwise.
  SessionMap::iterator FindOwnedLocked(std::string_view id, const AuthInfo* auth);
  // Ends `sessions` (not under the lock: ending waits for handlers).
  static void End(std::vector<std::shared_ptr<HttpSession>> sessions);

  McpServer& server_;
  const std::size_t max_sessions_;
  const std::chrono::milliseconds idle_timeout_;
  const std::size_t max_in_flight_;
  mutable std::mutex mu_;
  SessionMap sessions_;
  std::vector<std::shared_ptr<HttpSession>> evicted_;  // to be ended by EndRetired
};

}  // namespace aurite::mcp
