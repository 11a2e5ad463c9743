// Parsing and validating aurite.json. Each section has its own function; all
// share the small Field helper that knows the JSON path for error messages.
#include "host/config.h"

#include <fcntl.h>
#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <set>

#include "base/unique_fd.h"
#include "crypto/secret_reader.h"
#include "host/config_fields.h"
#include "host/credentials_block.h"
#include "host/gateway_http_config.h"
#include "host/policy_config.h"
#include "host/store_url.h"
#include "host/vault_config.h"
#include "secrets/vault_secret_reference.h"

namespace aurite::host {
namespace {

// More restarts than a server could use in years at the longest backoff; a
// bound, so that no count wraps.
constexpr std::int64_t kMostRestarts = 1000000;

using nlohmann::json;
using namespace config_json;

StatusOr<std::vector<SecretPair>> GetSecretMap(const Field& field,
                                               const ReferenceSources& sources) {
  if (!field.value.is_object()) return field.Error("an object of string values");
  std::vector<SecretPair> pairs;
  for (auto& [key, value] : field.value.items()) {
    AURITE_ASSIGN_OR_RETURN(crypto::SecretBuffer secret,
                            TakeSecret({value, field.path + "." + key}, sources));
    pairs.emplace_back(key, std::move(secret));
  }
  return pairs;
}

Status ParseRestart(const Field& field, RestartPolicy& restart) {
  if (field.value.is_string()) {
    // Shorthand: "restart": "on-failure".
    json object = {{"policy", field.value}};
    return ParseRestart({object, field.path}, restart);
  }
  AURITE_RETURN_IF_ERROR(
      ExpectObjectWithKeys(field, {"policy", "max_restarts", "initial_backoff", "max_backoff"}));
  if (Has(field, "policy")) {
    AURITE_ASSIGN_OR_RETURN(std::string policy, GetString(field["policy"]));
    if (policy == "never") {
      restart.mode = RestartPolicy::Mode::kNever;
    } else if (policy == "on-failure") {
      restart.mode = RestartPolicy::Mode::kOnFailure;
    } else if (policy == "always") {
      restart.mode = RestartPolicy::Mode::kAlways;
    } else {
      return field["policy"].Error("\"never\", \"on-failure\" or \"always\"");
    }
  }
  if (Has(field, "max_restarts")) {
    AURITE_ASSIGN_OR_RETURN(
        long max, GetIntegerIn(field["max_restarts"], 0, kMostRestarts,
                               fmt::format("a whole number from 0 to {}", kMostRestarts)));
    restart.max_restarts = static_cast<int>(max);
  }
  if (Has(field, "initial_backoff")) {
    AURITE_ASSIGN_OR_RETURN(restart.initial_backoff, GetDuration(field["initial_backoff"]));
  }
  if (Has(field, "max_backoff")) {
    AURITE_ASSIGN_OR_RETURN(restart.max_backoff, GetDuration(field["max_backoff"]));
  }
  return OkStatus();
}

Status ParseServerTransport(const Field& field, ServerConfig& server,
                            const ReferenceSources& sources) {
  bool stdio = Has(field, "command");
  bool http = Has(field, "url");
  if (stdio == http) {
    return field.Error("either \"command\" (a stdio server) or \"url\" (an HTTP server)");
  }
  if (stdio) {
    AURITE_ASSIGN_OR_RETURN(server.command, GetString(field["command"]));
    if (server.command.empty()) return field["command"].Error("a non-empty command");
    if (Has(field, "args")) {
      AURITE_ASSIGN_OR_RETURN(server.args, GetStrings(field["args"]));
    }
    if (Has(field, "env")) {
      AURITE_ASSIGN_OR_RETURN(server.env, GetSecretMap(field["env"], sources));
    }
    return OkStatus();
  }
  AURITE_ASSIGN_OR_RETURN(server.url, GetString(field["url"]));
  if (server.url.rfind("http://", 0) != 0 && server.url.rfind("https://", 0) != 0) {
    return field["url"].Error("an http:// or https:// URL");
  }
  if (Has(field, "headers")) {
    AURITE_ASSIGN_OR_RETURN(server.headers, GetSecretMap(field["headers"], sources));
  }
  return OkStatus();
}

StatusOr<ServerConfig> ParseServer(const Field& field, const std::string& name,
                                   const ReferenceSources& sources) {
  AURITE_RETURN_IF_ERROR(ExpectObjectWithKeys(
      field, {"command", "args", "env", "url", "headers", "type", "capabilities", "timeout",
              "write_timeout", "restart", "allow_writes", "allow_privileged_login",
              "max_message_bytes", "disabled", "description"}));
  ServerConfig server;
  server.name = name;
  AURITE_RETURN_IF_ERROR(ParseServerTransport(field, server, sources));
  if (Has(field, "capabilities")) {
    AURITE_ASSIGN_OR_RETURN(server.capabilities, GetStrings(field["capabilities"]));
  }
  if (Has(field, "timeout")) {
    AURITE_ASSIGN_OR_RETURN(server.timeout, GetDuration(field["timeout"]));
  }
  if (Has(field, "write_timeout")) {
    AURITE_ASSIGN_OR_RETURN(server.write_timeout, GetDuration(field["write_timeout"]));
    if (server.write_timeout < std::chrono::milliseconds(100) ||
        server.write_timeout > std::chrono::hours(1)) {
      return field["write_timeout"].Error("a duration from 100ms to 1h");
    }
  }
  if (Has(field, "restart")) AURITE_RETURN_IF_ERROR(ParseRestart(field["restart"], server.restart));
  if (Has(field, "allow_writes")) {
    AURITE_ASSIGN_OR_RETURN(server.allow_writes, GetBool(field["allow_writes"]));
  }
  if (Has(field, "allow_privileged_login")) {
    AURITE_ASSIGN_OR_RETURN(server.allow_privileged_login,
                            GetBool(field["allow_privileged_login"]));
  }
  if (Has(field, "max_message_bytes")) {
    Field limit = field["max_message_bytes"];
    constexpr std::uint64_t kSmallest = 64 * 1024, kLargest = 1ULL << 30;
    if (!limit.value.is_number_unsigned() || limit.value.get<std::uint64_t>() < kSmallest ||
        limit.value.get<std::uint64_t>() > kLargest) {
      return limit.Error("a number of bytes from 65536 to 1073741824");
    }
    server.max_message_bytes = limit.value.get<std::size_t>();
  }
  return server;
}

bool IsValidServerName(const std::string& name) {
  // Names become tool prefixes "<server>_<tool>", which clients limit to [a-zA-Z0-9_-].
  return !name.empty() && name.size() <= 32 && std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-';
  });
}

