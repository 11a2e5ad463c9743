// Client calls are thin: parameter shapes here, correlation in Session.
#include "mcp/client/client.h"

#include <fmt/format.h>

#include "mcp/core/protocol_version.h"

namespace aurite::mcp {

namespace {
// A server that keeps returning cursors must not make ListAll loop forever.
constexpr int kMaxPages = 10000;
}  // namespace

Json ApplyElicitationDefaults(const Json& requested_schema, Json content) {
  if (!content.is_object()) content = Json::object();
  if (!requested_schema.is_object() || !requested_schema.contains("properties") ||
      !requested_schema["properties"].is_object()) {
    return content;
  }
  for (const auto& [name, property] : requested_schema["properties"].items()) {
    if (property.is_object() && property.contains("default") && !content.contains(name)) {
      content[name] = property["default"];
    }
  }
  return content;
}

McpClient::McpClient(SendFn send, ClientOptions options)
    : options_(std::move(options)), rpc_(std::move(send), options_.session) {
  rpc_.SetRequestHandler([this](const Request& request, RequestContext& context) {
    return Dispatch(request, context);
  });
  rpc_.SetNotificationHandler(
      [this](const Notification& notification) { DispatchNotification(notification); });
}

McpClient::~McpClient() {
  rpc_.Close();
  rpc_.WaitIdle();
}

void McpClient::SetRequestHandler(const std::string& method, RequestHandler handler) {
  std::lock_guard lock(mu_);
  request_handlers_[method] = std::move(handler);
}

void McpClient::SetNotificationHandler(const std::string& method, NotificationHandler handler) {
  std::lock_guard lock(mu_);
  notification_handlers_[method] = std::move(handler);
}

RpcResult McpClient::Dispatch(const Request& request, RequestContext& context) {
  RequestHandler handler;
  {
    std::lock_guard lock(mu_);
    auto it = request_handlers_.find(request.method);
    if (it != request_handlers_.end()) handler = it->second;
  }
  if (!handler) {
    return MakeError(error_code::kMethodNotFound,
                     fmt::format("method not found: {}", request.method));
  }
  return handler(request.params, context);
}

void McpClient::DispatchNotification(const Notification& notification) {
  NotificationHandler handler;
  {
    std::lock_guard lock(mu_);
    auto it = notification_handlers_.find(notification.method);
    if (it != notification_handlers_.end()) handler = it->second;
  }
  if (handler) handler(notification.params);
}

RpcResult McpClient::Initialize(const CallOptions& options) {
  Json params = {{"protocolVersion", options_.protocol_version},
                 {"capabilities", options_.capabilities},
                 {"clientInfo", options_.info.ToJson()}};
  RpcResult result = rpc_.Call("initialize", std::move(params), options);
  if (!result.ok()) return result;
  const Json& value = result.value();
  if (!value.is_object() || !value.contains("protocolVersion") ||
      !value["protocolVersion"].is_string()) {
    return MakeError(error_code::kInvalidRequest, "server sent a malformed initialize result");
  }
  const std::string version = value["protocolVersion"];
  if (!IsSupportedProtocolVersion(version)) {
    return MakeError(
        error_code::kInvalidRequest,
        fmt::format("server chose protocol version {}, which we do not support", version));
  }
  {
    std::lock_guard lock(mu_);
    initialize_result_ = value;
  }
  rpc_.SetBatchesAllowed(AllowsBatches(version));
  (void)rpc_.Notify("notifications/initialized");
  return result;
}

std::string McpClient::protocol_version() const {
  std::lock_guard lock(mu_);
  return initialize_result_.value("protocolVersion", "");
}

Json McpClient::server_capabilities() const {
  std::lock_guard lock(mu_);
  return initialize_result_.value("capabilities", Json::object());
}

Json McpClient::server_info() const {
  std::lock_guard lock(mu_);
  return initialize_result_.value("serverInfo", Json::object());
}

std::string McpClient::instructions() const {
  std::lock_guard lock(mu_);
  return initialize_result_.value("instructions", "");
}

RpcResult McpClient::ListAll(const std::string& method, const char* key,
                             const CallOptions& options) {
  Json all = Json::array();
  Json params = Json::object();
  for (int page = 0; page < kMaxPages; ++page) {
    RpcResult result = rpc_.Call(method, params, options);
    if (!result.ok()) return result;
    const Json& value = result.value();
    if (!value.is_object() || !value.contains(key) || !value[key].is_array()) {
      return MakeError(error_code::kInternalError, fmt::format("malformed {} result", method));
    }
    for (const auto& item : value[key]) all.push_back(item);
    if (!value.contains("nextCursor") || !value["nextCursor"].is_string()) {
      return Json{{key, std::move(all)}};
    }
    params["cursor"] = value["nextCursor"];
  }
  return MakeError(error_code::kInternalError, fmt::format("{} did not stop paginating", method));
}

RpcResult McpClient::Ping(const CallOptions& options) {
  return rpc_.Call("ping", nullptr, options);
}

RpcResult McpClient::ListTools(const CallOptions& options) {
  return ListAll("tools/list", "tools", options);
}

RpcResult McpClient::CallTool(const std::string& name, Json arguments, const CallOptions& options) {
  return rpc_.Call("tools/call", {{"name", name}, {"arguments", std::move(arguments)}}, options);
}

void McpClient::CallToolAsync(const std::string& name, Json arguments, const CallOptions& options,
                              Session::CallDone done) {
  rpc_.CallAsync("tools/call", {{"name", name}, {"arguments", std::move(arguments)}}, options,
                 std::move(done));
}

RpcResult McpClient::ListResources(const CallOptions& options) {
  return ListAll("resources/list", "resources", options);
}

RpcResult McpClient::ListResourceTemplates(const CallOptions& options) {
  return ListAll("resources/templates/list", "resourceTemplates", options);
}

RpcResult McpClient::ReadResource(const std::string& uri, const CallOptions& options) {
  return rpc_.Call("resources/read", {{"uri", uri}}, options);
}

RpcResult McpClient::Subscribe(const std::string& uri, const CallOptions& options) {
  return rpc_.Call("resources/subscribe", {{"uri", uri}}, options);
}

RpcResult McpClient::Unsubscribe(const std::string& uri, const CallOptions& options) {
  return rpc_.Call("resources/unsubscribe", {{"uri", uri}}, options);
}

RpcResult McpClient::ListPrompts(const CallOptions& options) {
  return ListAll("prompts/list", "prompts", options);
}

RpcResult McpClient::GetPrompt(const std::string& name,
                               const std::map<std::string, std::string>& arguments,
                               const CallOptions& options) {
  return rpc_.Call("prompts/get", {{"name", name}, {"arguments", arguments}}, options);
}

RpcResult McpClient::Complete(Json ref, const std::string& argument, const std::string& value,
                              const CallOptions& options) {
  return rpc_.Call("completion/complete",
                   {{"ref", std::move(ref)}, {"argument", {{"name", argument}, {"value", value}}}},
                   options);
}

RpcResult McpClient::SetLogLevel(const std::string& level, const CallOptions& options) {
  return rpc_.Call("logging/setLevel", {{"level", level}}, options);
}

RpcResult McpClient::Call(const std::string& method, Json params, const CallOptions& options) {
  return rpc_.Call(method, std::move(params), options);
}

Status McpClient::Notify(const std::string& method, Json params) {
  return rpc_.Notify(method, std::move(params));
}

}  // namespace aurite::mcp
