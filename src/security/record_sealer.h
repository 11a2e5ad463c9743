// RecordSealer: how the host's records (leases and rotations,
// lease_records.h) are sealed in a credential store, whatever the store's
// engine (sealed_records.h for SQLite, host/postgres_store.h).
//
// A stored row is (kind, row_id, sealed). `sealed` is a Fernet token of the
// record's encoded form under the store's current key. `row_id` is
// HMAC-SHA256(record key, kind NUL key) cut to 128 bits, in hex, where the
// key is the lease id or the connection name: the store shows neither, and a
// record is found without decrypting the others. The record key is 32
// random bytes kept in the store's header as a Fernet token; key rotation
// re-encrypts that token, so row ids never change and an unreadable record
// is known by the same row id across runs.
#pragma once

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

// A row as read from a store, its sealed value decrypted (or not).
struct UnsealedRow {
  std::string row_id;
  StatusOr<crypto::SecretBuffer> plaintext;
};

class RecordSealer {
 public:
  // `record_key_token` is the header's record key, which `fernet` must open.
  // `store` names the store in errors ("credential store '/path'").
  static StatusOr<RecordSealer> Open(std::string store, std::string_view record_key_token,
                                     const crypto::MultiFernet& fernet);

  // The row id of the record `key` of `kind`.
  std::string RowId(std::string_view kind, std::string_view key) const;

  // The first of `rows` decoded; nullopt when there is none; DataLoss naming
  // the row id when it cannot be decrypted or decoded.
  template <typename Record>
  StatusOr<std::optional<Record>> First(std::string_view kind, const std::vector<UnsealedRow>& rows,
                                        Decoder<Record> decode) const {
    if (rows.empty()) return std::optional<Record>();
    AURITE_ASSIGN_OR_RETURN(Record record, Decoded(kind, rows.front(), decode));
    return std::optional<Record>(std::move(record));
  }

  // Every one of `rows`: those that decrypt, decode and belong to their
  // row, and each other one as unreadable.
  template <typename Record>
  RecordList<Record> All(std::string_view kind, const std::vector<UnsealedRow>& rows,
                         Decoder<Record> decode) const {
    RecordList<Record> list;
    for (const UnsealedRow& row : rows) {
      StatusOr<Record> record = Decoded(kind, row, decode);
      if (record.ok()) {
        list.records.push_back(std::move(*record));
      } else {
        list.unreadable.push_back({std::string(kind), row.row_id, record.status()});
      }
    }
    return list;
  }

  // The DataLoss error of the record at `row_id`: "... record ROW_ID WHY".
  Status RecordError(std::string_view kind, const std::string& row_id,
                     const std::string& why) const;

 private:
  RecordSealer(std::string store, HmacSha256 row_mac);

  // The row's record, or the DataLoss error that names the row: it does not
  // decrypt, does not decode, or is the record of another row (a row copied
  // over another would otherwise hide the lease it replaced).
  template <typename Record>
  StatusOr<Record> Decoded(std::string_view kind, const UnsealedRow& row,
                           Decoder<Record> decode) const {
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

  std::string store_;
  HmacSha256 row_mac_;  // keyed with the record key
};

}  // namespace aurite::security
