// SecurityManager: the one place that holds credentials, hands out tokens for
// them and decides who may turn a token back into the credential.
//
// Contract:
//  - Secure() takes the secret into a SecretBuffer it owns, stores it (as a
//    Fernet token when a CredentialStore is attached) and returns a fresh access
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
//  - The store is the single source of truth: SyncWithStore() (and the
//    watcher StartStoreWatch() runs, and Resolve() before every decision)
//    adopts credentials another process added and drops, as revoked, those
//    another process removed. A token secured by another process is found
//    in the store on its first use (one store read). When the store cannot
//    say whether anything was revoked (it is unreachable), Resolve() refuses
//    every token (fail closed). A removal the store did not take (it was
//    unreachable) is kept and retried by the next sync, and the credential
//    is never adopted again meanwhile.
//  - Every removal, whoever made it, is announced to the RemovalListener,
//    never under the manager's lock. A listener may revoke or purge in turn:
//    what it removes is announced by the same announcer, after the
//    removal being announced, on the same thread.
//  - Every decision goes to the audit log, when one is attached. It fails
//    closed: when the record of a grant ("store_opened" at Create(),
//    "secure", "resolve", "lease_created") cannot be written, the action is
//    refused with an error naming the audit log, and nothing is handed out.
//    Records of what only takes access away (denials, revocations, purges,
//    expiries) are best effort: the removal goes ahead and the write
//    failure is reported on stderr.
//  - List() returns masked entries only.
//  - Redact() replaces every form of every live secret and every detection
//    finding; it is the filter for everything the host emits.
//  - It keeps the host's leases and rotations (lease_records.h): in the
//    store, so the next start after a crash finds them, or, without a
//    store, in memory only, where they die with the process: a memory-only
//    host cannot revoke after a crash what it created before it, and must
//    not make dynamic users (HasPersistentStore()).
//
// Thread-safe: all methods may be called from any thread.
#pragma once

#include <atomic>
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
#include "security/credential_store.h"
#include "security/detection.h"
#include "security/lease_records.h"
#include "security/redactor.h"

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

// Why a credential ended.
enum class Removal {
  kRevoked,  // Revoke(), or deleted from the store by another process
  kPurged,   // Purge(), PurgeOwnedBy(), PurgeAll()
  kExpired,  // its time to live elapsed
  kUsedUp,   // it reached its max_uses
};

struct RemovedCredential {
  std::string id;
  TokenDigest token_digest;
  Removal why;
};

using RemovalListener = std::function<void(const RemovedCredential&)>;

struct SecurityManagerOptions {
  std::chrono::seconds default_ttl{3600};
  Clock clock;                             // default: the system clock
  std::unique_ptr<CredentialStore> store;  // none: memory only, nothing persists
  std::unique_ptr<AuditLog> audit_log;     // none: decisions are not recorded
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

  // The masked entry behind a live `token` (no secret, no audit record:
  // it answers "whose is this?" before a token is used), or
  // InvalidTokenError() when the token is unknown, expired or revoked.
  StatusOr<CredentialSummary> Lookup(std::string_view token);

  Status Revoke(std::string_view token);
  Status Purge(std::string_view credential_id);
  Status PurgeAll();
  // Purges every credential whose metadata["owner"] is `owner`; returns how many.
  std::size_t PurgeOwnedBy(std::string_view owner);

  std::vector<CredentialSummary> List();

  // Purges every expired credential now; returns how many.
  std::size_t SweepExpired();
  // Runs SweepExpired() every `interval` on a background thread until the
  // manager is destroyed. Calling it again changes nothing.
  void StartSweeper(std::chrono::milliseconds interval);

  // Called for every credential removed from now on (see Removal), on the
  // thread that removed it, outside the manager's lock. One listener.
  void SetRemovalListener(RemovalListener listener);

  // Brings memory in line with the store when another process changed it
  // since the last look: adopts credentials it added, drops (as kRevoked)
  // those it deleted, and takes its use counts. Cheap when nothing changed
  // (one PRAGMA). Ok and no-op for a memory-only manager.
  Status SyncWithStore();
  // Runs SyncWithStore() every `interval` on a background thread until the
  // manager is destroyed; failures are reported on stderr and retried.
  // Calling it again changes nothing.
  void StartStoreWatch(std::chrono::milliseconds interval);

  // Tries once more to delete from the store the removals it did not take
  // (it was unreachable). For a host about to end, whose memory is their
  // only record: Unavailable, naming each credential id left and the
  // command that revokes them once the store is back, when some remain.
  Status RetryUnsyncedRemovals();

  // Re-encrypts the persistent store under `new_key`. FailedPrecondition for
  // a memory-only manager.
  Status RotateKey(crypto::FernetKey new_key);

  // True when a store keeps what the manager holds across restarts.
  bool HasPersistentStore() const { return store_ != nullptr; }

