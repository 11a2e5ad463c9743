// Gateway: what `aurite serve` offers its MCP client. It registers on an
// McpServer: secure_database_connection, the StorageRouter's tools, and
// every backend tool as `<server>_<tool>`.
//
// Contract:
//  - Tool names match ^[a-zA-Z0-9_-]{1,64}$; a backend tool whose prefixed
//    name would not is left out, with a warning.
//  - Backends never receive a database credential from the gateway. A tool
//    of a "storage" server taking connection_string and use_token gets, in
//    place of any connection string that is not an access token (whatever
//    use_token says), a token bound to that server and owned by the
//    caller, with use_token=true; a token must be the caller's own
//    (MCPHost::CheckTokenOwner). Any other argument that is a connection
//    string with a secret (gateway_arguments.h), and every such argument
//    to a server without "storage", is refused with an error that says
//    what to do instead.
//  - Connections a storage server opens through these tools belong to the
//    caller's owner (BackendConnections): a connection_id argument of
//    another owner gets the same error as an unknown one, and a session's
//    connections are closed when it ends (DisconnectSession).
//  - A storage server's tools never take a `role` from the client: it is
//    left out of their schema here and dropped from their arguments (only
//    the policy sets a database role, through query_storage).
//  - The gateway's policy (policy.h) decides which tools a governed
//    session sees in tools/list and may call; a refused call is a tool
//    error naming the tool and is written to the audit log
//    (policy_denied). A governed session reaches databases only through
//    the StorageRouter's tools, which apply its connections, access,
//    max_rows and db_role: a storage server's own tools (e.g.
//    sql_execute_query) are refused to it whatever its rule lists.
//  - Every result and error passes through the SecurityManager's redactor.
//  - Every tool call is counted in the host's metrics (host_metrics.h) by
//    tool name and outcome, with its duration; a policy refusal counts as
//    outcome "denied" and as a policy_denied denial, a backend that stops
//    mid-call as a backend_lost error.
//  - Backend progress notifications reach the client; a backend's log
//    messages (redacted) reach every client session with a call in flight,
//    or the host's log when there is none. A backend that dies mid-call
//    yields an isError result at once.
#pragma once

#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>

#include "host/backend_connections.h"
#include "host/host_metrics.h"
#include "host/mcp_host.h"
#include "host/policy.h"
#include "host/storage_router.h"
#include "mcp/server/server.h"
#include "mcp/server/server_session.h"

namespace aurite::host {

class Gateway {
 public:
  Gateway(MCPHost& host, StorageRouter& router);
  ~Gateway();
  Gateway(const Gateway&) = delete;
  Gateway& operator=(const Gateway&) = delete;

  // The McpServer options the gateway wants (name, capabilities).
  static mcp::ServerOptions ServerOptions();
  // Adds the tools, and a session-closed handler that calls DisconnectSession.
  void RegisterWith(mcp::McpServer& server);

  // Closes what `session`'s owner opened (router and backend connections)
  // and purges its tokens, unless that owner outlives the session.
  void DisconnectSession(const mcp::ServerSession& session);

  // The database connections open through the gateway now: the router's
  // and those opened with a storage server's own tools (for a gauge).
  std::size_t LiveConnections();

  // `result` with every secret the redactor knows replaced.
  mcp::RpcResult Redact(mcp::RpcResult result);
  void RedactStrings(mcp::Json& value);

 private:
  void AddRedacted(mcp::McpServer& server, mcp::Tool tool, mcp::ToolHandler handler);
  // `handler` counted in the metrics of tool `name` (registering them);
  // call only while registering, before serving.
  mcp::ToolHandler Counted(const std::string& name, mcp::ToolHandler handler);
  void AddBackendTools(mcp::McpServer& server, ManagedServer& backend);
  mcp::RpcResult SecureDatabaseConnection(const mcp::Json& args, mcp::CallContext& context);
  // What a backend tool takes, read once from its schema.
  struct BackendTool {
    std::string name;
    bool takes_secret = false;         // connection_string and use_token
    bool takes_connection_id = false;  // connection_id
  };
  mcp::RpcResult CallBackend(ManagedServer& backend, const BackendTool& tool, mcp::Json args,
                             mcp::CallContext& context);
  // The arguments to forward: credentials secured or refused, connection
  // ids checked against the caller's own.
  StatusOr<mcp::Json> PrepareBackendArguments(ManagedServer& backend, const BackendTool& tool,
                                              mcp::Json args, const std::string& owner);

  void ForwardLog(const std::string& server, const mcp::Json& params);
  // The tool gate (mcp::ToolGate) the policy makes.
  std::optional<std::string> RefuseTool(const std::string& name, const mcp::ServerSession& session,
                                        bool calling);

  MCPHost& host_;
  StorageRouter& router_;
  BackendConnections backend_connections_;
  const Policy policy_;
  // The names of storage servers' own tools; filled before serving.
  std::set<std::string> storage_server_tools_;
  // The metrics of every registered tool; filled before serving, then only read.
  std::map<std::string, HostMetrics::ToolCalls, std::less<>> tool_metrics_;
  // Sessions with a call in flight (and how many): they are alive while listed.
  std::mutex sessions_mu_;
  std::map<mcp::ServerSession*, int> active_sessions_;
};

// True when `name` is a tool name every MCP client accepts.
bool IsValidToolName(std::string_view name);

}  // namespace aurite::host
