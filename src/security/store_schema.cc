// The credential store's tables, header and schema migrations.
#include "security/store_schema.h"

#include <algorithm>

#include "crypto/random.h"
#include "security/store_errors.h"

namespace aurite::security {
namespace {

constexpr std::string_view kVersion1Tables = R"sql(
CREATE TABLE meta (name TEXT PRIMARY KEY, value BLOB NOT NULL);
CREATE TABLE credentials (
  id TEXT PRIMARY KEY,
  type TEXT NOT NULL,
  token_digest BLOB NOT NULL UNIQUE,
  secret TEXT NOT NULL,
  masked TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER,
  max_uses INTEGER,
  uses INTEGER NOT NULL DEFAULT 0,
  bound_servers TEXT NOT NULL,
  metadata TEXT NOT NULL);
)sql";

constexpr std::string_view kVersion2Tables = R"sql(
CREATE TABLE sealed_records (
  kind TEXT NOT NULL,
  row_id TEXT NOT NULL,
  sealed TEXT NOT NULL,
  PRIMARY KEY (kind, row_id)) WITHOUT ROWID;
)sql";

// Inserts or replaces the header entry `name`; `bind` binds its value as
// parameter 2.
template <typename Bind>
Status PutMeta(sqlite3* db, const std::filesystem::path& path, std::string_view name, Bind bind) {
  AURITE_ASSIGN_OR_RETURN(
      SqliteStatement statement,
      PrepareSql(db, path, "INSERT OR REPLACE INTO meta (name, value) VALUES (?, ?)"));
  sqlite3_stmt* raw = statement.get();
  BindText(raw, 1, name);
  bind(raw);
  if (sqlite3_step(raw) != SQLITE_DONE) {
    return SqliteStoreFailure(db, path, "cannot write the header");
  }
  return OkStatus();
}

Status PutSchemaVersion(sqlite3* db, const std::filesystem::path& path) {
  return PutMeta(db, path, "schema_version",
                 [](sqlite3_stmt* raw) { sqlite3_bind_int(raw, 2, kStoreSchemaVersion); });
}

Status PutNewRecordKey(sqlite3* db, const std::filesystem::path& path,
                       const crypto::MultiFernet& fernet) {
  std::string token = fernet.Encrypt(crypto::RandomSecret(kRecordKeySize).bytes());
  return PutMeta(db, path, "record_key", [&](sqlite3_stmt* raw) { BindText(raw, 2, token); });
}

// Version 1 to 2: the sealed records and their record key.
Status MigrateToVersion2(sqlite3* db, const std::filesystem::path& path,
                         const crypto::MultiFernet& fernet) {
  AURITE_RETURN_IF_ERROR(ExecuteSql(db, path, kVersion2Tables, "cannot add the lease tables"));
  return PutNewRecordKey(db, path, fernet);
}

}  // namespace

StatusOr<SqliteStatement> PrepareSql(sqlite3* db, const std::filesystem::path& path,
                                     std::string_view sql) {
  sqlite3_stmt* raw = nullptr;
  if (sqlite3_prepare_v2(db, sql.data(), static_cast<int>(sql.size()), &raw, nullptr) !=
      SQLITE_OK) {
    return SqliteStoreFailure(db, path, "cannot prepare a statement");
  }
  return SqliteStatement(raw);
}

Status ExecuteSql(sqlite3* db, const std::filesystem::path& path, std::string_view sql,
                  std::string_view what) {
  std::string text(sql);
  if (sqlite3_exec(db, text.c_str(), nullptr, nullptr, nullptr) != SQLITE_OK) {
    return SqliteStoreFailure(db, path, what);
  }
  return OkStatus();
}

