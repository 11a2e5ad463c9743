// SqlServer: the seed's "SQL MCP Server". Maps the sql layer to MCP tools
// (connect_database, list_tables, describe_table, execute_query,
// explain_query, disconnect) and the resource sql://schema/{connection_id}.
//
// Contract:
//  - Read-only unless the operator set allow_writes, or the host's answer
//    to a token says its named connection may write; no tool argument can
//    grant writes, and connect_database's read_only=true takes them away.
//  - A read-only connection refuses a privileged login (sql/privileged_login.h)
//    unless the operator set allow_privileged_login, or the host's answer
//    to a token allows it for its named connection; then every result of
//    that connection carries a "warning" saying read-only is not enforced.
//  - Database and usage errors are tool results with isError, whose text
//    never contains a password or token.
//  - With use_token=true the connection string is resolved through the host
//    (io.aurite/credentials) and the token is released on disconnect; when
//    the host announces the credential revoked, every connection opened
//    with it is closed at once (later calls get the unknown-id error).
//  - A cancelled call (notifications/cancelled) stops its statement in the
//    database at once; the pooled connection serves the next call.
//  - The SqlServer must outlive the McpServer it is registered with.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>

#include "mcp/server/server.h"
#include "servers/sql/connection_registry.h"

namespace aurite::servers::sql {

struct SqlServerOptions {
  bool allow_writes = false;
  bool allow_privileged_login = false;
  std::size_t max_rows = 1000;  // default and cap of execute_query's max_rows
  std::size_t max_result_bytes = 4 * 1024 * 1024;
  std::chrono::milliseconds statement_timeout{30'000};
  std::size_t max_connections = 16;  // open connection ids
  std::size_t pool_size = 4;         // database sessions per connection id
  std::chrono::milliseconds idle_timeout{300'000};
};

class SqlServer {
 public:
  explicit SqlServer(SqlServerOptions options)
      : options_(options), connections_(options.max_connections) {}

  // The McpServer options this server wants (name, capabilities).
  static mcp::ServerOptions ServerOptions();
  void RegisterWith(mcp::McpServer& server);

 private:
  mcp::RpcResult ConnectDatabase(const mcp::Json& args, mcp::CallContext& context);
  mcp::RpcResult ListTables(const mcp::Json& args, mcp::CallContext& context);
  mcp::RpcResult DescribeTable(const mcp::Json& args, mcp::CallContext& context);
  mcp::RpcResult ExecuteQuery(const mcp::Json& args, mcp::CallContext& context);
  mcp::RpcResult ExplainQuery(const mcp::Json& args, mcp::CallContext& context);
  mcp::RpcResult Disconnect(const mcp::Json& args, mcp::CallContext& context);
  mcp::RpcResult ReadSchema(const std::string& uri, const std::string& connection_id,
                            mcp::CallContext& context);

  StatusOr<OpenConnection> Open(crypto::SecretBuffer connection_string, bool allow_writes,
                                bool allow_privileged_login);
  // Leases a database session of connection `id` for `use`; an unknown id or
  // a failed connect is an error result without calling `use`. Cancelling
  // the call interrupts the statement `use` runs (InterruptOnStop).
  mcp::RpcResult WithConnection(const std::string& id, mcp::CallContext& context,
                                const std::function<mcp::RpcResult(aurite::sql::Connection&)>& use);

  // For a connection whose login the host makes per resolve, what opens
  // each new physical connection: the token resolved again over `session`.
  // Empty otherwise (the pool reuses its config).
  static aurite::sql::ConnectionPool::FreshConfig FreshLogin(const OpenConnection& connection,
                                                             mcp::ServerSession& session);

  const SqlServerOptions options_;
  ConnectionRegistry connections_;
};

}  // namespace aurite::servers::sql
