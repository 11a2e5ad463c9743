// AuditLog: an append-only JSON Lines record of every security decision.
//
// Each line is one JSON object with the fields seq, time, event, server,
// credential_id, credential_type, token_fp, outcome, reason and prev; the
// events of the host's database users (LeaseEvent, RotationEvent) add
// connection, user_name, lease_id and (Vault's leases) vault_lease_id
// before outcome, and only those; a statement run through the gateway
// (event "statement", see AuditEvent) adds principal, connection,
// user_name, role, statement_id, statement, params, duration_ms and rows,
// each only when known. `prev`
// is the hex SHA-256 of the previous line's bytes (64 zeros on the first
// line), so changing, removing or reordering a line breaks the chain and
// VerifyAuditLog() reports the first line where it breaks. Removing lines
// from the end cannot be detected from the file alone.
//
// The first line of a new log (event "audit_log_created") holds a random
// salt; token fingerprints are HMAC-SHA256(salt, SHA-256(token)), as Vault's
// audit devices do, so the same token can be followed through a log without
// the log holding the token. No record ever contains a secret or a token.
//
// A record that cannot be written whole (a full disk, a file size limit) is
// cut off again: Record() returns the error naming the log, and the file
// ends at its last complete record, so the chain goes on from there. A log
// deleted while open is an error too: its records would reach nobody.
//
// Several processes may append to one log: each append takes an exclusive
// flock and re-reads the tail when another writer got there first. The file
// is created with mode 0600. Thread-safe.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "base/status.h"
#include "base/unique_fd.h"
#include "crypto/secret_buffer.h"
#include "security/access_token.h"
#include "security/digests.h"

namespace aurite::security {

struct AuditEvent {
  std::string_view event = {};  // secure, resolve, resolve_denied, revoke, purge, expire, ...
  std::string_view server_id = {};
  std::string_view credential_id = {};
  std::string_view credential_type = {};
  std::optional<TokenDigest> token_digest = {};  // recorded only as a fingerprint
  // The host's database users: each is written only when not empty.
  std::string_view connection = {};  // the connection's name in aurite.json
  std::string_view user_name = {};   // the database user
  std::string_view lease_id = {};
  std::string_view vault_lease_id = {};  // Vault's id of the lease (not a secret)
  // Secret references as written in aurite.json ("${vault:secret/orders#password}"),
  // which name where a secret is kept, never the secret.
  std::string_view references = {};
  // A statement run through the gateway (event "statement"): who ran it,
  // as which database role, and what (its text as audit.statements asks:
  // literals masked, in full, or none). Each is written only when set.
  // Who asked: the authenticated principal (gateway events; "anonymous"
  // in statements when no one was).
  std::string_view principal = {};
  std::string_view role = {};
  std::string_view statement_id = {};  // the same on a statement's start and end records
  std::optional<std::string_view> statement = {};
  std::optional<std::size_t> params = {};  // how many parameters were bound
  std::optional<double> duration_ms = {};
  std::optional<std::int64_t> rows = {};
  std::string_view tool = {};  // the tool a gateway policy refused (event "policy_denied")
  std::string_view client_address = {};  // a refused gateway request's peer
  std::string_view outcome = "ok";
  std::string_view reason = {};  // why a request was denied; fixed text, never a secret
};

// The life of a dynamic database user (credentials mode "dynamic").
enum class LeaseEvent {
  kCreated,       // "lease_created": the lease was stored and its user created
  kRenewed,       // "lease_renewed": its expiry moved on
  kRevoked,       // "lease_revoked": its user is gone
  kRevokeFailed,  // "lease_revoke_failed": dropping the user failed; it will be retried
};

// The password of a static database user (credentials mode "rotate").
enum class RotationEvent {
  kPending,  // "rotation_pending": a new password is stored, before the ALTER
  kRotated,  // "password_rotated": the ALTER succeeded; the new password is current
  kSettled,  // "rotation_settled": a pending rotation found at start-up was settled
};

// A secret whose references are read again while the host runs (refresh=).
enum class SecretEvent {
  kRefreshed,      // "secret_refreshed": it changed in its store; new connections use the new one
  kRefreshFailed,  // "secret_refresh_failed": its store could not be read; the last good one stays
  kExpired,        // "secret_expired": no good read for max_age; new connections are refused
};

// The `event` field of each.
std::string_view AuditEventName(LeaseEvent event);
std::string_view AuditEventName(RotationEvent event);
std::string_view AuditEventName(SecretEvent event);

// The event of a stored lease or rotation that could not be read.
inline constexpr std::string_view kRecordUnreadableEvent = "record_unreadable";

// The JSON line of `event` as the log writes it: seq, time, instance (only
// when given: a chain in a shared table), event, ..., outcome, reason, prev.
std::string FormatAuditLine(const AuditEvent& event, std::uint64_t seq, std::string_view token_fp,
                            std::string_view prev, std::string_view instance = {});

// A second home for every record: the shared store's audit table
// (host/postgres_audit_table.h), written after the file.
class AuditMirror {
 public:
  virtual ~AuditMirror() = default;
  // Takes the record of `event`; an error when it cannot (the action it
  // records is then refused: fail closed). Called under the log's lock, in
  // the order of the file's records.
  virtual Status Record(const AuditEvent& event) = 0;
};

class AuditLog {
  struct PrivateTag {
    explicit PrivateTag() = default;
  };