StatusOr<StoreHeader> ReadStoreHeader(sqlite3* db, const std::filesystem::path& path) {
  sqlite3_stmt* raw = nullptr;
  if (sqlite3_prepare_v2(db, "SELECT name, value FROM meta", -1, &raw, nullptr) != SQLITE_OK) {
    // A plain SQLITE_ERROR here is "no such table": any other code is a cause
    // of its own (locked, unreadable, not a database, damaged).
    if (sqlite3_errcode(db) != SQLITE_ERROR) return SqliteStoreError(db, path, "cannot read");
    return NotAStoreError(path, "a SQLite database without Aurite's tables");
  }
  SqliteStatement statement(raw);
  StoreHeader header;
  bool has_salt = false;
  int rc;
  while ((rc = sqlite3_step(raw)) == SQLITE_ROW) {
    std::string_view name = ColumnText(raw, 0);
    if (name == "schema_version") header.schema_version = sqlite3_column_int64(raw, 1);
    if (name == "key_check") header.key_check = std::string(ColumnText(raw, 1));
    if (name == "record_key") header.record_key = std::string(ColumnText(raw, 1));
    std::span<const unsigned char> blob = ColumnBlob(raw, 1);
    if (name == "kdf_salt" && blob.size() == crypto::kKdfSaltSize) {
      std::copy(blob.begin(), blob.end(), header.salt.begin());
      has_salt = true;
    }
  }
  if (rc != SQLITE_DONE) return SqliteStoreError(db, path, "cannot read the store header");
  if (header.schema_version < 1 || !has_salt || header.key_check.empty()) {
    return DamagedStoreError(path,
                             "its header lacks the schema version, the salt or the key check");
  }
  if (header.schema_version > kStoreSchemaVersion) {
    return FailedPreconditionError(
        "credential store '" + path.string() + "' has schema version " +
        std::to_string(header.schema_version) + ", newer than this aurite reads (1 to " +
        std::to_string(kStoreSchemaVersion) +
        "). The file was not changed. Open it with the aurite that wrote it, or a newer one");
  }
  if (header.schema_version >= 2 && header.record_key.empty()) {
    return DamagedStoreError(path, "its header lacks the record key");
  }
  return header;
}

Status CreateStoreTables(sqlite3* db, const std::filesystem::path& path,
                         const crypto::KdfSalt& salt, const crypto::MultiFernet& fernet) {
  AURITE_RETURN_IF_ERROR(ExecuteSql(db, path, "BEGIN IMMEDIATE"));
  AURITE_RETURN_IF_ERROR(ExecuteSql(db, path, kVersion1Tables, "cannot create the store"));
  AURITE_RETURN_IF_ERROR(ExecuteSql(db, path, kVersion2Tables, "cannot create the store"));
  AURITE_RETURN_IF_ERROR(PutSchemaVersion(db, path));
  AURITE_RETURN_IF_ERROR(
      PutMeta(db, path, "kdf_salt", [&](sqlite3_stmt* raw) { BindBlob(raw, 2, salt); }));
  std::string check = fernet.Encrypt(kKeyCheckText);
  AURITE_RETURN_IF_ERROR(
      PutMeta(db, path, "key_check", [&](sqlite3_stmt* raw) { BindText(raw, 2, check); }));
  AURITE_RETURN_IF_ERROR(PutNewRecordKey(db, path, fernet));
  return ExecuteSql(db, path, "COMMIT", "cannot create the store");
}

Status UpgradeStoreTables(sqlite3* db, const std::filesystem::path& path,
                          const crypto::MultiFernet& fernet) {
  AURITE_ASSIGN_OR_RETURN(StoreHeader header, ReadStoreHeader(db, path));
  if (header.schema_version == kStoreSchemaVersion) return OkStatus();
  AURITE_RETURN_IF_ERROR(ExecuteSql(db, path, "BEGIN IMMEDIATE"));
  StatusOr<StoreHeader> locked = ReadStoreHeader(db, path);
  if (!locked.ok()) {
    (void)ExecuteSql(db, path, "ROLLBACK");
    return locked.status();
  }
  if (locked->schema_version < kStoreSchemaVersion) {
    if (locked->schema_version < 2) AURITE_RETURN_IF_ERROR(MigrateToVersion2(db, path, fernet));
    AURITE_RETURN_IF_ERROR(PutSchemaVersion(db, path));
  }
  return ExecuteSql(db, path, "COMMIT", "cannot upgrade the store");
}

}  // namespace aurite::security
