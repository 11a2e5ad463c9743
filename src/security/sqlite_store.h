// SqliteStore: the persistent credential store, used when a key is set.
//
// One SQLite file (mode 0600, its directory 0700) in WAL mode with
// synchronous=FULL and secure_delete on. A `meta` table holds the schema
// version, the scrypt salt for passphrase keys and a key check value (a
// Fernet token of a fixed text), so a wrong key is reported at Open() before
// anything is written: the file's bytes stay as they were. Each secret is
// stored as a Fernet token; tokens are stored only as SHA-256 digests.
//
// Keys come from a KeyProvider, called with the store's salt, which returns
// the current key first and any previous keys after it (from
// AURITE_MCP_PREVIOUS_KEYS): rows written under a previous key stay readable
// until RotateKey() re-encrypts them, all in one transaction, so an
// interrupted rotation leaves every row readable with the keys it had.
//
// Not thread-safe; the SecurityManager serialises access.
#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "crypto/multi_fernet.h"
#include "crypto/passphrase_kdf.h"
#include "crypto/secret_buffer.h"
#include "security/credential.h"
#include "security/sqlite_handles.h"

namespace aurite::security {

inline constexpr int kStoreSchemaVersion = 1;

using KeyProvider =
    std::function<StatusOr<std::vector<crypto::FernetKey>>(const crypto::KdfSalt& salt)>;

struct StoredCredential {
  CredentialInfo info;
  crypto::SecretBuffer secret;
};

class SqliteStore {
  struct PrivateTag {
    explicit PrivateTag() = default;
  };

 public:
  // Opens the store at `path`, creating it if it does not exist.
  static StatusOr<std::unique_ptr<SqliteStore>> Open(const std::filesystem::path& path,
                                                     const KeyProvider& keys);

  // Use Open().
  SqliteStore(PrivateTag, std::filesystem::path path, SqliteDb db, crypto::KdfSalt salt,
              std::vector<crypto::FernetKey> keys, crypto::MultiFernet fernet);

  Status Insert(const CredentialInfo& info, const crypto::SecretBuffer& secret);
  Status UpdateUses(std::string_view id, std::uint32_t uses);
  // Deletes the row; secure_delete overwrites the freed space.
  Status Delete(std::string_view id);
  Status DeleteAll();
  // Every row with its secret decrypted.
  StatusOr<std::vector<StoredCredential>> LoadAll();

  // Re-encrypts every secret and the key check under `new_key`, in one
  // transaction. Afterwards `new_key` is the current key.
  Status RotateKey(crypto::FernetKey new_key);

  const crypto::KdfSalt& kdf_salt() const { return salt_; }

 private:
  Status Execute(std::string_view sql);
  StatusOr<SqliteStatement> Prepare(std::string_view sql);
  Status Fail(std::string_view what);

  std::filesystem::path path_;
  SqliteDb db_;
  crypto::KdfSalt salt_;
  std::vector<crypto::FernetKey> keys_;
  crypto::MultiFernet fernet_;
};

// The default place for the store: $XDG_STATE_HOME/aurite/credentials.db,
// or ~/.local/state/aurite/credentials.db.
std::filesystem::path DefaultStorePath();

}  // namespace aurite::security
