// ServerSession: one client connection to an McpServer. It answers the MCP
// methods (initialize, tools/*, resources/*, prompts/*, logging/setLevel,
// completion/complete) and sends requests and notifications to the client.
//
// Contract:
//  - Before a successful initialize, only initialize and ping are served;
//    other requests get -32600. A second initialize gets -32600.
//  - Dual era: a request whose params._meta names a protocol version (and
//    server/discover) is served statelessly in the 2026-07-28 era
//    (modern_era.h) on a session that was never initialized: its _meta gives
//    the client's capabilities and log level for that request only, results
//    carry resultType and caching hints, legacy-only methods get -32601 and
//    requests to the client fail (handlers return input_required instead).
//  - Version negotiation follows protocol_version.h; batches are accepted
//    only when the negotiated version allows them.
//  - Requests to the client check the client's declared capability first
//    and fail with -32601 when it is missing.
//  - Thread-safe. Destruction closes the connection and waits for handlers.
#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <string_view>

#include "mcp/core/modern_era.h"
#include "mcp/core/session.h"
#include "mcp/server/auth_info.h"
#include "mcp/server/server.h"

namespace aurite::mcp {

enum class LogLevel { kDebug, kInfo, kNotice, kWarning, kError, kCritical, kAlert, kEmergency };

std::optional<LogLevel> ParseLogLevel(std::string_view name);
std::string_view LogLevelName(LogLevel level);

// On whose behalf a session acts. An application keeps what a session
// creates (the gateway: connections, tokens) under `key` and shows it to
// no other key. By default each session is its own owner, with a random
// key, and what it owns ends with it; a transport that knows who the peer
// is (stdio: the local user) names a stable owner instead.
struct SessionOwner {
  std::string key;
  bool outlives_session = false;
  // Who may see the tasks this session creates; empty: `key`. Stateless
  // (2026-07-28) HTTP requests each have a session and key of their own, so
  // the transport names the caller here instead (its bearer token).
  std::string task_scope;
  // Who the peer is, when the transport authenticated it (auth_info.h);
  // null when the transport authenticates no one. The principal is fixed
  // for the session; its claims may be refreshed (ServerSession::auth).
  std::shared_ptr<const AuthInfo> auth;
};

class ServerSession : public std::enable_shared_from_this<ServerSession> {
 public:
  // `options`: the server's session options unless given.
  ServerSession(McpServer& server, SendFn send,
                std::optional<SessionOptions> options = std::nullopt);
  ~ServerSession();
  ServerSession(const ServerSession&) = delete;
  ServerSession& operator=(const ServerSession&) = delete;

  // Transport side.
  void Receive(std::string_view text) { rpc_.Receive(text); }
  void ReceiveParsed(Json message) { rpc_.ReceiveParsed(std::move(message)); }
  void Close() { rpc_.Close(); }
  // The transport is done with this session: closes it, waits for its
  // handlers, cancels and forgets the tasks no one else can reach (those of
  // an owner that does not outlive it, unless a task scope is shared), then
  // reports it to McpServer::SessionClosed. Only the first call does
  // anything. Must not run on one of its handler threads.
  void End();
  Session& rpc() { return rpc_; }

  // True once initialize has succeeded.
  bool initialized() const;
  std::string protocol_version() const;
  // For a handler serving a 2026-07-28 request, the capabilities in its _meta.
  Json client_capabilities() const;
  Json client_info() const;
  bool subscribed(const std::string& uri) const;
  // See SessionOwner. SetOwner is for the transport, before the first message.
  const SessionOwner& owner() const { return owner_; }
  void SetOwner(SessionOwner owner);
  // The peer's latest credentials: owner().auth until the transport
  // refreshes them. Decisions about what the peer may do read these, so a
  // newer token with fewer groups or scopes takes effect on its first
  // request. Safe from any thread; the pointer stays valid while held.
  std::shared_ptr<const AuthInfo> auth() const;
  // For the transport: a request on this session came with newer
  // credentials of the same principal (the transport checks that; the
  // session cannot compare principals, which is the transport's notion).
  void RefreshAuth(std::shared_ptr<const AuthInfo> auth);
  void SetTaskScope(std::string scope) { owner_.task_scope = std::move(scope); }
  const std::string& task_scope() const {
    return owner_.task_scope.empty() ? owner_.key : owner_.task_scope;
  }
  // For TaskRunner, before the first message: this session runs one task's
  // calls, synchronously (never as a task again), for a client already
  // known. `legacy`: as if initialize had succeeded with these values.
  void BecomeTaskWorker(const std::string& protocol_version, const Json& capabilities,
                        const Json& client_info, bool legacy);

  // notifications/message, if `level` passes the client's logging/setLevel.
  void Log(LogLevel level, const std::string& logger, const Json& data);
  Status Notify(const std::string& method, Json params = nullptr);

  // Requests to the client.
  RpcResult Elicit(Json params, const CallOptions& options = {});
  RpcResult CreateMessage(Json params, const CallOptions& options = {});
  RpcResult ListRoots(const CallOptions& options = {});
  // Any other method, e.g. io.aurite/credentials/resolve; no capability check.
  RpcResult Call(const std::string& method, Json params, const CallOptions& options = {});

 private:
  RpcResult Handle(const Request& request, RequestContext& context);
  bool RunsInline(const Request& request) const;
  RpcResult HandleModern(const Request& request, RequestContext& context);
  RpcResult Dispatch(const std::string& method, const Json& params, CallContext& context);
  RpcResult Discover() const;
  // The 2026-07-28 request whose handler runs on this thread, if any.
  const ModernRequest* CurrentModernLocked() const;
  void HandleNotification(const Notification& notification);
  RpcResult Initialize(const Json& params);
  RpcResult CallTool(const Json& params, CallContext& context);
  // server_session_tasks.cc: a task for this call when the tool and client
  // agree on one (or an error when the tool requires one); nullopt: run it now.
  std::optional<RpcResult> MaybeStartTask(const McpServer::ToolEntry& entry, const Json& params,
                                          const Json& arguments, CallContext& context);
  RpcResult HandleTaskMethod(const std::string& method, const Json& params,
                             RequestContext& context);
  bool ModernRequestRunning() const;
  Json TaskCapabilities(bool modern) const;
  RpcResult ReadResource(const Json& params, CallContext& context);
  RpcResult Subscribe(const Json& params, bool subscribe);
  RpcResult GetPrompt(const Json& params, CallContext& context);
  RpcResult SetLevel(const Json& params);
  RpcResult Complete(const Json& params);
  Json Capabilities(bool modern = false) const;
  RpcResult CallIfCapable(const char* capability, const std::string& method, Json params,
                          const CallOptions& options);

  McpServer& server_;
  SessionOwner owner_;
  mutable std::mutex auth_mu_;  // guards auth_ only: read on every call
  std::shared_ptr<const AuthInfo> auth_;
  mutable std::mutex mu_;
  bool initialize_seen_ = false;
  std::string protocol_version_;
  Json client_capabilities_ = Json::object();
  Json client_info_ = Json::object();
  std::optional<LogLevel> log_level_;
  std::set<std::string> subscriptions_;
  std::map<std::string, ModernRequest> modern_requests_;  // by request id key, while running
  bool task_worker_ = false;
  std::atomic<bool> ended_{false};
  Session rpc_;  // last: destroyed (and drained) before the state above
};

}  // namespace aurite::mcp
