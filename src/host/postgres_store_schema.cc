// The shared store's tables, header and migrations (postgres_store_schema.h).
#include "host/postgres_store_schema.h"

#include <array>
#include <string_view>

#include "base/text.h"
#include "crypto/random.h"

namespace aurite::host {
namespace {

// The advisory lock of the store's schema: an arbitrary constant, the same
// in every aurite ("aurite" in ASCII).
constexpr std::string_view kSchemaLockKey = "97117114105116101";

// Migration N brings a store of version N-1 to version N.
struct Migration {
  int version;
  std::string_view sql;
};

constexpr std::array<Migration, 1> kMigrations = {{
    {1, R"sql(
CREATE TABLE aurite_meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE aurite_credentials (
  id TEXT PRIMARY KEY,
  type TEXT NOT NULL,
  token_digest TEXT NOT NULL UNIQUE,
  secret TEXT NOT NULL,
  masked TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  expires_at BIGINT,
  max_uses BIGINT,
  uses BIGINT NOT NULL DEFAULT 0,
  bound_servers TEXT NOT NULL,
  metadata TEXT NOT NULL);
CREATE TABLE aurite_sealed_records (
  kind TEXT NOT NULL,
  row_id TEXT NOT NULL,
  sealed TEXT NOT NULL,
  PRIMARY KEY (kind, row_id));
CREATE TABLE aurite_audit (
  instance TEXT NOT NULL,
  seq BIGINT NOT NULL,
  line TEXT NOT NULL,
  PRIMARY KEY (instance, seq));
CREATE FUNCTION aurite_credentials_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('aurite_store_changes', TG_OP);  -- kStoreChangeChannel
  RETURN NULL;
END $$;
CREATE TRIGGER aurite_credentials_changed
  AFTER INSERT OR DELETE OR TRUNCATE ON aurite_credentials
  FOR EACH STATEMENT EXECUTE FUNCTION aurite_credentials_changed();
)sql"},
}};

Status PutMeta(PostgresLink& link, std::string_view name, std::string value) {
  return link
      .Run(
          "INSERT INTO aurite_meta (name, value) VALUES ($1, $2) "
          "ON CONFLICT (name) DO UPDATE SET value = EXCLUDED.value",
          {std::string(name), std::move(value)}, "cannot write the store header",
          /*retry=*/false)
      .status();
}

Status DamagedHeader(const PostgresLink& link, std::string_view what) {
  return DataLossError(link.Describe() + " is damaged (" + std::string(what) +
                       "). It was not changed. Restore its aurite_* tables from a backup");
}

}  // namespace

Status LockStoreSchema(PostgresLink& link) {
  return link
      .Run("SELECT pg_advisory_xact_lock(" + std::string(kSchemaLockKey) + ")", {},
           "cannot lock the store's schema", /*retry=*/false)
      .status();
}

StatusOr<bool> StoreTablesExist(PostgresLink& link) {
  AURITE_ASSIGN_OR_RETURN(sql::PgResultHandle result,
                          link.Run("SELECT to_regclass('aurite_meta') IS NOT NULL", {},
                                   "cannot look for the store's tables", /*retry=*/false));
  return PgField(result.get(), 0, 0) == "t";
}

StatusOr<PostgresStoreHeader> ReadPostgresStoreHeader(PostgresLink& link) {
  AURITE_ASSIGN_OR_RETURN(sql::PgResultHandle result,
                          link.Run("SELECT name, value FROM aurite_meta", {},
                                   "cannot read the store header", /*retry=*/false));
  PostgresStoreHeader header;
  bool has_salt = false;
  for (int row = 0; row < sql::Pq().PQntuples(result.get()); ++row) {
    std::string_view name = PgField(result.get(), row, 0);
    std::string_view value = PgField(result.get(), row, 1);
    if (name == "schema_version")
      header.schema_version = PgInteger(result.get(), row, 1).value_or(0);
    if (name == "key_check") header.key_check = std::string(value);
    if (name == "record_key") header.record_key = std::string(value);
    if (name == "kdf_salt") has_salt = HexDecodeTo(value, header.salt);
  }
  if (header.schema_version < 1 || !has_salt || header.key_check.empty() ||
      header.record_key.empty()) {
    return DamagedHeader(
        link, "its header lacks the schema version, the salt, the key check or the record key");
  }
  if (header.schema_version > kPostgresStoreSchemaVersion) {
    return FailedPreconditionError(
        link.Describe() + " has schema version " + std::to_string(header.schema_version) +
        ", newer than this aurite reads (1 to " + std::to_string(kPostgresStoreSchemaVersion) +
        "). Nothing was changed. Run the aurite that wrote it, or a newer one, on every gateway");
  }
  return header;
}

Status MigratePostgresStore(PostgresLink& link, std::int64_t from_version) {
  for (const Migration& migration : kMigrations) {
    if (migration.version <= from_version) continue;
    AURITE_RETURN_IF_ERROR(link.Execute(migration.sql, "cannot bring the store to schema version " +
                                                           std::to_string(migration.version)));
  }
  return PutMeta(link, "schema_version", std::to_string(kPostgresStoreSchemaVersion));
}

Status CreatePostgresStore(PostgresLink& link, const crypto::KdfSalt& salt,
                           const crypto::MultiFernet& fernet) {
  AURITE_RETURN_IF_ERROR(MigratePostgresStore(link, 0));
  AURITE_RETURN_IF_ERROR(PutMeta(link, "kdf_salt", HexEncode(salt)));
  AURITE_RETURN_IF_ERROR(PutMeta(link, "key_check", fernet.Encrypt(security::kKeyCheckText)));
  AURITE_RETURN_IF_ERROR(PutMeta(link, "audit_salt", crypto::RandomHex(32)));
  return PutMeta(link, "record_key",
                 fernet.Encrypt(crypto::RandomSecret(security::kRecordKeySize).bytes()));
}

}  // namespace aurite::host
