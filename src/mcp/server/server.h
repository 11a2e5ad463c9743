// McpServer: the registry of what a server offers, shared by all of its
// connections. Each connection is a ServerSession (server_session.h) made by
// Connect(); transports own the sessions.
//
// Contract:
//  - Registration is thread-safe and may happen while serving; adding or
//    removing a tool, resource or prompt sends the matching list_changed
//    notification to every initialized session.
//  - Handlers run on session worker threads, possibly concurrently; they
//    report protocol errors as RpcError and tool failures as a result with
//    isError (ToolErrorResult).
//  - The server must outlive its sessions.
//  - The session-closed handler runs once per session a transport ends
//    (ServerSession::End: HTTP DELETE, idle expiry, HttpServer::Stop, stdio
//    EOF), after the session's last handler returned and before it is
//    destroyed. The per-request sessions of stateless (2026-07-28) HTTP
//    requests are not reported: they never were a client connection.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "mcp/core/server_types.h"
#include "mcp/core/session.h"
#include "mcp/server/task_store.h"

namespace aurite::mcp {

class ServerSession;

struct ServerOptions {
  Implementation info{"aurite", "0.1.0", ""};
  std::string instructions;
  // Which capabilities to advertise.
  bool tools = true;
  bool resources = true;
  bool prompts = true;
  bool logging = true;
  bool completions = true;
  // Tasks (mcp/core/tasks.h): advertised, and tools whose task_support is
  // not kForbidden run as tasks when the client asks (2025-11-25) or
  // declared the extension (2026-07-28).
  bool tasks = false;
  TaskLimits task_limits;
  Json experimental = Json::object();  // capabilities.experimental
  std::size_t page_size = 100;
  SessionOptions session;
};

// What a handler can reach: its request (cancellation, progress) and the
// connection it came on (logging, requests to the client).
struct CallContext {
  RequestContext& rpc;
  ServerSession& session;
  // The request's whole params (e.g. inputResponses, requestState of the
  // 2026-07-28 era; see input_required.h); null when not known.
  const Json* request_params = nullptr;
};

using ToolHandler = std::function<RpcResult(const Json& arguments, CallContext& context)>;
// Runs on the request before a call becomes a task: a result ends the call
// there (e.g. input_required while the 2026-07-28 multi-round-trip gathers
// input), nullopt lets the task start.
using TaskPrecheck =
    std::function<std::optional<RpcResult>(const Json& arguments, CallContext& context)>;
// Whether `session` may see and call the tool `name`: nullopt when it may,
// otherwise why not (the text of the tool error a call gets). `calling` is
// true for a tools/call, false while listing tools.
using ToolGate = std::function<std::optional<std::string>(
    const std::string& name, const ServerSession& session, bool calling)>;
// Returns a ReadResourceResult: {"contents": [...]}.
using ResourceReader = std::function<RpcResult(const std::string& uri, CallContext& context)>;
using TemplateReader = std::function<RpcResult(const std::string& uri,
                                               const std::map<std::string, std::string>& variables,
                                               CallContext& context)>;
// Returns a GetPromptResult: {"messages": [...]}.
using PromptHandler = std::function<RpcResult(const std::map<std::string, std::string>& arguments,
                                              CallContext& context)>;
// Candidate values for an argument being typed; `context_arguments` holds the
// other arguments already given.
using Completer = std::function<std::vector<std::string>(const std::string& value,
                                                         const Json& context_arguments)>;

class McpServer {
 public:
  explicit McpServer(ServerOptions options = {});
  ~McpServer();
  McpServer(const McpServer&) = delete;
  McpServer& operator=(const McpServer&) = delete;

  const ServerOptions& options() const { return options_; }

