// McpClient: the client side of one MCP connection, used by the host to talk
// to its servers and by tests. The mirror of ServerSession.
//
// Contract:
//  - Register request and notification handlers before the transport starts
//    delivering messages. Server-to-client requests without a handler get
//    -32601; the capabilities advertised in initialize are the caller's to
//    keep consistent with the handlers registered.
//  - Initialize() must succeed before other calls; it fails when the server
//    answers with a protocol version we do not speak.
//  - List calls follow nextCursor and return every page merged.
//  - Thread-safe; calls block until the outcome (see Session::Call).
#pragma once

#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <string_view>

#include "mcp/core/server_types.h"
#include "mcp/core/session.h"

namespace aurite::mcp {

struct ClientOptions {
  Implementation info{"aurite", "0.1.0", ""};
  Json capabilities = Json::object();
  std::string protocol_version{"2025-11-25"};
  SessionOptions session;
};

// Fills in `content` every property of an elicitation's requestedSchema that
// has a "default" and was left out, as clients that advertise
// elicitation.form.applyDefaults must.
Json ApplyElicitationDefaults(const Json& requested_schema, Json content);

class McpClient {
 public:
  using RequestHandler = std::function<RpcResult(const Json& params, RequestContext& context)>;
  using NotificationHandler = std::function<void(const Json& params)>;

  McpClient(SendFn send, ClientOptions options = {});
  ~McpClient();
  McpClient(const McpClient&) = delete;
  McpClient& operator=(const McpClient&) = delete;

  void SetRequestHandler(const std::string& method, RequestHandler handler);
  void SetNotificationHandler(const std::string& method, NotificationHandler handler);

  // Transport side.
  void Receive(std::string_view text) { rpc_.Receive(text); }
  void Close() { rpc_.Close(); }
  Session& rpc() { return rpc_; }

  RpcResult Initialize(const CallOptions& options = {});
  std::string protocol_version() const;
  Json server_capabilities() const;
  Json server_info() const;
  std::string instructions() const;

  RpcResult Ping(const CallOptions& options = {});
  RpcResult ListTools(const CallOptions& options = {});
  RpcResult CallTool(const std::string& name, Json arguments, const CallOptions& options = {});
  // CallTool without waiting (Session::CallAsync): `done` gets the outcome.
  void CallToolAsync(const std::string& name, Json arguments, const CallOptions& options,
                     Session::CallDone done);
  RpcResult ListResources(const CallOptions& options = {});
  RpcResult ListResourceTemplates(const CallOptions& options = {});
  RpcResult ReadResource(const std::string& uri, const CallOptions& options = {});
  RpcResult Subscribe(const std::string& uri, const CallOptions& options = {});
  RpcResult Unsubscribe(const std::string& uri, const CallOptions& options = {});
  RpcResult ListPrompts(const CallOptions& options = {});
  RpcResult GetPrompt(const std::string& name, const std::map<std::string, std::string>& arguments,
                      const CallOptions& options = {});
  // `ref` is {"type":"ref/prompt","name":...} or {"type":"ref/resource","uri":...}.
  RpcResult Complete(Json ref, const std::string& argument, const std::string& value,
                     const CallOptions& options = {});
  RpcResult SetLogLevel(const std::string& level, const CallOptions& options = {});
  // Any other method.
  RpcResult Call(const std::string& method, Json params, const CallOptions& options = {});
  Status Notify(const std::string& method, Json params = nullptr);

 private:
  RpcResult ListAll(const std::string& method, const char* key, const CallOptions& options);
  RpcResult Dispatch(const Request& request, RequestContext& context);
  void DispatchNotification(const Notification& notification);

  const ClientOptions options_;
  mutable std::mutex mu_;
  std::map<std::string, RequestHandler> request_handlers_;
  std::map<std::string, NotificationHandler> notification_handlers_;
  Json initialize_result_ = Json::object();
  Session rpc_;  // last: destroyed (and drained) first
};

}  // namespace aurite::mcp