Status ParseServers(const Field& field, Config& config, const ReferenceSources& sources) {
  if (!field.value.is_object()) return field.Error("an object mapping server names to servers");
  for (auto& [name, value] : field.value.items()) {
    Field server_field{value, field.path + "." + name};
    if (!IsValidServerName(name)) {
      return server_field.Error(
          "a server name of 1 to 32 letters, digits or '-' (it prefixes the server's tool names)");
    }
    if (config.FindServer(name) != nullptr)
      return server_field.Error("a server name used only once");
    if (Has(server_field, "disabled") && value["disabled"] == true) continue;
    AURITE_ASSIGN_OR_RETURN(ServerConfig server, ParseServer(server_field, name, sources));
    config.servers.push_back(std::move(server));
  }
  return OkStatus();
}

Status ParseSecurity(const Field& field, const std::filesystem::path& base_dir,
                     SecurityConfig& security, const ReferenceSources& sources) {
  AURITE_RETURN_IF_ERROR(ExpectObjectWithKeys(
      field, {"store", "store_path", "key_env", "audit_log", "default_token_ttl",
              "vault"}));  // vault: read first, by ParseConfig
  if (Has(field, "store") && Has(field, "store_path")) {
    return field["store_path"].Error(
        "absent when security.store is set (store_path is store's older name)");
  }
  const char* store_key = Has(field, "store") ? "store" : "store_path";
  if (Has(field, store_key)) {
    AURITE_ASSIGN_OR_RETURN(std::string text, GetString(field[store_key]));
    if (IsPostgresStoreUrl(text)) {
      StatusOr<crypto::SecretBuffer> url = ExpandSecretReferences(text, sources);
      if (!url.ok()) {
        return InvalidArgumentError(field[store_key].path + ": " + url.status().message());
      }
      security.store_url = std::move(*url);
    } else if (HasSecretReference(text)) {
      return field[store_key].Error(
          "a file path, or a postgresql:// URL (only a URL may hold ${...} references)");
    } else {
      security.store_path = ResolvePath(base_dir, text);
    }
  }
  if (Has(field, "key_env")) {
    AURITE_ASSIGN_OR_RETURN(security.key_env, GetString(field["key_env"]));
  }
  if (Has(field, "audit_log")) {
    AURITE_ASSIGN_OR_RETURN(std::string path, GetString(field["audit_log"]));
    security.audit_log = ResolvePath(base_dir, path);
  }
  if (Has(field, "default_token_ttl")) {
    AURITE_ASSIGN_OR_RETURN(std::chrono::milliseconds ttl, GetDuration(field["default_token_ttl"]));
    security.default_token_ttl = std::chrono::duration_cast<std::chrono::seconds>(ttl);
  }
  return OkStatus();
}

