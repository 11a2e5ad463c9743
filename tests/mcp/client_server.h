// Test helper: an McpClient connected to an McpServer through in-memory
// channels, each with its own reader thread.
#pragma once

#include <memory>

#include "mcp/client/client.h"
#include "mcp/server/server.h"
#include "mcp/server/server_session.h"
#include "test_wire.h"

namespace aurite::mcp::testing {

struct ClientServer {
  explicit ClientServer(ServerOptions server_options = {}, ClientOptions client_opts = {})
      : server(std::move(server_options)), client_options(std::move(client_opts)) {}
  ~ClientServer() {
    to_server.Stop();
    to_client.Stop();
    client.reset();
    session.reset();
  }
  // Connects; register client handlers on `client` before Initialize().
  McpClient& Start() {
    session = server.Connect(to_client.Sender());
    client = std::make_unique<McpClient>(to_server.Sender(), client_options);
    to_server.Start([this](const std::string& text) { session->Receive(text); });
    to_client.Start([this](const std::string& text) { client->Receive(text); });
    return *client;
  }
  McpClient& StartInitialized() {
    Start();
    RpcResult r = client->Initialize();
    if (!r.ok()) throw std::runtime_error(r.error().message);
    return *client;
  }

  McpServer server;
  ClientOptions client_options;
  Channel to_server, to_client;
  std::shared_ptr<ServerSession> session;
  std::unique_ptr<McpClient> client;
};

}  // namespace aurite::mcp::testing
