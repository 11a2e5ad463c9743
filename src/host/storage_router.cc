// Routing storage tools to backends by token.
#include "host/storage_router.h"

#include <algorithm>
#include <array>

#include "crypto/random.h"
#include "host/statement_audit.h"
#include "security/access_token.h"
#include "security/role_switch_guard.h"

namespace aurite::host {
namespace {

using mcp::Json;

constexpr std::array<const char*, 6> kStorageTypes = {"sql",      "sqlite", "postgresql",
                                                      "postgres", "mysql",  "mariadb"};

constexpr const char* kUnknownConnection =
    "no open connection has this connection_id; call connect_storage first (list_connections "
    "shows the open ones)";

constexpr const char* kEndedLease =
    "this connection_id's connection has ended: the lease of its database login ended (it ran "
    "out, renewing it failed, or the login was revoked, e.g. at Vault; the host's log and audit "
    "say why); call connect_storage for a new connection";
constexpr std::size_t kMaxEndedLeases = 1024;

Json ConnectionIdSchema() {
  return {{"type", "string"}, {"description", "The connection_id from connect_storage"}};
}

mcp::Tool MakeTool(std::string name, std::string description, Json properties,
                   std::vector<std::string> required, bool read_only) {
  mcp::Tool tool;
  tool.name = std::move(name);
  tool.description = std::move(description);
  tool.input_schema = {{"type", "object"}, {"properties", std::move(properties)}};
  if (!required.empty()) tool.input_schema["required"] = required;
  tool.annotations = {{"readOnlyHint", read_only}};
  return tool;
}

Json Error(const std::string& message) { return mcp::ToolErrorResult(message); }

Json Structured(Json content) {
  return {{"content", Json::array({mcp::TextContent(mcp::Dump(content))})},
          {"structuredContent", std::move(content)}};
}

bool IsError(const mcp::RpcResult& result) {
  return !result.ok() || result.value().value("isError", false);
}

// A protocol failure of a backend call as a tool error the model can act on.
Json BackendFailure(const ManagedServer& backend, const mcp::RpcError& error) {
  if (error.code == mcp::error_code::kConnectionClosed) {
    return Error("the storage server '" + backend.name() +
                 "' stopped while handling this call; it is being restarted, so try again in a "
                 "moment");
  }
  return Error("the storage server '" + backend.name() + "' failed: " + error.message);
}

// Whether a backend's database_type is what the caller asked for ("sql": any).
bool TypeMatches(const std::string& storage_type, const std::string& database_type) {
  if (storage_type == "sql" || database_type.empty()) return true;
  if (storage_type == "postgres") return database_type == "postgresql";
  if (storage_type == "mysql") return database_type == "mariadb";
  return storage_type == database_type;
}

Status CheckStorageType(const std::string& storage_type) {
  if (std::find(kStorageTypes.begin(), kStorageTypes.end(), storage_type) == kStorageTypes.end()) {
    return InvalidArgumentError(
        "storage_type must be one of sql, sqlite, postgresql, mysql, mariadb");
  }
  return OkStatus();
}

std::string NewConnectionId() { return "storage_" + crypto::RandomHex(16); }

}  // namespace

mcp::CallOptions PassProgressTo(mcp::RequestContext& context) {
  mcp::CallOptions options;
  mcp::RequestContext* request = &context;
  options.on_progress = [request](const Json& params) {
    request->SendProgress(params.value("progress", 0.0),
                          params.contains("total") && params["total"].is_number()
                              ? std::optional<double>(params["total"].get<double>())
                              : std::nullopt,
                          params.value("message", ""));
  };
  options.reset_timeout_on_progress = true;
  // The client cancelling its call cancels ours on the backend too.
  options.cancel = context.stop_token();
  return options;
}

StorageRouter::StorageRouter(MCPHost& host) : host_(host), policy_(host.config().policies) {
  host_.SetRevocationSink([this](const security::TokenDigest& digest) { CloseRevoked(digest); });
}

StorageRouter::~StorageRouter() { host_.SetRevocationSink(nullptr); }

void StorageRouter::CloseRevoked(const security::TokenDigest& digest) {
  std::vector<std::shared_ptr<Route>> revoked;
  {
    std::lock_guard lock(mu_);
    for (auto it = routes_.begin(); it != routes_.end();) {
      if (security::DigestsEqual(it->second->token_digest, digest)) {
        if (!it->second->lease_id.empty()) {
          ended_leases_.insert_or_assign(it->first, it->second->owner);
          ended_order_.push_back(it->first);
          if (ended_order_.size() > kMaxEndedLeases) {
            ended_leases_.erase(ended_order_.front());
            ended_order_.pop_front();
          }
        }
        revoked.push_back(std::move(it->second));
        it = routes_.erase(it);
      } else {
        ++it;
      }
    }
  }
  for (const std::shared_ptr<Route>& route : revoked) Close(*route, {});
}

std::vector<std::pair<mcp::Tool, mcp::ToolHandler>> StorageRouter::Tools() {
  Json connection_id = ConnectionIdSchema();
  auto bind = [this](auto method) {
    return [this, method](const Json& args, mcp::CallContext& context) {
      return (this->*method)(args, context);
    };
  };
  std::vector<std::pair<mcp::Tool, mcp::ToolHandler>> tools = {
      {MakeTool("connect_storage",
                "Open a database connection through a storage server. Give storage_type and one "
                "of: connection_string (an access token from secure_database_connection, or a "
                "raw connection string, which is secured at once), or connection_name (a "
                "connection configured on the host, so no secret passes through you); with "
                "neither, the user is asked to enter it (see request_database_connection). "
                "Returns connection_id and the masked connection string.",
                {{"storage_type",
                  {{"type", "string"},
                   {"enum", kStorageTypes},
                   {"description", "sql, sqlite, postgresql, mysql or mariadb"}}},
                 {"connection_string", {{"type", "string"}}},
                 {"connection_name", {{"type", "string"}}},
                 {"description", {{"type", "string"}}}},
                {"storage_type"}, false),
       bind(&StorageRouter::ConnectStorage)},
      {MakeTool("request_database_connection",
                "Ask the user to enter a database connection on a secure page of the gateway "
                "(the client opens it through URL-mode elicitation): the password never passes "
                "through you. Returns connection_id, storage_type and the masked connection "
                "string, as connect_storage does.",
                {{"storage_type",
                  {{"type", "string"},
                   {"enum", kStorageTypes},
                   {"description", "sql, sqlite, postgresql, mysql or mariadb"}}},
                 {"description",
                  {{"type", "string"},
                   {"description", "What the connection is for, shown to the user"}}}},
                {"storage_type"}, false),
       [this](const Json& args, mcp::CallContext& context) {
         // Always the user's entry, whatever else the arguments say.
         Json asked = Json::object();
         for (const char* key : {"storage_type", "description"}) {
           if (args.contains(key)) asked[key] = args[key];
         }
         return ConnectStorage(asked, context);
       }},
      {MakeTool("query_storage", "Run a SQL query on a connection from connect_storage.",
                {{"connection_id", connection_id},
                 {"query", {{"type", "string"}}},
                 {"params", {{"type", "array"}, {"description", "Positional parameters"}}},
                 {"max_rows", {{"type", "integer"}, {"minimum", 1}}}},
                {"connection_id", "query"}, false),
       bind(&StorageRouter::QueryStorage)},
      {MakeTool("list_storage_tables", "List the tables of a connection.",
                {{"connection_id", connection_id}, {"schema", {{"type", "string"}}}},
                {"connection_id"}, true),
       bind(&StorageRouter::ListStorageTables)},
      {MakeTool("describe_storage_table", "Describe one table's columns, keys and indexes.",
                {{"connection_id", connection_id},
                 {"table", {{"type", "string"}}},
                 {"schema", {{"type", "string"}}}},
                {"connection_id", "table"}, true),
       bind(&StorageRouter::DescribeStorageTable)},
      {MakeTool("disconnect_storage",
                "Close a connection; its token is revoked and its secret wiped.",
                {{"connection_id", connection_id}}, {"connection_id"}, false),
       bind(&StorageRouter::DisconnectStorage)},
      {MakeTool("list_connections", "List open storage connections (masked).", Json::object(), {},
                true),
       [this](const Json&, mcp::CallContext& context) { return ListConnections(context); }},
  };
  // The forwarding tools answer when the backend does (see Forward).
  for (auto& [tool, handler] : tools) {
    tool.runs_inline = tool.name == "query_storage" || tool.name == "list_storage_tables" ||
                       tool.name == "describe_storage_table";
    // A long query may run as a task (the gateway's ServerOptions::tasks).
    if (tool.name == "query_storage") tool.task_support = mcp::TaskSupport::kOptional;
  }
  return tools;
}

mcp::RpcResult StorageRouter::OpenOnBackend(Route& route, mcp::RequestContext& context) {
  Json args = {{"connection_string", route.token.Reveal()}, {"use_token", true}};
  if (route.read_only) args["read_only"] = true;
  mcp::RpcResult opened =
      route.backend->CallTool("connect_database", std::move(args), PassProgressTo(context));
  if (!opened.ok()) return BackendFailure(*route.backend, opened.error());
  if (IsError(opened)) return opened;
  const Json& content = opened.value().value("structuredContent", Json::object());
  if (!content.contains("connection_id") || !content["connection_id"].is_string()) {
    return Error("the storage server '" + route.backend->name() +
                 "' answered connect_database without a connection_id");
  }
  route.backend_connection_id = content["connection_id"].get<std::string>();
  route.backend_generation = route.backend->generation();
  route.masked = content.value("masked_connection_string", route.masked);
  return opened;
}

StatusOr<std::shared_ptr<StorageRouter::Route>> StorageRouter::PrepareRoute(
    const Json& args, const std::string& owner, std::optional<SecuredEntry> entered) {
  std::string storage_type = args.value("storage_type", "");
  AURITE_RETURN_IF_ERROR(CheckStorageType(storage_type));
  bool has_string = args.contains("connection_string") && args["connection_string"].is_string();
  bool has_name = args.contains("connection_name") && args["connection_name"].is_string();
  if (entered) {
    auto route = std::make_shared<Route>();
    route->storage_type = storage_type;
    route->owner = owner;
    route->backend = host_.FindServer(entered->server);
    if (route->backend == nullptr) {
      (void)host_.RevokeToken(entered->token.Reveal());
      return FailedPreconditionError("the storage server '" + entered->server + "' is gone");
    }
    route->token = std::move(entered->token);
    route->masked = std::move(entered->masked);
    route->minted = true;
    return route;
  }
  if (has_string == has_name) {
    return InvalidArgumentError(
        "give exactly one of connection_string (a token or connection string) and "
        "connection_name (a configured connection)");
  }
  auto route = std::make_shared<Route>();
  route->storage_type = storage_type;
  route->owner = owner;
  std::string preferred;
  bool dynamic = false;  // the connection makes a database user per connect (OpenLease)
  if (has_name) {
    route->connection_name = args["connection_name"].get<std::string>();
    const ConnectionConfig* named = host_.config().FindConnection(route->connection_name);
    dynamic = host_.IsDynamicConnection(route->connection_name);
    if (!dynamic) {
      AURITE_ASSIGN_OR_RETURN(route->token, host_.NamedConnectionToken(route->connection_name));
    }
    preferred = named != nullptr ? named->server : "";
    route->owns_token = false;
  }
  route->backend = host_.StorageServer(preferred);
  if (route->backend == nullptr) {
    return FailedPreconditionError(
        "no server with the \"storage\" capability is configured for storage_type '" +
        storage_type + "'");
  }
  if (dynamic) {
    AURITE_ASSIGN_OR_RETURN(MCPHost::LeasedLogin leased,
                            host_.OpenLease(route->connection_name, route->backend->name(), owner));
    route->token = std::move(leased.token);
    route->masked = std::move(leased.masked);
    route->lease_id = std::move(leased.lease_id);
    route->owns_token = true;
    route->minted = true;
  }
  if (has_string) {
    std::string text = args["connection_string"].get<std::string>();
    crypto::SecretBuffer value = crypto::SecretBuffer::TakeFrom(text);
    if (security::LooksLikeAccessToken(value.Reveal())) {
      AURITE_RETURN_IF_ERROR(host_.CheckTokenOwner(value.Reveal(), owner));
      route->token = std::move(value);
    } else {
      AURITE_ASSIGN_OR_RETURN(
          security::SecuredCredential secured,
          host_.SecureForServer(std::move(value), route->backend->name(), owner));
      route->token = std::move(secured.token);
      route->masked = secured.masked;
      route->minted = true;
    }
  }
  return route;
}

mcp::RpcResult StorageRouter::ConnectStorage(const Json& args, mcp::CallContext& context) {
  const std::shared_ptr<const mcp::AuthInfo> current = context.session.auth();
  const mcp::AuthInfo* auth = current.get();
  if (auto refused = RefuseConnect(args, auth)) {
    return Deny(context.session, "connect_storage", *refused);
  }
  std::optional<SecuredEntry> entered;
  const bool names_one =
      (args.contains("connection_string") && args["connection_string"].is_string()) ||
      (args.contains("connection_name") && args["connection_name"].is_string());
  if (!names_one && requests_ != nullptr) {
    const Json& type = args.value("storage_type", Json());
    const std::string storage_type = type.is_string() ? type.get<std::string>() : "";
    if (Status valid = CheckStorageType(storage_type); !valid.ok()) return Error(valid.message());
    const Json& description = args.value("description", Json());
    ConnectionElicitation::Outcome outcome = requests_->Request(
        storage_type, description.is_string() ? description.get<std::string>() : "", context);
    if (!outcome.secured) return std::move(outcome.answer);
    entered = std::move(outcome.secured);
  }
  StatusOr<std::shared_ptr<Route>> prepared =
      PrepareRoute(args, context.session.owner().key, std::move(entered));
  if (!prepared.ok()) return Error(prepared.status().message());
  std::shared_ptr<Route> route = std::move(prepared).value();
  route->token_digest = security::DigestAccessToken(route->token.Reveal());
  route->principal = SessionPrincipalKey(auth);
  route->read_only = policy_.ReadOnly(auth);
  mcp::RpcResult opened = OpenOnBackend(*route, context.rpc);
  Json result =
      IsError(opened) ? Json::object() : opened.value().value("structuredContent", Json::object());
  std::string database_type = result.value("database_type", "");
  route->database_type = database_type;
  if (!IsError(opened) && !TypeMatches(route->storage_type, database_type)) {
    (void)route->backend->CallTool("disconnect", {{"connection_id", route->backend_connection_id}});
    opened = Error("storage_type '" + route->storage_type +
                   "' does not match the connection, which is " + database_type +
                   "; pass storage_type '" + database_type + "' or 'sql'");
  } else if (!IsError(opened)) {
    if (auto refused = RefuseUse(*route, context.session, "connect_storage")) {
      (void)route->backend->CallTool("disconnect",
                                     {{"connection_id", route->backend_connection_id}});
      opened = Error(*refused);
    }
  }
  if (IsError(opened)) {
    // A token we minted dies with the attempt; the caller's own stays usable.
    if (route->minted) (void)host_.RevokeToken(route->token.Reveal());
    if (!route->lease_id.empty()) host_.EndLease(route->lease_id, "connect_storage failed");
    return opened;
  }
  std::string id = NewConnectionId();
  result["connection_id"] = id;
  result["storage_type"] = route->storage_type;
  result["masked_connection_string"] = route->masked;
  result["server"] = route->backend->name();
  route->database_type = database_type;
  route->database_user = DatabaseUserOf(route->masked);
  AddLeaseExpiry(*route, result);
  std::lock_guard lock(mu_);
  routes_[id] = std::move(route);
  return Structured(std::move(result));
}

StatusOr<std::shared_ptr<StorageRouter::Route>> StorageRouter::Find(
    const Json& args, const mcp::CallContext& context) {
  if (!args.contains("connection_id") || !args["connection_id"].is_string()) {
    return InvalidArgumentError("connection_id is required: the id connect_storage returned");
  }
  std::lock_guard lock(mu_);
  const std::string& id = args["connection_id"].get_ref<const std::string&>();
  const std::string& owner = context.session.owner().key;
  auto it = routes_.find(id);
  // Another owner's connection gets the very answer an unknown id gets.
  if (it == routes_.end() || !Owns(*it->second, context.session)) {
    auto ended = ended_leases_.find(id);
    if (ended != ended_leases_.end() && ended->second == owner) return NotFoundError(kEndedLease);
    return NotFoundError(kUnknownConnection);
  }
  return it->second;
}

mcp::RpcResult StorageRouter::Forward(const Json& args, const std::string& tool, Json backend_args,
                                      mcp::CallContext& context) {
  StatusOr<std::shared_ptr<Route>> found = Find(args, context);
  if (!found.ok()) return Error(found.status().message());
  std::shared_ptr<Route> route = std::move(found).value();
  // Audit records name the tool the client called.
  const std::string called =
      tool == "list_tables" ? "list_storage_tables" : "describe_storage_table";
  if (auto refused = RefuseUse(*route, context.session, called)) return Error(*refused);
  return ForwardTo(std::move(route), tool, std::move(backend_args), context, {});
}

mcp::RpcResult StorageRouter::ForwardTo(std::shared_ptr<Route> route, const std::string& tool,
                                        Json backend_args, mcp::CallContext& context,
                                        ResultFilter finish) {
  if (!route->lease_id.empty()) host_.TouchLease(route->lease_id);
  bool reopen = false;
  std::string backend_connection_id;
  {
    std::lock_guard lock(route->mu);
    reopen = route->backend_generation != route->backend->generation();
    backend_connection_id = route->backend_connection_id;
  }
  // ForwardBlocking re-opens if needed and adds the connection id itself.
  if (reopen || route->backend->config().is_http()) {
    return context.rpc.Offload([this, route, tool, backend_args = std::move(backend_args),
                                rpc = &context.rpc, finish = std::move(finish)]() mutable {
      mcp::RpcResult result = ForwardBlocking(*route, tool, std::move(backend_args), *rpc);
      return finish ? finish(std::move(result)) : std::move(result);
    });
  }
  backend_args["connection_id"] = std::move(backend_connection_id);
  ManagedServer& backend = *route->backend;
  backend.CallToolAsync(tool, std::move(backend_args), PassProgressTo(context),
                        [responder = context.rpc.Defer(), &backend,
                         finish = std::move(finish)](mcp::RpcResult result) {
                          if (!result.ok()) result = BackendFailure(backend, result.error());
                          responder.Send(finish ? finish(std::move(result)) : std::move(result));
                        });
  return mcp::DeferredResult();
}

mcp::RpcResult StorageRouter::ForwardBlocking(Route& route, const std::string& tool,
                                              Json backend_args, mcp::RequestContext& context) {
  {
    std::lock_guard lock(route.mu);
    if (route.backend_generation != route.backend->generation()) {
      mcp::RpcResult reopened = OpenOnBackend(route, context);
      if (IsError(reopened)) return reopened;
    }
    backend_args["connection_id"] = route.backend_connection_id;
  }
  mcp::RpcResult result =
      route.backend->CallTool(tool, std::move(backend_args), PassProgressTo(context));
  if (!result.ok()) return BackendFailure(*route.backend, result.error());
  return result;
}

namespace {

Json Pick(const Json& args, std::initializer_list<const char*> keys) {
  Json picked = Json::object();
  for (const char* key : keys) {
    if (args.contains(key)) picked[key] = args[key];
  }
  return picked;
}

}  // namespace

mcp::RpcResult StorageRouter::QueryStorage(const Json& args, mcp::CallContext& context) {
  StatusOr<std::shared_ptr<Route>> found = Find(args, context);
  if (!found.ok()) return Error(found.status().message());
  std::shared_ptr<Route> route = std::move(found).value();
  if (auto refused = RefuseUse(*route, context.session, "query_storage")) return Error(*refused);
  // The caller's own "role" is not picked: only the principal's policy
  // names one (db_role), with the lower max_rows.
  StatusOr<Json> limited =
      LimitQuery(Pick(args, {"query", "params", "max_rows"}), context.session.auth().get());
  if (!limited.ok()) return Deny(context.session, "query_storage", limited.status().message());
  Json backend_args = std::move(limited).value();
  StatementInfo info = StatementOf(args, context.session.owner(), route->connection_name,
                                   route->database_user, route->database_type);
  if (const auto role = backend_args.find("role"); role != backend_args.end()) {
    info.role = role->get<std::string>();
    // The login may switch to any user's role; SQL that would is refused.
    if (auto why = security::RoleSwitchIn(info.text, info.dialect)) {
      return Deny(context.session, "query_storage", *why);
    }
  }
  security::SecurityManager& security = host_.security();
  StatusOr<StartedStatement> started =
      BeginStatement(security, host_.config().audit.statements, std::move(info));
  if (!started.ok()) return Error(started.status().message());
  return ForwardTo(std::move(route), "execute_query", std::move(backend_args), context,
                   [&security, started = std::move(started).value()](mcp::RpcResult result) {
                     return FinishStatement(security, started, std::move(result));
                   });
}

mcp::RpcResult StorageRouter::ListStorageTables(const Json& args, mcp::CallContext& context) {
  return Forward(args, "list_tables", Pick(args, {"schema"}), context);
}

mcp::RpcResult StorageRouter::DescribeStorageTable(const Json& args, mcp::CallContext& context) {
  return Forward(args, "describe_table", Pick(args, {"table", "schema"}), context);
}

mcp::RpcResult StorageRouter::DisconnectStorage(const Json& args, mcp::CallContext& context) {
  StatusOr<std::shared_ptr<Route>> route = Find(args, context);
  if (!route.ok()) return Error(route.status().message());
  {
    std::lock_guard lock(mu_);
    auto it = routes_.find(args["connection_id"].get<std::string>());
    // A concurrent disconnect may have taken it already; only one closes it.
    if (it == routes_.end() || it->second != *route) {
      return Error(kUnknownConnection);
    }
    routes_.erase(it);
  }
  Status revocation;
  bool revoked = Close(**route, PassProgressTo(context), &revocation);
  if (!revocation.ok()) {
    // Said as it is: a shared store that did not take the revocation lets
    // the other gateways accept the token meanwhile.
    return Structured(
        {{"disconnected", true},
         {"token_revoked", false},
         {"warning", "the token was revoked on this gateway only: " +
                         host_.security().Redact(revocation.message()) +
                         ". Other gateways sharing the store may accept it until the store takes "
                         "the revocation, which this gateway retries while it runs; if it stops "
                         "first, revoke the token again (aurite tokens revoke) once the store is "
                         "back"}});
  }
  return Structured({{"disconnected", true}, {"token_revoked", revoked}});
}

bool StorageRouter::Close(Route& route, const mcp::CallOptions& options, Status* revocation) {
  std::lock_guard lock(route.mu);
  if (route.backend_generation == route.backend->generation()) {
    (void)route.backend->CallTool("disconnect", {{"connection_id", route.backend_connection_id}},
                                  options);
  }
  if (route.owns_token) {
    Status revoked = host_.RevokeToken(route.token.Reveal());
    if (revocation != nullptr) *revocation = std::move(revoked);
  }
  route.token.Clear();
  if (!route.lease_id.empty()) host_.EndLease(route.lease_id, "the connection was closed");
  return route.owns_token;
}

void StorageRouter::DisconnectSession(const mcp::ServerSession& session) {
  const mcp::SessionOwner& owner = session.owner();
  if (owner.outlives_session) return;
  std::vector<std::shared_ptr<Route>> owned;
  {
    std::lock_guard lock(mu_);
    for (auto it = routes_.begin(); it != routes_.end();) {
      if (it->second->owner == owner.key) {
        owned.push_back(std::move(it->second));
        it = routes_.erase(it);
      } else {
        ++it;
      }
    }
  }
  for (const std::shared_ptr<Route>& route : owned) Close(*route, {});
  // Tokens from secure_database_connection die with the session that owned them.
  host_.security().PurgeOwnedBy(owner.key);
}

mcp::RpcResult StorageRouter::ListConnections(mcp::CallContext& context) {
  Json connections = Json::array();
  std::lock_guard lock(mu_);
  for (const auto& [id, route] : routes_) {
    if (!Owns(*route, context.session)) continue;
    Json entry = {{"connection_id", id},
                  {"storage_type", route->storage_type},
                  {"server", route->backend->name()},
                  {"masked_connection_string", route->masked}};
    if (!route->connection_name.empty()) entry["connection_name"] = route->connection_name;
    AddLeaseExpiry(*route, entry);
    connections.push_back(std::move(entry));
  }
  return Structured({{"connections", std::move(connections)}});
}

void StorageRouter::AddLeaseExpiry(const Route& route, Json& out) const {
  if (route.lease_id.empty()) return;
  if (auto expires = host_.LeaseExpiresAt(route.lease_id)) {
    out["lease_expires_at"] =
        std::chrono::duration_cast<std::chrono::seconds>(expires->time_since_epoch()).count();
  }
}

void StorageRouter::DisconnectAll() {
  std::map<std::string, std::shared_ptr<Route>> routes;
  {
    std::lock_guard lock(mu_);
    routes.swap(routes_);
  }
  for (auto& [id, route] : routes) {
    if (route->owns_token) (void)host_.RevokeToken(route->token.Reveal());
    route->token.Clear();
    if (!route->lease_id.empty()) host_.EndLease(route->lease_id, "the gateway shut down");
  }
}

}  // namespace aurite::host
