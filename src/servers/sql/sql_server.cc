// Tool handlers of the SQL server: argument checks, then one call into the
// sql layer, then the result as structuredContent plus its JSON text.
#include "servers/sql/sql_server.h"

#include <algorithm>

#include "base/version.h"
#include "servers/credentials_protocol.h"
#include "servers/sql/interrupt_on_stop.h"
#include "servers/sql/resource_guard.h"
#include "servers/sql/token_resolver.h"
#include "servers/sql/tool_definitions.h"
#include "sql/connection_string.h"
#include "sql/json_text.h"

namespace aurite::servers::sql {
namespace {

using mcp::Json;
namespace db = aurite::sql;

// Tool results must be valid JSON text even when a value is not UTF-8.
std::string JsonText(const Json& value) {
  return value.dump(-1, ' ', false, Json::error_handler_t::replace);
}

// `value` with the connection's read-only warning, if it has one.
Json StructuredResult(Json value, const std::string& warning = {}) {
  if (!warning.empty()) value["warning"] = warning;
  return {{"content", Json::array({mcp::TextContent(JsonText(value))})},
          {"structuredContent", std::move(value)},
          {"isError", false}};
}

Json ErrorResult(const Status& status) { return mcp::ToolErrorResult(status.message()); }

StatusOr<std::string> StringArgument(const Json& args, const char* name) {
  if (!args.is_object() || !args.contains(name) || !args[name].is_string()) {
    return InvalidArgumentError(std::string("the argument '") + name + "' must be a string");
  }
  return args[name].get<std::string>();
}

std::optional<std::string> OptionalString(const Json& args, const char* name) {
  if (!args.is_object() || !args.contains(name) || !args[name].is_string()) return std::nullopt;
  return args[name].get<std::string>();
}

StatusOr<std::vector<db::Param>> ParamsArgument(const Json& args) {
  if (!args.contains("params") || args["params"].is_null()) return std::vector<db::Param>{};
  if (!args["params"].is_array()) {
    return InvalidArgumentError("the argument 'params' must be an array of values");
  }
  return args["params"].get<std::vector<db::Param>>();
}

Json TablesJson(const std::vector<db::TableInfo>& tables) {
  Json list = Json::array();
  for (const db::TableInfo& table : tables) list.push_back(db::ToJson(table));
  return list;
}

// The structuredContent of a query is the JSON text a tree of it would dump
// to (keys in nlohmann's sorted order): `head`, the rows' text, then `tail`.
struct QueryResultPieces {
  std::string head;
  std::string tail;
};

QueryResultPieces QueryResultText(const db::QueryResult& result, double elapsed_ms,
                                  const std::string& warning) {
  QueryResultPieces pieces;
  std::string& out = pieces.head;
  out += '{';
  if (result.affected_rows) {
    out += R"("affected_rows":)";
    out += std::to_string(*result.affected_rows);
    out += ',';
  }
  out += R"("columns":[)";
  for (std::size_t i = 0; i < result.columns.size(); ++i) {
    out += i > 0 ? R"(,{"name":)" : R"({"name":)";
    db::AppendJsonString(out, result.columns[i].name);
    out += R"(,"type":)";
    db::AppendJsonString(out, result.columns[i].type);
    out += '}';
  }
  out += R"(],"elapsed_ms":)";
  db::AppendJsonDouble(out, elapsed_ms);
  out += R"(,"row_count":)";
  out += std::to_string(result.row_count);
  out += R"(,"rows":)";
  pieces.tail = result.truncated ? R"(,"truncated":true)" : R"(,"truncated":false)";
  if (!warning.empty()) {
    pieces.tail += R"(,"warning":)";
    db::AppendJsonString(pieces.tail, warning);
  }
  pieces.tail += '}';
  return pieces;
}

// The whole CallToolResult of a query, pre-serialized (see mcp::RawJson): the
// text content is the structured text escaped piece by piece (each piece is
// whole JSON, so no UTF-8 sequence is split), not a second dump of a tree.
mcp::RawJson QueryToolResult(const db::QueryResult& result, double elapsed_ms,
                             const std::string& warning) {
  QueryResultPieces pieces = QueryResultText(result, elapsed_ms, warning);
  std::size_t size = pieces.head.size() + result.rows_text.size() + pieces.tail.size();
  std::string out;
  // Escaping adds a backslash per quote: about a fifth of a result's text.
  out.reserve(size * 5 / 2 + 256);
  out += R"({"content":[{"text":")";
  db::AppendJsonEscaped(out, pieces.head);
  db::AppendJsonEscaped(out, result.rows_text);
  db::AppendJsonEscaped(out, pieces.tail);
  out += R"(","type":"text"}],"isError":false,"structuredContent":)";
  out += pieces.head;
  out += result.rows_text;
  out += pieces.tail;
  out += '}';
  return mcp::RawJson{std::move(out)};
}

}  // namespace

