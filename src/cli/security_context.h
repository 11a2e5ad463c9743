// What the security subcommands share: opening the SecurityManager over the
// persistent store with the configured keys, reading secrets safely, and
// parsing durations.
#pragma once

#include <CLI/CLI.hpp>
#include <chrono>
#include <filesystem>
#include <memory>
#include <string>

#include "base/status.h"
#include "crypto/key_loader.h"
#include "crypto/secret_buffer.h"
#include "security/security_manager.h"

namespace aurite::cli {

// --store and --audit-log, shared by every command that opens the store.
struct StoreFlags {
  std::string store_path;
  std::string audit_log_path;
};
void AddStoreFlags(CLI::App& command, StoreFlags& flags);

// Opens the persistent store with AURITE_MCP_ENCRYPTION_KEY(_FILE) as the
// current key and AURITE_MCP_PREVIOUS_KEYS (comma-separated) as older keys,
// and the audit log, then removes the key variables from the environment.
// Fails when no key is set: without one nothing the CLI secures could outlive
// the process. When `current_key` is given it receives the current key (for
// rotation).
StatusOr<std::unique_ptr<security::SecurityManager>> OpenSecurityManager(
    const StoreFlags& flags, std::optional<crypto::FernetKey>* current_key = nullptr);

// The postgresql:// URL of a shared store given as --store, its ${...}
// references expanded. A literal password is refused: a command line can be
// read by anyone on the machine.
StatusOr<crypto::SecretBuffer> ExpandStoreUrl(const std::string& value);

// The store key from the variable a configuration names
// (AURITE_MCP_ENCRYPTION_KEY by default, or NAME_FILE for a file), then wiped
// from this process's environment, so no child inherits it.
StatusOr<crypto::KeySetting> ReadStoreKey(const std::string& key_env);

// Reads a secret: from a no-echo terminal prompt when stdin is a terminal,
// otherwise all of stdin. One trailing newline is dropped.
StatusOr<crypto::SecretBuffer> ReadSecretFromStdin(std::string_view prompt);

// "90", "90s", "15m", "1h", "7d" → seconds. "0" is zero (no expiry).
StatusOr<std::chrono::seconds> ParseDuration(std::string_view text);

// "2026-01-02T03:04:05Z" for Unix seconds.
std::string FormatUnixTime(std::int64_t seconds);

// Prints "aurite: error: <message>" on stderr and returns kExitUsage.
int ReportError(const Status& status);

}  // namespace aurite::cli
