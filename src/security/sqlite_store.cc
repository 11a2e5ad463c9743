// The SQLite-backed credential store.
#include "security/sqlite_store.h"

#include <fcntl.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <nlohmann/json.hpp>

#include "base/unique_fd.h"
#include "crypto/base64url.h"
#include "crypto/random.h"
#include "security/store_errors.h"

namespace aurite::security {
namespace {

// Creates the store file (0600) and its directory (0700) when missing.
// Returns whether the store is to be made afresh: a new file, or an empty
// one (a store whose creation was cut short).
StatusOr<bool> EnsurePrivateFile(const std::filesystem::path& path) {
  AURITE_ASSIGN_OR_RETURN(StorePathState state, InspectStorePath(path));
  if (state != StorePathState::kMissing) return state == StorePathState::kEmpty;
  std::error_code ec;
  std::filesystem::path directory = path.parent_path();
  if (!directory.empty() && !std::filesystem::exists(directory, ec)) {
    std::filesystem::create_directories(directory, ec);
    if (ec) {
      return UnavailableError("cannot create the store directory '" + directory.string() +
                              "': " + ec.message() +
                              ". Create it (mode 0700) for the user running aurite, or point "
                              "--store (security.store_path) elsewhere");
    }
    std::filesystem::permissions(directory, std::filesystem::perms::owner_all, ec);
  }
  UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
  if (!fd.valid()) {
    return UnavailableError("cannot create the credential store '" + path.string() +
                            "': " + std::strerror(errno) +
                            ". Make its directory writable for the user running aurite, or point "
                            "--store (security.store_path) elsewhere");
  }
  return true;
}

StatusOr<SqliteDb> OpenConnection(const std::filesystem::path& path, int flags) {
  sqlite3* raw = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &raw, flags | SQLITE_OPEN_FULLMUTEX, nullptr);
  SqliteDb db(raw);
  if (rc != SQLITE_OK) return SqliteStoreError(db.get(), path, "cannot open");
  sqlite3_busy_timeout(db.get(), 5000);
  return db;
}

// Fernet tokens are base64url of 0x80, an 8-byte time, a 16-byte IV, whole
// 16-byte cipher blocks and a 32-byte HMAC.
bool LooksLikeFernetToken(std::string_view text) {
  StatusOr<std::vector<unsigned char>> bytes =
      crypto::Base64UrlDecode(text, crypto::Padding::kPadded);
  constexpr std::size_t kOverhead = 1 + 8 + 16 + 32;
  return bytes.ok() && bytes->size() >= kOverhead + 16 && (bytes->size() - kOverhead) % 16 == 0 &&
         bytes->front() == 0x80;
}

// The key check did not decrypt: either the keys are not the store's, or the
// key check itself is damaged. A key check that is no Fernet token, or keys
// that do decrypt the record key or a stored credential, mean damage.
Status KeyCheckFailure(sqlite3* db, const std::filesystem::path& path, const StoreHeader& header,
                       const crypto::MultiFernet& fernet, const KeyProvider& keys) {
  if (!LooksLikeFernetToken(header.key_check)) {
    return DamagedStoreError(path, "its key check is not a Fernet token");
  }
  sqlite3_stmt* raw = nullptr;
  if (sqlite3_prepare_v2(db, "SELECT secret FROM credentials", -1, &raw, nullptr) == SQLITE_OK) {
    SqliteStatement statement(raw);
    while (sqlite3_step(raw) == SQLITE_ROW) {
      if (fernet.Decrypt(ColumnText(raw, 0)).ok()) {
        return DamagedStoreError(
            path, "its key check does not match the key its credentials are encrypted with");
      }
    }
  }
  if (!header.record_key.empty() && fernet.Decrypt(header.record_key).ok()) {
    return DamagedStoreError(
        path, "its key check does not match the key its lease records are encrypted with");
  }
  return WrongKeyError("credential store '" + path.string() + "'", keys, false);
}

std::string ToJson(const std::vector<std::string>& servers) {
  return nlohmann::json(servers).dump();
}
std::string ToJson(const std::map<std::string, std::string>& metadata) {
  return nlohmann::json(metadata).dump();
}

}  // namespace

