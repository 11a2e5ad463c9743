// Lease and rotation records: what the host must remember, across a crash,
// about the database users it makes (credentials mode "dynamic": one lease
// per user) and the passwords it owns (mode "rotate"); issue 15.
//
// The host writes a lease before it creates the user and a pending password
// before the ALTER that sets it, so its next start finds every user a
// crashed run left behind and every rotation it cut short. The store keeps
// each record encrypted (sealed_records.h); a memory-only SecurityManager
// keeps them in memory, where they die with the process.
//
// Bounds: every text field and password holds at most kMaxRecordField
// bytes. A record that breaks a bound is refused with an error that names
// the field and its size, never its content. No text field may hold a
// secret: the passwords of a rotation are SecretBuffers.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "crypto/secret_buffer.h"

namespace aurite::security {

inline constexpr std::size_t kMaxRecordField = 4096;

enum class LeaseState {
  kActive,    // the user exists, or is being created
  kRevoking,  // its revocation began; retried until the user is gone
};

struct LeaseRecord {
  std::string lease_id;             // 32 lower-case hex digits (NewLeaseId())
  std::string connection;           // the connection's name in aurite.json
  std::string engine;               // e.g. "postgresql", "mariadb"
  std::string user_name;            // the database user the lease made; "" until Vault names it
  std::int64_t created_at = 0;      // Unix seconds
  std::int64_t expires_at = 0;      // Unix seconds; renewals move it
  std::int64_t max_expires_at = 0;  // Unix seconds; no renewal goes past it
  LeaseState state = LeaseState::kActive;
  std::uint32_t revoke_attempts = 0;  // failed revocations so far
  std::int64_t next_attempt_at = 0;   // Unix seconds of the next revocation try; 0: none planned
  std::string last_error;             // why the last revocation failed (BoundedRecordText)
  std::string host_instance;          // NewHostInstanceId() of the process that made it
  // Credentials mode "vault" only: the path the login was read from (e.g.
  // "database/creds/app") and Vault's lease id, "" until Vault answered.
  // Both are optional fields of the record's encoded form, so records of
  // mode "dynamic" written before they existed read as they were.
  std::string vault_path;
  std::string vault_lease_id;
};

struct RotationRecord {
  std::string connection;  // the connection's name in aurite.json
  std::string username;    // the existing database user whose password the host owns
  // The password the user has now; empty until the host has set one.
  crypto::SecretBuffer current_password;
  // A new password, stored before the ALTER that sets it, until that ALTER's
  // outcome is known: then it becomes current, or is dropped.
  std::optional<crypto::SecretBuffer> pending_password;
  std::int64_t rotated_at = 0;     // Unix seconds the current password was set; 0: never
  std::int64_t pending_since = 0;  // Unix seconds the pending password was stored; 0: none

  RotationRecord Clone() const;
};

// A stored record that cannot be decrypted or parsed. The store lists the
// records it can read and reports each other one here, so one damaged
// record neither hides the others nor disappears: the host audits it and
// decides (it should fail closed: a lease it cannot read may be a database
// user it cannot revoke).
struct UnreadableRecord {
  std::string kind;    // "lease" or "rotation"
  std::string row_id;  // the record's opaque, stable id in the store (sealed_records.h)
  Status error;        // DataLoss naming the kind and the row id; never content
};

template <typename Record>
struct RecordList {
  std::vector<Record> records;
  std::vector<UnreadableRecord> unreadable;
};

// 128 random bits as 32 lower-case hex digits.
std::string NewLeaseId();
// The id of this host process, for LeaseRecord::host_instance: same shape.
std::string NewHostInstanceId();
bool IsLeaseId(std::string_view text);

std::string_view LeaseStateName(LeaseState state);

// What a record is stored under: the lease id, the connection's name.
inline std::string_view RecordKey(const LeaseRecord& lease) { return lease.lease_id; }
inline std::string_view RecordKey(const RotationRecord& rotation) { return rotation.connection; }

// `text` cut to at most kMaxRecordField bytes at a UTF-8 character
// boundary: for LeaseRecord::last_error, which quotes a database's message.
std::string BoundedRecordText(std::string_view text);

// Ok when every field is within its bounds: the lease id has its shape;
// connection, engine and host instance are not empty, nor the user name
// unless the lease is Vault's (vault_path set); text
// fields and passwords hold at most kMaxRecordField bytes; times are not
// negative; a rotation has a current or a pending password, neither empty.
Status ValidateLease(const LeaseRecord& lease);
Status ValidateRotation(const RotationRecord& rotation);

// The encoded form (record_codec.h) of a valid record, and back. Decoding
// checks the bounds too.
StatusOr<crypto::SecretBuffer> EncodeLease(const LeaseRecord& lease);
StatusOr<LeaseRecord> DecodeLease(std::span<const unsigned char> bytes);
StatusOr<crypto::SecretBuffer> EncodeRotation(const RotationRecord& rotation);
StatusOr<RotationRecord> DecodeRotation(std::span<const unsigned char> bytes);

}  // namespace aurite::security
