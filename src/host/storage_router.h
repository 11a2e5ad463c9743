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
//  - With neither, and in request_database_connection, the user enters the
//    connection on the entry page (ConnectionElicitation), when the gateway
//    set one with SetConnectionRequests.
//  - When the backend was restarted since a connection was opened, the next
//    call re-opens it with the same token, so connection ids survive crashes.
//  - A failed connect_storage revokes a token it minted, never the caller's.
//  - disconnect_storage disconnects on the backend, revokes the token (not a
//    named connection's, which lives as long as the host) and wipes it.
//  - list_connections shows masked strings only.
//  - Connections belong to the owner (mcp::SessionOwner) of the session that
//    opened them: for every other owner a connection id is unknown, with
//    the same error as an id that never existed, and list_connections
//    shows only the caller's own. A token from secure_database_connection
//    is likewise usable only by its owner (MCPHost::CheckTokenOwner).
//    Connection ids are 128 random bits.
//  - DisconnectSession() closes a session's connections as
//    disconnect_storage would, and purges the tokens it owned when they
//    end with it (the transport calls it when a session ends).
//  - A connection whose token is revoked or purged, here or in another
//    process, is closed at once (MCPHost's RevocationSink).
//  - A named connection with dynamic users gets a database user of its own
//    per connect_storage (a lease); every use may renew it, and closing the
//    connection, in any of the ways above, ends it. A lease that runs out
//    revokes the token, which closes the connection. list_connections shows
//    its expiry (lease_expires_at, Unix seconds).
//  - Every query_storage statement is audited (statement_audit.h): a record
//    before it runs (none written: the statement is refused) and one after
//    (none written: its result is withheld). It runs as the database role
//    the DbRoleSource names, if any (the backend's execute_query `role`);
//    a caller's own `role` argument is never passed on.
//  - Tool results are MCP CallToolResults; failures are isError results
//    whose text names what was wrong. Thread-safe.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "host/connection_elicitation.h"
#include "host/mcp_host.h"
#include "mcp/server/server.h"
#include "mcp/server/server_session.h"

namespace aurite::host {

class StorageRouter {
 public:
  explicit StorageRouter(MCPHost& host);
  ~StorageRouter();
  StorageRouter(const StorageRouter&) = delete;
  StorageRouter& operator=(const StorageRouter&) = delete;

  // Where connect_storage without a connection goes; null: nowhere. Set
  // before serving.
  void SetConnectionRequests(ConnectionElicitation* requests) { requests_ = requests; }

  // The database role a caller's statements on a connection run as: the
  // role's name, "" for the connection's own login, or an error that
  // refuses the statement. `connection_name` is "" for ad-hoc connections.
  using DbRoleSource = std::function<StatusOr<std::string>(const mcp::CallContext& context,
                                                           const std::string& connection_name)>;
  // Set before serving; unset: statements run as the login.
  void SetDbRoleSource(DbRoleSource source) { db_role_source_ = std::move(source); }

  // The router's tools and their handlers.
  std::vector<std::pair<mcp::Tool, mcp::ToolHandler>> Tools();

  mcp::RpcResult ConnectStorage(const mcp::Json& args, mcp::CallContext& context);
  mcp::RpcResult QueryStorage(const mcp::Json& args, mcp::CallContext& context);
  mcp::RpcResult ListStorageTables(const mcp::Json& args, mcp::CallContext& context);
  mcp::RpcResult DescribeStorageTable(const mcp::Json& args, mcp::CallContext& context);
  mcp::RpcResult DisconnectStorage(const mcp::Json& args, mcp::CallContext& context);
  mcp::RpcResult ListConnections(mcp::CallContext& context);

  // Disconnects every connection (at shutdown).
  void DisconnectAll();
  // Disconnects, revokes and wipes every connection `session`'s owner
  // opened, unless that owner outlives the session; then purges the
  // tokens that owner was given.
  void DisconnectSession(const mcp::ServerSession& session);

 private:
  struct Route {
    std::mutex mu;  // guards the backend fields while a connection is re-opened
    std::string storage_type;
    ManagedServer* backend = nullptr;
    std::string backend_connection_id;
    std::uint64_t backend_generation = 0;
    crypto::SecretBuffer token;
    security::TokenDigest token_digest{};
    bool owns_token = true;  // false for named connections
    bool minted = false;     // we secured a raw string for this connection
    std::string masked;
    std::string connection_name;
    std::string lease_id;       // a dynamic connection's own database user (MCPHost::OpenLease)
    std::string owner;          // mcp::SessionOwner::key
    std::string database_type;  // the backend's answer: postgresql, mariadb, sqlite
    std::string database_user;  // from the masked connection string; "" when none
  };

  // Calls `tool` on the connection's backend with its backend connection id
  // added to `args`, re-opening the connection first if the backend restarted.
  // It answers when the backend does (RequestContext::Defer), so its tools
  // run inline; re-opening and HTTP backends block, so they go to the pool.
  // `finish` maps the backend's answer before it goes to the caller.
  using ResultFilter = std::function<mcp::RpcResult(mcp::RpcResult)>;
  mcp::RpcResult Forward(const mcp::Json& args, const std::string& tool, mcp::Json backend_args,
                         mcp::CallContext& context);
  mcp::RpcResult ForwardTo(std::shared_ptr<Route> route, const std::string& tool,
                           mcp::Json backend_args, mcp::CallContext& context, ResultFilter finish);
  mcp::RpcResult ForwardBlocking(Route& route, const std::string& tool, mcp::Json backend_args,
                                 mcp::RequestContext& context);
  // The caller's route named by args.connection_id; NotFound for an id that
  // does not exist or is another owner's, saying so when the caller's
  // connection was closed because its lease ended.
  StatusOr<std::shared_ptr<Route>> Find(const mcp::Json& args, const mcp::CallContext& context);
  // Validates connect_storage's arguments and picks the backend and token
  // (securing a raw string for `owner`, or checking a token is theirs).
  // `entered`: the connection the user entered on the entry page, when args
  // name none.
  StatusOr<std::shared_ptr<Route>> PrepareRoute(const mcp::Json& args, const std::string& owner,
                                                std::optional<SecuredEntry> entered);
  // Opens the route's connection on its backend; returns the backend's result.
  mcp::RpcResult OpenOnBackend(Route& route, mcp::RequestContext& context);
  // Disconnects `route` on its backend (when still open there), revokes its
  // token unless a named connection's, and wipes it; true if revoked.
  bool Close(Route& route, const mcp::CallOptions& options);
  // Closes every route opened with the token whose digest is `digest`.
  void CloseRevoked(const security::TokenDigest& digest);
  // Sets `out["lease_expires_at"]` (Unix seconds) when `route` runs on a
  // dynamic login whose lease is still open.
  void AddLeaseExpiry(const Route& route, mcp::Json& out) const;

  MCPHost& host_;
  ConnectionElicitation* requests_ = nullptr;
  DbRoleSource db_role_source_;
  std::mutex mu_;
  std::map<std::string, std::shared_ptr<Route>> routes_;
  // Connections closed because their lease ended, by id, with their owner,
  // so a later call is told why (the latest kMaxEndedLeases; oldest first).
  std::map<std::string, std::string> ended_leases_;
  std::deque<std::string> ended_order_;
};

// The CallOptions that pass a backend's progress notifications to `context`'s
// caller and cancel the backend call when that caller cancels.
mcp::CallOptions PassProgressTo(mcp::RequestContext& context);
inline mcp::CallOptions PassProgressTo(mcp::CallContext& context) {
  return PassProgressTo(context.rpc);
}

}  // namespace aurite::host