bool IsKnownStorageType(const std::string& type) {
  static const std::set<std::string> kTypes = {"sql",      "sqlite", "postgresql",
                                               "postgres", "mysql",  "mariadb"};
  return kTypes.count(type) > 0;
}

Status ParseConnections(const Field& field, Config& config, const ReferenceSources& sources) {
  if (!field.value.is_object())
    return field.Error("an object mapping connection names to connections");
  for (auto& [name, value] : field.value.items()) {
    Field entry{value, field.path + "." + name};
    AURITE_RETURN_IF_ERROR(
        ExpectObjectWithKeys(entry, {"storage_type", "connection_string", "server", "allow_writes",
                                     "allow_privileged_login", "credentials", "description"}));
    ConnectionConfig connection;
    connection.name = name;
    if (!Has(entry, "connection_string"))
      return entry["connection_string"].Error("a connection string");
    AURITE_ASSIGN_OR_RETURN(ExpandedSecret connection_string,
                            TakeRefreshableSecret(entry["connection_string"], sources));
    connection.connection_string = std::move(connection_string.value);
    connection.refresh = std::move(connection_string.refresh);
    connection.storage_type = "sql";
    if (Has(entry, "storage_type")) {
      AURITE_ASSIGN_OR_RETURN(connection.storage_type, GetString(entry["storage_type"]));
      if (!IsKnownStorageType(connection.storage_type)) {
        return entry["storage_type"].Error("one of sql, sqlite, postgresql, mysql, mariadb");
      }
    }
    if (Has(entry, "server")) {
      AURITE_ASSIGN_OR_RETURN(connection.server, GetString(entry["server"]));
    }
    if (Has(entry, "allow_writes")) {
      AURITE_ASSIGN_OR_RETURN(connection.allow_writes, GetBool(entry["allow_writes"]));
    }
    if (Has(entry, "allow_privileged_login")) {
      AURITE_ASSIGN_OR_RETURN(connection.allow_privileged_login,
                              GetBool(entry["allow_privileged_login"]));
    }
    if (Has(entry, "credentials")) {
      if (connection.refresh) {
        // The credentials block makes the login from the connection string
        // it saw at start-up; a refreshed one would not reach it.
        return entry["connection_string"].Error(
            "no refresh= in the connection string of a connection with a credentials block; "
            "refresh the secrets the credentials block reads instead");
      }
      AURITE_ASSIGN_OR_RETURN(connection.credentials,
                              ParseCredentialsBlock(entry["credentials"], connection.storage_type,
                                                    connection.connection_string, sources));
    }
    config.connections.push_back(std::move(connection));
  }
  return OkStatus();
}

