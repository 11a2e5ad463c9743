// SecurityManager: the one place that holds credentials, hands out tokens for
// them and decides who may turn a token back into the credential.
//
// Contract:
//  - Secure() takes the secret into a SecretBuffer it owns, stores it (as a
//    Fernet token when a SqliteStore is attached) and returns a fresh access
//    token, the masked form and a random credential id. Only the token's
//    SHA-256 digest is kept.
//  - Resolve() returns the secret only when the token is live (not expired,
//    revoked, purged or used up), the requesting server was granted the
//    expected credential type (deny by default), the credential has that
//    type, and the token is not bound to other servers. A dead or unknown
//    token always yields InvalidTokenError(), so tokens cannot be probed;
//    every other refusal is a PermissionDenied error. Neither message
//    contains the token or the secret.
//  - Revoke(), Purge() and PurgeAll() wipe the secret from memory and delete
//    it from the store. Expired credentials are purged on access, by
//    SweepExpired() and by the optional background sweeper.
//  - Every decision goes to the audit log, when one is attached.
//  - List() returns masked entries only.
//  - Redact() replaces every form of every live secret and every detection
//    finding; it is the filter for everything the host emits.
//
// Thread-safe: all methods may be called from any thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <vector>

#include "base/status.h"
#include "crypto/secret_buffer.h"
#include "security/audit_log.h"
#include "security/credential.h"
#include "security/detection.h"
#include "security/redactor.h"
#include "security/sqlite_store.h"

namespace aurite::security {

struct SecureOptions {
  // Time to live. None: the manager's default; zero: no expiry.
  std::optional<std::chrono::seconds> ttl = {};
  // None: unlimited resolves.
  std::optional<std::uint32_t> max_uses = {};
  // Empty: any server permitted for the type; otherwise only these.
  std::vector<std::string> bound_servers = {};
  std::map<std::string, std::string> metadata = {};
};

struct SecuredCredential {
  crypto::SecretBuffer token;  // "aurite_tk_…"; shown once, never stored
  std::string masked;
  std::string credential_id;
  std::optional<std::int64_t> expires_at;  // Unix seconds
};

struct ResolvedSecret {
  crypto::SecretBuffer secret;
  std::string credential_id;
  std::optional<std::int64_t> expires_at;
};

// What List() shows: never the secret, the token or its digest.
struct CredentialSummary {
  std::string id;
  std::string type;
  std::string masked;
  std::int64_t created_at = 0;
  std::optional<std::int64_t> expires_at;
  std::uint32_t uses = 0;
  std::optional<std::uint32_t> max_uses;
  std::vector<std::string> bound_servers;
  std::map<std::string, std::string> metadata;
};

// Unix seconds; injectable so tests can move time.
using Clock = std::function<std::int64_t()>;

struct SecurityManagerOptions {
  std::chrono::seconds default_ttl{3600};
  Clock clock;                          // default: the system clock
  std::unique_ptr<SqliteStore> store;   // none: memory only, nothing persists
  std::unique_ptr<AuditLog> audit_log;  // none: decisions are not recorded
};

// The single error for unknown, expired, revoked, purged and used-up tokens.
Status InvalidTokenError();

class SecurityManager {
  struct PrivateTag {
    explicit PrivateTag() = default;
  };

 public:
  // Loads the store's live credentials (purging expired ones) and records
  // "store_opened".
  static StatusOr<std::unique_ptr<SecurityManager>> Create(SecurityManagerOptions options);

  // Use Create().
  SecurityManager(PrivateTag, SecurityManagerOptions options);
  ~SecurityManager();
  SecurityManager(const SecurityManager&) = delete;
  SecurityManager& operator=(const SecurityManager&) = delete;

  StatusOr<SecuredCredential> Secure(std::string_view credential_type, crypto::SecretBuffer value,
                                     const SecureOptions& options = {});
  StatusOr<ResolvedSecret> Resolve(std::string_view token, std::string_view requesting_server_id,
                                   std::string_view expected_type);

  // Replaces the types `server_id` may resolve. Servers never registered may
  // resolve nothing.
  void RegisterServerPermissions(std::string server_id, std::vector<std::string> allowed_types);

  Status Revoke(std::string_view token);
  Status Purge(std::string_view credential_id);
  Status PurgeAll();

  std::vector<CredentialSummary> List();

  // Purges every expired credential now; returns how many.
  std::size_t SweepExpired();
  // Runs SweepExpired() every `interval` on a background thread until the
  // manager is destroyed. Calling it again changes nothing.
  void StartSweeper(std::chrono::milliseconds interval);

  // Re-encrypts the persistent store under `new_key`. FailedPrecondition for
  // a memory-only manager.
  Status RotateKey(crypto::FernetKey new_key);

  std::string Mask(std::string_view text) const;
  std::vector<Finding> Detect(std::string_view text) const;
  std::string Redact(std::string_view text);

 private:
  struct Entry {
    CredentialInfo info;
    crypto::SecretBuffer secret;
  };
  struct DigestHash {
    std::size_t operator()(const TokenDigest& digest) const;
  };
  struct DigestEqual {
    bool operator()(const TokenDigest& a, const TokenDigest& b) const { return DigestsEqual(a, b); }
  };
  using EntryMap = std::unordered_map<TokenDigest, Entry, DigestHash, DigestEqual>;

  void Audit(const AuditEvent& event);
  Status Load();
  // Removes the entry (wiping its secret) from memory and the store.
  Status Remove(EntryMap::iterator it, std::string_view event, std::string_view reason);
  Status Deny(const TokenDigest& digest, const Entry* entry, std::string_view server_id,
              std::string_view expected_type, std::string_view reason, Status error);
  bool PermittedType(std::string_view server_id, std::string_view type) const;
  std::size_t SweepExpiredLocked(std::int64_t now);
  std::shared_ptr<const Redactor> CurrentRedactor();

  std::chrono::seconds default_ttl_;
  Clock clock_;
  std::unique_ptr<SqliteStore> store_;
  std::unique_ptr<AuditLog> audit_log_;

  std::mutex mutex_;
  EntryMap entries_;
  std::map<std::string, std::set<std::string, std::less<>>, std::less<>> permissions_;
  std::shared_ptr<const Redactor> redactor_;  // rebuilt lazily after changes

  std::mutex sweeper_mutex_;
  std::condition_variable_any sweeper_wake_;
  std::jthread sweeper_;
};

}  // namespace aurite::security