SqliteStore::SqliteStore(PrivateTag, std::filesystem::path path, SqliteDb db, crypto::KdfSalt salt,
                         std::vector<crypto::FernetKey> keys, crypto::MultiFernet fernet,
                         SealedRecords records)
    : path_(std::move(path)),
      db_(std::move(db)),
      salt_(salt),
      keys_(std::move(keys)),
      fernet_(std::move(fernet)),
      records_(std::move(records)) {}

StatusOr<std::unique_ptr<SqliteStore>> SqliteStore::Open(const std::filesystem::path& path,
                                                         const KeyProvider& provide_keys) {
  AURITE_ASSIGN_OR_RETURN(bool created, EnsurePrivateFile(path));
  crypto::KdfSalt salt;
  if (created) {
    salt = crypto::NewKdfSalt();
  } else {
    // Check the key on a read-only connection first, so a wrong key leaves
    // the file exactly as it was.
    AURITE_ASSIGN_OR_RETURN(SqliteDb reader, OpenConnection(path, SQLITE_OPEN_READONLY));
    AURITE_ASSIGN_OR_RETURN(StoreHeader header, ReadStoreHeader(reader.get(), path));
    salt = header.salt;
    AURITE_ASSIGN_OR_RETURN(std::vector<crypto::FernetKey> keys, provide_keys.keys(salt));
    AURITE_ASSIGN_OR_RETURN(crypto::MultiFernet fernet, crypto::MultiFernet::CopyOf(keys));
    StatusOr<crypto::SecretBuffer> check = fernet.Decrypt(header.key_check);
    if (!check.ok() || check->Reveal() != kKeyCheckText) {
      return KeyCheckFailure(reader.get(), path, header, fernet, provide_keys);
    }
  }
  AURITE_RETURN_IF_ERROR(CheckStoreWritable(path));
  AURITE_ASSIGN_OR_RETURN(std::vector<crypto::FernetKey> keys, provide_keys.keys(salt));
  AURITE_ASSIGN_OR_RETURN(crypto::MultiFernet fernet, crypto::MultiFernet::CopyOf(keys));
  AURITE_ASSIGN_OR_RETURN(SqliteDb db, OpenConnection(path, SQLITE_OPEN_READWRITE));
  for (std::string_view pragma :
       {"PRAGMA journal_mode=WAL", "PRAGMA synchronous=FULL", "PRAGMA secure_delete=ON"}) {
    AURITE_RETURN_IF_ERROR(ExecuteSql(db.get(), path, pragma));
  }
  if (created) {
    AURITE_RETURN_IF_ERROR(CreateStoreTables(db.get(), path, salt, fernet));
  } else {
    AURITE_RETURN_IF_ERROR(UpgradeStoreTables(db.get(), path, fernet));
  }
  AURITE_ASSIGN_OR_RETURN(StoreHeader header, ReadStoreHeader(db.get(), path));
  AURITE_ASSIGN_OR_RETURN(SealedRecords records,
                          SealedRecords::Open(db.get(), path, header.record_key, fernet));
  return std::make_unique<SqliteStore>(PrivateTag(), path, std::move(db), salt, std::move(keys),
                                       std::move(fernet), std::move(records));
}

Status SqliteStore::Execute(std::string_view sql) { return ExecuteSql(db_.get(), path_, sql); }

StatusOr<SqliteStatement> SqliteStore::Prepare(std::string_view sql) {
  return PrepareSql(db_.get(), path_, sql);
}

Status SqliteStore::Fail(std::string_view what) {
  return SqliteStoreFailure(db_.get(), path_, what);
}