Status ParseGatewayTls(const Field& field, const std::filesystem::path& base_dir,
                       GatewayConfig& gateway) {
  AURITE_RETURN_IF_ERROR(ExpectObjectWithKeys(field, {"cert_file", "key_file"}));
  if (!Has(field, "cert_file") || !Has(field, "key_file")) {
    return field.Error("both \"cert_file\" and \"key_file\"");
  }
  AURITE_ASSIGN_OR_RETURN(std::string cert, GetString(field["cert_file"]));
  AURITE_ASSIGN_OR_RETURN(std::string key, GetString(field["key_file"]));
  gateway.tls_cert_file = ResolvePath(base_dir, cert);
  gateway.tls_key_file = ResolvePath(base_dir, key);
  return OkStatus();
}

Status ParseGateway(const Field& field, const std::filesystem::path& base_dir,
                    GatewayConfig& gateway, const ReferenceSources& sources) {
  AURITE_RETURN_IF_ERROR(ExpectObjectWithKeys(
      field, {"transport", "host", "port", "tls", "bearer_tokens", "auth", "allowed_origins",
              "busy_poll_us", "stdio_write_timeout_s", "http", "connection_entry_seconds"}));
  if (Has(field, "transport")) {
    AURITE_ASSIGN_OR_RETURN(std::string transport, GetString(field["transport"]));
    if (transport != "stdio" && transport != "http")
      return field["transport"].Error("\"stdio\" or \"http\"");
    gateway.transport =
        transport == "http" ? GatewayConfig::Transport::kHttp : GatewayConfig::Transport::kStdio;
  }
  if (Has(field, "host")) {
    AURITE_ASSIGN_OR_RETURN(gateway.host, GetString(field["host"]));
  }
  if (Has(field, "port")) {
    AURITE_ASSIGN_OR_RETURN(long port,
                            GetIntegerIn(field["port"], 1, 65535, "a port number from 1 to 65535"));
    gateway.port = static_cast<std::uint16_t>(port);
  }
  if (Has(field, "tls")) AURITE_RETURN_IF_ERROR(ParseGatewayTls(field["tls"], base_dir, gateway));
  if (Has(field, "bearer_tokens")) {
    Field tokens = field["bearer_tokens"];
    if (!tokens.value.is_array()) {
      return tokens.Error("an array of tokens (strings) or {\"name\", \"token\"} objects");
    }
    for (std::size_t i = 0; i < tokens.value.size(); ++i) {
      AURITE_ASSIGN_OR_RETURN(
          GatewayBearerToken token,
          ParseGatewayBearerToken({tokens.value[i], tokens.path + "[" + std::to_string(i) + "]"},
                                  sources));
      gateway.bearer_tokens.push_back(std::move(token));
    }
  }
  if (Has(field, "auth")) {
    gateway.auth.emplace();
    AURITE_RETURN_IF_ERROR(ParseGatewayAuth(field["auth"], sources, *gateway.auth));
  }
  if (Has(field, "allowed_origins")) {
    AURITE_ASSIGN_OR_RETURN(gateway.allowed_origins, GetStrings(field["allowed_origins"]));
  }
  if (Has(field, "busy_poll_us")) {
    AURITE_ASSIGN_OR_RETURN(long poll,
                            GetIntegerIn(field["busy_poll_us"], 0, 10'000,
                                         "a number of microseconds from 0 (off) to 10000"));
    gateway.busy_poll = std::chrono::microseconds(poll);
  }
  if (Has(field, "stdio_write_timeout_s")) {
    AURITE_ASSIGN_OR_RETURN(long seconds, GetIntegerIn(field["stdio_write_timeout_s"], 1, 3600,
                                                       "a number of seconds from 1 to 3600"));
    gateway.stdio_write_timeout = std::chrono::seconds(seconds);
  }
  if (Has(field, "connection_entry_seconds")) {
    AURITE_ASSIGN_OR_RETURN(long seconds, GetIntegerIn(field["connection_entry_seconds"], 1, 3600,
                                                       "a number of seconds from 1 to 3600"));
    gateway.connection_entry_lifetime = std::chrono::seconds(seconds);
  }
  if (Has(field, "http")) {
    AURITE_RETURN_IF_ERROR(ParseGatewayHttp(field.value["http"], field.path + ".http", gateway.http,
                                            gateway.ops_endpoints));
  }
  return OkStatus();
}

