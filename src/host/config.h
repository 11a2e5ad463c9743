// aurite.json: the host's configuration.
//
//   {
//     "mcpServers": {                        // Claude Desktop format ("servers", VS Code's key,
//     too)
//       "sql": {"command": "aurite", "args": ["sql-server"], "env": {"K": "v"},
//               "capabilities": ["tools", "storage"], "timeout": "30s",
//               "restart": {"policy": "on-failure", "max_restarts": 5}, "allow_writes": false},
//       "docs": {"url": "https://mcp.example/mcp", "headers": {"Authorization": "Bearer ${env:T}"}}
//     },
//     "security": {"store": "FILE or postgresql://aurite:${env:PW}@db/aurite",
//                  "key_env": "AURITE_MCP_ENCRYPTION_KEY",
//                  "audit_log": "...", "default_token_ttl": "1h",
//                  "vault": {"address": "https://vault:8200", ...}},  // vault_config.h
//     "audit": {"statements": "masked"},     // audit_config.h
//     "connections": {"orders": {"storage_type": "postgresql",
//                                "connection_string": "postgresql://app:${env:PW}@db/orders"}},
//     "gateway": {"transport": "http", "host": "127.0.0.1", "port": 8765,
//                 "tls": {"cert_file": "...", "key_file": "..."},
//                 "bearer_tokens": ["${env:AURITE_GATEWAY_TOKEN}"], "allowed_origins": ["..."],
//                 "auth": {"issuer": "https://idp.example.com", ...},  // gateway_auth_config.h
//                 "http": {"max_sessions": 256, "header_timeout": "10s", ...,
//                          "ops_endpoints": {"metrics": false}}}
//   }
//
// Every error names the path of the bad key (e.g. `mcpServers.sql.timeout`)
// and what was expected; no error quotes a value that may be secret. Values
// that may hold secrets (server env and headers, connection strings, bearer
// tokens) accept ${env:…}/${file:…}/${exec:…} references, which are resolved
// while loading and kept only in SecretBuffers.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "base/status.h"
#include "credentials/credentials_config.h"
#include "crypto/secret_buffer.h"
#include "host/audit_config.h"
#include "host/gateway_auth_config.h"
#include "host/ops_endpoints_config.h"
#include "host/policy_config.h"
#include "host/secret_reference.h"
#include "host/vault_config.h"
#include "mcp/core/message_parser.h"
#include "mcp/transport/http_limits.h"
#include "mcp/transport/stdio_client.h"
#include "mcp/transport/stdio_server.h"
#include "secrets/vault_client.h"

