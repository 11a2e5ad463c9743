// Test support: spawning `aurite sql-server` and calling its tools.
#include "servers/sql/sql_server_client.h"

#include <gtest/gtest.h>

namespace aurite::servers::sql::testing {

std::unique_ptr<SqlServerClient> SqlServerClient::Start(
    std::vector<std::string> flags, mcp::Json capabilities,
    const std::function<void(mcp::McpClient&)>& prepare) {
  mcp::StdioClientOptions options;
  options.spawn.program = AURITE_BINARY;
  options.spawn.arguments = {"sql-server"};
  for (std::string& flag : flags) options.spawn.arguments.push_back(std::move(flag));
  options.spawn.environment = {"PATH=/usr/bin:/bin"};
  options.client.capabilities = std::move(capabilities);
  options.log_name = "sql-server";
  StatusOr<std::unique_ptr<mcp::StdioClient>> process = mcp::StdioClient::Start(std::move(options));
  EXPECT_TRUE(process.ok()) << process.status().ToString();
  if (!process.ok()) return nullptr;
  auto client = std::make_unique<SqlServerClient>();
  client->process = std::move(process).value();
  if (prepare) prepare(client->process->client());
  mcp::RpcResult initialized = client->process->client().Initialize();
  EXPECT_TRUE(initialized.ok()) << (initialized.ok() ? "" : initialized.error().message);
  return client;
}

mcp::Json SqlServerClient::Call(const std::string& tool, mcp::Json arguments) {
  mcp::RpcResult result = process->client().CallTool(tool, std::move(arguments));
  EXPECT_TRUE(result.ok()) << tool << ": " << (result.ok() ? "" : result.error().message);
  return result.ok() ? result.value() : mcp::Json::object();
}

}  // namespace aurite::servers::sql::testing
