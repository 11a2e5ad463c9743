// The gateway's tools: securing, routing and re-exposing backend tools.
#include "host/gateway.h"

#include <algorithm>
#include <cctype>
#include <chrono>

#include "base/version.h"
#include "host/gateway_arguments.h"
#include "host/statement_audit.h"
#include "runtime/log.h"
#include "security/access_token.h"

namespace aurite::host {
namespace {

using mcp::Json;

constexpr const char* kUnknownBackendConnection =
    "no open connection has this connection_id; connect first to get one (ids end with "
    "disconnect, when your session ends, or when the server restarts)";

bool TakesProperty(const Json& tool, const char* name) {
  const Json& properties = tool.value("inputSchema", Json::object()).value("properties", Json());
  return properties.is_object() && properties.contains(name);
}

// Takes `role` out of a storage server tool's input schema.
void HideRoleArgument(Json& schema) {
  if (!schema.is_object()) return;
  if (schema.contains("properties") && schema["properties"].is_object()) {
    schema["properties"].erase("role");
  }
  if (schema.contains("required") && schema["required"].is_array()) {
    Json& required = schema["required"];
    required.erase(std::remove(required.begin(), required.end(), Json("role")), required.end());
  }
}

Json ToolResult(Json content) {
  return {{"content", Json::array({mcp::TextContent(mcp::Dump(content))})},
          {"structuredContent", std::move(content)}};
}

}  // namespace

bool IsValidToolName(std::string_view name) {
  return !name.empty() && name.size() <= 64 && std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
  });
}

mcp::ServerOptions Gateway::ServerOptions() {
  mcp::ServerOptions options;
  options.info = {"aurite", kVersion, "Aurite MCP gateway"};
  options.instructions =
      "Database access with secret credentials. Prefer connect_storage with connection_name (a "
      "connection configured on the host) or with a token from secure_database_connection; "
      "then query_storage, list_storage_tables, describe_storage_table, disconnect_storage.";
  options.resources = false;
  options.prompts = false;
  options.completions = false;
  // query_storage and the forwarded tools whose server runs them as tasks
  // (execute_query) may run as tasks here; cancelling one cancels the call
  // on the server, which stops its statement.
  options.tasks = true;
  return options;
}

mcp::RpcResult Gateway::Redact(mcp::RpcResult result) {
  if (result.ok()) {
    RedactStrings(result.value());
    return result;
  }
  mcp::RpcError error = result.error();
  error.message = host_.security().Redact(error.message);
  RedactStrings(error.data);
  return error;
}

// Each string on its own, so a secret nested in JSON text inside a string
// (a tool's text content) is still seen in a form the redactor knows.
void Gateway::RedactStrings(Json& value) {
  if (value.is_string()) {
    value = host_.security().Redact(value.get_ref<const std::string&>());
  } else if (value.is_array()) {
    for (Json& item : value) RedactStrings(item);
  } else if (value.is_object()) {
    Json redacted = Json::object();
    for (auto& [key, item] : value.items()) {
      RedactStrings(item);
      redacted[host_.security().Redact(key)] = std::move(item);
    }
    value = std::move(redacted);
  }
}

Gateway::Gateway(MCPHost& host, StorageRouter& router)
    : host_(host), router_(router), policy_(host.config().policies) {
  host_.SetBackendLogSink(
      [this](const std::string& server, const Json& params) { ForwardLog(server, params); });
}

Gateway::~Gateway() { host_.SetBackendLogSink(nullptr); }

void Gateway::ForwardLog(const std::string& server, const Json& params) {
  Json data = params.value("data", Json());
  RedactStrings(data);
  std::string logger = host_.security().Redact(params.value("logger", server));
  mcp::LogLevel level =
      mcp::ParseLogLevel(params.value("level", "info")).value_or(mcp::LogLevel::kInfo);
  std::lock_guard lock(sessions_mu_);
  if (active_sessions_.empty()) {
    runtime::LogInfo("[{}] {}", server, mcp::Dump(data));
    return;
  }
  for (const auto& [session, calls] : active_sessions_) session->Log(level, logger, data);
}

