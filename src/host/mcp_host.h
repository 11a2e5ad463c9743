// MCPHost: the seed's host. It owns the SecurityManager, runs the backend
// servers (ManagedServer), answers their io.aurite/credentials requests and
// secures connection strings for its users.
//
// Contract:
//  - Create() opens the persistent store with `key` (a store at
//    security.store_path, default DefaultStorePath(), and the audit log at
//    security.audit_log, default next to the store). With an unset key the
//    host keeps credentials in memory only and says so.
//  - Start() starts sweeping expired credentials every minute, registers each server's permissions
//  from its capabilities
//    ("storage" grants database_connection; others nothing), starts every
//    server and secures every named connection. Any failure stops start-up.
//  - SecureDatabaseConnection() returns a token and the masked string; the
//    token outlives the host when the store is persistent.
//  - Tokens the host mints on a user's behalf for one connection
//    ("connection-scoped", SecureForServer) are purged when the server they
//    were given to releases them (a release from any other server changes
//    nothing) and at Shutdown(); so are named connections'.
//  - A token minted for a client session carries that session's owner key
//    (metadata "owner"); CheckTokenOwner() treats it as unknown to anyone
//    else.
//  - Backends' notifications/message go to the BackendLogSink, else to the
//    host's log.
//  - The store is watched (SecurityManager::StartStoreWatch): a credential
//    revoked or purged anywhere, this process or another, ends within a
//    second; every storage server is told (io.aurite/credentials/revoked)
//    and closes its connections opened with it, and the RevocationSink
//    (the router) closes its own.
//  - Named connections with "credentials": {"mode": "dynamic"} get a new
//    database user per OpenLease() (LeaseManager), those with mode "vault"
//    a login from Vault's database secrets engine; such a host needs a
//    persistent store (Create() fails without one), and Start() first
//    revokes the logins a crashed earlier run left. The host's one Vault
//    client is made in Create() only when a connection uses mode "vault"
//    (from the VAULT_* variables); when it cannot be made, connect_storage
//    of those connections fails with the reason, the others work. A lease's token is
//    connection-scoped, bound to one server and owner, and revoked when the
//    lease ends, however it ends.
//  - Shutdown() ends every lease, purges those, stops every server, and is
//    idempotent. A revocation the credential store has not taken yet is
//    tried once more, and logged as an error naming its credential id when
//    it still fails: other gateways on the store may accept it.
//  - Thread-safe.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "crypto/key_loader.h"
#include "host/config.h"
#include "host/host_instance.h"
#include "host/host_metrics.h"
#include "host/lease_manager.h"
#include "host/managed_server.h"
#include "host/named_logins.h"
#include "host/password_rotator.h"
#include "host/secret_refresher.h"
#include "security/security_manager.h"
#include "security/store_keys.h"

namespace aurite::host {

// Receives a backend's notifications/message params; `server` is its name.
using BackendLogSink = std::function<void(const std::string& server, const mcp::Json& params)>;
// Told the token digest of each revoked or purged credential.
using RevocationSink = std::function<void(const security::TokenDigest& digest)>;

class MCPHost {
  struct PrivateTag {
    explicit PrivateTag() = default;
  };

 public:
  static StatusOr<std::unique_ptr<MCPHost>> Create(Config config, crypto::KeySetting key);

  MCPHost(PrivateTag, Config config, std::unique_ptr<security::StoreKeySettings> keys,
          std::unique_ptr<security::SecurityManager> manager);
  ~MCPHost();
  MCPHost(const MCPHost&) = delete;
  MCPHost& operator=(const MCPHost&) = delete;

  Status Start();
  void Shutdown();

  StatusOr<security::SecuredCredential> SecureDatabaseConnection(
      crypto::SecretBuffer connection_string, const security::SecureOptions& options = {});

  // Secures `connection_string` for use by `server` only, as a
  // connection-scoped token owned by `owner` (a SessionOwner key).
  StatusOr<security::SecuredCredential> SecureForServer(crypto::SecretBuffer connection_string,
                                                        const std::string& server,
                                                        const std::string& owner);

  // Ok when `token` is live and either has no owner (minted by `aurite
  // secure` or for a named connection) or is owned by `owner`; otherwise
  // NotFound with the message a storage server gives an unknown token
  // (servers::kUnknownTokenMessage), so a client cannot tell another's
  // token from a made-up one. Unavailable (naming the store) when the token
  // had to be looked up in a store that cannot be read: whether it exists
  // is not known then, and the call fails closed.
  Status CheckTokenOwner(std::string_view token, const std::string& owner);

