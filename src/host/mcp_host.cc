// The host: store, permissions, servers and the credentials they resolve.
#include "host/mcp_host.h"

#include "base/text.h"
#include "host/credentials_responder.h"
#include "host/database_user_issuer.h"
#include "host/host_store.h"
#include "host/postgres_host_instance.h"
#include "host/vault_lease_issuer.h"
#include "runtime/log.h"
#include "secrets/vault_client.h"
#include "security/access_token.h"
#include "servers/credentials_protocol.h"
#include "sql/connection_string.h"

namespace aurite::host {
namespace {

std::string DigestHex(std::string_view token) {
  security::TokenDigest digest = security::DigestAccessToken(token);
  return HexEncode(digest);
}

}  // namespace

StatusOr<std::unique_ptr<MCPHost>> MCPHost::Create(Config config, crypto::KeySetting key) {
  AURITE_ASSIGN_OR_RETURN(HostStore store, OpenHostStore(config, std::move(key)));
  auto host = std::make_unique<MCPHost>(PrivateTag(), std::move(config), std::move(store.keys),
                                        std::move(store.manager));
  AURITE_RETURN_IF_ERROR(host->PrepareMadeLogins(store.store_path, store.persistent, store.shared));
  return host;
}

Status MCPHost::PrepareMadeLogins(const std::filesystem::path& store, bool persistent,
                                  bool shared) {
  LeaseIssuers issuers;
  std::optional<StatusOr<std::shared_ptr<secrets::VaultClient>>> vault;
  for (const ConnectionConfig& connection : config_.connections) {
    if (!connection.credentials) continue;
    const auto* dynamic = std::get_if<credentials::DynamicCredentials>(&*connection.credentials);
    const auto* vaulted = std::get_if<credentials::VaultCredentials>(&*connection.credentials);
    const bool rotated =
        std::holds_alternative<credentials::RotatedCredentials>(*connection.credentials);
    if (!dynamic && !vaulted && !rotated) continue;
    if (!persistent) {
      const char* mode = dynamic ? "dynamic" : vaulted ? "vault" : "rotate";
      return FailedPreconditionError("connections." + connection.name + ".credentials: mode \"" +
                                     mode + "\" needs a persistent store (" +
                                     (rotated ? "where the password the host sets is kept"
                                              : "so that a crash cannot leave logins behind") +
                                     "); set the store key (" + config_.security.key_env + ")");
    }
    if (shared && rotated) {
      // Rotations are serialised by a lock file beside the store file: on
      // a shared store, gateways on other machines would not see it.
      return FailedPreconditionError(
          "connections." + connection.name +
          ".credentials: mode \"rotate\" is not yet supported with a shared (postgresql://) "
          "security.store. Rotate that login from one gateway with a store file, or use mode "
          "\"dynamic\"");
    }
    if (dynamic) {
      issuers.emplace(connection.name, std::make_unique<DatabaseUserIssuer>(connection, *dynamic));
    }
    if (vaulted) {
      // The host's one Vault client (security.vault, else the VAULT_*
      // variables), shared with the ${vault:…} references. A Vault that is
      // not usable fails the connects of these connections, each with the
      // reason, not the start.
      if (!vault) {
        vault = config_.vault->Get();
        if (!vault->ok()) {
          runtime::LogWarn("Vault is not usable for credentials mode \"vault\": {}",
                           vault->status().message());
        }
      }
      issuers.emplace(connection.name,
                      std::make_unique<VaultLeaseIssuer>(connection, *vaulted, *vault));
    }
    if (rotated && !rotator_) {
      rotator_ = std::make_unique<PasswordRotator>(*manager_, store.parent_path() / "rotation.lock",
                                                   config_.connections);
    }
  }
  if (!issuers.empty()) {
    if (shared) {
      AURITE_ASSIGN_OR_RETURN(sql::ConnectionConfig config,
                              sql::ParseConnectionString(config_.security.store_url->Reveal()));
      AURITE_ASSIGN_OR_RETURN(instance_, PostgresHostInstance::Claim(config));
    } else {
      AURITE_ASSIGN_OR_RETURN(instance_, HostInstance::Claim(store.parent_path() / "hosts"));
    }
    leases_ = std::make_unique<LeaseManager>(*manager_, *instance_, std::move(issuers));
  }
  return OkStatus();
}

MCPHost::MCPHost(PrivateTag, Config config, std::unique_ptr<security::StoreKeySettings> keys,
                 std::unique_ptr<security::SecurityManager> manager)
    : config_(std::move(config)), keys_(std::move(keys)), manager_(std::move(manager)) {}

MCPHost::~MCPHost() { Shutdown(); }

// How often the store is checked for changes made by other processes: a
// revocation anywhere takes effect here within a second.
constexpr std::chrono::milliseconds kStoreWatchInterval{250};

Status MCPHost::Start() {
  for (const ServerConfig& server : config_.servers) {
    std::vector<std::string> allowed;
    if (server.HasCapability("storage")) allowed.push_back(servers::kDatabaseConnectionType);
    manager_->RegisterServerPermissions(server.name, std::move(allowed));
  }
  for (const ServerConfig& server : config_.servers) {
    auto managed = std::make_unique<ManagedServer>(server, [this](const std::string& name,
                                                                  mcp::McpClient& client) {
      InstallCredentialsHandlers(
          client, *manager_, name,
          [this](std::string_view who, std::string_view token) { OnRelease(who, token); },
          {.writes_allowed = [this](std::string_view token) { return WritesAllowed(token); },
           .privileged_login_allowed =
               [this](std::string_view token) { return PrivilegedLoginAllowed(token); },
           .login = [this](std::string_view token) { return logins_.Make(DigestHex(token)); }},
          &metrics_);
      client.SetNotificationHandler("notifications/message", [this, name](const mcp::Json& params) {
        OnBackendLog(name, params);
      });
    });
    AURITE_RETURN_IF_ERROR(managed->Start());
    servers_.push_back(std::move(managed));
  }
  // servers_ is complete: removals may now be announced to them from the
  // sweeper's and the watcher's threads.
  manager_->SetRemovalListener(
      [this](const security::RemovedCredential& removed) { OnCredentialRemoved(removed); });
  manager_->StartSweeper(std::chrono::minutes(1));
  manager_->StartStoreWatch(kStoreWatchInterval);
  if (leases_) {
    AURITE_RETURN_IF_ERROR(
        leases_->Start([this](const std::string& lease_id) { OnLeaseEnded(lease_id); }));
  }
  // Passwords are settled before the named connections can be used.
  if (rotator_) rotator_->Start();
  AURITE_RETURN_IF_ERROR(SecureNamedConnections());
  if (refresher_) refresher_->Start();
  return OkStatus();
}

StatusOr<MCPHost::LeasedLogin> MCPHost::OpenLease(std::string_view name, const std::string& server,
                                                  const std::string& owner) {
  if (!leases_ || !leases_->IsLeased(name)) {
    return NotFoundError("connection '" + std::string(name) + "' does not lease its logins");
  }
  AURITE_ASSIGN_OR_RETURN(OpenedLease lease, leases_->Open(name));
  security::SecureOptions options;
  // The lease ends the token (OnLeaseEnded); its own expiry is a backstop.
  // Both count whole seconds, so round up and add one: a token that ran out
  // before its lease would fail the very connect that made it.
  options.ttl = std::chrono::ceil<std::chrono::seconds>(lease.max_expires_at -
                                                        std::chrono::system_clock::now()) +
                std::chrono::seconds(1);
  options.bound_servers = {server};
  options.metadata = {
      {"owner", owner}, {"connection", std::string(name)}, {"lease_id", lease.lease_id}};
  StatusOr<security::SecuredCredential> secured =
      SecureDatabaseConnection(std::move(lease.connection_string), options);
  if (!secured.ok()) {
    leases_->End(lease.lease_id, "its token could not be made");
    return secured.status();
  }
  RememberScoped(secured->token, {secured->credential_id, server});
  {
    const ConnectionConfig* connection = config_.FindConnection(name);
    const std::string digest = DigestHex(secured->token.Reveal());
    std::lock_guard lock(mu_);
    if (connection->allow_writes) writable_.insert(digest);
    if (connection->allow_privileged_login) privileged_.insert(digest);
    lease_tokens_.insert_or_assign(lease.lease_id, secured->token.Clone());
  }
  return LeasedLogin{std::move(secured->token), secured->masked, lease.lease_id, lease.expires_at};
}

void MCPHost::EndLease(const std::string& lease_id, std::string_view why) {
  if (leases_) leases_->End(lease_id, why);
}

void MCPHost::TouchLease(const std::string& lease_id) {
  if (leases_) leases_->Touch(lease_id);
}

std::optional<std::chrono::system_clock::time_point> MCPHost::LeaseExpiresAt(
    const std::string& lease_id) const {
  return leases_ ? leases_->ExpiresAt(lease_id) : std::nullopt;
}

bool MCPHost::IsDynamicConnection(std::string_view name) const {
  return leases_ && leases_->IsLeased(name);
}

void MCPHost::OnLeaseEnded(const std::string& lease_id) {
  crypto::SecretBuffer token;
  {
    std::lock_guard lock(mu_);
    auto it = lease_tokens_.find(lease_id);
    if (it == lease_tokens_.end()) return;
    token = std::move(it->second);
    lease_tokens_.erase(it);
  }
  // The router and every storage server close what the token opened.
  (void)RevokeToken(token.Reveal());
}

Status MCPHost::SecureNamedConnections() {
  for (const ConnectionConfig& connection : config_.connections) {
    // Each connection of a leased one gets its own login (OpenLease).
    if (IsDynamicConnection(connection.name)) continue;
    if (!connection.server.empty() && FindServer(connection.server) == nullptr) {
      return InvalidArgumentError("connections." + connection.name + ".server names '" +
                                  connection.server + "', which is not a configured server");
    }
    security::SecureOptions options;
    options.ttl = std::chrono::seconds(0);
    if (!connection.server.empty()) options.bound_servers = {connection.server};
    options.metadata = {{"connection", connection.name}};
    StatusOr<security::SecuredCredential> secured = manager_->Secure(
        servers::kDatabaseConnectionType, connection.connection_string.Clone(), options);
    if (!secured.ok()) {
      return Status(secured.status().code(),
                    "connections." + connection.name + ": " + secured.status().message());
    }
    RememberScoped(secured->token, {secured->credential_id, connection.server});
    if (connection.refresh) {
      // Resolving the token yields the latest value (a made login), so new
      // connections and reconnections use what the store holds now.
      if (!refresher_) refresher_ = std::make_unique<SecretRefresher>(*manager_);
      refresher_->Add(connection.name, connection.connection_string.Clone(), *connection.refresh);
      logins_.Set(DigestHex(secured->token.Reveal()),
                  [refresher = refresher_.get(), name = connection.name] {
                    return refresher->Current(name);
                  });
    }
    if (connection.credentials) {
      AURITE_RETURN_IF_ERROR(
          logins_.Add(connection, DigestHex(secured->token.Reveal()), rotator_.get()));
    }
    std::lock_guard lock(mu_);
    if (connection.allow_writes) writable_.insert(DigestHex(secured->token.Reveal()));
    if (connection.allow_privileged_login) {
      privileged_.insert(DigestHex(secured->token.Reveal()));
    }
    named_tokens_.insert_or_assign(connection.name, std::move(secured->token));
  }
  return OkStatus();
}

StatusOr<security::SecuredCredential> MCPHost::SecureDatabaseConnection(
    crypto::SecretBuffer connection_string, const security::SecureOptions& options) {
  if (connection_string.empty()) {
    return InvalidArgumentError(
        "the connection string is empty; pass e.g. "
        "postgresql://user:password@host/db or sqlite:///path/to/file.db");
  }
  return manager_->Secure(servers::kDatabaseConnectionType, std::move(connection_string), options);
}

StatusOr<security::SecuredCredential> MCPHost::SecureForServer(
    crypto::SecretBuffer connection_string, const std::string& server, const std::string& owner) {
  security::SecureOptions options;
  options.bound_servers = {server};
  options.metadata = {{"owner", owner}};
  AURITE_ASSIGN_OR_RETURN(security::SecuredCredential secured,
                          SecureDatabaseConnection(std::move(connection_string), options));
  RememberScoped(secured.token, {secured.credential_id, server});
  return secured;
}

Status MCPHost::CheckTokenOwner(std::string_view token, const std::string& owner) {
  StatusOr<security::CredentialSummary> entry = manager_->Lookup(token);
  if (!entry.ok()) {
    // A token this gateway has not seen yet is looked up in a shared store.
    // When that cannot be read the token may well be live: calling it
    // unknown would have the client throw it away.
    if (entry.status().code() == StatusCode::kUnavailable) {
      return UnavailableError("cannot look the token up: " + entry.status().message() +
                              ". Tokens are refused until the store can be read again (fail "
                              "closed)");
    }
    return NotFoundError(servers::kUnknownTokenMessage);
  }
  auto found = entry->metadata.find("owner");
  if (found != entry->metadata.end() && found->second != owner) {
    return NotFoundError(servers::kUnknownTokenMessage);
  }
  return OkStatus();
}

void MCPHost::RememberScoped(const crypto::SecretBuffer& token, Scoped scoped) {
  std::lock_guard lock(mu_);
  scoped_[DigestHex(token.Reveal())] = std::move(scoped);
}

StatusOr<crypto::SecretBuffer> MCPHost::NamedConnectionToken(std::string_view name) const {
  std::lock_guard lock(mu_);
  auto it = named_tokens_.find(name);
  if (it == named_tokens_.end()) {
    return NotFoundError("no connection named '" + std::string(name) +
                         "' is configured; add it under `connections` in aurite.json");
  }
  return it->second.Clone();
}

bool MCPHost::WritesAllowed(std::string_view token) const {
  std::string digest = DigestHex(token);
  std::lock_guard lock(mu_);
  return writable_.contains(digest);
}

bool MCPHost::PrivilegedLoginAllowed(std::string_view token) const {
  std::string digest = DigestHex(token);
  std::lock_guard lock(mu_);
  return privileged_.contains(digest);
}

Status MCPHost::RevokeToken(std::string_view token) {
  {
    std::lock_guard lock(mu_);
    scoped_.erase(DigestHex(token));
  }
  Status revoked = manager_->Revoke(token);
  if (revoked.code() == StatusCode::kUnauthenticated) return OkStatus();  // already dead
  return revoked;
}

void MCPHost::OnRelease(std::string_view server, std::string_view token) {
  std::string credential_id;
  {
    std::lock_guard lock(mu_);
    auto it = scoped_.find(DigestHex(token));
    if (it == scoped_.end()) return;  // the user's own token: it lives on
    for (const auto& [name, named] : named_tokens_) {
      if (named.Reveal() == token) return;  // named connections live as long as the host
    }
    if (it->second.server != server) {
      // Only the server a token was given to may give it up: another one
      // that learnt the token must not end someone else's connection.
      runtime::LogWarn("[{}] released a token it was not given; ignored", server);
      return;
    }
    credential_id = it->second.credential_id;
    scoped_.erase(it);
  }
  runtime::LogInfo("[{}] released a connection-scoped token; purging it", server);
  (void)manager_->Purge(credential_id);
}

void MCPHost::OnCredentialRemoved(const security::RemovedCredential& removed) {
  // A token that expired or was used up keeps the connections it opened:
  // its limits are on opening them. Revoking one ends them.
  if (removed.why != security::Removal::kRevoked && removed.why != security::Removal::kPurged) {
    return;
  }
  RevocationSink sink;
  {
    std::lock_guard lock(mu_);
    scoped_.erase(HexEncode(removed.token_digest));
    sink = revocation_sink_;
  }
  for (const auto& server : servers_) {
    if (!server->config().HasCapability("storage") || !server->running()) continue;
    Status told = server->Notify(servers::kRevokedMethod, {{"credential_id", removed.id}});
    if (!told.ok())
      runtime::LogWarn("[{}] not told of a revocation: {}", server->name(), told.message());
  }
  if (sink) sink(removed.token_digest);
}

void MCPHost::SetRevocationSink(RevocationSink sink) {
  std::lock_guard lock(mu_);
  revocation_sink_ = std::move(sink);
}

void MCPHost::SetBackendLogSink(BackendLogSink sink) {
  std::lock_guard lock(mu_);
  log_sink_ = std::move(sink);
}

void MCPHost::OnBackendLog(const std::string& server, const mcp::Json& params) {
  BackendLogSink sink;
  {
    std::lock_guard lock(mu_);
    sink = log_sink_;
  }
  if (sink) {
    sink(server, params);
  } else {
    runtime::LogInfo("[{}] {}", server, mcp::Dump(params));
  }
}

ManagedServer* MCPHost::FindServer(std::string_view name) const {
  for (const auto& server : servers_) {
    if (server->name() == name) return server.get();
  }
  return nullptr;
}

ManagedServer* MCPHost::StorageServer(std::string_view preferred) const {
  if (!preferred.empty()) return FindServer(preferred);
  for (const auto& server : servers_) {
    if (server->config().HasCapability("storage")) return server.get();
  }
  return nullptr;
}

void MCPHost::Shutdown() {
  std::map<std::string, Scoped> scoped;
  {
    std::lock_guard lock(mu_);
    if (shut_down_) return;
    shut_down_ = true;
    scoped.swap(scoped_);
    for (auto& [name, token] : named_tokens_) token.Clear();
    named_tokens_.clear();
    writable_.clear();
    privileged_.clear();
  }
  // Leases end first: their users are dropped while the servers still run.
  if (leases_) leases_->Shutdown();
  if (rotator_) rotator_->Shutdown();
  if (refresher_) refresher_->Stop();
  {
    std::lock_guard lock(mu_);
    lease_tokens_.clear();
  }
  for (const auto& [digest, entry] : scoped) (void)manager_->Purge(entry.credential_id);
  // This process's memory is the only record of a revocation the store did
  // not take: the operator must hear of it before that memory is gone.
  if (Status left = manager_->RetryUnsyncedRemovals(); !left.ok()) {
    runtime::LogError("{}", left.message());
  }
  for (const auto& server : servers_) server->Stop();
}

}  // namespace aurite::host