mcp::ToolHandler Gateway::Counted(const std::string& name, mcp::ToolHandler handler) {
  const HostMetrics::ToolCalls calls = host_.metrics().ForTool(name);
  tool_metrics_.insert_or_assign(name, calls);
  return [calls, handler = std::move(handler)](const Json& args, mcp::CallContext& context) {
    const auto started = std::chrono::steady_clock::now();
    // Then: a deferred call is counted when its answer is sent, not when
    // the handler returns.
    return context.rpc.Then(handler(args, context), [calls, started](mcp::RpcResult result) {
      calls.Finished(!result.ok() || result.value().value("isError", false),
                     std::chrono::steady_clock::now() - started);
      return result;
    });
  };
}

std::size_t Gateway::LiveConnections() {
  return router_.ConnectionCount() + backend_connections_.size();
}

void Gateway::AddRedacted(mcp::McpServer& server, mcp::Tool tool, mcp::ToolHandler handler) {
  handler = Counted(tool.name, std::move(handler));
  server.AddTool(std::move(tool), [this, handler = std::move(handler)](const Json& args,
                                                                       mcp::CallContext& context) {
    mcp::ServerSession* session = &context.session;
    {
      std::lock_guard lock(sessions_mu_);
      ++active_sessions_[session];
    }
    return context.rpc.Then(handler(args, context), [this, session](mcp::RpcResult result) {
      {
        std::lock_guard lock(sessions_mu_);
        if (--active_sessions_[session] == 0) {
          active_sessions_.erase(session);
        }
      }
      return Redact(std::move(result));
    });
  });
}

void Gateway::RegisterWith(mcp::McpServer& server) {
  mcp::Tool secure;
  secure.name = "secure_database_connection";
  secure.description =
      "Store a database connection string encrypted on the host and get back an access token "
      "(aurite_tk_…) and the masked string. Pass the token to connect_storage; the secret "
      "itself never comes back.";
  secure.input_schema = {
      {"type", "object"},
      {"properties",
       {{"connection_string",
         {{"type", "string"},
          {"description", "e.g. postgresql://user:password@host:5432/db or sqlite:///file.db"}}}}},
      {"required", {"connection_string"}}};
  // Not AddRedacted: the token it returns looks like a secret to the
  // detection rules, and SecureDatabaseConnection redacts the rest itself.
  server.AddTool(std::move(secure), Counted("secure_database_connection",
                                            [this](const Json& args, mcp::CallContext& context) {
                                              return SecureDatabaseConnection(args, context);
                                            }));
  for (auto& [tool, handler] : router_.Tools()) AddRedacted(server, tool, handler);
  for (const auto& backend : host_.servers()) AddBackendTools(server, *backend);
  server.SetToolGate([this](const std::string& name, const mcp::ServerSession& session,
                            bool calling) { return RefuseTool(name, session, calling); });
  // A client that leaves (stdio EOF, HTTP DELETE or idle expiry) takes what
  // it opened with it.
  server.SetSessionClosedHandler(
      [this](const mcp::ServerSession& session) { DisconnectSession(session); });
}

std::optional<std::string> Gateway::RefuseTool(const std::string& name,
                                               const mcp::ServerSession& session, bool calling) {
  const std::shared_ptr<const mcp::AuthInfo> current = session.auth();
  const mcp::AuthInfo* auth = current.get();
  std::optional<std::string> refused = policy_.CheckTool(auth, name);
  if (!refused && policy_.Governs(auth) && storage_server_tools_.count(name) != 0) {
    refused = "the tool " + name + " is not offered to " + PrincipalName(auth) +
              " under the gateway's policy; use connect_storage and query_storage";
  }
  if (refused && calling) {
    host_.security().AuditPolicyDenial(auth != nullptr ? auth->principal : "", name, *refused);
    host_.metrics().CountDenial(HostMetrics::Denial::kPolicyDenied);
    // Only a registered tool reaches the gate (the server answers an
    // unknown name itself), so `name` is one of the fixed label values.
    if (auto it = tool_metrics_.find(name); it != tool_metrics_.end()) it->second.Denied();
  }
  return refused;
}