 public:
  // Opens `path` for appending, creating it (and its directory) if needed.
  static StatusOr<std::unique_ptr<AuditLog>> Open(const std::filesystem::path& path);
  ~AuditLog();
  AuditLog(const AuditLog&) = delete;
  AuditLog& operator=(const AuditLog&) = delete;

  // Appends the record to the file, then gives it to the mirror, if any.
  Status Record(const AuditEvent& event);

  // From now on every record also goes to `mirror`.
  void SetMirror(std::unique_ptr<AuditMirror> mirror);

  // "hmac-sha256:<hex>" for the token with digest `digest`.
  std::string Fingerprint(const TokenDigest& digest) const;

  // Use Open().
  AuditLog(PrivateTag, std::filesystem::path path, UniqueFd fd);

 private:
  Status LoadOrCreateHeader();
  Status ReloadTail(std::uint64_t size);
  Status AppendLine(const std::string& line);
  // Fingerprint() memoized: a token is usually recorded many times.
  const std::string& CachedFingerprint(const TokenDigest& digest);

  std::filesystem::path path_;
  UniqueFd fd_;
  std::mutex mutex_;
  crypto::SecretBuffer salt_;
  HmacSha256 fingerprint_mac_;  // keyed with salt_
  std::string last_hash_;       // hex SHA-256 of the last line
  std::uint64_t last_seq_ = 0;
  std::uint64_t known_size_ = 0;                     // file size after our last append
  std::map<TokenDigest, std::string> fingerprints_;  // bounded; cleared when full
  std::unique_ptr<AuditMirror> mirror_;
};

struct AuditVerification {
  bool intact = true;
  std::uint64_t lines = 0;           // lines checked
  std::uint64_t first_bad_line = 0;  // 1-based; 0 when intact
  std::string problem;               // why that line is bad
};

// Checks one hash chain, line by line: sequence numbers from 1 up, each
// `prev` the hex SHA-256 of the line before (zeros first), the first line
// of event `first_event`.
class AuditChainCheck {
 public:
  explicit AuditChainCheck(std::string first_event);
  // Why `line`, the next of the chain, breaks it; nullopt when it does not.
  std::optional<std::string> Next(std::string_view line);
  std::uint64_t lines() const { return lines_; }

 private:
  std::string first_event_;
  std::string previous_hash_;
  std::uint64_t lines_ = 0;
};

// Checks the hash chain and sequence numbers of the log at `path`.
StatusOr<AuditVerification> VerifyAuditLog(const std::filesystem::path& path);

}  // namespace aurite::security
