// SealedRecords: the host's records (leases and rotations, lease_records.h)
// in a SQLite credential store, in the table sealed_records
// (store_schema.h), sealed as record_sealer.h says.
//
// Every write is one autocommit statement: durable when it returns (WAL,
// synchronous=FULL) and seen at once by every other connection to the file.
// Shares the SqliteStore's connection; not thread-safe.
#pragma once

#include <sqlite3.h>

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "crypto/multi_fernet.h"
#include "crypto/secret_buffer.h"
#include "security/record_sealer.h"

namespace aurite::security {

class SealedRecords {
 public:
  // `record_key_token` is the header's record_key, which `fernet` must open.
  // `db` must outlive the object.
  static StatusOr<SealedRecords> Open(sqlite3* db, std::filesystem::path path,
                                      std::string_view record_key_token,
                                      const crypto::MultiFernet& fernet);

  // Inserts or replaces the record `key` of `kind`, encrypted under `fernet`.
  Status Put(std::string_view kind, std::string_view key, const crypto::SecretBuffer& plaintext,
             const crypto::MultiFernet& fernet);
  // Deletes the record, then checkpoints the WAL so its pages are
  // overwritten in the main file. Ok when there is none.
  Status Delete(std::string_view kind, std::string_view key);

  // The record `key` of `kind` decoded; nullopt when there is none; DataLoss
  // naming the row id when it cannot be decrypted or decoded.
  template <typename Record>
  StatusOr<std::optional<Record>> Get(std::string_view kind, std::string_view key,
                                      const crypto::MultiFernet& fernet,
                                      Decoder<Record> decode) const {
    AURITE_ASSIGN_OR_RETURN(std::vector<UnsealedRow> rows,
                            Read(kind, sealer_.RowId(kind, key), fernet));
    return sealer_.First(kind, rows, decode);
  }

  // Every record of `kind`, in no particular order: those that decrypt,
  // decode and belong to their row, and each other one as unreadable.
  template <typename Record>
  StatusOr<RecordList<Record>> List(std::string_view kind, const crypto::MultiFernet& fernet,
                                    Decoder<Record> decode) const {
    AURITE_ASSIGN_OR_RETURN(std::vector<UnsealedRow> rows, Read(kind, std::nullopt, fernet));
    return sealer_.All(kind, rows, decode);
  }

  // Re-encrypts every record with `rotator` (MultiFernet::Rotate), inside
  // the caller's transaction; DataLoss naming the row of a record no key
  // opens. The caller rolls back on failure.
  Status Reencrypt(const crypto::MultiFernet& rotator);

  // The row id of the record `key` of `kind`.
  std::string RowId(std::string_view kind, std::string_view key) const {
    return sealer_.RowId(kind, key);
  }

 private:
  SealedRecords(sqlite3* db, std::filesystem::path path, RecordSealer sealer);

  // The rows of `kind` (only `row_id`, when set), each decrypted or not.
  StatusOr<std::vector<UnsealedRow>> Read(std::string_view kind, std::optional<std::string> row_id,
                                          const crypto::MultiFernet& fernet) const;

  sqlite3* db_;
  std::filesystem::path path_;
  RecordSealer sealer_;
};

}  // namespace aurite::security
