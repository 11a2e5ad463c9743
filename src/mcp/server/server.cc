// The registry copies entries out under its lock and never calls handlers or
// sessions while holding it.
#include "mcp/server/server.h"

#include "mcp/server/server_session.h"

namespace aurite::mcp {
namespace {

std::string CompleterKey(const std::string& ref_type, const std::string& key,
                         const std::string& argument) {
  return ref_type + '\n' + key + '\n' + argument;
}

}  // namespace

McpServer::McpServer(ServerOptions options) : options_(std::move(options)) {
  if (options_.tasks) tasks_ = std::make_unique<TaskStore>(options_.task_limits);
}

McpServer::~McpServer() = default;

void McpServer::AddTool(Tool tool, ToolHandler handler, TaskPrecheck precheck) {
  {
    std::lock_guard lock(mu_);
    std::string name = tool.name;
    tools_[name] = std::make_shared<const ToolEntry>(
        ToolEntry{std::move(tool), std::move(handler), std::move(precheck)});
  }
  Broadcast("notifications/tools/list_changed", nullptr);
}

bool McpServer::RemoveTool(const std::string& name) {
  {
    std::lock_guard lock(mu_);
    if (tools_.erase(name) == 0) return false;
  }
  Broadcast("notifications/tools/list_changed", nullptr);
  return true;
}

void McpServer::AddResource(Resource resource, ResourceReader reader) {
  {
    std::lock_guard lock(mu_);
    std::string uri = resource.uri;
    resources_[uri] = std::make_shared<const ResourceEntry>(
        ResourceEntry{std::move(resource), std::move(reader)});
  }
  Broadcast("notifications/resources/list_changed", nullptr);
}

bool McpServer::RemoveResource(const std::string& uri) {
  {
    std::lock_guard lock(mu_);
    if (resources_.erase(uri) == 0) return false;
  }
  Broadcast("notifications/resources/list_changed", nullptr);
  return true;
}

void McpServer::AddResourceTemplate(ResourceTemplate resource_template, TemplateReader reader) {
  {
    std::lock_guard lock(mu_);
    std::erase_if(templates_, [&](const auto& entry) {
      return entry->resource_template.uri_template == resource_template.uri_template;
    });
    templates_.push_back(std::make_shared<const TemplateEntry>(
        TemplateEntry{std::move(resource_template), std::move(reader)}));
  }
  Broadcast("notifications/resources/list_changed", nullptr);
}

void McpServer::AddPrompt(Prompt prompt, PromptHandler handler) {
  {
    std::lock_guard lock(mu_);
    std::string name = prompt.name;
    prompts_[name] =
        std::make_shared<const PromptEntry>(PromptEntry{std::move(prompt), std::move(handler)});
  }
  Broadcast("notifications/prompts/list_changed", nullptr);
}

bool McpServer::RemovePrompt(const std::string& name) {
  {
    std::lock_guard lock(mu_);
    if (prompts_.erase(name) == 0) return false;
  }
  Broadcast("notifications/prompts/list_changed", nullptr);
  return true;
}

void McpServer::SetCompleter(const std::string& ref_type, const std::string& key,
                             const std::string& argument, Completer completer) {
  std::lock_guard lock(mu_);
  completers_[CompleterKey(ref_type, key, argument)] = std::move(completer);
}

void McpServer::NotifyResourceUpdated(const std::string& uri) {
  for (auto& session : LiveSessions()) {
    if (session->subscribed(uri)) {
      (void)session->Notify("notifications/resources/updated", {{"uri", uri}});
    }
  }
}

std::shared_ptr<ServerSession> McpServer::Connect(SendFn send) {
  auto session = std::make_shared<ServerSession>(*this, std::move(send));
  std::lock_guard lock(mu_);
  std::erase_if(sessions_, [](const auto& weak) { return weak.expired(); });
  sessions_.push_back(session);
  return session;
}

void McpServer::SetNotificationHandler(const std::string& method, NotificationHandler handler) {
  std::lock_guard lock(mu_);
  notification_handlers_[method] = std::move(handler);
}

std::optional<McpServer::NotificationHandler> McpServer::FindNotificationHandler(
    const std::string& method) const {
  std::lock_guard lock(mu_);
  auto it = notification_handlers_.find(method);
  if (it == notification_handlers_.end()) return std::nullopt;
  return it->second;
}

void McpServer::SetSessionClosedHandler(SessionClosedHandler handler) {
  std::lock_guard lock(mu_);
  session_closed_ = std::move(handler);
}

void McpServer::SessionClosed(const ServerSession& session) {
  SessionClosedHandler handler;
  {
    std::lock_guard lock(mu_);
    handler = session_closed_;
  }
  // Outside the lock: the handler may take long (e.g. backend calls).
  if (handler) handler(session);
}

std::vector<std::shared_ptr<ServerSession>> McpServer::LiveSessions() {
  std::vector<std::shared_ptr<ServerSession>> live;
  std::lock_guard lock(mu_);
  for (const auto& weak : sessions_) {
    if (auto session = weak.lock()) live.push_back(std::move(session));
  }
  return live;
}

void McpServer::Broadcast(const std::string& method, const Json& params) {
  for (auto& session : LiveSessions()) {
    if (session->initialized()) (void)session->Notify(method, params);
  }
}

std::shared_ptr<const McpServer::ToolEntry> McpServer::FindTool(const std::string& name) const {
  std::lock_guard lock(mu_);
  auto it = tools_.find(name);
  return it == tools_.end() ? nullptr : it->second;
}

std::shared_ptr<const McpServer::ResourceEntry> McpServer::FindResource(
    const std::string& uri) const {
  std::lock_guard lock(mu_);
  auto it = resources_.find(uri);
  return it == resources_.end() ? nullptr : it->second;
}

std::vector<std::shared_ptr<const McpServer::TemplateEntry>> McpServer::Templates() const {
  std::lock_guard lock(mu_);
  return templates_;
}

std::shared_ptr<const McpServer::PromptEntry> McpServer::FindPrompt(const std::string& name) const {
  std::lock_guard lock(mu_);
  auto it = prompts_.find(name);
  return it == prompts_.end() ? nullptr : it->second;
}

std::optional<Completer> McpServer::FindCompleter(const std::string& ref_type,
                                                  const std::string& key,
                                                  const std::string& argument) const {
  std::lock_guard lock(mu_);
  auto it = completers_.find(CompleterKey(ref_type, key, argument));
  if (it == completers_.end()) return std::nullopt;
  return it->second;
}

Json McpServer::ListTools() const {
  std::lock_guard lock(mu_);
  Json list = Json::array();
  for (const auto& [name, entry] : tools_) list.push_back(entry->tool.ToJson());
  return list;
}

void McpServer::SetToolGate(ToolGate gate) {
  std::lock_guard lock(mu_);
  tool_gate_ = std::move(gate);
}

Json McpServer::ListToolsFor(const ServerSession& session) const {
  ToolGate gate;
  {
    std::lock_guard lock(mu_);
    gate = tool_gate_;
  }
  Json list = ListTools();
  if (!gate) return list;
  Json allowed = Json::array();
  for (Json& tool : list) {
    if (!gate(tool.value("name", ""), session, false)) allowed.push_back(std::move(tool));
  }
  return allowed;
}

std::optional<std::string> McpServer::RefuseCall(const std::string& name,
                                                 const ServerSession& session) const {
  ToolGate gate;
  {
    std::lock_guard lock(mu_);
    gate = tool_gate_;
  }
  if (!gate) return std::nullopt;
  return gate(name, session, true);
}

Json McpServer::ListResources() const {
  std::lock_guard lock(mu_);
  Json list = Json::array();
  for (const auto& [uri, entry] : resources_) list.push_back(entry->resource.ToJson());
  return list;
}

Json McpServer::ListResourceTemplates() const {
  std::lock_guard lock(mu_);
  Json list = Json::array();
  for (const auto& entry : templates_) list.push_back(entry->resource_template.ToJson());
  return list;
}

Json McpServer::ListPrompts() const {
  std::lock_guard lock(mu_);
  Json list = Json::array();
  for (const auto& [name, entry] : prompts_) list.push_back(entry->prompt.ToJson());
  return list;
}

}  // namespace aurite::mcp
