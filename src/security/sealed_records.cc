// The store's sealed records: row ids, encryption, reads and re-encryption.
#include "security/sealed_records.h"

#include "security/sqlite_handles.h"
#include "security/store_errors.h"
#include "security/store_schema.h"

namespace aurite::security {

SealedRecords::SealedRecords(sqlite3* db, std::filesystem::path path, RecordSealer sealer)
    : db_(db), path_(std::move(path)), sealer_(std::move(sealer)) {}

StatusOr<SealedRecords> SealedRecords::Open(sqlite3* db, std::filesystem::path path,
                                            std::string_view record_key_token,
                                            const crypto::MultiFernet& fernet) {
  AURITE_ASSIGN_OR_RETURN(
      RecordSealer sealer,
      RecordSealer::Open("credential store '" + path.string() + "'", record_key_token, fernet));
  return SealedRecords(db, std::move(path), std::move(sealer));
}

Status SealedRecords::Put(std::string_view kind, std::string_view key,
                          const crypto::SecretBuffer& plaintext,
                          const crypto::MultiFernet& fernet) {
  AURITE_ASSIGN_OR_RETURN(SqliteStatement statement,
                          PrepareSql(db_, path_,
                                     "INSERT OR REPLACE INTO sealed_records (kind, row_id, sealed) "
                                     "VALUES (?, ?, ?)"));
  sqlite3_stmt* raw = statement.get();
  BindText(raw, 1, kind);
  BindText(raw, 2, sealer_.RowId(kind, key));
  BindText(raw, 3, fernet.Encrypt(plaintext.bytes()));
  if (sqlite3_step(raw) != SQLITE_DONE)
    return SqliteStoreFailure(db_, path_, "cannot store a record");
  return OkStatus();
}

Status SealedRecords::Delete(std::string_view kind, std::string_view key) {
  AURITE_ASSIGN_OR_RETURN(
      SqliteStatement statement,
      PrepareSql(db_, path_, "DELETE FROM sealed_records WHERE kind = ? AND row_id = ?"));
  sqlite3_stmt* raw = statement.get();
  BindText(raw, 1, kind);
  BindText(raw, 2, sealer_.RowId(kind, key));
  if (sqlite3_step(raw) != SQLITE_DONE)
    return SqliteStoreFailure(db_, path_, "cannot delete a record");
  if (sqlite3_changes(db_) == 0) return OkStatus();
  return ExecuteSql(db_, path_, "PRAGMA wal_checkpoint(TRUNCATE)");
}

StatusOr<std::vector<UnsealedRow>> SealedRecords::Read(std::string_view kind,
                                                       std::optional<std::string> row_id,
                                                       const crypto::MultiFernet& fernet) const {
  AURITE_ASSIGN_OR_RETURN(
      SqliteStatement statement,
      PrepareSql(db_, path_,
                 row_id ? "SELECT row_id, sealed FROM sealed_records WHERE kind = ? AND row_id = ?"
                        : "SELECT row_id, sealed FROM sealed_records WHERE kind = ?"));
  sqlite3_stmt* raw = statement.get();
  BindText(raw, 1, kind);
  if (row_id) BindText(raw, 2, *row_id);
  std::vector<UnsealedRow> rows;
  int rc;
  while ((rc = sqlite3_step(raw)) == SQLITE_ROW) {
    rows.push_back({std::string(ColumnText(raw, 0)), fernet.Decrypt(ColumnText(raw, 1))});
  }
  if (rc != SQLITE_DONE) return SqliteStoreFailure(db_, path_, "cannot read records");
  return rows;
}

Status SealedRecords::Reencrypt(const crypto::MultiFernet& rotator) {
  struct Sealed {
    std::string kind, row_id, token;
  };
  // Read every row before writing any, so the scan never sees its own updates.
  std::vector<Sealed> rows;
  {
    AURITE_ASSIGN_OR_RETURN(
        SqliteStatement select,
        PrepareSql(db_, path_, "SELECT kind, row_id, sealed FROM sealed_records"));
    sqlite3_stmt* raw = select.get();
    int rc;
    while ((rc = sqlite3_step(raw)) == SQLITE_ROW) {
      rows.push_back({std::string(ColumnText(raw, 0)), std::string(ColumnText(raw, 1)),
                      std::string(ColumnText(raw, 2))});
    }
    if (rc != SQLITE_DONE) return SqliteStoreFailure(db_, path_, "cannot read records");
  }
  AURITE_ASSIGN_OR_RETURN(
      SqliteStatement update,
      PrepareSql(db_, path_, "UPDATE sealed_records SET sealed = ? WHERE kind = ? AND row_id = ?"));
  sqlite3_stmt* raw = update.get();
  for (const Sealed& row : rows) {
    StatusOr<std::string> rotated = rotator.Rotate(row.token);
    if (!rotated.ok()) {
      return sealer_.RecordError(row.kind, row.row_id,
                                 "cannot be decrypted with the configured keys");
    }
    BindText(raw, 1, *rotated);
    BindText(raw, 2, row.kind);
    BindText(raw, 3, row.row_id);
    if (sqlite3_step(raw) != SQLITE_DONE) {
      return SqliteStoreFailure(db_, path_, "cannot re-encrypt records");
    }
    sqlite3_reset(raw);
  }
  return OkStatus();
}

}  // namespace aurite::security