void Gateway::DisconnectSession(const mcp::ServerSession& session) {
  if (session.owner().outlives_session) return;
  for (const BackendConnections::Entry& entry :
       backend_connections_.TakeOwnedBy(session.owner().key)) {
    ManagedServer* backend = host_.FindServer(entry.server);
    // The server releases the connection's token itself when it disconnects.
    if (backend != nullptr) {
      (void)backend->CallTool("disconnect", {{"connection_id", entry.connection_id}});
    }
  }
  router_.DisconnectSession(session);
}

mcp::RpcResult Gateway::SecureDatabaseConnection(const Json& args, mcp::CallContext& context) {
  if (!args.contains("connection_string") || !args["connection_string"].is_string()) {
    return mcp::ToolErrorResult("connection_string is required (a string)");
  }
  std::string text = args["connection_string"].get<std::string>();
  security::SecureOptions options;
  // Only the session that asked may use the token (MCPHost::CheckTokenOwner).
  options.metadata = {{"owner", context.session.owner().key}};
  StatusOr<security::SecuredCredential> secured =
      host_.SecureDatabaseConnection(crypto::SecretBuffer::TakeFrom(text), options);
  if (!secured.ok()) return Redact(mcp::ToolErrorResult(secured.status().message()));
  Json content = {{"masked_connection_string", secured->masked}, {"expires_at", nullptr}};
  if (secured->expires_at) content["expires_at"] = *secured->expires_at;
  content["token"] = secured->token.Reveal();
  return ToolResult(std::move(content));
}

void Gateway::AddBackendTools(mcp::McpServer& server, ManagedServer& backend) {
  for (const Json& tool : backend.tools()) {
    std::string original = tool.value("name", "");
    std::string name = backend.name() + "_" + original;
    if (!IsValidToolName(name)) {
      runtime::LogWarn("[{}] tool '{}' is not offered: '{}' is not a valid tool name",
                       backend.name(), original, name);
      continue;
    }
    mcp::Tool exposed;
    exposed.name = name;
    exposed.title = tool.value("title", "");
    exposed.description = "[" + backend.name() + "] " + tool.value("description", "");
    exposed.input_schema = tool.value("inputSchema", Json{{"type", "object"}});
    const bool storage = backend.config().HasCapability("storage");
    if (storage) {
      storage_server_tools_.insert(name);
      HideRoleArgument(exposed.input_schema);
    }
    if (tool.contains("outputSchema")) exposed.output_schema = tool["outputSchema"];
    if (tool.contains("annotations")) exposed.annotations = tool["annotations"];
    const std::string support =
        tool.value("execution", Json::object()).value("taskSupport", std::string("forbidden"));
    // The gateway runs the task itself and forwards one plain call, so a
    // tool the server requires as a task is still only optional here.
    if (support == "optional" || support == "required") {
      exposed.task_support = mcp::TaskSupport::kOptional;
    }
    BackendTool info{original,
                     TakesProperty(tool, "connection_string") && TakesProperty(tool, "use_token"),
                     TakesProperty(tool, "connection_id")};
    // Forwarding is quick: the call is answered when the backend's response
    // arrives, so only securing a raw string (a store write) and an HTTP
    // exchange (which blocks) are left to the pool.
    exposed.runs_inline = !info.takes_secret && !backend.config().is_http();
    AddRedacted(server, std::move(exposed),
                [this, &backend, info](const Json& args, mcp::CallContext& context) {
                  return CallBackend(backend, info, args, context);
                });
  }
}

