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

constexpr std::string_view kKeyCheckText = "aurite key check v1";

constexpr std::string_view kSchema = R"sql(
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

std::string_view ColumnText(sqlite3_stmt* statement, int column) {
  const unsigned char* text = sqlite3_column_text(statement, column);
  return text == nullptr
             ? std::string_view()
             : std::string_view(reinterpret_cast<const char*>(text),
                                static_cast<std::size_t>(sqlite3_column_bytes(statement, column)));
}

std::span<const unsigned char> ColumnBlob(sqlite3_stmt* statement, int column) {
  const void* blob = sqlite3_column_blob(statement, column);
  return {static_cast<const unsigned char*>(blob),
          static_cast<std::size_t>(sqlite3_column_bytes(statement, column))};
}

void BindText(sqlite3_stmt* statement, int index, std::string_view text) {
  sqlite3_bind_text(statement, index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
}

void BindBlob(sqlite3_stmt* statement, int index, std::span<const unsigned char> bytes) {
  sqlite3_bind_blob(statement, index, bytes.data(), static_cast<int>(bytes.size()),
                    SQLITE_TRANSIENT);
}

void BindOptional(sqlite3_stmt* statement, int index, std::optional<std::int64_t> value) {
  if (value) {
    sqlite3_bind_int64(statement, index, *value);
  } else {
    sqlite3_bind_null(statement, index);
  }
}

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

struct Meta {
  std::optional<std::int64_t> schema_version;
  std::optional<crypto::KdfSalt> salt;
  std::string key_check;
};

StatusOr<Meta> ReadMeta(sqlite3* db, const std::filesystem::path& path) {
  sqlite3_stmt* raw = nullptr;
  if (sqlite3_prepare_v2(db, "SELECT name, value FROM meta", -1, &raw, nullptr) != SQLITE_OK) {
    // A plain SQLITE_ERROR here is "no such table": any other code is a cause
    // of its own (locked, unreadable, not a database, damaged).
    if (sqlite3_errcode(db) != SQLITE_ERROR) return SqliteStoreError(db, path, "cannot read");
    return NotAStoreError(path, "a SQLite database without Aurite's tables");
  }
  SqliteStatement statement(raw);
  Meta meta;
  int rc;
  while ((rc = sqlite3_step(raw)) == SQLITE_ROW) {
    std::string_view name = ColumnText(raw, 0);
    if (name == "schema_version") meta.schema_version = sqlite3_column_int64(raw, 1);
    if (name == "key_check") meta.key_check = std::string(ColumnText(raw, 1));
    std::span<const unsigned char> blob = ColumnBlob(raw, 1);
    if (name == "kdf_salt" && blob.size() == crypto::kKdfSaltSize) {
      crypto::KdfSalt salt;
      std::copy(blob.begin(), blob.end(), salt.begin());
      meta.salt = salt;
    }
  }
  if (rc != SQLITE_DONE) return SqliteStoreError(db, path, "cannot read the store header");
  if (!meta.schema_version || !meta.salt || meta.key_check.empty()) {
    return DamagedStoreError(path,
                             "its header lacks the schema version, the salt or the key check");
  }
  if (*meta.schema_version != kStoreSchemaVersion) {
    return FailedPreconditionError("credential store '" + path.string() + "' has schema version " +
                                   std::to_string(*meta.schema_version) + "; this aurite reads " +
                                   std::to_string(kStoreSchemaVersion) +
                                   ". The file was not changed. Open it with the aurite that "
                                   "wrote it");
  }
  return meta;
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
// that do decrypt a stored credential, mean damage.
Status KeyCheckFailure(sqlite3* db, const std::filesystem::path& path, const Meta& meta,
                       const crypto::MultiFernet& fernet, const KeyProvider& keys) {
  if (!LooksLikeFernetToken(meta.key_check)) {
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
  return WrongKeyError(path, keys.description, keys.variable);
}

StatusOr<crypto::MultiFernet> FernetFor(const std::vector<crypto::FernetKey>& keys) {
  std::vector<crypto::FernetKey> copies;
  for (const crypto::FernetKey& key : keys) copies.push_back(key.Clone());
  return crypto::MultiFernet::Create(std::move(copies));
}

std::string ToJson(const std::vector<std::string>& servers) {
  return nlohmann::json(servers).dump();
}
std::string ToJson(const std::map<std::string, std::string>& metadata) {
  return nlohmann::json(metadata).dump();
}

}  // namespace

SqliteStore::SqliteStore(PrivateTag, std::filesystem::path path, SqliteDb db, crypto::KdfSalt salt,
                         std::vector<crypto::FernetKey> keys, crypto::MultiFernet fernet)
    : path_(std::move(path)),
      db_(std::move(db)),
      salt_(salt),
      keys_(std::move(keys)),
      fernet_(std::move(fernet)) {}

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
    AURITE_ASSIGN_OR_RETURN(Meta meta, ReadMeta(reader.get(), path));
    salt = *meta.salt;
    AURITE_ASSIGN_OR_RETURN(std::vector<crypto::FernetKey> keys, provide_keys.keys(salt));
    AURITE_ASSIGN_OR_RETURN(crypto::MultiFernet fernet, FernetFor(keys));
    StatusOr<crypto::SecretBuffer> check = fernet.Decrypt(meta.key_check);
    if (!check.ok() || check->Reveal() != kKeyCheckText) {
      return KeyCheckFailure(reader.get(), path, meta, fernet, provide_keys);
    }
  }
  AURITE_RETURN_IF_ERROR(CheckStoreWritable(path));
  AURITE_ASSIGN_OR_RETURN(std::vector<crypto::FernetKey> keys, provide_keys.keys(salt));
  AURITE_ASSIGN_OR_RETURN(crypto::MultiFernet fernet, FernetFor(keys));
  AURITE_ASSIGN_OR_RETURN(SqliteDb db, OpenConnection(path, SQLITE_OPEN_READWRITE));
  auto store = std::make_unique<SqliteStore>(PrivateTag(), path, std::move(db), salt,
                                             std::move(keys), std::move(fernet));
  AURITE_RETURN_IF_ERROR(store->Execute("PRAGMA journal_mode=WAL"));
  AURITE_RETURN_IF_ERROR(store->Execute("PRAGMA synchronous=FULL"));
  AURITE_RETURN_IF_ERROR(store->Execute("PRAGMA secure_delete=ON"));
  if (created) {
    AURITE_RETURN_IF_ERROR(store->Execute("BEGIN IMMEDIATE"));
    AURITE_RETURN_IF_ERROR(store->Execute(kSchema));
    AURITE_ASSIGN_OR_RETURN(SqliteStatement insert,
                            store->Prepare("INSERT INTO meta (name, value) VALUES (?, ?)"));
    std::string check = store->fernet_.Encrypt(kKeyCheckText);
    sqlite3_stmt* raw = insert.get();
    BindText(raw, 1, "schema_version");
    sqlite3_bind_int(raw, 2, kStoreSchemaVersion);
    if (sqlite3_step(raw) != SQLITE_DONE) return store->Fail("cannot write the header");
    sqlite3_reset(raw);
    BindText(raw, 1, "kdf_salt");
    BindBlob(raw, 2, salt);
    if (sqlite3_step(raw) != SQLITE_DONE) return store->Fail("cannot write the header");
    sqlite3_reset(raw);
    BindText(raw, 1, "key_check");
    BindText(raw, 2, check);
    if (sqlite3_step(raw) != SQLITE_DONE) return store->Fail("cannot write the header");
    AURITE_RETURN_IF_ERROR(store->Execute("COMMIT"));
  }
  return store;
}

