// The credential store file's layout: its tables, its header (the `meta`
// table) and the schema versions this aurite reads, with the migration from
// each older one.
//
//   version 1: meta (schema_version, kdf_salt, key_check) and credentials.
//   version 2: adds sealed_records (leases and rotations, sealed_records.h)
//              and meta's record_key.
//
// A store of an older version is migrated when it is opened, after its key
// has been checked, in one transaction: an aurite that reads only the older
// version then refuses the file (its leases would go unrevoked). A store of
// a newer version is refused and left as it is.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

#include "base/status.h"
#include "crypto/multi_fernet.h"
#include "crypto/passphrase_kdf.h"
#include "security/credential_store.h"
#include "security/sqlite_handles.h"

namespace aurite::security {

inline constexpr int kStoreSchemaVersion = 2;

struct StoreHeader {
  std::int64_t schema_version = 0;
  crypto::KdfSalt salt{};
  std::string key_check;   // Fernet token of kKeyCheckText
  std::string record_key;  // Fernet token of the record key; empty before version 2
};

// Reads the header. NotAStore when `db` has no meta table, Damaged when the
// header lacks the version, the salt, the key check or (from version 2) the
// record key, FailedPrecondition for a version this aurite does not read.
StatusOr<StoreHeader> ReadStoreHeader(sqlite3* db, const std::filesystem::path& path);

// Writes the tables and the header of a new store, in one transaction, with
// the key check and a new random record key encrypted under `fernet`.
Status CreateStoreTables(sqlite3* db, const std::filesystem::path& path,
                         const crypto::KdfSalt& salt, const crypto::MultiFernet& fernet);

// Brings the store up to kStoreSchemaVersion in one transaction; does
// nothing when it is there already. The version is read again under the
// write lock, as another process may have migrated it meanwhile.
Status UpgradeStoreTables(sqlite3* db, const std::filesystem::path& path,
                          const crypto::MultiFernet& fernet);

// Prepares `sql`. On failure: the cause, after rolling back the open
// transaction, if any.
StatusOr<SqliteStatement> PrepareSql(sqlite3* db, const std::filesystem::path& path,
                                     std::string_view sql);

// Runs `sql`. On failure: the cause (store_errors.h), after rolling back the
// transaction that is open, if any.
Status ExecuteSql(sqlite3* db, const std::filesystem::path& path, std::string_view sql,
                  std::string_view what = "cannot run a statement");

}  // namespace aurite::security