Status CheckConnectionServers(const Config& config) {
  for (const ConnectionConfig& connection : config.connections) {
    if (connection.server.empty()) continue;
    const ServerConfig* server = config.FindServer(connection.server);
    if (server == nullptr || !server->HasCapability("storage")) {
      return InvalidArgumentError("connections." + connection.name + ".server: expected the name " +
                                  "of a server with the \"storage\" capability");
    }
  }
  return OkStatus();
}

// nlohmann's messages can quote the text around the error ("last read: …"),
// which may be a secret: keep only the description and the position.
Status JsonSyntaxError(const json::parse_error& error, const std::string& source) {
  std::string what = error.what();
  std::size_t description = what.find(": ", what.find("parse error"));
  what = description == std::string::npos ? "syntax error" : what.substr(description + 2);
  std::size_t quoted = what.find("; last read");
  if (quoted != std::string::npos) what.resize(quoted);
  return InvalidArgumentError(source + ": invalid JSON at byte " + std::to_string(error.byte) +
                              ": " + what);
}

}  // namespace

bool ServerConfig::HasCapability(std::string_view capability) const {
  return std::find(capabilities.begin(), capabilities.end(), capability) != capabilities.end();
}

const ServerConfig* Config::FindServer(std::string_view name) const {
  for (const ServerConfig& server : servers) {
    if (server.name == name) return &server;
  }
  return nullptr;
}

const ConnectionConfig* Config::FindConnection(std::string_view name) const {
  for (const ConnectionConfig& connection : connections) {
    if (connection.name == name) return &connection;
  }
  return nullptr;
}

StatusOr<std::chrono::milliseconds> ParseDuration(std::string_view text) {
  double amount = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), amount);
  if (error != std::errc() || amount < 0) return InvalidArgumentError("not a duration");
  std::string_view unit(end, static_cast<std::size_t>(text.data() + text.size() - end));
  double per_unit_ms = 0;
  if (unit.empty() || unit == "s") {
    per_unit_ms = 1000;
  } else if (unit == "ms") {
    per_unit_ms = 1;
  } else if (unit == "m") {
    per_unit_ms = 60'000;
  } else if (unit == "h") {
    per_unit_ms = 3'600'000;
  } else if (unit == "d") {
    per_unit_ms = 86'400'000;
  } else {
    return InvalidArgumentError("not a duration");
  }
  const double ms = amount * per_unit_ms;
  // Also false for NaN, which from_chars reads from "nan".
  if (!(ms <= std::chrono::milliseconds(kLongestDuration).count())) {
    return InvalidArgumentError("longer than 100 years");
  }
  return std::chrono::milliseconds(static_cast<std::int64_t>(ms));
}