StatusOr<Json> Gateway::PrepareBackendArguments(ManagedServer& backend, const BackendTool& tool,
                                                Json args, const std::string& owner) {
  const bool storage = backend.config().HasCapability("storage");
  const bool secures = storage && tool.takes_secret && args.is_object() &&
                       args.contains("connection_string") && args["connection_string"].is_string();
  if (auto where = FindRawConnectionString(args, secures ? "connection_string" : "")) {
    return InvalidArgumentError(
        "the argument '" + *where +
        "' holds a connection string with a secret, and the gateway "
        "never forwards credentials to servers" +
        (storage ? std::string(": open the connection with connect_storage or with this "
                               "server's connect tool, which secure it first")
                 : "; the server '" + backend.name() +
                       "' lacks the \"storage\" capability, so it cannot use access tokens "
                       "either: use a storage server (connect_storage)"));
  }
  if (secures) {
    std::string text = args["connection_string"].get<std::string>();
    args.erase("connection_string");
    crypto::SecretBuffer value = crypto::SecretBuffer::TakeFrom(text);
    if (security::LooksLikeAccessToken(value.Reveal())) {
      AURITE_RETURN_IF_ERROR(host_.CheckTokenOwner(value.Reveal(), owner));
      args["connection_string"] = std::string(value.Reveal());
    } else {
      // Every raw string, whatever use_token says: the backend only ever
      // sees a token, bound to it and owned by the caller.
      AURITE_ASSIGN_OR_RETURN(security::SecuredCredential secured,
                              host_.SecureForServer(std::move(value), backend.name(), owner));
      args["connection_string"] = std::string(secured.token.Reveal());
    }
    args["use_token"] = true;
  }
  // The database role a statement runs as comes from the caller's policy
  // (db_role, applied by StorageRouter::QueryStorage), never from the caller.
  if (storage && args.is_object() && args.contains("role")) {
    return InvalidArgumentError(
        "the argument 'role' is not the caller's to set: the gateway runs statements as the "
        "database role its policy names (db_role); leave 'role' out");
  }
  if (storage && tool.takes_connection_id && args.is_object() && args.contains("connection_id") &&
      args["connection_id"].is_string() &&
      !backend_connections_.Owns(backend.name(), args["connection_id"].get<std::string>(), owner)) {
    return NotFoundError(kUnknownBackendConnection);
  }
  return args;
}

mcp::RpcResult Gateway::CallBackend(ManagedServer& backend, const BackendTool& tool, Json args,
                                    mcp::CallContext& context) {
  const std::string owner = context.session.owner().key;
  StatusOr<Json> prepared = PrepareBackendArguments(backend, tool, std::move(args), owner);
  if (!prepared.ok()) return mcp::ToolErrorResult(prepared.status().message());
  // A storage server's statements are audited as query_storage's are
  // (statement_audit.h); which engine the connection is on is not known here.
  std::optional<StartedStatement> statement;
  if (tool.name == "execute_query" && backend.config().HasCapability("storage")) {
    StatusOr<StartedStatement> started =
        BeginStatement(host_.security(), host_.config().audit.statements,
                       StatementOf(*prepared, context.session.owner(), "", "", ""));
    if (!started.ok()) return mcp::ToolErrorResult(started.status().message());
    statement = std::move(started).value();
  }
  // What the result means for ownership: a connect opened an id for the
  // caller, a disconnect closed one.
  const bool connects = tool.takes_secret && backend.config().HasCapability("storage");
  std::string closing;
  if (tool.name == "disconnect" && prepared->is_object() && prepared->contains("connection_id") &&
      (*prepared)["connection_id"].is_string()) {
    closing = (*prepared)["connection_id"].get<std::string>();
  }
  backend.CallToolAsync(
      tool.name, std::move(prepared).value(), PassProgressTo(context),
      [this, responder = context.rpc.Defer(), &backend, owner, connects, closing,
       statement = std::move(statement)](mcp::RpcResult result) {
        if (!result.ok() && result.error().code == mcp::error_code::kConnectionClosed) {
          host_.metrics().CountError(HostMetrics::Error::kBackendLost);
          result =
              mcp::ToolErrorResult("the server '" + backend.name() +
                                   "' stopped while handling this call; it is being restarted, so "
                                   "try again in a moment");
        }
        if (result.ok() && !result.value().value("isError", false)) {
          const Json& content = result.value().value("structuredContent", Json::object());
          if (connects && content.contains("connection_id") &&
              content["connection_id"].is_string()) {
            backend_connections_.Record(backend.name(), content["connection_id"].get<std::string>(),
                                        owner);
          }
          if (!closing.empty()) backend_connections_.Forget(backend.name(), closing);
        }
        if (statement) result = FinishStatement(host_.security(), *statement, std::move(result));
        responder.Send(std::move(result));
      });
  return mcp::DeferredResult();
}

}  // namespace aurite::host