mcp::ServerOptions SqlServer::ServerOptions() {
  mcp::ServerOptions options;
  options.info = {"aurite-sql-server", kVersion, "Aurite SQL server"};
  options.instructions =
      "Call connect_database first; pass its connection_id to the other tools. Queries are "
      "read-only unless the operator enabled writes.";
  options.prompts = false;
  options.completions = false;
  // execute_query may run as a task (a long analytical query): the client
  // polls it and tasks/cancel stops its statement like a cancelled call.
  options.tasks = true;
  return options;
}

void SqlServer::RegisterWith(mcp::McpServer& server) {
  server.AddTool(ConnectDatabaseTool(),
                 ResourceGuarded([this](const Json& args, mcp::CallContext& context) {
                   return ConnectDatabase(args, context);
                 }));
  server.AddTool(ListTablesTool(),
                 ResourceGuarded([this](const Json& args, mcp::CallContext& context) {
                   return ListTables(args, context);
                 }));
  server.AddTool(DescribeTableTool(),
                 ResourceGuarded([this](const Json& args, mcp::CallContext& context) {
                   return DescribeTable(args, context);
                 }));
  server.AddTool(ExecuteQueryTool(options_.allow_writes),
                 ResourceGuarded([this](const Json& args, mcp::CallContext& context) {
                   return ExecuteQuery(args, context);
                 }));
  server.AddTool(ExplainQueryTool(),
                 ResourceGuarded([this](const Json& args, mcp::CallContext& context) {
                   return ExplainQuery(args, context);
                 }));
  server.AddTool(DisconnectTool(), [this](const Json& args, mcp::CallContext& context) {
    return Disconnect(args, context);
  });
  // A revoked credential takes its connections with it at once, here too.
  server.SetNotificationHandler(kRevokedMethod, [this](mcp::ServerSession&, const Json& params) {
    if (params.is_object() && params.contains("credential_id") &&
        params["credential_id"].is_string()) {
      connections_.RemoveOpenedWith(params["credential_id"].get<std::string>());
    }
  });
  mcp::ResourceTemplate schema;
  schema.uri_template = "sql://schema/{connection_id}";
  schema.name = "schema";
  schema.title = "Database schema";
  schema.description = "Every table of a connection with its columns, keys and indexes.";
  schema.mime_type = "application/json";
  server.AddResourceTemplate(
      schema, [this](const std::string& uri, const std::map<std::string, std::string>& variables,
                     mcp::CallContext& context) {
        return ReadSchema(uri, variables.at("connection_id"), context);
      });
}

StatusOr<OpenConnection> SqlServer::Open(crypto::SecretBuffer connection_string, bool allow_writes,
                                         bool allow_privileged_login) {
  AURITE_ASSIGN_OR_RETURN(db::ConnectionConfig config,
                          db::ParseConnectionString(connection_string.Reveal()));
  connection_string.Clear();
  OpenConnection connection;
  connection.engine = config.engine;
  connection.masked_connection_string = config.Masked();
  db::PoolOptions pool_options;
  pool_options.open.allow_writes = allow_writes;
  pool_options.open.allow_privileged_login = allow_privileged_login;
  pool_options.open.statement_timeout = options_.statement_timeout;
  // A value may exceed the result limit (it is then cut off), but one far
  // beyond it would only fill memory before being cut.
  pool_options.open.max_value_bytes =
      std::max(db::OpenOptions::kDefaultMaxValueBytes, 8 * options_.max_result_bytes);
  pool_options.max_open = options_.pool_size;
  pool_options.idle_timeout = options_.idle_timeout;
  connection.pool = std::make_unique<db::ConnectionPool>(std::move(config), pool_options);
  AURITE_ASSIGN_OR_RETURN(db::ConnectionPool::Lease lease, connection.pool->Acquire());
  connection.server_version = lease->ServerVersion();
  connection.read_only_warning = lease->ReadOnlyWarning();
  return connection;
}

