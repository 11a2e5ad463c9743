// PostgresStore: the credential store in a PostgreSQL database, shared by
// every gateway that names it (security.store = "postgresql://…"), so a
// token secured through one gateway resolves through the others and a
// revocation anywhere ends it everywhere.
//
// The rows are those of the SQLite store (security/sqlite_store.h), in
// tables named aurite_*: secrets as Fernet tokens under the store key,
// which never enters the database; access tokens as SHA-256 digests only;
// leases and rotations sealed whole (security/record_sealer.h); a header
// (aurite_meta) with the schema version, the scrypt salt, the key check
// and the record key (postgres_store_schema.h).
//
// Contract (besides security/credential_store.h):
//  - Open() takes a transaction-scoped advisory lock, then creates the
//    tables (a new store) or checks the key and runs the forward
//    migrations, in that one transaction: gateways starting together never
//    race, and with the wrong key nothing is written.
//  - DataVersion() is the change feed (postgres_change_feed.h): no round
//    trip; an error while the feed is disconnected (fail closed).
//  - Uses of credentials with max_uses are claimed in the database at once
//    (one UPDATE); those without are counted in memory and written by
//    FlushUses(), so a resolve of a token this gateway holds costs no round
//    trip.
//  - A deleted row's bytes stay in the table file until PostgreSQL vacuums
//    it: only a Fernet token, unreadable without the key.
//  - Not thread-safe; the SecurityManager serialises access.
#pragma once

#include <map>
#include <memory>
#include <string>

#include "base/status.h"
#include "host/postgres_change_feed.h"
#include "host/postgres_link.h"
#include "host/store_url.h"
#include "security/credential_store.h"
#include "security/record_sealer.h"
#include "sql/connection_config.h"

namespace aurite::host {

class PostgresStore final : public security::CredentialStore {
  struct PrivateTag {
    explicit PrivateTag() = default;
  };

 public:
  // Opens (creating, or migrating under the advisory lock) the store that
  // `url` names: "postgresql://user:password@host:port/database".
  static StatusOr<std::unique_ptr<PostgresStore>> Open(std::string_view url,
                                                       const security::KeyProvider& keys,
                                                       ChangeFeedTiming timing = {});

  // Use Open().
  PostgresStore(PrivateTag, PostgresLink link, std::unique_ptr<PostgresChangeFeed> feed,
                std::vector<crypto::FernetKey> keys, crypto::MultiFernet fernet,
                security::RecordSealer sealer);

  std::string Describe() const override;
  Status Insert(const security::CredentialInfo& info, const crypto::SecretBuffer& secret) override;
  StatusOr<bool> ClaimUse(std::string_view id, bool limited) override;
  Status ReturnUse(std::string_view id, bool limited) override;
  Status FlushUses() override;
  Status Delete(std::string_view id) override;
  Status DeleteAll() override;
  StatusOr<std::vector<security::StoredCredential>> LoadAll() override;
  StatusOr<std::optional<security::StoredCredential>> Load(std::string_view id) override;
  StatusOr<std::optional<security::StoredCredential>> LoadByDigest(
      const security::TokenDigest& digest) override;
  StatusOr<std::map<std::string, std::uint32_t>> ListUses() override;
  StatusOr<std::int64_t> DataVersion() override;

  Status PutLease(const security::LeaseRecord& lease) override;
  Status DeleteLease(std::string_view lease_id) override;
  StatusOr<std::optional<security::LeaseRecord>> GetLease(std::string_view lease_id) override;
  StatusOr<security::RecordList<security::LeaseRecord>> ListLeases() override;
  Status PutRotation(const security::RotationRecord& rotation) override;
  Status DeleteRotation(std::string_view connection) override;
  StatusOr<std::optional<security::RotationRecord>> GetRotation(
      std::string_view connection) override;
  StatusOr<security::RecordList<security::RotationRecord>> ListRotations() override;

  Status RotateKey(crypto::FernetKey new_key) override;

  // Writes every credential, lease and rotation given, in one transaction,
  // into a store that holds none yet (FailedPrecondition otherwise, and
  // nothing is written): `aurite store migrate`.
  Status Import(const std::vector<security::StoredCredential>& credentials,
                const std::vector<security::LeaseRecord>& leases,
                const std::vector<security::RotationRecord>& rotations);

 private:
  // Insert() and PutRecord() as statements of the caller's transaction.
  Status InsertOnce(const security::CredentialInfo& info, const crypto::SecretBuffer& secret,
                    bool retry);
  Status PutRecordOnce(std::string_view kind, std::string_view key,
                       const crypto::SecretBuffer& plaintext, bool retry);
  StatusOr<sql::PgResultHandle> Run(std::string_view sql, const std::vector<PgParam>& params,
                                    std::string_view what);
  StatusOr<std::vector<security::StoredCredential>> ReadRows(const PGresult* result);
  StatusOr<std::optional<security::StoredCredential>> LoadWhere(std::string_view where,
                                                                std::string value);
  Status PutRecord(std::string_view kind, std::string_view key,
                   const crypto::SecretBuffer& plaintext);
  Status DeleteRecord(std::string_view kind, std::string_view key);
  StatusOr<std::vector<security::UnsealedRow>> ReadRecords(std::string_view kind,
                                                           std::optional<std::string> row_id);

  PostgresLink link_;
  std::unique_ptr<PostgresChangeFeed> feed_;
  std::vector<crypto::FernetKey> keys_;
  crypto::MultiFernet fernet_;
  security::RecordSealer sealer_;
  std::map<std::string, std::uint32_t, std::less<>> deferred_uses_;  // by credential id
};

}  // namespace aurite::host
