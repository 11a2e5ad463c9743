// Starting `aurite sql-server --http` for tests and reading its port.
#include "servers/sql/http_sql_server_process.h"

#include <gtest/gtest.h>

#include "runtime/line_reader.h"

namespace aurite::servers::sql {

HttpSqlServerProcess StartHttpSqlServer(std::vector<std::string> flags,
                                        std::vector<std::string> environment, std::uint16_t port) {
  runtime::SpawnOptions spawn;
  spawn.program = AURITE_BINARY;
  spawn.arguments = {"sql-server", "--http", std::to_string(port)};
  for (std::string& flag : flags) spawn.arguments.push_back(std::move(flag));
  spawn.environment = std::move(environment);
  spawn.environment.push_back("PATH=/usr/bin:/bin");
  HttpSqlServerProcess server;
  StatusOr<std::unique_ptr<runtime::ChildProcess>> child = runtime::ChildProcess::Spawn(spawn);
  EXPECT_TRUE(child.ok()) << child.status().ToString();
  if (!child.ok()) return server;
  server.child = std::move(child).value();
  runtime::LineReader reader(server.child->stderr_fd(), 1 << 16);
  const std::string listening = "://127.0.0.1:";
  while (auto item = reader.Next()) {
    server.log += item->line + "\n";
    if (std::size_t at = item->line.find(listening); at != std::string::npos) {
      server.port = static_cast<std::uint16_t>(std::stoi(item->line.substr(at + listening.size())));
      break;
    }
  }
  return server;
}

}  // namespace aurite::servers::sql
