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
//    Connection ids are 128 random bits. A session whose transport named
//    its principal (SessionOwner::auth) shares its connections with the
//    other sessions of that same principal (same kind and name), never
//    with anyone else; they still close when the session that opened them
//    ends.
//  - The gateway's policy (policy.h), when it governs the caller: a named
//    connection must be allowed by name, one the caller brings by storage
//    type (the requested one, and the database's own once connected); a
//    read-only rule opens the connection read-only (connect_database
//    read_only) even where the operator allowed writes; query_storage's
//    max_rows and database role follow the rule (policy_arguments.h). Each
//    use checks again against the caller's rule. Refusals are tool errors
//    and audit records (policy_denied).
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
//    the principal's policy names (db_role: the backend's execute_query `role`);
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
#include "host/policy.h"
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

  // The router's tools and their handlers.
  std::vector<std::pair<mcp::Tool, mcp::ToolHandler>> Tools();

  mcp::RpcResult ConnectStorage(const mcp::Json& args, mcp::CallContext& context);
  mcp::RpcResult QueryStorage(const mcp::Json& args, mcp::CallContext& context);
  mcp::RpcResult ListStorageTables(const mcp::Json& args, mcp::CallContext& context);
  mcp::RpcResult DescribeStorageTable(const mcp::Json& args, mcp::CallContext& context);
  mcp::RpcResult DisconnectStorage(const mcp::Json& args, mcp::CallContext& context);
  mcp::RpcResult ListConnections(mcp::CallContext& context);

  // The connections open now.
  std::size_t ConnectionCount() {
    std::lock_guard lock(mu_);
    return routes_.size();
  }

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
    std::string principal;      // SessionPrincipalKey of the opener; "" without one
    bool read_only = false;     // opened read-only for the opener's policy
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
  // token unless a named connection's, and wipes it; true if revoked. When
  // the store did not take the revocation, `revocation` (if given) gets why.
  bool Close(Route& route, const mcp::CallOptions& options, Status* revocation = nullptr);
  // Closes every route opened with the token whose digest is `digest`.
  void CloseRevoked(const security::TokenDigest& digest);
  // Whether the caller of `context` may use `route` (see the contract).
  static bool Owns(const Route& route, const mcp::ServerSession& session);
  // Nullopt when the caller's policy lets it use `route`; else why not
  // (audited as a denial of `tool`).
  std::optional<std::string> RefuseUse(const Route& route, const mcp::ServerSession& session,
                                       const std::string& tool);
  // Nullopt when the policy lets `auth` open the connection connect_storage's
  // `args` name (by name, or by storage type); else why not.
  std::optional<std::string> RefuseConnect(const mcp::Json& args, const mcp::AuthInfo* auth) const;
  // execute_query's `backend_args` with the caller's policy applied
  // (ApplyPolicyToQuery).
  StatusOr<mcp::Json> LimitQuery(mcp::Json backend_args, const mcp::AuthInfo* auth) const;
  // The refusal `reason` of `tool` as a tool error, written to the audit log.
  mcp::Json Deny(const mcp::ServerSession& session, const std::string& tool,
                 const std::string& reason);
  // Sets `out["lease_expires_at"]` (Unix seconds) when `route` runs on a
  // dynamic login whose lease is still open.
  void AddLeaseExpiry(const Route& route, mcp::Json& out) const;

  MCPHost& host_;
  const Policy policy_;
  ConnectionElicitation* requests_ = nullptr;
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
