// StorageRouter: the seed's connect_storage and friends. It opens database
// connections on a backend with the "storage" capability by token only, and
// maps its own connection ids to (storage type, backend, backend connection
// id, token).
//
// Contract:
//  - connect_storage takes storage_type and one of connection_string (a raw
//    string, secured at once as a token bound to the backend; or an access
//    token from secure_database_connection) or connection_name (a configured
//    connection). The backend only ever sees the token (use_token=true).
//  - When the backend was restarted since a connection was opened, the next
//    call re-opens it with the same token, so connection ids survive crashes.
//  - A failed connect_storage revokes a token it minted, never the caller's.
//  - disconnect_storage disconnects on the backend, revokes the token (not a
//    named connection's, which lives as long as the host) and wipes it.
//  - list_connections shows masked strings only.
//  - Each connection remembers the client session that opened it;
//    DisconnectSession() closes that session's connections as
//    disconnect_storage would (the transport calls it when a session ends).
//  - Tool results are MCP CallToolResults; failures are isError results
//    whose text names what was wrong. Thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "host/mcp_host.h"
#include "mcp/server.h"

namespace aurite::host {

class StorageRouter {
 public:
  explicit StorageRouter(MCPHost& host) : host_(host) {}
  ~StorageRouter();

  // The router's tools and their handlers.
  std::vector<std::pair<mcp::Tool, mcp::ToolHandler>> Tools();

  mcp::RpcResult ConnectStorage(const mcp::Json& args, mcp::CallContext& context);
  mcp::RpcResult QueryStorage(const mcp::Json& args, mcp::CallContext& context);
  mcp::RpcResult ListStorageTables(const mcp::Json& args, mcp::CallContext& context);
  mcp::RpcResult DescribeStorageTable(const mcp::Json& args, mcp::CallContext& context);
  mcp::RpcResult DisconnectStorage(const mcp::Json& args, mcp::CallContext& context);
  mcp::RpcResult ListConnections();

  // Disconnects every connection (at shutdown).
  void DisconnectAll();
  // Disconnects, revokes and wipes every connection `session` opened.
  // `session` is only compared, never dereferenced, so it may be gone.
  void DisconnectSession(const mcp::ServerSession* session);

 private:
  struct Route {
    std::mutex mu;  // guards the backend fields while a connection is re-opened
    std::string storage_type;
    ManagedServer* backend = nullptr;
    std::string backend_connection_id;
    std::uint64_t backend_generation = 0;
    crypto::SecretBuffer token;
    bool owns_token = true;  // false for named connections
    bool minted = false;     // we secured a raw string for this connection
    std::string masked;
    std::string connection_name;
    const mcp::ServerSession* owner = nullptr;  // compared only
  };

  // Calls `tool` on the connection's backend with its backend connection id
  // added to `args`, re-opening the connection first if the backend restarted.
  // It answers when the backend does (RequestContext::Defer), so its tools
  // run inline; re-opening and HTTP backends block, so they go to the pool.
  mcp::RpcResult Forward(const mcp::Json& args, const std::string& tool, mcp::Json backend_args,
                         mcp::CallContext& context);
  mcp::RpcResult ForwardBlocking(Route& route, const std::string& tool, mcp::Json backend_args,
                                 mcp::RequestContext& context);
  StatusOr<std::shared_ptr<Route>> Find(const mcp::Json& args);
  // Validates connect_storage's arguments and picks the backend and token
  // (securing a raw string).
  StatusOr<std::shared_ptr<Route>> PrepareRoute(const mcp::Json& args);
  // Opens the route's connection on its backend; returns the backend's result.
  mcp::RpcResult OpenOnBackend(Route& route, mcp::RequestContext& context);
  // Disconnects `route` on its backend (when still open there), revokes its
  // token unless a named connection's, and wipes it; true if revoked.
  bool Close(Route& route, const mcp::CallOptions& options);

  MCPHost& host_;
  std::mutex mu_;
  std::map<std::string, std::shared_ptr<Route>> routes_;
};

// The CallOptions that pass a backend's progress notifications to `context`'s
// caller and cancel the backend call when that caller cancels.
mcp::CallOptions PassProgressTo(mcp::RequestContext& context);
inline mcp::CallOptions PassProgressTo(mcp::CallContext& context) {
  return PassProgressTo(context.rpc);
}

}  // namespace aurite::host
