// SqliteStore: the persistent credential store, used when a key is set.
//
// One SQLite file (mode 0600, its directory 0700) in WAL mode with
// synchronous=FULL and secure_delete on. A `meta` table holds the schema
// version (store_schema.h), the scrypt salt for passphrase keys and a key
// check value (a Fernet token of a fixed text), so a wrong key is reported
// at Open() before anything is written: the file's bytes stay as they were.
// Each secret is stored as a Fernet token; tokens are stored only as SHA-256
// digests. The host's leases and rotations (lease_records.h) are stored
// whole as Fernet tokens (sealed_records.h): the file shows no lease id,
// connection, user name or password.
//
// Keys come from a KeyProvider, called with the store's salt, which returns
// the current key first and any previous keys after it (from
// AURITE_MCP_PREVIOUS_KEYS): rows written under a previous key stay readable
// until RotateKey() re-encrypts them, all in one transaction, so an
// interrupted rotation leaves every row readable with the keys it had.
//
// A store written by an older aurite is migrated at Open(), once its key is
// checked; one written by a newer aurite is refused (store_schema.h).
//
// Open() tells the causes of failure apart (store_errors.h): the path is a
// directory or unreachable, the file cannot be read, is read-only or sits in
// a read-only directory, is locked, damaged, not a store, or the keys are not
// the store's (named by where they came from). None of them changes the file.
//
// Not thread-safe; the SecurityManager serialises access.
#pragma once

#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "crypto/multi_fernet.h"
#include "crypto/passphrase_kdf.h"
#include "crypto/secret_buffer.h"
#include "security/credential.h"
#include "security/credential_store.h"
#include "security/lease_records.h"
#include "security/sealed_records.h"
#include "security/sqlite_handles.h"
#include "security/store_schema.h"

namespace aurite::security {

class SqliteStore final : public CredentialStore {
  struct PrivateTag {
    explicit PrivateTag() = default;
  };

 public:
  // Opens the store at `path`, creating it if it does not exist.
  static StatusOr<std::unique_ptr<SqliteStore>> Open(const std::filesystem::path& path,
                                                     const KeyProvider& keys);

  // Use Open().
  SqliteStore(PrivateTag, std::filesystem::path path, SqliteDb db, crypto::KdfSalt salt,
              std::vector<crypto::FernetKey> keys, crypto::MultiFernet fernet,
              SealedRecords records);

  std::string Describe() const override { return "'" + path_.string() + "'"; }

  Status Insert(const CredentialInfo& info, const crypto::SecretBuffer& secret) override;
  // Counts the use at once, limited or not: `aurite tokens list` in another
  // process reads the count.
  StatusOr<bool> ClaimUse(std::string_view id, bool limited) override;
  Status ReturnUse(std::string_view id, bool limited) override;
  // Sets the use count (tests and tools).
  Status UpdateUses(std::string_view id, std::uint32_t uses);
  // Deletes the row; secure_delete overwrites the freed space.
  Status Delete(std::string_view id) override;
  Status DeleteAll() override;
  StatusOr<std::vector<StoredCredential>> LoadAll() override;
  StatusOr<std::optional<StoredCredential>> Load(std::string_view id) override;
  StatusOr<std::optional<StoredCredential>> LoadByDigest(const TokenDigest& digest) override;
  StatusOr<std::map<std::string, std::uint32_t>> ListUses() override;
  // SQLite's data_version: it changes when another connection (another
  // process: `aurite tokens revoke`, a second gateway) commits a change,
  // never for this one's own writes. Lease and rotation writes count as
  // changes too.
  StatusOr<std::int64_t> DataVersion() override;

  Status PutLease(const LeaseRecord& lease) override;
  Status DeleteLease(std::string_view lease_id) override;
  StatusOr<std::optional<LeaseRecord>> GetLease(std::string_view lease_id) override;
  StatusOr<RecordList<LeaseRecord>> ListLeases() override;
  Status PutRotation(const RotationRecord& rotation) override;
  Status DeleteRotation(std::string_view connection) override;
  StatusOr<std::optional<RotationRecord>> GetRotation(std::string_view connection) override;
  StatusOr<RecordList<RotationRecord>> ListRotations() override;

  Status RotateKey(crypto::FernetKey new_key) override;

  const crypto::KdfSalt& kdf_salt() const { return salt_; }

 private:
  Status Execute(std::string_view sql);
  StatusOr<SqliteStatement> Prepare(std::string_view sql);
  Status Fail(std::string_view what);
  StatusOr<StoredCredential> ReadRow(sqlite3_stmt* statement);
  // The first row `sql` (the credential columns, one parameter) selects
  // with `bind`; nullopt when none.
  template <typename Bind>
  StatusOr<std::optional<StoredCredential>> LoadOne(std::string_view where, Bind bind);

  std::filesystem::path path_;
  SqliteDb db_;
  crypto::KdfSalt salt_;
  std::vector<crypto::FernetKey> keys_;
  crypto::MultiFernet fernet_;
  SealedRecords records_;  // on db_
};

// The default place for the store: $XDG_STATE_HOME/aurite/credentials.db,
// or ~/.local/state/aurite/credentials.db.
std::filesystem::path DefaultStorePath();

}  // namespace aurite::security
