// Opening the security layer for the CLI, and the helpers its commands share.
#include "cli/security_context.h"

#include <openssl/crypto.h>
#include <termios.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <iostream>

#include "cli/command.h"
#include "crypto/key_loader.h"
#include "host/config.h"
#include "host/postgres_audit_table.h"
#include "host/postgres_store.h"
#include "host/secret_reference.h"
#include "security/sqlite_store.h"
#include "security/store_keys.h"

namespace aurite::cli {
namespace {

Status NoKeyError() {
  return FailedPreconditionError(
      std::string(crypto::kKeyVariable) +
      " is not set, so nothing secured here would outlive this command. Set it to a key from "
      "`aurite key generate` (or a passphrase), or AURITE_MCP_ENCRYPTION_KEY_FILE to a file "
      "holding one");
}

int HideInput(bool hide) {
  termios settings{};
  if (tcgetattr(STDIN_FILENO, &settings) != 0) return -1;
  if (hide) {
    settings.c_lflag &= ~static_cast<tcflag_t>(ECHO);
  } else {
    settings.c_lflag |= ECHO;
  }
  return tcsetattr(STDIN_FILENO, TCSAFLUSH, &settings);
}

}  // namespace

void AddStoreFlags(CLI::App& command, StoreFlags& flags) {
  command.add_option("--store", flags.store_path,
                     "Credential store: a file (default: "
                     "$XDG_STATE_HOME/aurite/credentials.db), or the postgresql:// URL of a store "
                     "shared by several gateways; write its password as a reference, e.g. "
                     "postgresql://aurite:${env:STORE_PASSWORD}@db/aurite");
  command.add_option("--audit-log", flags.audit_log_path,
                     "Audit log file (default: next to the store, audit.jsonl)");
}

StatusOr<crypto::SecretBuffer> ExpandStoreUrl(const std::string& value) {
  if (!host::IsPostgresStoreUrl(value)) {
    return InvalidArgumentError("--store: expected the postgresql:// URL of a shared store");
  }
  if (!host::HasSecretReference(value) && host::UrlHoldsPassword(value)) {
    return InvalidArgumentError(
        "--store: the URL holds a password, and a command line can be read by anyone on this "
        "machine (ps). Write the password as a reference, e.g. "
        "postgresql://aurite:${env:STORE_PASSWORD}@db/aurite, or ${file:PATH}");
  }
  return host::ExpandSecretReferences(value, host::SystemReferenceSources());
}

StatusOr<std::unique_ptr<security::SecurityManager>> OpenSecurityManager(
    const StoreFlags& flags, std::optional<crypto::FernetKey>* current_key) {
  StatusOr<security::StoreKeySettings> settings = security::ReadStoreKeySettings();
  security::ForgetStoreKeyEnvironment();
  if (!settings.ok()) return settings.status();
  if (settings->current.form == crypto::KeyForm::kUnset) return NoKeyError();
  const bool shared = host::IsPostgresStoreUrl(flags.store_path);
  std::filesystem::path store_path = flags.store_path.empty() || shared
                                         ? security::DefaultStorePath()
                                         : std::filesystem::path(flags.store_path);
  std::filesystem::path audit_path = flags.audit_log_path.empty()
                                         ? store_path.parent_path() / "audit.jsonl"
                                         : std::filesystem::path(flags.audit_log_path);
  security::SecurityManagerOptions options;
  security::KeyProvider keys = security::MakeKeyProvider(*settings, current_key);
  // Expanded once: a reference may run a command or ask Vault.
  crypto::SecretBuffer url;
  if (shared) {
    AURITE_ASSIGN_OR_RETURN(url, ExpandStoreUrl(flags.store_path));
    AURITE_ASSIGN_OR_RETURN(options.store, host::PostgresStore::Open(url.Reveal(), keys));
  } else {
    AURITE_ASSIGN_OR_RETURN(options.store, security::SqliteStore::Open(store_path, keys));
  }
  AURITE_ASSIGN_OR_RETURN(options.audit_log, security::AuditLog::Open(audit_path));
  if (shared) {
    // What the command does is recorded with the fleet's records too.
    AURITE_RETURN_IF_ERROR(host::MirrorAuditToStore(*options.audit_log, url.Reveal()).status());
  }
  return security::SecurityManager::Create(std::move(options));
}

StatusOr<crypto::SecretBuffer> ReadSecretFromStdin(std::string_view prompt) {
  bool terminal = ::isatty(STDIN_FILENO) == 1;
  if (terminal) {
    std::cerr << prompt << std::flush;
    HideInput(true);
  }
  crypto::SecretBuffer secret;
  unsigned char chunk[4096];
  ssize_t n;
  while ((n = ::read(STDIN_FILENO, chunk, sizeof chunk)) > 0) {
    secret.Append(std::span<const unsigned char>(chunk, static_cast<std::size_t>(n)));
    if (terminal && chunk[n - 1] == '\n') break;
  }
  OPENSSL_cleanse(chunk, sizeof chunk);
  if (terminal) {
    HideInput(false);
    std::cerr << "\n";
  }
  std::size_t size = secret.size();
  if (size > 0 && secret.data()[size - 1] == '\n') --size;
  if (size > 0 && secret.data()[size - 1] == '\r') --size;
  secret.Truncate(size);
  if (secret.empty()) return InvalidArgumentError("no secret was given on stdin");
  return secret;
}

StatusOr<std::chrono::seconds> ParseDuration(std::string_view text) {
  std::int64_t value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  std::string_view unit(end, static_cast<std::size_t>(text.data() + text.size() - end));
  std::int64_t scale = unit.empty() || unit == "s" ? 1
                       : unit == "m"               ? 60
                       : unit == "h"               ? 3600
                       : unit == "d"               ? 86400
                                                   : 0;
  if (error != std::errc() || value < 0 || scale == 0 || end == text.data()) {
    return InvalidArgumentError("'" + std::string(text) +
                                "' is not a duration; use a number with s, m, h or d (e.g. 90s, "
                                "15m, 1h, 7d), or 0 for no expiry");
  }
  // Checked before multiplying: value * scale could overflow.
  const auto longest = std::chrono::duration_cast<std::chrono::seconds>(host::kLongestDuration);
  if (value > longest.count() / scale) {
    return InvalidArgumentError("'" + std::string(text) +
                                "' is longer than 100 years; use 0 for no expiry");
  }
  return std::chrono::seconds(value * scale);
}

std::string FormatUnixTime(std::int64_t seconds) {
  std::time_t time = static_cast<std::time_t>(seconds);
  std::tm utc{};
  gmtime_r(&time, &utc);
  char text[64];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return text;
}

StatusOr<crypto::KeySetting> ReadStoreKey(const std::string& key_env) {
  StatusOr<crypto::KeySetting> key = crypto::ReadKeySetting(crypto::ProcessEnvironment, key_env);
  crypto::ForgetKeyEnvironment();
  for (const std::string& name : {key_env, key_env + "_FILE"}) {
    if (char* value = std::getenv(name.c_str())) {
      std::fill(value, value + std::strlen(value), '\0');
      ::unsetenv(name.c_str());
    }
  }
  return key;
}

int ReportError(const Status& status) {
  std::cerr << "aurite: error: " << status.message() << "\n";
  return kExitUsage;
}

}  // namespace aurite::cli