StatusOr<Config> ParseConfig(std::string_view text, const std::string& source,
                             const std::filesystem::path& base_dir,
                             const ReferenceSources& sources) {
  json root;
  try {
    root = json::parse(text);
  } catch (const json::parse_error& error) {
    return JsonSyntaxError(error, source);
  } catch (const json::out_of_range&) {
    // What nlohmann throws for a number past a double's range ("1e999").
    return InvalidArgumentError(source +
                                ": invalid JSON: a number too large to represent (at most "
                                "about 1.8e308)");
  }
  Field top{root, source};
  AURITE_RETURN_IF_ERROR(
      ExpectObjectWithKeys(top, {"$schema", "mcpServers", "servers", "security", "connections",
                                 "gateway", "inputs", "audit", "policies"}));
  Config config;
  // security.vault first: the ${vault:…} references of every other section
  // are read through the client it describes.
  VaultSettings vault_settings;
  if (Has(top, "security") && Has(top["security"], "vault")) {
    AURITE_ASSIGN_OR_RETURN(
        vault_settings,
        ParseVaultSettings({root["security"]["vault"], "security.vault"}, base_dir, sources));
  }
  config.vault =
      std::make_shared<VaultClientSource>(std::move(vault_settings), sources.environment);
  ReferenceSources with_vault = sources;
  if (!with_vault.read_vault_secret) {
    // By value: a refreshed reference reads through these sources long
    // after parsing (SecretRefresher).
    with_vault.read_vault_secret = [vault = config.vault](const std::string& target) {
      StatusOr<std::shared_ptr<secrets::VaultClient>> client = vault->Get();
      if (!client.ok()) return StatusOr<crypto::SecretBuffer>(client.status());
      return secrets::ReadVaultSecret(target, **client);
    };
  }
  for (const char* key : {"mcpServers", "servers"}) {
    if (Has(top, key)) AURITE_RETURN_IF_ERROR(ParseServers({root[key], key}, config, with_vault));
  }
  if (Has(top, "security")) {
    AURITE_RETURN_IF_ERROR(
        ParseSecurity({root["security"], "security"}, base_dir, config.security, with_vault));
  }
  if (Has(top, "audit")) {
    AURITE_RETURN_IF_ERROR(ParseAuditConfig({root["audit"], "audit"}, config.audit));
  }
  if (Has(top, "connections")) {
    AURITE_RETURN_IF_ERROR(
        ParseConnections({root["connections"], "connections"}, config, with_vault));
  }
  if (Has(top, "gateway")) {
    AURITE_RETURN_IF_ERROR(
        ParseGateway({root["gateway"], "gateway"}, base_dir, config.gateway, with_vault));
  }
  if (Has(top, "policies")) {
    AURITE_ASSIGN_OR_RETURN(config.policies, ParsePolicies({root["policies"], "policies"}));
  }
  if (config.gateway.auth && !config.policies) {
    // Deny by default once auth is on: without rules every principal may do
    // nothing, which is surely not what was meant; say so at start instead.
    return InvalidArgumentError(
        "gateway.auth is set but aurite.json has no 'policies': with authentication on, a "
        "principal may do only what a policy allows, so every call would be refused; add "
        "'policies' (docs/configuration.md#policies), e.g. [{\"match\": {\"subject\": "
        "[\"*\"]}, \"allow\": {\"tools\": [\"*\"], \"connections\": [\"*\"]}}]");
  }
  AURITE_RETURN_IF_ERROR(CheckConnectionServers(config));
  for (ServerConfig& server : config.servers) server.busy_poll = config.gateway.busy_poll;
  return config;
}

StatusOr<Config> LoadConfigFile(const std::filesystem::path& file,
                                const ReferenceSources& sources) {
  auto unreadable = [&file] {
    return NotFoundError("configuration file '" + file.string() +
                         "' cannot be read; pass an existing file with --config");
  };
  UniqueFd fd(::open(file.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) return unreadable();
  // The file may hold literal secrets, so its text goes straight into a
  // SecretBuffer and lives only while it is parsed.
  StatusOr<crypto::SecretBuffer> text = crypto::ReadSecret(fd.get());
  if (!text.ok()) return unreadable();
  return ParseConfig(text->Reveal(), file.string(), file.parent_path(), sources);
}

}  // namespace aurite::host