namespace aurite::host {

using SecretPair = std::pair<std::string, crypto::SecretBuffer>;

struct RestartPolicy {
  enum class Mode { kNever, kOnFailure, kAlways };
  Mode mode = Mode::kOnFailure;
  int max_restarts = 5;  // within one supervision period; then the server stays down
  std::chrono::milliseconds initial_backoff{200};
  std::chrono::milliseconds max_backoff{10'000};
};

struct ServerConfig {
  std::string name;
  // A stdio server has a command; an HTTP server has a url.
  std::string command;
  std::vector<std::string> args;
  std::vector<SecretPair> env;  // the server's whole environment (nothing is inherited)
  std::string url;
  std::vector<SecretPair> headers;
  std::vector<std::string> capabilities;  // e.g. "tools", "storage"
  std::chrono::milliseconds timeout{30'000};
  // How long a stdio server may leave its full stdin pipe unread before it
  // is restarted as hung (StdioClientOptions::write_deadline).
  std::chrono::milliseconds write_timeout{mcp::kDefaultWriteDeadline};
  RestartPolicy restart;
  bool allow_writes = false;
  // `aurite sql-server` only: accept read-only connections whose login is
  // privileged (sql/privileged_login.h); its results then say read-only is
  // not enforced. Passed as --allow-privileged-login.
  bool allow_privileged_login = false;
  // The largest message the host reads from this server; an answer over it
  // fails its call at once. `aurite sql-server` is told to stay under it.
  std::size_t max_message_bytes = mcp::kDefaultServerMessageBytes;
  // How long the host polls this server's stdout before sleeping; set from
  // gateway.busy_poll_us.
  std::chrono::microseconds busy_poll{0};

  bool is_http() const { return !url.empty(); }
  bool HasCapability(std::string_view capability) const;
};

struct ConnectionConfig {
  std::string name;
  std::string storage_type;  // sql, sqlite, postgresql, mysql, mariadb
  crypto::SecretBuffer connection_string;
  std::string server;  // the backend to use; empty: any server with "storage"
  bool allow_writes = false;
  // Accept a privileged login for this connection read-only (see
  // ServerConfig::allow_privileged_login); told to the backend in the
  // answer to its resolve request.
  bool allow_privileged_login = false;
  // How the host makes this connection's login (connections.<name>.credentials);
  // none: the connection string carries it.
  std::optional<credentials::CredentialsConfig> credentials;
  // Set when a reference in connection_string has refresh= (secret_reference.h):
  // the host reads it again that often (SecretRefresher).
  std::optional<SecretRefresh> refresh;
};

struct SecurityConfig {
  // security.store (or store_path, its older name) when it names a file.
  std::optional<std::filesystem::path> store_path;  // default: under $XDG_STATE_HOME/aurite
  // security.store when it is a postgresql:// URL, its references expanded:
  // the store several gateways share (postgres_store.h).
  std::optional<crypto::SecretBuffer> store_url;
  std::string key_env = "AURITE_MCP_ENCRYPTION_KEY";
  std::optional<std::filesystem::path> audit_log;
  std::chrono::seconds default_token_ttl{3600};  // 0: tokens do not expire
};

struct GatewayConfig {
  enum class Transport { kStdio, kHttp };
  Transport transport = Transport::kStdio;
  std::string host = "127.0.0.1";
  std::uint16_t port = 8765;
  std::optional<std::filesystem::path> tls_cert_file;
  std::optional<std::filesystem::path> tls_key_file;
  // Static tokens, each a principal (gateway_auth_config.h), kept as digests.
  std::vector<GatewayBearerToken> bearer_tokens;
  // The OAuth resource server's settings; none: no access tokens accepted.
  std::optional<GatewayAuthConfig> auth;
  std::vector<std::string> allowed_origins;
  // How long a read of stdin or of a stdio server's output polls before it
  // sleeps: a relay's answer comes within microseconds, and waking a
  // sleeping thread costs tens of them on an idle virtual CPU. At most this
  // much CPU per message; 0 turns it off.
  std::chrono::microseconds busy_poll{300};
  // gateway.stdio_write_timeout_s: how long the stdio client may leave our
  // output unread before its session ends (StdioServerOptions::write_stall).
  std::chrono::seconds stdio_write_timeout{mcp::kDefaultClientWriteStall};
  // The HTTP transport's connection, session and timeout limits
  // (gateway.http, gateway_http_config.h).
  mcp::HttpLimits http;
  // Which of /healthz, /readyz and /metrics the HTTP transport serves
  // (gateway.http.ops_endpoints, ops_endpoints_config.h).
  OpsEndpointsConfig ops_endpoints;
  // How long a connection entry page (URL-mode elicitation) stays valid.
  std::chrono::seconds connection_entry_lifetime{600};
};

struct Config {
  std::vector<ServerConfig> servers;
  std::vector<ConnectionConfig> connections;
  SecurityConfig security;
  AuditConfig audit;  // audit_config.h
  GatewayConfig gateway;
  // `policies`: who may do what through the gateway (policy_config.h);
  // nullopt when the key is absent. Present, even empty, it denies by default.
  std::optional<std::vector<PolicyRule>> policies;
  // Where the host's one Vault client comes from (security.vault, else the
  // VAULT_* variables); never null. The client is made on first use (a
  // ${vault:…} reference while parsing, a credentials mode "vault" at
  // start-up) and shared by every Vault user, so that one token is logged
  // in and renewed for all.
  std::shared_ptr<VaultClientSource> vault;

  const ServerConfig* FindServer(std::string_view name) const;
  const ConnectionConfig* FindConnection(std::string_view name) const;
};

// Parses `text` (the contents of `source`, used in messages; relative paths
// in the config are resolved against `base_dir`).
StatusOr<Config> ParseConfig(std::string_view text, const std::string& source,
                             const std::filesystem::path& base_dir,
                             const ReferenceSources& sources = SystemReferenceSources());

StatusOr<Config> LoadConfigFile(const std::filesystem::path& file,
                                const ReferenceSources& sources = SystemReferenceSources());

// "30s", "5m", "1h", "2d", "250ms", or a bare number of seconds; at most
// kLongestDuration.
StatusOr<std::chrono::milliseconds> ParseDuration(std::string_view text);
// 100 years: anything longer is a mistake, and would overflow the clocks
// a duration is added to (and milliseconds themselves, from about 292
// million years).
inline constexpr std::chrono::hours kLongestDuration{24 * 36500};

}  // namespace aurite::host