Status SqliteStore::Execute(std::string_view sql) {
  std::string text(sql);
  if (sqlite3_exec(db_.get(), text.c_str(), nullptr, nullptr, nullptr) != SQLITE_OK) {
    return Fail("cannot run a statement");
  }
  return OkStatus();
}

StatusOr<SqliteStatement> SqliteStore::Prepare(std::string_view sql) {
  sqlite3_stmt* raw = nullptr;
  if (sqlite3_prepare_v2(db_.get(), sql.data(), static_cast<int>(sql.size()), &raw, nullptr) !=
      SQLITE_OK) {
    return Fail("cannot prepare a statement");
  }
  return SqliteStatement(raw);
}

Status SqliteStore::Fail(std::string_view what) {
  Status status = SqliteStoreError(db_.get(), path_, what);
  if (!sqlite3_get_autocommit(db_.get())) {
    sqlite3_exec(db_.get(), "ROLLBACK", nullptr, nullptr, nullptr);
  }
  return status;
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

StatusOr<std::optional<StoredCredential>> SqliteStore::Load(std::string_view id) {
  AURITE_ASSIGN_OR_RETURN(SqliteStatement statement,
                          Prepare(std::string(kCredentialColumns) + " WHERE id = ?"));
  BindText(statement.get(), 1, id);
  int rc = sqlite3_step(statement.get());
  if (rc == SQLITE_DONE) return std::optional<StoredCredential>();
  if (rc != SQLITE_ROW) return Fail("cannot read a credential");
  AURITE_ASSIGN_OR_RETURN(StoredCredential row, ReadRow(statement.get()));
  return std::optional<StoredCredential>(std::move(row));
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

StatusOr<std::int64_t> SqliteStore::DataVersion() {
  AURITE_ASSIGN_OR_RETURN(SqliteStatement statement, Prepare("PRAGMA data_version"));
  if (sqlite3_step(statement.get()) != SQLITE_ROW) return Fail("cannot read data_version");
  return sqlite3_column_int64(statement.get(), 0);
}

Status SqliteStore::RotateKey(crypto::FernetKey new_key) {
  std::vector<crypto::FernetKey> keys;
  keys.push_back(std::move(new_key));
  for (const crypto::FernetKey& key : keys_) keys.push_back(key.Clone());
  AURITE_ASSIGN_OR_RETURN(crypto::MultiFernet rotator, FernetFor(keys));

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
  AURITE_ASSIGN_OR_RETURN(SqliteStatement check,
                          Prepare("UPDATE meta SET value = ? WHERE name = 'key_check'"));
  BindText(check.get(), 1, crypto::Fernet(keys.front().Clone()).Encrypt(kKeyCheckText));
  if (sqlite3_step(check.get()) != SQLITE_DONE) return Fail("cannot update the key check");
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
