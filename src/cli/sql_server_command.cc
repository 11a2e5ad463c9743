// `aurite sql-server`: the SQL MCP server over stdio.
#include <iostream>

#include "cli/command.h"
#include "mcp/stdio_server.h"
#include "servers/sql/sql_server.h"

namespace aurite::cli {
namespace {

struct SqlServerFlags {
  bool allow_writes = false;
  std::size_t max_rows = 1000;
  std::size_t max_result_bytes = 4 * 1024 * 1024;
  double statement_timeout_s = 30;
  std::size_t max_connections = 16;
  double idle_timeout_s = 300;
};

int RunSqlServer(const SqlServerFlags& flags) {
  servers::sql::SqlServerOptions options;
  options.allow_writes = flags.allow_writes;
  options.max_rows = flags.max_rows;
  options.max_result_bytes = flags.max_result_bytes;
  options.statement_timeout =
      std::chrono::milliseconds(static_cast<std::int64_t>(flags.statement_timeout_s * 1000));
  options.max_connections = flags.max_connections;
  options.idle_timeout =
      std::chrono::milliseconds(static_cast<std::int64_t>(flags.idle_timeout_s * 1000));
  servers::sql::SqlServer sql(options);
  mcp::McpServer server(servers::sql::SqlServer::ServerOptions());
  sql.RegisterWith(server);
  Status served = mcp::ServeStdio(server);
  if (!served.ok()) {
    std::cerr << "aurite sql-server: " << served.message() << "\n";
    return 1;
  }
  return kExitOk;
}

}  // namespace

void RegisterSqlServerCommand(CLI::App& app, CommandResult& result) {
  auto flags = std::make_shared<SqlServerFlags>();
  CLI::App* command = app.add_subcommand(
      "sql-server",
      "Serve SQLite, PostgreSQL and MariaDB/MySQL databases as an MCP server on stdio");
  command->add_flag(
      "--allow-writes", flags->allow_writes,
      "Let queries write (INSERT, UPDATE, DDL); without it the database refuses writes");
  command->add_option("--max-rows", flags->max_rows, "Most rows one query returns")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  command
      ->add_option("--max-result-bytes", flags->max_result_bytes,
                   "Most bytes of rows one query returns")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  command
      ->add_option("--statement-timeout", flags->statement_timeout_s,
                   "Seconds before the database cancels a statement")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  command->add_option("--max-connections", flags->max_connections, "Most open connection ids")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  command
      ->add_option("--idle-timeout", flags->idle_timeout_s,
                   "Seconds before an idle database session is closed")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  command->footer(
      "Tools: connect_database, list_tables, describe_table, execute_query, explain_query, "
      "disconnect.\n\nClaude Desktop configuration:\n"
      "  {\"mcpServers\": {\"sql\": {\"command\": \"aurite\", \"args\": [\"sql-server\"]}}}\n"
      "Then ask the model to connect to e.g. sqlite:////home/me/data.db. Under `aurite serve`, "
      "connection strings are replaced by access tokens before they reach this server.");
  command->callback([flags, &result] { result.exit_status = RunSqlServer(*flags); });
}

}  // namespace aurite::cli