  // Adding under an existing name replaces the entry.
  void AddTool(Tool tool, ToolHandler handler, TaskPrecheck precheck = nullptr);
  bool RemoveTool(const std::string& name);
  void AddResource(Resource resource, ResourceReader reader);
  bool RemoveResource(const std::string& uri);
  void AddResourceTemplate(ResourceTemplate resource_template, TemplateReader reader);
  void AddPrompt(Prompt prompt, PromptHandler handler);
  bool RemovePrompt(const std::string& name);
  // `ref_type` is "ref/prompt" (key: prompt name) or "ref/resource" (key: URI template).
  void SetCompleter(const std::string& ref_type, const std::string& key,
                    const std::string& argument, Completer completer);

  // Set before serving. tools/list then shows a session only the tools the
  // gate lets it call, and a tools/call of any other tool gets a tool error
  // with the gate's reason; without a gate every session sees every tool.
  void SetToolGate(ToolGate gate);
  // The session's view of ListTools(): every tool the gate lets it call.
  Json ListToolsFor(const ServerSession& session) const;
  // The gate's reason to refuse `session` a call of `name`; nullopt: none.
  std::optional<std::string> RefuseCall(const std::string& name,
                                        const ServerSession& session) const;

  // Sends notifications/resources/updated to every session subscribed to `uri`.
  void NotifyResourceUpdated(const std::string& uri);

  // A new connection; `send` delivers its outgoing messages.
  std::shared_ptr<ServerSession> Connect(SendFn send);

  // Handles notification `method` from any client (set before serving);
  // runs in arrival order with the session's other notifications.
  using NotificationHandler = std::function<void(ServerSession& session, const Json& params)>;
  void SetNotificationHandler(const std::string& method, NotificationHandler handler);
  std::optional<NotificationHandler> FindNotificationHandler(const std::string& method) const;

  // Set before serving; e.g. to release what the session's client opened.
  using SessionClosedHandler = std::function<void(const ServerSession&)>;
  void SetSessionClosedHandler(SessionClosedHandler handler);
  // Called by ServerSession::End; runs the handler, if any.
  void SessionClosed(const ServerSession& session);

  // Lookups used by ServerSession. Entries are shared so a handler can run
  // after it was replaced.
  struct ToolEntry {
    Tool tool;
    ToolHandler handler;
    TaskPrecheck precheck;
  };
  struct ResourceEntry {
    Resource resource;
    ResourceReader reader;
  };
  struct TemplateEntry {
    ResourceTemplate resource_template;
    TemplateReader reader;
  };
  struct PromptEntry {
    Prompt prompt;
    PromptHandler handler;
  };
  std::shared_ptr<const ToolEntry> FindTool(const std::string& name) const;
  std::shared_ptr<const ResourceEntry> FindResource(const std::string& uri) const;
  std::vector<std::shared_ptr<const TemplateEntry>> Templates() const;
  std::shared_ptr<const PromptEntry> FindPrompt(const std::string& name) const;
  std::optional<Completer> FindCompleter(const std::string& ref_type, const std::string& key,
                                         const std::string& argument) const;
  Json ListTools() const;
  Json ListResources() const;
  Json ListResourceTemplates() const;
  Json ListPrompts() const;
  // Null unless options().tasks.
  TaskStore* tasks() { return tasks_.get(); }

 private:
  void Broadcast(const std::string& method, const Json& params);
  std::vector<std::shared_ptr<ServerSession>> LiveSessions();

  const ServerOptions options_;
  mutable std::mutex mu_;
  std::map<std::string, std::shared_ptr<const ToolEntry>> tools_;
  std::map<std::string, std::shared_ptr<const ResourceEntry>> resources_;
  std::vector<std::shared_ptr<const TemplateEntry>> templates_;
  std::map<std::string, std::shared_ptr<const PromptEntry>> prompts_;
  std::map<std::string, Completer> completers_;
  std::vector<std::weak_ptr<ServerSession>> sessions_;
  SessionClosedHandler session_closed_;
  ToolGate tool_gate_;
  std::map<std::string, NotificationHandler> notification_handlers_;
  // Last: destroyed first, so running tasks end while the registry lives.
  std::unique_ptr<TaskStore> tasks_;
};

}  // namespace aurite::mcp
