// Lease and rotation records: ids, bounds and their encoded form.
#include "security/lease_records.h"

#include <algorithm>

#include "base/text.h"
#include "crypto/random.h"
#include "security/record_codec.h"

namespace aurite::security {
namespace {

constexpr std::size_t kIdBytes = 16;
constexpr std::uint8_t kFormatVersion = 1;
constexpr char kLeaseKind = 'L';
constexpr char kRotationKind = 'R';

// The tags of a lease's fields.
enum LeaseTag : std::uint8_t {
  kLeaseId = 1,
  kConnection,
  kEngine,
  kUserName,
  kCreatedAt,
  kExpiresAt,
  kMaxExpiresAt,
  kState,
  kRevokeAttempts,
  kNextAttemptAt,
  kLastError,
  kHostInstance,
  kVaultPath,     // optional: written for Vault's leases only
  kVaultLeaseId,  // optional, likewise
};
constexpr std::uint8_t kLeaseTags[] = {
    kLeaseId,   kConnection,   kEngine,    kUserName,       kCreatedAt,
    kExpiresAt, kMaxExpiresAt, kState,     kRevokeAttempts, kNextAttemptAt,
    kLastError, kHostInstance, kVaultPath, kVaultLeaseId};

// The tags of a rotation's fields.
enum RotationTag : std::uint8_t {
  kRotationConnection = 1,
  kUsername,
  kCurrentPassword,
  kPendingPassword,
  kRotatedAt,
  kPendingSince,
};
constexpr std::uint8_t kRotationTags[] = {kRotationConnection, kUsername,  kCurrentPassword,
                                          kPendingPassword,    kRotatedAt, kPendingSince};

std::string NewRandomHexId() {
  unsigned char bytes[kIdBytes];
  crypto::FillRandom(bytes);
  return HexEncode(bytes);
}

// Checks one field's size; `required` fields must not be empty.
Status CheckField(std::string_view record, std::string_view field, std::size_t size,
                  bool required) {
  if (required && size == 0) {
    return InvalidArgumentError(std::string(record) + ": " + std::string(field) + " is empty");
  }
  if (size > kMaxRecordField) {
    return InvalidArgumentError(std::string(record) + ": " + std::string(field) + " is " +
                                std::to_string(size) + " bytes; at most " +
                                std::to_string(kMaxRecordField) + " are allowed");
  }
  return OkStatus();
}

Status CheckTime(std::string_view record, std::string_view field, std::int64_t value) {
  if (value < 0) {
    return InvalidArgumentError(std::string(record) + ": " + std::string(field) + " is negative");
  }
  return OkStatus();
}

}  // namespace

RotationRecord RotationRecord::Clone() const {
  RotationRecord copy;
  copy.connection = connection;
  copy.username = username;
  copy.current_password = current_password.Clone();
  if (pending_password) copy.pending_password = pending_password->Clone();
  copy.rotated_at = rotated_at;
  copy.pending_since = pending_since;
  return copy;
}

std::string NewLeaseId() { return NewRandomHexId(); }

std::string NewHostInstanceId() { return NewRandomHexId(); }

bool IsLeaseId(std::string_view text) {
  return text.size() == 2 * kIdBytes && std::all_of(text.begin(), text.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

std::string_view LeaseStateName(LeaseState state) {
  return state == LeaseState::kRevoking ? "revoking" : "active";
}

std::string BoundedRecordText(std::string_view text) {
  if (text.size() <= kMaxRecordField) return std::string(text);
  std::size_t cut = kMaxRecordField;
  // text[cut] is the first byte left out: never split a character there.
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  return std::string(text.substr(0, cut));
}

Status ValidateLease(const LeaseRecord& lease) {
  if (!IsLeaseId(lease.lease_id)) {
    return InvalidArgumentError("lease record: the lease id is not 32 lower-case hex digits");
  }
  const std::string record = "lease " + lease.lease_id;
  AURITE_RETURN_IF_ERROR(CheckField(record, "connection", lease.connection.size(), true));
  AURITE_RETURN_IF_ERROR(CheckField(record, "engine", lease.engine.size(), true));
  AURITE_RETURN_IF_ERROR(
      CheckField(record, "user_name", lease.user_name.size(), lease.vault_path.empty()));
  AURITE_RETURN_IF_ERROR(CheckField(record, "vault_path", lease.vault_path.size(), false));
  AURITE_RETURN_IF_ERROR(CheckField(record, "vault_lease_id", lease.vault_lease_id.size(), false));
  AURITE_RETURN_IF_ERROR(CheckField(record, "last_error", lease.last_error.size(), false));
  AURITE_RETURN_IF_ERROR(CheckField(record, "host_instance", lease.host_instance.size(), true));
  AURITE_RETURN_IF_ERROR(CheckTime(record, "created_at", lease.created_at));
  AURITE_RETURN_IF_ERROR(CheckTime(record, "expires_at", lease.expires_at));
  AURITE_RETURN_IF_ERROR(CheckTime(record, "max_expires_at", lease.max_expires_at));
  return CheckTime(record, "next_attempt_at", lease.next_attempt_at);
}

Status ValidateRotation(const RotationRecord& rotation) {
  constexpr std::string_view kRecord = "rotation record";
  AURITE_RETURN_IF_ERROR(CheckField(kRecord, "connection", rotation.connection.size(), true));
  AURITE_RETURN_IF_ERROR(CheckField(kRecord, "username", rotation.username.size(), true));
  AURITE_RETURN_IF_ERROR(
      CheckField(kRecord, "current password", rotation.current_password.size(), false));
  if (rotation.pending_password) {
    AURITE_RETURN_IF_ERROR(
        CheckField(kRecord, "pending password", rotation.pending_password->size(), true));
  } else if (rotation.current_password.empty()) {
    return InvalidArgumentError("rotation record: it has neither a current nor a pending password");
  }
  AURITE_RETURN_IF_ERROR(CheckTime(kRecord, "rotated_at", rotation.rotated_at));
  return CheckTime(kRecord, "pending_since", rotation.pending_since);
}

StatusOr<crypto::SecretBuffer> EncodeLease(const LeaseRecord& lease) {
  AURITE_RETURN_IF_ERROR(ValidateLease(lease));
  RecordWriter writer(kLeaseKind, kFormatVersion);
  writer.Text(kLeaseId, lease.lease_id);
  writer.Text(kConnection, lease.connection);
  writer.Text(kEngine, lease.engine);
  writer.Text(kUserName, lease.user_name);
  writer.Int(kCreatedAt, lease.created_at);
  writer.Int(kExpiresAt, lease.expires_at);
  writer.Int(kMaxExpiresAt, lease.max_expires_at);
  writer.Int(kState, lease.state == LeaseState::kRevoking ? 1 : 0);
  writer.Int(kRevokeAttempts, lease.revoke_attempts);
  writer.Int(kNextAttemptAt, lease.next_attempt_at);
  writer.Text(kLastError, lease.last_error);
  writer.Text(kHostInstance, lease.host_instance);
  if (!lease.vault_path.empty()) {
    writer.Text(kVaultPath, lease.vault_path);
    writer.Text(kVaultLeaseId, lease.vault_lease_id);
  }
  return writer.Finish();
}

StatusOr<LeaseRecord> DecodeLease(std::span<const unsigned char> bytes) {
  AURITE_ASSIGN_OR_RETURN(RecordReader reader,
                          RecordReader::Parse(bytes, kLeaseKind, kFormatVersion, kLeaseTags));
  LeaseRecord out;
  AURITE_ASSIGN_OR_RETURN(out.lease_id, reader.Text(kLeaseId));
  AURITE_ASSIGN_OR_RETURN(out.connection, reader.Text(kConnection));
  AURITE_ASSIGN_OR_RETURN(out.engine, reader.Text(kEngine));
  AURITE_ASSIGN_OR_RETURN(out.user_name, reader.Text(kUserName));
  AURITE_ASSIGN_OR_RETURN(out.created_at, reader.Int(kCreatedAt));
  AURITE_ASSIGN_OR_RETURN(out.expires_at, reader.Int(kExpiresAt));
  AURITE_ASSIGN_OR_RETURN(out.max_expires_at, reader.Int(kMaxExpiresAt));
  AURITE_ASSIGN_OR_RETURN(std::int64_t state, reader.Int(kState));
  AURITE_ASSIGN_OR_RETURN(std::int64_t attempts, reader.Int(kRevokeAttempts));
  AURITE_ASSIGN_OR_RETURN(out.next_attempt_at, reader.Int(kNextAttemptAt));
  AURITE_ASSIGN_OR_RETURN(out.last_error, reader.Text(kLastError));
  AURITE_ASSIGN_OR_RETURN(out.host_instance, reader.Text(kHostInstance));
  if (reader.Has(kVaultPath)) {
    AURITE_ASSIGN_OR_RETURN(out.vault_path, reader.Text(kVaultPath));
    AURITE_ASSIGN_OR_RETURN(out.vault_lease_id, reader.Text(kVaultLeaseId));
  }
  if (state != 0 && state != 1) return InvalidArgumentError("lease record: unknown state");
  if (attempts < 0 || attempts > UINT32_MAX) {
    return InvalidArgumentError("lease record: revoke_attempts is out of range");
  }
  out.state = state == 1 ? LeaseState::kRevoking : LeaseState::kActive;
  out.revoke_attempts = static_cast<std::uint32_t>(attempts);
  AURITE_RETURN_IF_ERROR(ValidateLease(out));
  return out;
}

StatusOr<crypto::SecretBuffer> EncodeRotation(const RotationRecord& rotation) {
  AURITE_RETURN_IF_ERROR(ValidateRotation(rotation));
  RecordWriter writer(kRotationKind, kFormatVersion);
  writer.Text(kRotationConnection, rotation.connection);
  writer.Text(kUsername, rotation.username);
  writer.Bytes(kCurrentPassword, rotation.current_password.bytes());
  if (rotation.pending_password) writer.Bytes(kPendingPassword, rotation.pending_password->bytes());
  writer.Int(kRotatedAt, rotation.rotated_at);
  writer.Int(kPendingSince, rotation.pending_since);
  return writer.Finish();
}

StatusOr<RotationRecord> DecodeRotation(std::span<const unsigned char> bytes) {
  AURITE_ASSIGN_OR_RETURN(RecordReader reader,
                          RecordReader::Parse(bytes, kRotationKind, kFormatVersion, kRotationTags));
  RotationRecord out;
  AURITE_ASSIGN_OR_RETURN(out.connection, reader.Text(kRotationConnection));
  AURITE_ASSIGN_OR_RETURN(out.username, reader.Text(kUsername));
  AURITE_ASSIGN_OR_RETURN(out.current_password, reader.Secret(kCurrentPassword));
  if (reader.Has(kPendingPassword)) {
    AURITE_ASSIGN_OR_RETURN(out.pending_password, reader.Secret(kPendingPassword));
  }
  AURITE_ASSIGN_OR_RETURN(out.rotated_at, reader.Int(kRotatedAt));
  AURITE_ASSIGN_OR_RETURN(out.pending_since, reader.Int(kPendingSince));
  AURITE_RETURN_IF_ERROR(ValidateRotation(out));
  return out;
}

}  // namespace aurite::security
