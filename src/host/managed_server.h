// ManagedServer: one backend MCP server of the host: a child on stdio kept
// alive by a supervisor thread, or a remote server over Streamable HTTP.
//
// Contract:
//  - Start() opens the link (OpenStdioLink / OpenHttpLink), lets `prepare`
//    install handlers on its client, initializes it (offering
//    HostClientCapabilities()) and records its tools. A failure is returned.
//  - An HTTP server is not supervised: when a call fails because the
//    connection or session was lost, the link is dropped and the next call
//    connects and initializes afresh. generation() grows when the link is
//    dropped (and again when it is re-opened), so a router holding
//    connection ids re-opens them on its next call, as after a restart.
//  - When the server exits, calls in flight fail at once (the client closes
//    with the pipe). The supervisor then restarts it per its restart policy,
//    with exponential backoff from initial_backoff to max_backoff, at most
//    max_restarts times in a row (a run longer than max_backoff resets the
//    count). generation() grows with every successful start, so users can
//    tell that server-side state (e.g. connection ids) was lost.
//  - Call() on a server that is down returns kConnectionClosed at once.
//  - A call that gets no answer within the server's timeout fails with
//    kRequestTimeout, naming the timeout. A stdio server is then pinged
//    (the ping is answered by its reading thread, even while a long query
//    runs); one that does not answer the ping within the same timeout (at
//    most kMaxPingWait) is hung: it is stopped and restarted as if it had
//    crashed, failing its other calls in flight.
//  - A stdio server that leaves its full stdin pipe unread for the link's
//    write deadline (stopped, hung) is hung too (StdioClient::stalled): it
//    is restarted the same way, and its calls that fail meanwhile (not
//    timed out first) fail with kRequestTimeout saying so.
//  - Stop() (and the destructor) ends supervision and stops the child.
//  - Thread-safe.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "base/status.h"
#include "host/backend_link.h"
#include "host/config.h"

namespace aurite::host {

// Installs handlers (e.g. io.aurite/credentials) on a fresh client before it
// is initialized; runs on every (re)start.
using ClientPreparer = std::function<void(const std::string& server, mcp::McpClient& client)>;

class ManagedServer {
 public:
  // The longest a server whose call timed out gets to answer a ping.
  static constexpr std::chrono::milliseconds kMaxPingWait{10'000};

  ManagedServer(const ServerConfig& config, ClientPreparer prepare);
  ~ManagedServer();
  ManagedServer(const ManagedServer&) = delete;
  ManagedServer& operator=(const ManagedServer&) = delete;

  Status Start();
  void Stop();

  const ServerConfig& config() const { return config_; }
  const std::string& name() const { return config_.name; }
  // The tools listed at the last start.
  mcp::Json tools() const;
  std::uint64_t generation() const;
  std::optional<pid_t> pid() const;
  bool running() const;

  mcp::RpcResult CallTool(const std::string& tool, mcp::Json arguments,
                          mcp::CallOptions options = {});
  // Sends a notification when the server is up (an HTTP server is not
  // connected for it); an error when it could not be sent.
  Status Notify(const std::string& method, mcp::Json params);
  // CallTool without waiting: `done` runs once with the outcome, possibly
  // before this returns (e.g. when the server is down). For an HTTP server
  // it does wait: the exchange happens on the calling thread.
  void CallToolAsync(const std::string& tool, mcp::Json arguments, mcp::CallOptions options,
                     mcp::Session::CallDone done);

 private:
  StatusOr<std::shared_ptr<BackendLink>> Open();
  StatusOr<std::shared_ptr<BackendLink>> Launch();
  // The current link; for HTTP, connects first when there is none.
  std::shared_ptr<BackendLink> Connected();
  // Drops `link` if it is still the current one.
  void Forget(const std::shared_ptr<BackendLink>& link);
  // An HTTP call that lost its connection or session drops the link.
  void ForgetIfLost(const std::shared_ptr<BackendLink>& link, const mcp::RpcResult& result);
  mcp::RpcError Unreachable() const;
  // Names the call's `timeout` in its error when it timed out and, for a stdio server,
  // pings it to tell a slow call from a hung server.
  void AfterCall(const std::shared_ptr<BackendLink>& link, std::chrono::milliseconds timeout,
                 mcp::RpcResult& result);
  // The ping of a server whose call timed out; a hung server is stopped.
  void Probe(const std::shared_ptr<BackendLink>& link);
  // Why a stalled stdio server is restarted, after its name.
  std::string StalledText() const;
  void Supervise(std::stop_token stop);
  // Waits for the current child to exit or to be found hung (`hung`);
  // false when asked to stop.
  bool WaitForExit(std::stop_token& stop, bool& hung);
  bool ShouldRestart(int wait_status, bool hung, int restarts) const;
  std::shared_ptr<BackendLink> Current() const;

  const ServerConfig& config_;
  const ClientPreparer prepare_;

  mutable std::mutex mu_;
  std::condition_variable_any changed_;
  std::shared_ptr<BackendLink> current_;
  std::mutex reconnect_mu_;  // one HTTP reconnection at a time
  mcp::Json tools_ = mcp::Json::array();
  std::uint64_t generation_ = 0;
  bool child_exited_ = false;
  const BackendLink* probing_ = nullptr;  // a ping is out to this link
  bool hung_ = false;                     // the current link did not answer its ping
  std::chrono::steady_clock::time_point started_at_;
  std::jthread supervisor_;  // last: stopped first
};

}  // namespace aurite::host