  // Leases and rotations, as CredentialStore's methods of the same names: a put
  // checks the bounds and inserts or replaces (by lease id, by connection),
  // durably when it returns; a delete of what is not there is Ok; Get
  // yields nullopt when there is none; List yields the readable records and
  // each unreadable one apart (only a store has unreadable ones). Without a
  // store they live in this manager's memory.
  Status PutLease(const LeaseRecord& lease);
  Status DeleteLease(std::string_view lease_id);
  StatusOr<std::optional<LeaseRecord>> GetLease(std::string_view lease_id);
  StatusOr<RecordList<LeaseRecord>> ListLeases();
  Status PutRotation(const RotationRecord& rotation);
  Status DeleteRotation(std::string_view connection);
  StatusOr<std::optional<RotationRecord>> GetRotation(std::string_view connection);
  StatusOr<RecordList<RotationRecord>> ListRotations();

  // Audit records of the host's database users, with the connection, the
  // user name and (for leases) the lease id; never a password. `reason`
  // passes through Redact() first: it may quote a database's error.
  // An error (fail closed) only when the record of a lease created with
  // outcome "ok" cannot be written: the caller drops the lease.
  Status AuditLease(LeaseEvent event, const LeaseRecord& lease, std::string_view outcome = "ok",
                    std::string_view reason = {});
  void AuditRotation(RotationEvent event, std::string_view connection, std::string_view username,
                     std::string_view outcome = "ok", std::string_view reason = {});
  // A refreshed secret of a connection: its references as written, never
  // its value; `reason` (a store's error) passes through Redact() first.
  void AuditSecret(SecretEvent event, std::string_view connection, std::string_view references,
                   std::string_view outcome = "ok", std::string_view reason = {});
  // "auth_failed": a request to the gateway refused for its credentials,
  // with the client's address, the principal when the token named one and
  // why (fixed text or the token verifier's, never a token), outcome
  // "denied".
  void AuditAuthFailure(std::string_view client_address, std::string_view principal,
                        std::string_view reason);
  // "record_unreadable", outcome "error", with the record's error (which
  // names its row id) as the reason.
  void AuditUnreadable(const UnreadableRecord& record);
  // A statement run through the gateway (event "statement"). Fail closed:
  // an error (kUnavailable, naming the audit log and the fix) when the
  // record cannot be written, and the caller then refuses the statement or
  // withholds its result. The record's text is written as given: masking
  // it is the caller's (audit.statements).
  Status AuditStatement(const AuditEvent& event);
  // "policy_denied", outcome "denied": the gateway's policy refused
  // `principal` a call of `tool`; `reason` is the refusal's fixed text.
  void AuditPolicyDenial(std::string_view principal, std::string_view tool,
                         std::string_view reason);

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

  // Best effort: a failure is reported on stderr.
  void Audit(const AuditEvent& event);
  // Fail closed: a record that cannot be written is an error saying the
  // `action` ("secure the credential") was refused for it.
  Status AuditOrRefuse(const AuditEvent& event, std::string_view action);
  Status Load();
  // Removes the entry (wiping its secret) from memory and the store, and
  // queues its announcement.
  Status Remove(EntryMap::iterator it, Removal why, std::string_view reason);
  // Tells the listener about the removals queued so far. Call without mutex_.
  void Announce();
  Status SyncLocked();
  // Deletes unsynced_removals_ from the store, stopping at the first error.
  Status DeleteUnsyncedLocked();
  // The store's row for `digest`, adopted into entries_; end() when none.
  StatusOr<EntryMap::iterator> AdoptFromStore(const TokenDigest& digest);
  StatusOr<ResolvedSecret> ResolveLocked(std::string_view token,
                                         std::string_view requesting_server_id,
                                         std::string_view expected_type);
  Status Deny(const TokenDigest& digest, const Entry* entry, std::string_view server_id,
              std::string_view expected_type, std::string_view reason, Status error);
  bool PermittedType(std::string_view server_id, std::string_view type) const;
  std::size_t SweepExpiredLocked(std::int64_t now);
  std::shared_ptr<const Redactor> CurrentRedactor();

  std::chrono::seconds default_ttl_;
  Clock clock_;
  std::unique_ptr<CredentialStore> store_;
  std::unique_ptr<AuditLog> audit_log_;

  std::mutex mutex_;
  EntryMap entries_;
  std::map<std::string, std::set<std::string, std::less<>>, std::less<>> permissions_;
  std::shared_ptr<const Redactor> redactor_;   // rebuilt lazily after changes
  std::optional<std::int64_t> store_version_;  // the store's data_version last seen
  std::vector<RemovedCredential> removed_;     // not announced yet
  // Credentials removed here whose rows the store did not delete (it was
  // unreachable): deleted again by the next sync, never adopted meanwhile.
  std::set<std::string, std::less<>> unsynced_removals_;
  std::mutex listener_mutex_;               // held while announcing, never with mutex_
  std::atomic<std::thread::id> announcer_;  // the thread holding listener_mutex_
  RemovalListener listener_;

  // The leases and rotations of a memory-only manager; unused with a store.
  std::map<std::string, LeaseRecord, std::less<>> leases_;
  std::map<std::string, RotationRecord, std::less<>> rotations_;

  std::mutex sweeper_mutex_;
  std::condition_variable_any sweeper_wake_;
  std::jthread sweeper_;
  std::mutex watch_mutex_;
  std::condition_variable_any watch_wake_;
  std::jthread store_watch_;
};

}  // namespace aurite::security
