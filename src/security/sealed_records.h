// SealedRecords: the host's records in the credential store (leases and
// rotations, lease_records.h), each encrypted, in the table sealed_records
// (store_schema.h).
//
// A row is (kind, row_id, sealed). `sealed` is a Fernet token of the
// record's encoded form under the store's current key. `row_id` is
// HMAC-SHA256(record key, kind NUL key) cut to 128 bits, in hex, where the
// key is the lease id or the connection name: the file shows neither, and a
// record is found without decrypting the others. The record key is 32
// random bytes kept in the header as a Fernet token; key rotation
// re-encrypts that token, so row ids never change and an unreadable record
// is known by the same row id across runs.
//
// Every write is one autocommit statement: durable when it returns (WAL,
// synchronous=FULL) and seen at once by every other connection to the file.
// Shares the SqliteStore's connection; not thread-safe.
#pragma once

#include <sqlite3.h>

#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "crypto/multi_fernet.h"
#include "crypto/secret_buffer.h"
#include "security/digests.h"
#include "security/lease_records.h"

namespace aurite::security {

inline constexpr std::string_view kLeaseRecords = "lease";
inline constexpr std::string_view kRotationRecords = "rotation";

template <typename Record>
using Decoder = StatusOr<Record> (*)(std::span<const unsigned char>);

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
    AURITE_ASSIGN_OR_RETURN(std::vector<Row> rows, Read(kind, RowId(kind, key), fernet));
    if (rows.empty()) return std::optional<Record>();
    AURITE_ASSIGN_OR_RETURN(Record record, Decoded(kind, rows.front(), decode));
    return std::optional<Record>(std::move(record));
  }

  // Every record of `kind`, in no particular order: those that decrypt,
  // decode and belong to their row, and each other one as unreadable.
  template <typename Record>
  StatusOr<RecordList<Record>> List(std::string_view kind, const crypto::MultiFernet& fernet,
                                    Decoder<Record> decode) const {
    AURITE_ASSIGN_OR_RETURN(std::vector<Row> rows, Read(kind, std::nullopt, fernet));
    RecordList<Record> list;
    for (const Row& row : rows) {
      StatusOr<Record> record = Decoded(kind, row, decode);
      if (record.ok()) {
        list.records.push_back(std::move(*record));
      } else {
        list.unreadable.push_back({std::string(kind), row.row_id, record.status()});
      }
    }
    return list;
  }

  // Re-encrypts every record with `rotator` (MultiFernet::Rotate), inside
  // the caller's transaction; DataLoss naming the row of a record no key
  // opens. The caller rolls back on failure.
  Status Reencrypt(const crypto::MultiFernet& rotator);

  // The row id of the record `key` of `kind`.
  std::string RowId(std::string_view kind, std::string_view key) const;

 private:
  struct Row {
    std::string row_id;
    StatusOr<crypto::SecretBuffer> plaintext;
  };

  SealedRecords(sqlite3* db, std::filesystem::path path, HmacSha256 row_mac);

  // The rows of `kind` (only `row_id`, when set), each decrypted or not.
  StatusOr<std::vector<Row>> Read(std::string_view kind, std::optional<std::string> row_id,
                                  const crypto::MultiFernet& fernet) const;

  // The row's record, or the DataLoss error that names the row: it does not
  // decrypt, does not decode, or is the record of another row (a row copied
  // over another would otherwise hide the lease it replaced).
  template <typename Record>
  StatusOr<Record> Decoded(std::string_view kind, const Row& row, Decoder<Record> decode) const {
    if (!row.plaintext.ok()) {
      return RecordError(kind, row.row_id, "cannot be decrypted with the configured keys");
    }
    StatusOr<Record> record = decode(row.plaintext->bytes());
    if (!record.ok())
      return RecordError(kind, row.row_id, "is damaged: " + record.status().message());
    if (RowId(kind, RecordKey(*record)) != row.row_id) {
      return RecordError(kind, row.row_id, "holds the record of another row");
    }
    return record;
  }

  Status RecordError(std::string_view kind, const std::string& row_id,
                     const std::string& why) const;

  sqlite3* db_;
  std::filesystem::path path_;
  HmacSha256 row_mac_;  // keyed with the record key
};

}  // namespace aurite::security