mcp::RpcResult SqlServer::ConnectDatabase(const Json& args, mcp::CallContext& context) {
  StatusOr<std::string> text = StringArgument(args, "connection_string");
  if (!text.ok()) return ErrorResult(text.status());
  bool use_token = args.contains("use_token") && args["use_token"] == true;
  crypto::SecretBuffer value = crypto::SecretBuffer::TakeFrom(*text);
  std::optional<crypto::SecretBuffer> token;
  std::string credential_id;
  bool allow_writes = options_.allow_writes;
  bool allow_privileged_login = options_.allow_privileged_login;
  bool login_made = false;
  if (use_token) {
    StatusOr<ResolvedToken> resolved = ResolveConnectionToken(context.session, value);
    if (!resolved.ok()) return ErrorResult(resolved.status());
    token = std::move(value);
    value = std::move(resolved->connection_string);
    allow_writes = allow_writes || resolved->allow_writes;
    allow_privileged_login = allow_privileged_login || resolved->allow_privileged_login;
    credential_id = std::move(resolved->credential_id);
    login_made = resolved->login_made;
  }
  // The caller may give up writes (the gateway does for a principal whose
  // policy allows reading only), never gain them.
  if (args.contains("read_only") && args["read_only"] == true) allow_writes = false;
  StatusOr<OpenConnection> opened = Open(std::move(value), allow_writes, allow_privileged_login);
  if (!opened.ok()) {
    if (token) ReleaseConnectionToken(context.session, *token);
    return ErrorResult(opened.status());
  }
  StatusOr<std::size_t> table_count = [&]() -> StatusOr<std::size_t> {
    AURITE_ASSIGN_OR_RETURN(db::ConnectionPool::Lease lease, opened->pool->Acquire());
    AURITE_ASSIGN_OR_RETURN(std::vector<db::TableInfo> tables, lease->ListTables(std::nullopt));
    return tables.size();
  }();
  if (!table_count.ok()) return ErrorResult(table_count.status());
  Json result = {{"database_type", db::EngineName(opened->engine)},
                 {"masked_connection_string", opened->masked_connection_string},
                 {"server_version", opened->server_version},
                 {"table_count", *table_count},
                 {"writes_allowed", allow_writes}};
  if (!opened->read_only_warning.empty()) result["warning"] = opened->read_only_warning;
  opened->token = std::move(token);
  opened->credential_id = std::move(credential_id);
  opened->login_made = login_made;
  StatusOr<std::string> id = connections_.Add(std::move(opened).value());
  if (!id.ok()) return ErrorResult(id.status());
  result["connection_id"] = *id;
  return StructuredResult(std::move(result));
}

db::ConnectionPool::FreshConfig SqlServer::FreshLogin(const OpenConnection& connection,
                                                      mcp::ServerSession& session) {
  if (!connection.login_made || !connection.token) return {};
  // Used only within the Acquire() of a call that holds both.
  return [&connection, &session]() -> StatusOr<db::ConnectionConfig> {
    AURITE_ASSIGN_OR_RETURN(ResolvedToken resolved,
                            ResolveConnectionToken(session, *connection.token));
    return db::ParseConnectionString(resolved.connection_string.Reveal());
  };
}

mcp::RpcResult SqlServer::WithConnection(
    const std::string& id, mcp::CallContext& context,
    const std::function<mcp::RpcResult(db::Connection&)>& use) {
  StatusOr<std::shared_ptr<OpenConnection>> connection = connections_.Find(id);
  if (!connection.ok()) return ErrorResult(connection.status());
  StatusOr<db::ConnectionPool::Lease> lease =
      (*connection)->pool->Acquire(FreshLogin(**connection, context.session));
  if (!lease.ok()) return ErrorResult(lease.status());
  // The session drops a cancelled call's result; the engine must not keep
  // running its statement either. Destroyed before the lease returns.
  InterruptOnStop interrupt_on_cancel(**lease, context.rpc.stop_token());
  return use(**lease);
}

mcp::RpcResult SqlServer::ListTables(const Json& args, mcp::CallContext& context) {
  StatusOr<std::string> id = StringArgument(args, "connection_id");
  if (!id.ok()) return ErrorResult(id.status());
  return WithConnection(*id, context, [&](db::Connection& connection) -> mcp::RpcResult {
    StatusOr<std::vector<db::TableInfo>> tables =
        connection.ListTables(OptionalString(args, "schema"));
    if (!tables.ok()) return ErrorResult(tables.status());
    return StructuredResult({{"tables", TablesJson(*tables)}}, connection.ReadOnlyWarning());
  });
}

mcp::RpcResult SqlServer::DescribeTable(const Json& args, mcp::CallContext& context) {
  StatusOr<std::string> id = StringArgument(args, "connection_id");
  StatusOr<std::string> table = StringArgument(args, "table");
  if (!id.ok() || !table.ok()) return ErrorResult(id.ok() ? table.status() : id.status());
  return WithConnection(*id, context, [&](db::Connection& connection) -> mcp::RpcResult {
    StatusOr<db::TableDescription> description =
        connection.DescribeTable(*table, OptionalString(args, "schema"));
    if (!description.ok()) return ErrorResult(description.status());
    return StructuredResult(db::ToJson(*description), connection.ReadOnlyWarning());
  });
}