  // A login of its own for one connection of named connection `name` (mode
  // "dynamic": a new database user; mode "vault": a login from Vault),
  // secured for `server` only as a
  // connection-scoped token owned by `owner`.
  struct LeasedLogin {
    crypto::SecretBuffer token;
    std::string masked;
    std::string lease_id;
    std::chrono::system_clock::time_point expires_at;
  };
  StatusOr<LeasedLogin> OpenLease(std::string_view name, const std::string& server,
                                  const std::string& owner);
  // Ends the lease (its token is revoked, its user dropped); nothing when it
  // ended already.
  void EndLease(const std::string& lease_id, std::string_view why);
  // The lease's connection was used: it may be renewed.
  void TouchLease(const std::string& lease_id);
  // When the lease runs out unless renewed; nullopt when it has ended.
  std::optional<std::chrono::system_clock::time_point> LeaseExpiresAt(
      const std::string& lease_id) const;
  // True for a named connection whose logins are leased per connection
  // ("mode": "dynamic" or "vault").
  bool IsDynamicConnection(std::string_view name) const;

  // The token of named connection `name` (a copy), or NotFound.
  StatusOr<crypto::SecretBuffer> NamedConnectionToken(std::string_view name) const;

  // Where backends' log notifications go; without a sink, to the host's log.
  void SetBackendLogSink(BackendLogSink sink);
  // Who else must drop what a revoked credential opened; null for nobody.
  void SetRevocationSink(RevocationSink sink);

  // True when `token` is a named connection's configured with allow_writes:
  // only then does the host tell a backend that resolves it to allow writes.
  bool WritesAllowed(std::string_view token) const;
  // True when `token` is a named connection's configured with
  // allow_privileged_login: only then may a backend accept its privileged
  // login read-only.
  bool PrivilegedLoginAllowed(std::string_view token) const;

  // Revokes `token` (wiping its secret); ok when it was already dead. An
  // error (naming the store) when this gateway dropped it but the store did
  // not take the revocation: gateways sharing the store may accept the token
  // until it does (this gateway retries while it runs).
  Status RevokeToken(std::string_view token);

  security::SecurityManager& security() { return *manager_; }
  // What the host and the gateway count, for /metrics (host_metrics.h).
  HostMetrics& metrics() { return metrics_; }
  const Config& config() const { return config_; }
  const std::vector<std::unique_ptr<ManagedServer>>& servers() const { return servers_; }
  ManagedServer* FindServer(std::string_view name) const;
  // The server that serves `storage_type`: the named connection's or the
  // first with the "storage" capability.
  ManagedServer* StorageServer(std::string_view preferred) const;

 private:
  void OnRelease(std::string_view server, std::string_view token);
  void OnBackendLog(const std::string& server, const mcp::Json& params);
  void OnCredentialRemoved(const security::RemovedCredential& removed);
  // A connection-scoped credential and the server it was given to ("" for
  // a named connection any storage server may use).
  struct Scoped {
    std::string credential_id;
    std::string server;
  };
  void RememberScoped(const crypto::SecretBuffer& token, Scoped scoped);
  Status SecureNamedConnections();
  // Sets up leases when a connection has dynamic users or Vault's logins
  // (see the contract).
  Status PrepareMadeLogins(const std::filesystem::path& store, bool persistent, bool shared);
  void OnLeaseEnded(const std::string& lease_id);

  Config config_;
  HostMetrics metrics_;  // before the servers, whose credentials handlers count into it
  std::unique_ptr<security::StoreKeySettings> keys_;  // the store's key provider refers to it
  std::unique_ptr<security::SecurityManager> manager_;
  std::vector<std::unique_ptr<ManagedServer>> servers_;
  NamedLogins logins_;                          // of named connections with a credentials block
  std::unique_ptr<HostInstance> instance_;      // with leases only
  std::unique_ptr<LeaseManager> leases_;        // null without leased connections
  std::unique_ptr<PasswordRotator> rotator_;    // null without rotated connections
  std::unique_ptr<SecretRefresher> refresher_;  // null without refresh= in connection strings

  mutable std::mutex mu_;
  std::map<std::string, Scoped> scoped_;  // by token digest (hex)
  std::map<std::string, crypto::SecretBuffer, std::less<>> named_tokens_;
  std::set<std::string, std::less<>> writable_;  // token digests (hex) of allow_writes connections
  // Token digests (hex) of allow_privileged_login connections.
  std::set<std::string, std::less<>> privileged_;
  std::map<std::string, crypto::SecretBuffer> lease_tokens_;  // by lease id
  bool shut_down_ = false;
  BackendLogSink log_sink_;
  RevocationSink revocation_sink_;
};

}  // namespace aurite::host
