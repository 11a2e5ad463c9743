// Method dispatch for one server connection. Parameter checks come first in
// each method so a malformed request gets -32602 before any handler runs.
#include "mcp/server/server_session.h"

#include <fmt/format.h>

#include <array>

#include "base/text.h"
#include "crypto/random.h"
#include "mcp/core/pagination.h"
#include "mcp/core/protocol_version.h"
#include "mcp/core/schema_check.h"
#include "mcp/core/uri_template.h"
#include "mcp/server/input_required.h"
#include "runtime/log.h"

namespace aurite::mcp {
namespace {

constexpr std::array<std::string_view, 8> kLogLevelNames = {
    "debug", "info", "notice", "warning", "error", "critical", "alert", "emergency"};
constexpr std::size_t kMaxCompletionValues = 100;

RpcError InvalidParams(std::string message) {
  return MakeError(error_code::kInvalidParams, std::move(message));
}

// The string member `key` of `params`, or nullptr when missing or not a string.
const std::string* StringParam(const Json& params, const char* key) {
  if (!params.is_object()) return nullptr;
  auto it = params.find(key);
  if (it == params.end() || !it->is_string()) return nullptr;
  return &it->get_ref<const std::string&>();
}

// 128 random bits: an owner key no other session can guess or collide with.
std::string RandomOwnerKey() {
  std::array<unsigned char, 16> bytes{};
  crypto::FillRandom(bytes);
  return "session:" + HexEncode(bytes);
}

}  // namespace

std::optional<LogLevel> ParseLogLevel(std::string_view name) {
  for (std::size_t i = 0; i < kLogLevelNames.size(); ++i) {
    if (kLogLevelNames[i] == name) return static_cast<LogLevel>(i);
  }
  return std::nullopt;
}

std::string_view LogLevelName(LogLevel level) {
  return kLogLevelNames[static_cast<std::size_t>(level)];
}

ServerSession::ServerSession(McpServer& server, SendFn send, std::optional<SessionOptions> options)
    : server_(server),
      owner_{RandomOwnerKey(), false, {}, nullptr},
      rpc_(std::move(send), options.value_or(server.options().session)) {
  rpc_.SetRequestHandler(
      [this](const Request& request, RequestContext& context) { return Handle(request, context); });
  rpc_.SetNotificationHandler(
      [this](const Notification& notification) { HandleNotification(notification); });
  rpc_.SetInlinePredicate([this](const Request& request) { return RunsInline(request); });
}

ServerSession::~ServerSession() {
  rpc_.Close();
  rpc_.WaitIdle();
}

void ServerSession::End() {
  if (ended_.exchange(true)) return;
  rpc_.Close();
  rpc_.WaitIdle();
  // Tasks only this session could reach end with it; a shared scope's stay.
  if (server_.tasks() != nullptr && !owner_.outlives_session && owner_.task_scope.empty()) {
    server_.tasks()->DropOwner(owner_.key);
  }
  server_.SessionClosed(*this);
}

void ServerSession::SetOwner(SessionOwner owner) {
  owner_ = std::move(owner);
  std::lock_guard lock(auth_mu_);
  auth_ = owner_.auth;
}

std::shared_ptr<const AuthInfo> ServerSession::auth() const {
  std::lock_guard lock(auth_mu_);
  return auth_;
}

void ServerSession::RefreshAuth(std::shared_ptr<const AuthInfo> auth) {
  std::lock_guard lock(auth_mu_);
  auth_ = std::move(auth);
}

bool ServerSession::initialized() const {
  std::lock_guard lock(mu_);
  return initialize_seen_;
}

std::string ServerSession::protocol_version() const {
  std::lock_guard lock(mu_);
  return protocol_version_;
}

Json ServerSession::client_capabilities() const {
  std::lock_guard lock(mu_);
  if (const ModernRequest* modern = CurrentModernLocked()) return modern->client_capabilities;
  return client_capabilities_;
}

Json ServerSession::client_info() const {
  std::lock_guard lock(mu_);
  return client_info_;
}

bool ServerSession::subscribed(const std::string& uri) const {
  std::lock_guard lock(mu_);
  return subscriptions_.contains(uri);
}

bool ServerSession::RunsInline(const Request& request) const {
  if (request.method != "tools/call") return false;
  const std::string* name = StringParam(request.params, "name");
  if (name == nullptr) return false;
  auto entry = server_.FindTool(*name);
  return entry && entry->tool.runs_inline;
}

const ModernRequest* ServerSession::CurrentModernLocked() const {
  if (modern_requests_.empty()) return nullptr;
  const RequestContext* current = Session::CurrentRequest();
  if (current == nullptr || &current->session() != &rpc_) return nullptr;
  auto it = modern_requests_.find(current->id().Key());
  return it == modern_requests_.end() ? nullptr : &it->second;
}

RpcResult ServerSession::Handle(const Request& request, RequestContext& rpc_context) {
  const std::string& method = request.method;
  const Json& params = request.params;
  if (!initialized() && (method == "server/discover" || IsModernEraRequest(params))) {
    return HandleModern(request, rpc_context);
  }
  if (method == "initialize") return Initialize(params);
  if (!initialized()) {
    return MakeError(error_code::kInvalidRequest,
                     fmt::format("{} before initialize: send initialize first", method));
  }
  CallContext context{rpc_context, *this, &params};
  return Dispatch(method, params, context);
}

RpcResult ServerSession::HandleModern(const Request& request, RequestContext& rpc_context) {
  auto envelope = ReadModernRequest(request.params, std::nullopt);
  if (auto* error = std::get_if<RpcError>(&envelope)) return *error;
  if (IsLegacyOnlyMethod(request.method)) {
    return MakeError(error_code::kMethodNotFound,
                     fmt::format("{} does not exist in protocol version {}", request.method,
                                 kModernProtocolVersion));
  }
  if (auto state = request.params.find("requestState"); state != request.params.end()) {
    if (!state->is_string() || !OpenRequestState(state->get_ref<const std::string&>())) {
      return InvalidParams(
          "requestState failed its integrity check: echo the requestState of the last "
          "input_required result unchanged");
    }
  }
  const std::string key = request.id.Key();
  {
    std::lock_guard lock(mu_);
    modern_requests_[key] = std::get<ModernRequest>(std::move(envelope));
  }
  CallContext context{rpc_context, *this, &request.params};
  RpcResult result = request.method == "server/discover"
                         ? Discover()
                         : Dispatch(request.method, request.params, context);
  {
    std::lock_guard lock(mu_);
    modern_requests_.erase(key);
  }
  return rpc_context.Then(std::move(result), [method = request.method](RpcResult finished) {
    if (!finished.ok()) return finished;
    if (finished.value().value("resultType", "") == "input_required" &&
        !AllowsInputRequired(method)) {
      return RpcResult(MakeError(error_code::kInternalError,
                                 fmt::format("{} cannot answer input_required", method)));
    }
    AddModernResultFields(method, finished.value());
    return finished;
  });
}

RpcResult ServerSession::Discover() const {
  Json result = {{"supportedVersions", {kModernProtocolVersion}},
                 {"capabilities", Capabilities(true)},
                 {"_meta", {{meta_key::kServerInfo, server_.options().info.ToJson()}}}};
  if (!server_.options().instructions.empty()) {
    result["instructions"] = server_.options().instructions;
  }
  return result;
}

RpcResult ServerSession::Dispatch(const std::string& method, const Json& params,
                                  CallContext& context) {
  const auto& options = server_.options();
  if (options.tools && method == "tools/list") {
    return Paginate(params, "tools", server_.ListToolsFor(*this), options.page_size);
  }
  if (options.tools && method == "tools/call") return CallTool(params, context);
  if (options.resources && method == "resources/list") {
    return Paginate(params, "resources", server_.ListResources(), options.page_size);
  }
  if (options.resources && method == "resources/templates/list") {
    return Paginate(params, "resourceTemplates", server_.ListResourceTemplates(),
                    options.page_size);
  }
  if (options.resources && method == "resources/read") return ReadResource(params, context);
  if (options.resources && method == "resources/subscribe") return Subscribe(params, true);
  if (options.resources && method == "resources/unsubscribe") return Subscribe(params, false);
  if (options.prompts && method == "prompts/list") {
    return Paginate(params, "prompts", server_.ListPrompts(), options.page_size);
  }
  if (options.prompts && method == "prompts/get") return GetPrompt(params, context);
  if (options.logging && method == "logging/setLevel") return SetLevel(params);
  if (options.completions && method == "completion/complete") return Complete(params);
  if (server_.tasks() != nullptr && method.starts_with("tasks/")) {
    return HandleTaskMethod(method, params, context.rpc);
  }
  return MakeError(error_code::kMethodNotFound, fmt::format("method not found: {}", method));
}

void ServerSession::HandleNotification(const Notification& notification) {
  // notifications/initialized needs no action: requests are served as soon
  // as initialize has been answered.
  if (notification.method == "notifications/initialized") return;
  if (auto handler = server_.FindNotificationHandler(notification.method)) {
    (*handler)(*this, notification.params);
    return;
  }
  runtime::LogDebug("ignored notification {}", notification.method);
}

Json ServerSession::Capabilities(bool modern) const {
  // A stateless server has no stream to announce changes on (subscriptions/
  // listen is not implemented), so the modern era advertises no
  // listChanged or subscribe.
  const auto& options = server_.options();
  const Json changes = modern ? Json::object() : Json{{"listChanged", true}};
  Json caps = Json::object();
  if (options.tools) caps["tools"] = changes;
  if (options.resources) {
    caps["resources"] = modern ? Json::object() : Json{{"subscribe", true}, {"listChanged", true}};
  }
  if (options.prompts) caps["prompts"] = changes;
  if (options.logging) caps["logging"] = Json::object();
  if (options.completions) caps["completions"] = Json::object();
  if (!options.experimental.empty()) caps["experimental"] = options.experimental;
  if (server_.tasks() != nullptr) caps.update(TaskCapabilities(modern));
  return caps;
}

RpcResult ServerSession::Initialize(const Json& params) {
  const std::string* requested = StringParam(params, "protocolVersion");
  if (requested == nullptr) return InvalidParams("initialize needs a protocolVersion string");
  std::string version = NegotiateProtocolVersion(*requested);
  {
    std::lock_guard lock(mu_);
    if (initialize_seen_) return MakeError(error_code::kInvalidRequest, "already initialized");
    initialize_seen_ = true;
    protocol_version_ = version;
    if (params.contains("capabilities") && params["capabilities"].is_object()) {
      client_capabilities_ = params["capabilities"];
    }
    if (params.contains("clientInfo") && params["clientInfo"].is_object()) {
      client_info_ = params["clientInfo"];
    }
  }
  rpc_.SetBatchesAllowed(AllowsBatches(version));
  Json result = {{"protocolVersion", version},
                 {"capabilities", Capabilities()},
                 {"serverInfo", server_.options().info.ToJson()}};
  if (!server_.options().instructions.empty()) {
    result["instructions"] = server_.options().instructions;
  }
  return result;
}

namespace {

RpcResult CheckToolResult(const Tool& tool, RpcResult result) {
  // A raw result is the handler's promise of a complete CallToolResult;
  // parsing it back here would cost what pre-serializing it saved.
  if (!result.ok() || result.raw() != nullptr) return result;
  Json& value = result.value();
  if (!value.is_object()) return MakeError(error_code::kInternalError, "tool returned no result");
  if (!value.contains("content")) value["content"] = Json::array();
  const bool is_error = value.contains("isError") && value["isError"] == true;
  if (!tool.output_schema.is_null() && !is_error && !value.contains("structuredContent")) {
    return MakeError(error_code::kInternalError,
                     fmt::format("tool {} declares an output schema but returned no "
                                 "structured content",
                                 tool.name));
  }
  return result;
}

}  // namespace

RpcResult ServerSession::CallTool(const Json& params, CallContext& context) {
  const std::string* name = StringParam(params, "name");
  if (name == nullptr) return InvalidParams("tools/call needs a tool name");
  auto entry = server_.FindTool(*name);
  if (!entry) return InvalidParams(fmt::format("Unknown tool: {}", *name));
  // Before the arguments are looked at: a refused caller learns nothing
  // about what the tool would have done with them.
  if (auto refused = server_.RefuseCall(*name, *this)) return ToolErrorResult(*refused);
  Json arguments = params.value("arguments", Json::object());
  if (arguments.is_null()) arguments = Json::object();
  if (!arguments.is_object()) return InvalidParams("tool arguments must be an object");
  // Since 2025-11-25 argument validation failures are tool errors, so the
  // model can see them and correct the call.
  if (auto problem = CheckAgainstSchema(entry->tool.input_schema, arguments)) {
    return ToolErrorResult(fmt::format("Invalid arguments for tool {}: {}", *name, *problem));
  }
  if (auto task = MaybeStartTask(*entry, params, arguments, context)) return std::move(*task);
  return context.rpc.Then(entry->handler(arguments, context), [entry](RpcResult result) {
    return CheckToolResult(entry->tool, std::move(result));
  });
}

RpcResult ServerSession::ReadResource(const Json& params, CallContext& context) {
  const std::string* uri = StringParam(params, "uri");
  if (uri == nullptr) return InvalidParams("resources/read needs a uri");
  if (auto entry = server_.FindResource(*uri)) return entry->reader(*uri, context);
  for (const auto& entry : server_.Templates()) {
    if (auto vars = MatchUriTemplate(entry->resource_template.uri_template, *uri)) {
      return entry->reader(*uri, *vars, context);
    }
  }
  return MakeError(error_code::kResourceNotFound, "Resource not found", {{"uri", *uri}});
}

RpcResult ServerSession::Subscribe(const Json& params, bool subscribe) {
  const std::string* uri = StringParam(params, "uri");
  if (uri == nullptr) return InvalidParams("subscription needs a uri");
  std::lock_guard lock(mu_);
  if (subscribe) {
    subscriptions_.insert(*uri);
  } else {
    subscriptions_.erase(*uri);
  }
  return Json::object();
}

RpcResult ServerSession::GetPrompt(const Json& params, CallContext& context) {
  const std::string* name = StringParam(params, "name");
  if (name == nullptr) return InvalidParams("prompts/get needs a prompt name");
  auto entry = server_.FindPrompt(*name);
  if (!entry) return InvalidParams(fmt::format("Unknown prompt: {}", *name));
  std::map<std::string, std::string> arguments;
  if (params.contains("arguments") && params["arguments"].is_object()) {
    for (const auto& [key, value] : params["arguments"].items()) {
      if (!value.is_string())
        return InvalidParams(fmt::format("argument {} must be a string", key));
      arguments[key] = value.get<std::string>();
    }
  }
  for (const auto& argument : entry->prompt.arguments) {
    if (argument.required && !arguments.contains(argument.name)) {
      return InvalidParams(fmt::format("missing required argument: {}", argument.name));
    }
  }
  return entry->handler(arguments, context);
}

RpcResult ServerSession::SetLevel(const Json& params) {
  const std::string* name = StringParam(params, "level");
  auto level = name ? ParseLogLevel(*name) : std::nullopt;
  if (!level) return InvalidParams("unknown log level");
  std::lock_guard lock(mu_);
  log_level_ = *level;
  return Json::object();
}

RpcResult ServerSession::Complete(const Json& params) {
  if (!params.is_object() || !params.contains("ref") || !params["ref"].is_object()) {
    return InvalidParams("completion/complete needs a ref");
  }
  const Json& ref = params["ref"];
  const std::string* type = StringParam(ref, "type");
  const Json no_argument;
  const Json& argument_object = params.contains("argument") ? params["argument"] : no_argument;
  const std::string* argument = StringParam(argument_object, "name");
  if (type == nullptr || argument == nullptr) {
    return InvalidParams("completion/complete needs ref.type and argument.name");
  }
  const std::string* key = nullptr;
  if (*type == "ref/prompt") {
    key = StringParam(ref, "name");
    if (key == nullptr || !server_.FindPrompt(*key)) return InvalidParams("unknown prompt");
  } else if (*type == "ref/resource") {
    key = StringParam(ref, "uri");
    if (key == nullptr) return InvalidParams("ref/resource needs a uri");
  } else {
    return InvalidParams(fmt::format("unknown reference type: {}", *type));
  }
  std::vector<std::string> values;
  if (auto completer = server_.FindCompleter(*type, *key, *argument)) {
    const std::string* typed_value = StringParam(argument_object, "value");
    const std::string typed = typed_value ? *typed_value : std::string();
    Json context_arguments = Json::object();
    if (params.contains("context") && params["context"].is_object()) {
      context_arguments = params["context"].value("arguments", Json::object());
    }
    values = (*completer)(typed, context_arguments);
  }
  const std::size_t total = values.size();
  if (values.size() > kMaxCompletionValues) values.resize(kMaxCompletionValues);
  return Json{{"completion",
               {{"values", values}, {"total", total}, {"hasMore", total > kMaxCompletionValues}}}};
}

void ServerSession::Log(LogLevel level, const std::string& logger, const Json& data) {
  {
    std::lock_guard lock(mu_);
    if (const ModernRequest* modern = CurrentModernLocked()) {
      // 2026-07-28: no log notifications unless the request asked for them.
      auto wanted = modern->log_level ? ParseLogLevel(*modern->log_level) : std::nullopt;
      if (!wanted || level < *wanted) return;
    } else if (log_level_ && level < *log_level_) {
      return;
    }
  }
  Json params = {{"level", LogLevelName(level)}, {"data", data}};
  if (!logger.empty()) params["logger"] = logger;
  (void)Notify("notifications/message", std::move(params));
}

Status ServerSession::Notify(const std::string& method, Json params) {
  return rpc_.Notify(method, std::move(params));
}

RpcResult ServerSession::CallIfCapable(const char* capability, const std::string& method,
                                       Json params, const CallOptions& options) {
  {
    std::lock_guard lock(mu_);
    if (CurrentModernLocked() != nullptr) {
      return MakeError(error_code::kMethodNotFound,
                       fmt::format("a {} request cannot send {} to the client; return an "
                                   "input_required result instead",
                                   kModernProtocolVersion, method));
    }
  }
  if (!client_capabilities().contains(capability)) {
    return MakeError(error_code::kMethodNotFound,
                     fmt::format("the client does not support {}", capability));
  }
  return rpc_.Call(method, std::move(params), options);
}

RpcResult ServerSession::Elicit(Json params, const CallOptions& options) {
  return CallIfCapable("elicitation", "elicitation/create", std::move(params), options);
}

RpcResult ServerSession::CreateMessage(Json params, const CallOptions& options) {
  return CallIfCapable("sampling", "sampling/createMessage", std::move(params), options);
}

RpcResult ServerSession::ListRoots(const CallOptions& options) {
  return CallIfCapable("roots", "roots/list", Json::object(), options);
}

RpcResult ServerSession::Call(const std::string& method, Json params, const CallOptions& options) {
  return rpc_.Call(method, std::move(params), options);
}

}  // namespace aurite::mcp