mcp::RpcResult SqlServer::ExecuteQuery(const Json& args, mcp::CallContext& context) {
  StatusOr<std::string> id = StringArgument(args, "connection_id");
  StatusOr<std::string> query = StringArgument(args, "query");
  if (!id.ok() || !query.ok()) return ErrorResult(id.ok() ? query.status() : id.status());
  StatusOr<std::vector<db::Param>> params = ParamsArgument(args);
  if (!params.ok()) return ErrorResult(params.status());
  db::QueryLimits limits{options_.max_rows, options_.max_result_bytes, true};
  if (args.contains("max_rows") && args["max_rows"].is_number_unsigned()) {
    limits.max_rows = std::min(limits.max_rows, args["max_rows"].get<std::size_t>());
  }
  // A role given but not a string is an error, never a call as the login.
  if (args.contains("role") && !args["role"].is_string() && !args["role"].is_null()) {
    return ErrorResult(InvalidArgumentError("the argument 'role' must be a string"));
  }
  std::optional<std::string> role = OptionalString(args, "role");
  return WithConnection(*id, context, [&](db::Connection& connection) -> mcp::RpcResult {
    auto start = std::chrono::steady_clock::now();
    StatusOr<db::QueryResult> result =
        role ? connection.ExecuteAsRole(*query, *params, limits, *role)
             : connection.Execute(*query, *params, limits);
    std::chrono::duration<double, std::milli> elapsed = std::chrono::steady_clock::now() - start;
    if (!result.ok()) return ErrorResult(result.status());
    return QueryToolResult(*result, elapsed.count(), connection.ReadOnlyWarning());
  });
}

mcp::RpcResult SqlServer::ExplainQuery(const Json& args, mcp::CallContext& context) {
  StatusOr<std::string> id = StringArgument(args, "connection_id");
  StatusOr<std::string> query = StringArgument(args, "query");
  if (!id.ok() || !query.ok()) return ErrorResult(id.ok() ? query.status() : id.status());
  StatusOr<std::vector<db::Param>> params = ParamsArgument(args);
  if (!params.ok()) return ErrorResult(params.status());
  return WithConnection(*id, context, [&](db::Connection& connection) -> mcp::RpcResult {
    StatusOr<Json> plan = connection.Explain(*query, *params);
    if (!plan.ok()) return ErrorResult(plan.status());
    return StructuredResult({{"plan", std::move(plan).value()}}, connection.ReadOnlyWarning());
  });
}

mcp::RpcResult SqlServer::Disconnect(const Json& args, mcp::CallContext& context) {
  StatusOr<std::string> id = StringArgument(args, "connection_id");
  if (!id.ok()) return ErrorResult(id.status());
  StatusOr<std::shared_ptr<OpenConnection>> connection = connections_.Remove(*id);
  if (!connection.ok()) return ErrorResult(connection.status());
  if ((*connection)->token) ReleaseConnectionToken(context.session, *(*connection)->token);
  return StructuredResult({{"disconnected", true}});
}

mcp::RpcResult SqlServer::ReadSchema(const std::string& uri, const std::string& connection_id,
                                     mcp::CallContext& context) {
  StatusOr<std::shared_ptr<OpenConnection>> connection = connections_.Find(connection_id);
  if (!connection.ok())
    return mcp::RpcError{mcp::error_code::kInvalidParams, connection.status().message(), nullptr};
  StatusOr<db::ConnectionPool::Lease> lease =
      (*connection)->pool->Acquire(FreshLogin(**connection, context.session));
  if (!lease.ok())
    return mcp::RpcError{mcp::error_code::kInternalError, lease.status().message(), nullptr};
  InterruptOnStop interrupt_on_cancel(**lease, context.rpc.stop_token());
  StatusOr<std::vector<db::TableInfo>> tables = (*lease)->ListTables(std::nullopt);
  if (!tables.ok())
    return mcp::RpcError{mcp::error_code::kInternalError, tables.status().message(), nullptr};
  Json described = Json::array();
  for (const db::TableInfo& table : *tables) {
    StatusOr<db::TableDescription> description = (*lease)->DescribeTable(table.name, table.schema);
    if (description.ok()) described.push_back(db::ToJson(*description));
  }
  Json text = {{"tables", std::move(described)}};
  if (std::string warning = (*lease)->ReadOnlyWarning(); !warning.empty())
    text["warning"] = warning;
  return Json{{"contents",
               Json::array({mcp::TextResourceContents(uri, "application/json", JsonText(text))})}};
}

}  // namespace aurite::servers::sql
