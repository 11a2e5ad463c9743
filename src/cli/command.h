// How subcommands plug into the `aurite` binary.
//
// Each subcommand file exposes one Register…Command(app, result) function.
// CLI11 callbacks cannot return a value, so a command stores its exit status
// in the shared CommandResult.
#pragma once

#include <CLI/CLI.hpp>

namespace aurite::cli {

// Exit statuses shared by every subcommand.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFindings = 1;  // e.g. `scan` found secrets
inline constexpr int kExitUsage = 2;     // bad arguments, configuration or key

struct CommandResult {
  int exit_status = kExitOk;
};

void RegisterKeyCommand(CLI::App& app, CommandResult& result);
// Adds `rotate` to the `key` subcommand that RegisterKeyCommand made.
void RegisterKeyRotateCommand(CLI::App& key, CommandResult& result);
void RegisterSecureCommand(CLI::App& app, CommandResult& result);
void RegisterTokensCommand(CLI::App& app, CommandResult& result);
void RegisterMaskCommand(CLI::App& app, CommandResult& result);
void RegisterScanCommand(CLI::App& app, CommandResult& result);
void RegisterAuditCommand(CLI::App& app, CommandResult& result);
void RegisterStoreCommand(CLI::App& app, CommandResult& result);
void RegisterSqlServerCommand(CLI::App& app, CommandResult& result);
void RegisterServeCommand(CLI::App& app, CommandResult& result);
void RegisterCredentialsCommand(CLI::App& app, CommandResult& result);
void RegisterSecretCommand(CLI::App& app, CommandResult& result);

}  // namespace aurite::cli
