// CredentialStore: where the SecurityManager keeps what must outlive the
// process: credentials (secrets as Fernet tokens under the store key, which
// never enters the store; access tokens only as SHA-256 digests), and the
// host's leases and rotations (lease_records.h), sealed whole.
//
// Two implementations: SqliteStore (one file, one machine; the default) and
// host::PostgresStore (one PostgreSQL database shared by several gateways).
// The security layer knows only this interface, so the PostgreSQL one can
// use the sql layer's libpq.
//
// Contract, for every implementation:
//  - Opening checks the key against the store's key check before anything
//    is written: with the wrong key the store is left exactly as it was.
//  - Every write is durable when it returns and seen by every other process
//    using the store on its next read.
//  - DataVersion() is the change feed: it moves when another process changed
//    the credentials since the last call, never for this process's own
//    writes. It is cheap (no network round trip) and fails when the store
//    cannot tell whether anything changed (it is unreachable): the caller
//    then refuses tokens rather than serve one revoked elsewhere.
//  - Errors say which store, what failed and how to fix it; never a secret.
//
// Not thread-safe; the SecurityManager serialises access.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "crypto/multi_fernet.h"
#include "crypto/passphrase_kdf.h"
#include "crypto/secret_buffer.h"
#include "security/credential.h"
#include "security/lease_records.h"

namespace aurite::security {

// The plaintext of the key check every store keeps in its header: a key
// that decrypts the check to this is the store's key.
inline constexpr std::string_view kKeyCheckText = "aurite key check v1";

// The size of the record key (record_sealer.h).
inline constexpr std::size_t kRecordKeySize = 32;

struct KeyProvider {
  // The keys for the store's salt: the current key first, previous keys after.
  std::function<StatusOr<std::vector<crypto::FernetKey>>(const crypto::KdfSalt& salt)> keys;
  // Which keys these are and where they came from, for the message when they
  // do not open the store ("the key from AURITE_MCP_ENCRYPTION_KEY_FILE
  // ('/path')"), and the variable that sets the current key.
  std::string description = "the configured key";
  std::string variable = "AURITE_MCP_ENCRYPTION_KEY";
};

struct StoredCredential {
  CredentialInfo info;
  crypto::SecretBuffer secret;
};

class CredentialStore {
 public:
  virtual ~CredentialStore() = default;

  // The store for messages: a path, or a URL without its password.
  virtual std::string Describe() const = 0;

  virtual Status Insert(const CredentialInfo& info, const crypto::SecretBuffer& secret) = 0;
  // Counts one use of the credential `id`. False when it cannot be used any
  // more: its row is gone (revoked elsewhere) or, for a credential with
  // max_uses, the limit was reached (by any process: the count is claimed
  // atomically in the store). A store may defer counting the uses of
  // credentials without a limit (`limited` false) until FlushUses().
  virtual StatusOr<bool> ClaimUse(std::string_view id, bool limited) = 0;
  // Gives back a use ClaimUse() counted (the secret was not handed out).
  virtual Status ReturnUse(std::string_view id, bool limited) = 0;
  // Writes the deferred use counts, if any.
  virtual Status FlushUses() { return OkStatus(); }
  // Deletes the row; Ok when there is none.
  virtual Status Delete(std::string_view id) = 0;
  virtual Status DeleteAll() = 0;
  // Every row with its secret decrypted.
  virtual StatusOr<std::vector<StoredCredential>> LoadAll() = 0;
  // The row `id` with its secret decrypted; nullopt when there is none.
  virtual StatusOr<std::optional<StoredCredential>> Load(std::string_view id) = 0;
  // The row whose token has `digest`; nullopt when there is none.
  virtual StatusOr<std::optional<StoredCredential>> LoadByDigest(const TokenDigest& digest) = 0;
  // Every credential id with its use count, without decrypting anything.
  virtual StatusOr<std::map<std::string, std::uint32_t>> ListUses() = 0;
  // See the contract above.
  virtual StatusOr<std::int64_t> DataVersion() = 0;

  // Leases and rotations. A put inserts or replaces the record (by lease id,
  // by connection) after checking its bounds (ValidateLease,
  // ValidateRotation). A delete of a record that is not there is Ok. Get
  // yields nullopt when there is none and DataLoss, naming the record's row
  // id, when it cannot be read; List yields the readable records, in no
  // particular order, and each unreadable one apart.
  virtual Status PutLease(const LeaseRecord& lease) = 0;
  virtual Status DeleteLease(std::string_view lease_id) = 0;
  virtual StatusOr<std::optional<LeaseRecord>> GetLease(std::string_view lease_id) = 0;
  virtual StatusOr<RecordList<LeaseRecord>> ListLeases() = 0;
  virtual Status PutRotation(const RotationRecord& rotation) = 0;
  virtual Status DeleteRotation(std::string_view connection) = 0;
  virtual StatusOr<std::optional<RotationRecord>> GetRotation(std::string_view connection) = 0;
  virtual StatusOr<RecordList<RotationRecord>> ListRotations() = 0;

  // Re-encrypts every secret, record, the record key and the key check
  // under `new_key`, in one transaction: an interrupted rotation leaves
  // every row readable with the keys it had. Afterwards `new_key` is the
  // current key.
  virtual Status RotateKey(crypto::FernetKey new_key) = 0;
};

}  // namespace aurite::security
