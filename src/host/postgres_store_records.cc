// The shared store's sealed records (leases and rotations) and key rotation
// (postgres_store.h).
#include "host/postgres_store.h"
#include "host/postgres_store_schema.h"

namespace aurite::host {

Status PostgresStore::PutRecord(std::string_view kind, std::string_view key,
                                const crypto::SecretBuffer& plaintext) {
  return PutRecordOnce(kind, key, plaintext, /*retry=*/true);
}

Status PostgresStore::PutRecordOnce(std::string_view kind, std::string_view key,
                                    const crypto::SecretBuffer& plaintext, bool retry) {
  return link_
      .Run(
          "INSERT INTO aurite_sealed_records (kind, row_id, sealed) VALUES ($1, $2, $3) "
          "ON CONFLICT (kind, row_id) DO UPDATE SET sealed = EXCLUDED.sealed",
          {std::string(kind), sealer_.RowId(kind, key), fernet_.Encrypt(plaintext.bytes())},
          "cannot store a record", retry)
      .status();
}

Status PostgresStore::DeleteRecord(std::string_view kind, std::string_view key) {
  return Run("DELETE FROM aurite_sealed_records WHERE kind = $1 AND row_id = $2",
             {std::string(kind), sealer_.RowId(kind, key)}, "cannot delete a record")
      .status();
}

StatusOr<std::vector<security::UnsealedRow>> PostgresStore::ReadRecords(
    std::string_view kind, std::optional<std::string> row_id) {
  std::vector<PgParam> params{std::string(kind)};
  if (row_id) params.push_back(*row_id);
  AURITE_ASSIGN_OR_RETURN(
      sql::PgResultHandle result,
      Run(row_id
              ? "SELECT row_id, sealed FROM aurite_sealed_records WHERE kind = $1 AND row_id = $2"
              : "SELECT row_id, sealed FROM aurite_sealed_records WHERE kind = $1",
          params, "cannot read records"));
  std::vector<security::UnsealedRow> rows;
  for (int row = 0; row < sql::Pq().PQntuples(result.get()); ++row) {
    rows.push_back({std::string(PgField(result.get(), row, 0)),
                    fernet_.Decrypt(PgField(result.get(), row, 1))});
  }
  return rows;
}

Status PostgresStore::PutLease(const security::LeaseRecord& lease) {
  AURITE_ASSIGN_OR_RETURN(crypto::SecretBuffer encoded, security::EncodeLease(lease));
  return PutRecord(security::kLeaseRecords, lease.lease_id, encoded);
}

Status PostgresStore::DeleteLease(std::string_view lease_id) {
  return DeleteRecord(security::kLeaseRecords, lease_id);
}

StatusOr<std::optional<security::LeaseRecord>> PostgresStore::GetLease(std::string_view lease_id) {
  AURITE_ASSIGN_OR_RETURN(
      std::vector<security::UnsealedRow> rows,
      ReadRecords(security::kLeaseRecords, sealer_.RowId(security::kLeaseRecords, lease_id)));
  return sealer_.First(security::kLeaseRecords, rows, security::DecodeLease);
}

StatusOr<security::RecordList<security::LeaseRecord>> PostgresStore::ListLeases() {
  AURITE_ASSIGN_OR_RETURN(std::vector<security::UnsealedRow> rows,
                          ReadRecords(security::kLeaseRecords, std::nullopt));
  return sealer_.All(security::kLeaseRecords, rows, security::DecodeLease);
}

Status PostgresStore::PutRotation(const security::RotationRecord& rotation) {
  AURITE_ASSIGN_OR_RETURN(crypto::SecretBuffer encoded, security::EncodeRotation(rotation));
  return PutRecord(security::kRotationRecords, rotation.connection, encoded);
}

Status PostgresStore::DeleteRotation(std::string_view connection) {
  return DeleteRecord(security::kRotationRecords, connection);
}

StatusOr<std::optional<security::RotationRecord>> PostgresStore::GetRotation(
    std::string_view connection) {
  AURITE_ASSIGN_OR_RETURN(std::vector<security::UnsealedRow> rows,
                          ReadRecords(security::kRotationRecords,
                                      sealer_.RowId(security::kRotationRecords, connection)));
  return sealer_.First(security::kRotationRecords, rows, security::DecodeRotation);
}

StatusOr<security::RecordList<security::RotationRecord>> PostgresStore::ListRotations() {
  AURITE_ASSIGN_OR_RETURN(std::vector<security::UnsealedRow> rows,
                          ReadRecords(security::kRotationRecords, std::nullopt));
  return sealer_.All(security::kRotationRecords, rows, security::DecodeRotation);
}

Status PostgresStore::RotateKey(crypto::FernetKey new_key) {
  std::vector<crypto::FernetKey> keys;
  keys.push_back(std::move(new_key));
  for (const crypto::FernetKey& key : keys_) keys.push_back(key.Clone());
  AURITE_ASSIGN_OR_RETURN(crypto::MultiFernet rotator, crypto::MultiFernet::CopyOf(keys));

  // One table at a time, every value re-encrypted in the database's
  // transaction: a failure part-way rolls all of it back.
  auto rotate = [&](std::string_view select, std::string_view update,
                    std::string_view what) -> Status {
    AURITE_ASSIGN_OR_RETURN(sql::PgResultHandle rows,
                            link_.Run(select, {}, "cannot read the store", /*retry=*/false));
    for (int row = 0; row < sql::Pq().PQntuples(rows.get()); ++row) {
      StatusOr<std::string> rotated = rotator.Rotate(PgField(rows.get(), row, 1));
      if (!rotated.ok()) {
        return DataLossError(link_.Describe() + ": " + std::string(what) + " " +
                             std::string(PgField(rows.get(), row, 0)) +
                             " cannot be decrypted with the configured keys. Nothing was changed");
      }
      AURITE_RETURN_IF_ERROR(link_
                                 .Run(update, {std::string(PgField(rows.get(), row, 0)), *rotated},
                                      "cannot re-encrypt the store", /*retry=*/false)
                                 .status());
    }
    return OkStatus();
  };
  AURITE_RETURN_IF_ERROR(link_.Execute("BEGIN", "cannot rotate the store's key"));
  Status status = [&]() -> Status {
    AURITE_RETURN_IF_ERROR(LockStoreSchema(link_));
    AURITE_RETURN_IF_ERROR(rotate("SELECT id, secret FROM aurite_credentials FOR UPDATE",
                                  "UPDATE aurite_credentials SET secret = $2 WHERE id = $1",
                                  "credential"));
    AURITE_RETURN_IF_ERROR(rotate(
        "SELECT kind || ':' || row_id, sealed FROM aurite_sealed_records FOR UPDATE",
        "UPDATE aurite_sealed_records SET sealed = $2 WHERE kind || ':' || row_id = $1", "record"));
    AURITE_RETURN_IF_ERROR(
        rotate("SELECT name, value FROM aurite_meta WHERE name = 'record_key' FOR UPDATE",
               "UPDATE aurite_meta SET value = $2 WHERE name = $1", "header entry"));
    return link_
        .Run("UPDATE aurite_meta SET value = $1 WHERE name = 'key_check'",
             {crypto::Fernet(keys.front().Clone()).Encrypt(security::kKeyCheckText)},
             "cannot update the store header", /*retry=*/false)
        .status();
  }();
  if (!status.ok()) {
    link_.RollbackQuietly();
    return status;
  }
  AURITE_RETURN_IF_ERROR(link_.Execute("COMMIT", "cannot rotate the store's key"));
  keys_ = std::move(keys);
  fernet_ = std::move(rotator);
  return OkStatus();
}

Status PostgresStore::Import(const std::vector<security::StoredCredential>& credentials,
                             const std::vector<security::LeaseRecord>& leases,
                             const std::vector<security::RotationRecord>& rotations) {
  AURITE_RETURN_IF_ERROR(link_.Execute("BEGIN", "cannot start the import"));
  Status status = [&]() -> Status {
    // Two imports at once, or an import beside a starting gateway, wait here.
    AURITE_RETURN_IF_ERROR(LockStoreSchema(link_));
    AURITE_ASSIGN_OR_RETURN(sql::PgResultHandle held,
                            link_.Run("SELECT (SELECT count(*) FROM aurite_credentials) + "
                                      "(SELECT count(*) FROM aurite_sealed_records)",
                                      {}, "cannot count what the store holds", /*retry=*/false));
    if (PgField(held.get(), 0, 0) != "0") {
      return FailedPreconditionError(
          link_.Describe() + " already holds " + std::string(PgField(held.get(), 0, 0)) +
          " credentials or records; nothing was copied. Import into a new, empty store");
    }
    for (const security::StoredCredential& credential : credentials) {
      AURITE_RETURN_IF_ERROR(InsertOnce(credential.info, credential.secret, /*retry=*/false));
    }
    for (const security::LeaseRecord& lease : leases) {
      AURITE_ASSIGN_OR_RETURN(crypto::SecretBuffer encoded, security::EncodeLease(lease));
      AURITE_RETURN_IF_ERROR(
          PutRecordOnce(security::kLeaseRecords, lease.lease_id, encoded, /*retry=*/false));
    }
    for (const security::RotationRecord& rotation : rotations) {
      AURITE_ASSIGN_OR_RETURN(crypto::SecretBuffer encoded, security::EncodeRotation(rotation));
      AURITE_RETURN_IF_ERROR(
          PutRecordOnce(security::kRotationRecords, rotation.connection, encoded, /*retry=*/false));
    }
    return OkStatus();
  }();
  if (!status.ok()) {
    link_.RollbackQuietly();
    return status;
  }
  return link_.Execute("COMMIT", "cannot finish the import");
}

}  // namespace aurite::host
