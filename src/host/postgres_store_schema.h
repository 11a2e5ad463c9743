// The shared credential store's tables in PostgreSQL, its header and its
// schema versions (postgres_store.h).
//
//   version 1: aurite_meta (schema_version, kdf_salt, key_check,
//              record_key, audit_salt), aurite_credentials,
//              aurite_sealed_records, aurite_audit (postgres_audit_table.h)
//              and the trigger that notifies kStoreChangeChannel when
//              credentials are inserted, deleted or truncated.
//
// Migrations run in Open()'s transaction, under its advisory lock, after
// the key was checked; a store of a newer version is refused unchanged.
#pragma once

#include <cstdint>
#include <string>

#include "base/status.h"
#include "crypto/multi_fernet.h"
#include "crypto/passphrase_kdf.h"
#include "host/postgres_link.h"
#include "security/credential_store.h"

namespace aurite::host {

inline constexpr int kPostgresStoreSchemaVersion = 1;

struct PostgresStoreHeader {
  std::int64_t schema_version = 0;
  crypto::KdfSalt salt{};
  std::string key_check;   // Fernet token of security::kKeyCheckText
  std::string record_key;  // Fernet token of the record key
};

// Inside a transaction: waits for the store's advisory lock (released at
// COMMIT or ROLLBACK), so one gateway at a time creates or migrates.
Status LockStoreSchema(PostgresLink& link);

// Whether the store's tables exist.
StatusOr<bool> StoreTablesExist(PostgresLink& link);

// Reads the header. Damaged when it lacks a field; FailedPrecondition for a
// version this aurite does not read.
StatusOr<PostgresStoreHeader> ReadPostgresStoreHeader(PostgresLink& link);

// Creates the tables and writes a new header, with the key check and a new
// random record key encrypted under `fernet`.
Status CreatePostgresStore(PostgresLink& link, const crypto::KdfSalt& salt,
                           const crypto::MultiFernet& fernet);

// Runs the migrations from `from_version` to kPostgresStoreSchemaVersion.
Status MigratePostgresStore(PostgresLink& link, std::int64_t from_version);

}  // namespace aurite::host