Status SqliteStore::Insert(const CredentialInfo& info, const crypto::SecretBuffer& secret) {
  AURITE_ASSIGN_OR_RETURN(
      SqliteStatement statement,
      Prepare("INSERT INTO credentials (id, type, token_digest, secret, masked, created_at, "
              "expires_at, max_uses, uses, bound_servers, metadata) "
              "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
  sqlite3_stmt* raw = statement.get();
  std::string ciphertext = fernet_.Encrypt(secret.bytes());
  BindText(raw, 1, info.id);
  BindText(raw, 2, info.type);
  BindBlob(raw, 3, info.token_digest);
  BindText(raw, 4, ciphertext);
  BindText(raw, 5, info.masked);
  sqlite3_bind_int64(raw, 6, info.created_at);
  BindOptional(raw, 7, info.expires_at);
  BindOptional(raw, 8, info.max_uses ? std::optional<std::int64_t>(*info.max_uses) : std::nullopt);
  sqlite3_bind_int64(raw, 9, info.uses);
  BindText(raw, 10, ToJson(info.bound_servers));
  BindText(raw, 11, ToJson(info.metadata));
  if (sqlite3_step(raw) != SQLITE_DONE) return Fail("cannot store a credential");
  return OkStatus();
}

Status SqliteStore::UpdateUses(std::string_view id, std::uint32_t uses) {
  AURITE_ASSIGN_OR_RETURN(SqliteStatement statement,
                          Prepare("UPDATE credentials SET uses = ? WHERE id = ?"));
  sqlite3_bind_int64(statement.get(), 1, uses);
  BindText(statement.get(), 2, id);
  if (sqlite3_step(statement.get()) != SQLITE_DONE) return Fail("cannot record a use");
  return OkStatus();
}

StatusOr<bool> SqliteStore::ClaimUse(std::string_view id, bool /*limited*/) {
  AURITE_ASSIGN_OR_RETURN(SqliteStatement statement,
                          Prepare("UPDATE credentials SET uses = uses + 1 "
                                  "WHERE id = ? AND (max_uses IS NULL OR uses < max_uses)"));
  BindText(statement.get(), 1, id);
  if (sqlite3_step(statement.get()) != SQLITE_DONE) return Fail("cannot record a use");
  return sqlite3_changes(db_.get()) == 1;
}

Status SqliteStore::ReturnUse(std::string_view id, bool /*limited*/) {
  AURITE_ASSIGN_OR_RETURN(
      SqliteStatement statement,
      Prepare("UPDATE credentials SET uses = uses - 1 WHERE id = ? AND uses > 0"));
  BindText(statement.get(), 1, id);
  if (sqlite3_step(statement.get()) != SQLITE_DONE) return Fail("cannot give back a use");
  return OkStatus();
}

Status SqliteStore::Delete(std::string_view id) {
  AURITE_ASSIGN_OR_RETURN(SqliteStatement statement,
                          Prepare("DELETE FROM credentials WHERE id = ?"));
  BindText(statement.get(), 1, id);
  if (sqlite3_step(statement.get()) != SQLITE_DONE) return Fail("cannot delete a credential");
  // Move the overwritten pages out of the WAL into the main file.
  return Execute("PRAGMA wal_checkpoint(TRUNCATE)");
}

Status SqliteStore::DeleteAll() {
  AURITE_RETURN_IF_ERROR(Execute("DELETE FROM credentials"));
  return Execute("PRAGMA wal_checkpoint(TRUNCATE)");
}

constexpr std::string_view kCredentialColumns =
    "SELECT id, type, token_digest, secret, masked, created_at, expires_at, max_uses, uses, "
    "bound_servers, metadata FROM credentials";

StatusOr<StoredCredential> SqliteStore::ReadRow(sqlite3_stmt* raw) {
  StoredCredential row;
  CredentialInfo& info = row.info;
  info.id = ColumnText(raw, 0);
  info.type = ColumnText(raw, 1);
  std::span<const unsigned char> digest = ColumnBlob(raw, 2);
  if (digest.size() != info.token_digest.size()) {
    return DataLossError("credential store '" + path_.string() + "': credential " + info.id +
                         " has a damaged token digest");
  }
  std::copy(digest.begin(), digest.end(), info.token_digest.begin());
  StatusOr<crypto::SecretBuffer> secret = fernet_.Decrypt(ColumnText(raw, 3));
  if (!secret.ok()) {
    return DataLossError("credential store '" + path_.string() + "': credential " + info.id +
                         " cannot be decrypted with the configured keys");
  }
  row.secret = std::move(*secret);
  info.masked = ColumnText(raw, 4);
  info.created_at = sqlite3_column_int64(raw, 5);
  if (sqlite3_column_type(raw, 6) != SQLITE_NULL) info.expires_at = sqlite3_column_int64(raw, 6);
  if (sqlite3_column_type(raw, 7) != SQLITE_NULL) {
    info.max_uses = static_cast<std::uint32_t>(sqlite3_column_int64(raw, 7));
  }
  info.uses = static_cast<std::uint32_t>(sqlite3_column_int64(raw, 8));
  nlohmann::json servers = nlohmann::json::parse(ColumnText(raw, 9), nullptr, false);
  nlohmann::json metadata = nlohmann::json::parse(ColumnText(raw, 10), nullptr, false);
  if (!servers.is_array() || !metadata.is_object()) {
    return DataLossError("credential store '" + path_.string() + "': credential " + info.id +
                         " has damaged bound servers or metadata");
  }
  info.bound_servers = servers.get<std::vector<std::string>>();
  info.metadata = metadata.get<std::map<std::string, std::string>>();
  return row;
}

StatusOr<std::vector<StoredCredential>> SqliteStore::LoadAll() {
  AURITE_ASSIGN_OR_RETURN(SqliteStatement statement,
                          Prepare(std::string(kCredentialColumns) + " ORDER BY created_at, id"));
  std::vector<StoredCredential> rows;
  int rc;
  while ((rc = sqlite3_step(statement.get())) == SQLITE_ROW) {
    AURITE_ASSIGN_OR_RETURN(StoredCredential row, ReadRow(statement.get()));
    rows.push_back(std::move(row));
  }
  if (rc != SQLITE_DONE) return Fail("cannot read credentials");
  return rows;
}

template <typename Bind>
StatusOr<std::optional<StoredCredential>> SqliteStore::LoadOne(std::string_view where, Bind bind) {
  AURITE_ASSIGN_OR_RETURN(SqliteStatement statement,
                          Prepare(std::string(kCredentialColumns) + std::string(where)));
  bind(statement.get());
  int rc = sqlite3_step(statement.get());
  if (rc == SQLITE_DONE) return std::optional<StoredCredential>();
  if (rc != SQLITE_ROW) return Fail("cannot read a credential");
  AURITE_ASSIGN_OR_RETURN(StoredCredential row, ReadRow(statement.get()));
  return std::optional<StoredCredential>(std::move(row));
}

StatusOr<std::optional<StoredCredential>> SqliteStore::Load(std::string_view id) {
  return LoadOne(" WHERE id = ?", [&](sqlite3_stmt* raw) { BindText(raw, 1, id); });
}

StatusOr<std::optional<StoredCredential>> SqliteStore::LoadByDigest(const TokenDigest& digest) {
  return LoadOne(" WHERE token_digest = ?", [&](sqlite3_stmt* raw) { BindBlob(raw, 1, digest); });
}

StatusOr<std::map<std::string, std::uint32_t>> SqliteStore::ListUses() {
  AURITE_ASSIGN_OR_RETURN(SqliteStatement statement, Prepare("SELECT id, uses FROM credentials"));
  std::map<std::string, std::uint32_t> uses;
  int rc;
  while ((rc = sqlite3_step(statement.get())) == SQLITE_ROW) {
    uses[std::string(ColumnText(statement.get(), 0))] =
        static_cast<std::uint32_t>(sqlite3_column_int64(statement.get(), 1));
  }
  if (rc != SQLITE_DONE) return Fail("cannot list credentials");
  return uses;
}

Status SqliteStore::PutLease(const LeaseRecord& lease) {
  AURITE_ASSIGN_OR_RETURN(crypto::SecretBuffer encoded, EncodeLease(lease));
  return records_.Put(kLeaseRecords, lease.lease_id, encoded, fernet_);
}

Status SqliteStore::DeleteLease(std::string_view lease_id) {
  return records_.Delete(kLeaseRecords, lease_id);
}

StatusOr<std::optional<LeaseRecord>> SqliteStore::GetLease(std::string_view lease_id) {
  return records_.Get<LeaseRecord>(kLeaseRecords, lease_id, fernet_, DecodeLease);
}

StatusOr<RecordList<LeaseRecord>> SqliteStore::ListLeases() {
  return records_.List<LeaseRecord>(kLeaseRecords, fernet_, DecodeLease);
}

Status SqliteStore::PutRotation(const RotationRecord& rotation) {
  AURITE_ASSIGN_OR_RETURN(crypto::SecretBuffer encoded, EncodeRotation(rotation));
  return records_.Put(kRotationRecords, rotation.connection, encoded, fernet_);
}

Status SqliteStore::DeleteRotation(std::string_view connection) {
  return records_.Delete(kRotationRecords, connection);
}

StatusOr<std::optional<RotationRecord>> SqliteStore::GetRotation(std::string_view connection) {
  return records_.Get<RotationRecord>(kRotationRecords, connection, fernet_, DecodeRotation);
}

StatusOr<RecordList<RotationRecord>> SqliteStore::ListRotations() {
  return records_.List<RotationRecord>(kRotationRecords, fernet_, DecodeRotation);
}

StatusOr<std::int64_t> SqliteStore::DataVersion() {
  AURITE_ASSIGN_OR_RETURN(SqliteStatement statement, Prepare("PRAGMA data_version"));
  if (sqlite3_step(statement.get()) != SQLITE_ROW) return Fail("cannot read data_version");
  return sqlite3_column_int64(statement.get(), 0);
}

Status SqliteStore::RotateKey(crypto::FernetKey new_key) {
  std::vector<crypto::FernetKey> keys;
  keys.push_back(std::move(new_key));
  for (const crypto::FernetKey& key : keys_) keys.push_back(key.Clone());
  AURITE_ASSIGN_OR_RETURN(crypto::MultiFernet rotator, crypto::MultiFernet::CopyOf(keys));

  AURITE_RETURN_IF_ERROR(Execute("BEGIN IMMEDIATE"));
  // Read every row before writing any, so the scan never sees its own updates.
  std::vector<std::pair<std::string, std::string>> rows;
  {
    AURITE_ASSIGN_OR_RETURN(SqliteStatement select, Prepare("SELECT id, secret FROM credentials"));
    int rc;
    while ((rc = sqlite3_step(select.get())) == SQLITE_ROW) {
      rows.emplace_back(ColumnText(select.get(), 0), ColumnText(select.get(), 1));
    }
    if (rc != SQLITE_DONE) return Fail("cannot read credentials");
  }
  AURITE_ASSIGN_OR_RETURN(SqliteStatement update,
                          Prepare("UPDATE credentials SET secret = ? WHERE id = ?"));
  for (const auto& [id, ciphertext] : rows) {
    StatusOr<std::string> rotated = rotator.Rotate(ciphertext);
    if (!rotated.ok()) return Fail("a credential cannot be decrypted with the configured keys");
    BindText(update.get(), 1, *rotated);
    BindText(update.get(), 2, id);
    if (sqlite3_step(update.get()) != SQLITE_DONE) return Fail("cannot re-encrypt a credential");
    sqlite3_reset(update.get());
  }
  Status records = records_.Reencrypt(rotator);
  if (!records.ok()) {
    (void)Execute("ROLLBACK");
    return records;
  }
  AURITE_ASSIGN_OR_RETURN(StoreHeader header, ReadStoreHeader(db_.get(), path_));
  StatusOr<std::string> record_key = rotator.Rotate(header.record_key);
  if (!record_key.ok()) {
    (void)Execute("ROLLBACK");
    return DamagedStoreError(path_, "its record key cannot be decrypted with the configured keys");
  }
  AURITE_ASSIGN_OR_RETURN(SqliteStatement header_update,
                          Prepare("UPDATE meta SET value = ? WHERE name = ?"));
  for (const auto& [name, value] :
       {std::pair<std::string_view, std::string>{"record_key", *record_key},
        {"key_check", crypto::Fernet(keys.front().Clone()).Encrypt(kKeyCheckText)}}) {
    BindText(header_update.get(), 1, value);
    BindText(header_update.get(), 2, name);
    if (sqlite3_step(header_update.get()) != SQLITE_DONE) {
      return Fail("cannot update the store header");
    }
    sqlite3_reset(header_update.get());
  }
  AURITE_RETURN_IF_ERROR(Execute("COMMIT"));
  keys_ = std::move(keys);
  fernet_ = std::move(rotator);
  return OkStatus();
}

std::filesystem::path DefaultStorePath() {
  const char* state = std::getenv("XDG_STATE_HOME");
  std::filesystem::path base;
  if (state != nullptr && *state != '\0') {
    base = state;
  } else {
    const char* home = std::getenv("HOME");
    base = std::filesystem::path(home ? home : ".") / ".local" / "state";
  }
  return base / "aurite" / "credentials.db";
}

}  // namespace aurite::security
