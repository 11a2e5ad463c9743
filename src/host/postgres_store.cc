// The shared credential store on PostgreSQL (postgres_store.h).
#include "host/postgres_store.h"

#include <nlohmann/json.hpp>

#include "base/text.h"
#include "host/postgres_store_schema.h"
#include "security/store_errors.h"
#include "sql/connection_string.h"

namespace aurite::host {
namespace {

constexpr std::string_view kCredentialColumns =
    "SELECT id, type, token_digest, secret, masked, created_at, expires_at, max_uses, uses, "
    "bound_servers, metadata FROM aurite_credentials";

PgParam Optional(const std::optional<std::int64_t>& value) {
  return value ? PgParam(std::to_string(*value)) : PgParam();
}

}  // namespace

PostgresStore::PostgresStore(PrivateTag, PostgresLink link,
                             std::unique_ptr<PostgresChangeFeed> feed,
                             std::vector<crypto::FernetKey> keys, crypto::MultiFernet fernet,
                             security::RecordSealer sealer)
    : link_(std::move(link)),
      feed_(std::move(feed)),
      keys_(std::move(keys)),
      fernet_(std::move(fernet)),
      sealer_(std::move(sealer)) {}

StatusOr<std::unique_ptr<PostgresStore>> PostgresStore::Open(std::string_view url,
                                                             const security::KeyProvider& keys,
                                                             ChangeFeedTiming timing) {
  if (!IsPostgresStoreUrl(url)) {
    return InvalidArgumentError("a shared store is named by a postgresql:// URL");
  }
  AURITE_ASSIGN_OR_RETURN(sql::ConnectionConfig config, sql::ParseConnectionString(url));
  PostgresLink link(config.Clone());
  AURITE_RETURN_IF_ERROR(link.Execute("BEGIN", "cannot open the store"));
  auto opened = [&]() -> StatusOr<std::pair<std::vector<crypto::FernetKey>, std::string>> {
    AURITE_RETURN_IF_ERROR(LockStoreSchema(link));
    AURITE_ASSIGN_OR_RETURN(bool exists, StoreTablesExist(link));
    if (!exists) {
      crypto::KdfSalt salt = crypto::NewKdfSalt();
      AURITE_ASSIGN_OR_RETURN(std::vector<crypto::FernetKey> current, keys.keys(salt));
      AURITE_ASSIGN_OR_RETURN(crypto::MultiFernet fernet, crypto::MultiFernet::CopyOf(current));
      AURITE_RETURN_IF_ERROR(CreatePostgresStore(link, salt, fernet));
    }
    AURITE_ASSIGN_OR_RETURN(PostgresStoreHeader header, ReadPostgresStoreHeader(link));
    AURITE_ASSIGN_OR_RETURN(std::vector<crypto::FernetKey> current, keys.keys(header.salt));
    AURITE_ASSIGN_OR_RETURN(crypto::MultiFernet fernet, crypto::MultiFernet::CopyOf(current));
    StatusOr<crypto::SecretBuffer> check = fernet.Decrypt(header.key_check);
    if (!check.ok() || check->Reveal() != security::kKeyCheckText) {
      return security::WrongKeyError(link.Describe(), keys, true);
    }
    if (header.schema_version < kPostgresStoreSchemaVersion) {
      AURITE_RETURN_IF_ERROR(MigratePostgresStore(link, header.schema_version));
    }
    return std::make_pair(std::move(current), header.record_key);
  }();
  if (!opened.ok()) {
    link.RollbackQuietly();
    return opened.status();
  }
  AURITE_RETURN_IF_ERROR(link.Execute("COMMIT", "cannot open the store"));
  auto& [current, record_key] = *opened;
  AURITE_ASSIGN_OR_RETURN(crypto::MultiFernet fernet, crypto::MultiFernet::CopyOf(current));
  AURITE_ASSIGN_OR_RETURN(security::RecordSealer sealer,
                          security::RecordSealer::Open(link.Describe(), record_key, fernet));
  AURITE_ASSIGN_OR_RETURN(std::unique_ptr<PostgresChangeFeed> feed,
                          PostgresChangeFeed::Start(config, timing));
  feed->SetOwnBackend(link.BackendPid());
  return std::make_unique<PostgresStore>(PrivateTag(), std::move(link), std::move(feed),
                                         std::move(current), std::move(fernet), std::move(sealer));
}

std::string PostgresStore::Describe() const { return "'" + link_.Url() + "'"; }

StatusOr<sql::PgResultHandle> PostgresStore::Run(std::string_view sql,
                                                 const std::vector<PgParam>& params,
                                                 std::string_view what) {
  StatusOr<sql::PgResultHandle> result = link_.Run(sql, params, what);
  // A reconnection gives the data connection another server process.
  feed_->SetOwnBackend(link_.BackendPid());
  return result;
}

Status PostgresStore::Insert(const security::CredentialInfo& info,
                             const crypto::SecretBuffer& secret) {
  return InsertOnce(info, secret, /*retry=*/true);
}

Status PostgresStore::InsertOnce(const security::CredentialInfo& info,
                                 const crypto::SecretBuffer& secret, bool retry) {
  return link_
      .Run(
          "INSERT INTO aurite_credentials (id, type, token_digest, secret, masked, "
          "created_at, expires_at, max_uses, uses, bound_servers, metadata) "
          "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
          {info.id, info.type, HexEncode(info.token_digest), fernet_.Encrypt(secret.bytes()),
           info.masked, std::to_string(info.created_at), Optional(info.expires_at),
           Optional(info.max_uses ? std::optional<std::int64_t>(*info.max_uses) : std::nullopt),
           std::to_string(info.uses), nlohmann::json(info.bound_servers).dump(),
           nlohmann::json(info.metadata).dump()},
          "cannot store a credential", retry)
      .status();
}

StatusOr<bool> PostgresStore::ClaimUse(std::string_view id, bool limited) {
  if (!limited) {
    ++deferred_uses_[std::string(id)];
    return true;
  }
  AURITE_ASSIGN_OR_RETURN(sql::PgResultHandle result,
                          Run("UPDATE aurite_credentials SET uses = uses + 1 "
                              "WHERE id = $1 AND (max_uses IS NULL OR uses < max_uses)",
                              {std::string(id)}, "cannot record a use"));
  return std::string_view(sql::Pq().PQcmdTuples(result.get())) == "1";
}

Status PostgresStore::ReturnUse(std::string_view id, bool limited) {
  if (!limited) {
    auto it = deferred_uses_.find(id);
    if (it != deferred_uses_.end() && --it->second == 0) deferred_uses_.erase(it);
    return OkStatus();
  }
  return Run("UPDATE aurite_credentials SET uses = uses - 1 WHERE id = $1 AND uses > 0",
             {std::string(id)}, "cannot give back a use")
      .status();
}

Status PostgresStore::FlushUses() {
  while (!deferred_uses_.empty()) {
    auto it = deferred_uses_.begin();
    AURITE_RETURN_IF_ERROR(Run("UPDATE aurite_credentials SET uses = uses + $2 WHERE id = $1",
                               {it->first, std::to_string(it->second)}, "cannot record uses")
                               .status());
    deferred_uses_.erase(it);
  }
  return OkStatus();
}

Status PostgresStore::Delete(std::string_view id) {
  deferred_uses_.erase(std::string(id));
  return Run("DELETE FROM aurite_credentials WHERE id = $1", {std::string(id)},
             "cannot delete a credential")
      .status();
}

Status PostgresStore::DeleteAll() {
  deferred_uses_.clear();
  return Run("DELETE FROM aurite_credentials", {}, "cannot delete the credentials").status();
}

StatusOr<std::vector<security::StoredCredential>> PostgresStore::ReadRows(const PGresult* result) {
  std::vector<security::StoredCredential> rows;
  for (int row = 0; row < sql::Pq().PQntuples(result); ++row) {
    security::StoredCredential stored;
    security::CredentialInfo& info = stored.info;
    info.id = std::string(PgField(result, row, 0));
    info.type = std::string(PgField(result, row, 1));
    auto damaged = [&](std::string_view what) {
      return DataLossError(link_.Describe() + ": credential " + info.id + " " + std::string(what));
    };
    if (!HexDecodeTo(PgField(result, row, 2), info.token_digest)) {
      return damaged("has a damaged token digest");
    }
    StatusOr<crypto::SecretBuffer> secret = fernet_.Decrypt(PgField(result, row, 3));
    if (!secret.ok()) return damaged("cannot be decrypted with the configured keys");
    stored.secret = std::move(*secret);
    info.masked = std::string(PgField(result, row, 4));
    info.created_at = PgInteger(result, row, 5).value_or(0);
    info.expires_at = PgInteger(result, row, 6);
    if (std::optional<std::int64_t> max = PgInteger(result, row, 7)) {
      info.max_uses = static_cast<std::uint32_t>(*max);
    }
    info.uses = static_cast<std::uint32_t>(PgInteger(result, row, 8).value_or(0));
    nlohmann::json servers = nlohmann::json::parse(PgField(result, row, 9), nullptr, false);
    nlohmann::json metadata = nlohmann::json::parse(PgField(result, row, 10), nullptr, false);
    if (!servers.is_array() || !metadata.is_object()) {
      return damaged("has damaged bound servers or metadata");
    }
    info.bound_servers = servers.get<std::vector<std::string>>();
    info.metadata = metadata.get<std::map<std::string, std::string>>();
    rows.push_back(std::move(stored));
  }
  return rows;
}

StatusOr<std::vector<security::StoredCredential>> PostgresStore::LoadAll() {
  AURITE_ASSIGN_OR_RETURN(sql::PgResultHandle result,
                          Run(std::string(kCredentialColumns) + " ORDER BY created_at, id", {},
                              "cannot read credentials"));
  return ReadRows(result.get());
}

StatusOr<std::optional<security::StoredCredential>> PostgresStore::LoadWhere(std::string_view where,
                                                                             std::string value) {
  AURITE_ASSIGN_OR_RETURN(sql::PgResultHandle result,
                          Run(std::string(kCredentialColumns) + std::string(where),
                              {std::move(value)}, "cannot read a credential"));
  AURITE_ASSIGN_OR_RETURN(std::vector<security::StoredCredential> rows, ReadRows(result.get()));
  if (rows.empty()) return std::optional<security::StoredCredential>();
  return std::optional<security::StoredCredential>(std::move(rows.front()));
}

StatusOr<std::optional<security::StoredCredential>> PostgresStore::Load(std::string_view id) {
  return LoadWhere(" WHERE id = $1", std::string(id));
}

StatusOr<std::optional<security::StoredCredential>> PostgresStore::LoadByDigest(
    const security::TokenDigest& digest) {
  return LoadWhere(" WHERE token_digest = $1", HexEncode(digest));
}

StatusOr<std::map<std::string, std::uint32_t>> PostgresStore::ListUses() {
  AURITE_ASSIGN_OR_RETURN(sql::PgResultHandle result, Run("SELECT id, uses FROM aurite_credentials",
                                                          {}, "cannot list credentials"));
  std::map<std::string, std::uint32_t> uses;
  for (int row = 0; row < sql::Pq().PQntuples(result.get()); ++row) {
    std::string id(PgField(result.get(), row, 0));
    std::uint32_t count = static_cast<std::uint32_t>(PgInteger(result.get(), row, 1).value_or(0));
    auto deferred = deferred_uses_.find(id);
    uses[id] = count + (deferred != deferred_uses_.end() ? deferred->second : 0);
  }
  return uses;
}

StatusOr<std::int64_t> PostgresStore::DataVersion() { return feed_->Version(); }

}  // namespace aurite::host
