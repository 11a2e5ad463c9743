// Gateway: what `aurite serve` offers its MCP client. It registers on an
// McpServer: secure_database_connection, the StorageRouter's tools, and
// every backend tool as `<server>_<tool>`.
//
// Contract:
//  - Tool names match ^[a-zA-Z0-9_-]{1,64}$; a backend tool whose prefixed
//    name would not is left out, with a warning.
//  - A backend tool taking connection_string and use_token, called with a
//    raw string (use_token false or absent), gets a token bound to that
//    backend instead, with use_token=true: backends never receive raw
//    credentials from the gateway.
//  - Every result and error passes through the SecurityManager's redactor.
//  - Backend progress notifications reach the client; a backend's log
//    messages (redacted) reach every client session with a call in flight,
//    or the host's log when there is none. A backend that dies mid-call
//    yields an isError result at once.
#pragma once

#include <map>
#include <mutex>
#include <string>

#include "host/mcp_host.h"
#include "host/storage_router.h"
#include "mcp/server.h"
#include "mcp/server_session.h"

namespace aurite::host {

class Gateway {
 public:
  Gateway(MCPHost& host, StorageRouter& router);
  ~Gateway();
  Gateway(const Gateway&) = delete;
  Gateway& operator=(const Gateway&) = delete;

  // The McpServer options the gateway wants (name, capabilities).
  static mcp::ServerOptions ServerOptions();
  void RegisterWith(mcp::McpServer& server);

  // `result` with every secret the redactor knows replaced.
  mcp::RpcResult Redact(mcp::RpcResult result);
  void RedactStrings(mcp::Json& value);

 private:
  void AddRedacted(mcp::McpServer& server, mcp::Tool tool, mcp::ToolHandler handler);
  void AddBackendTools(mcp::McpServer& server, ManagedServer& backend);
  mcp::RpcResult SecureDatabaseConnection(const mcp::Json& args);
  mcp::RpcResult CallBackend(ManagedServer& backend, const std::string& tool, bool takes_secret,
                             mcp::Json args, mcp::CallContext& context);

  void ForwardLog(const std::string& server, const mcp::Json& params);

  MCPHost& host_;
  StorageRouter& router_;
  // Sessions with a call in flight (and how many): they are alive while listed.
  std::mutex sessions_mu_;
  std::map<mcp::ServerSession*, int> active_sessions_;
};

// True when `name` is a tool name every MCP client accepts.
bool IsValidToolName(std::string_view name);

}  // namespace aurite::host
