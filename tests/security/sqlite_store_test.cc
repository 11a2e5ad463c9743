// Tests of the persistent store: round trips, file mode, wrong keys, rotation.
#include "security/sqlite_store.h"

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/stat.h>

#include "store_test_support.h"
#include "test_support.h"

namespace aurite::security {
namespace {

using crypto::FernetKey;
using crypto::SecretBuffer;
using testing::kCanaryPassword;
using testing::Keys;
using testing::ReadFile;
using testing::RunSql;
using testing::ScratchDir;

CredentialInfo SampleInfo(std::string id) {
  CredentialInfo info;
  info.id = std::move(id);
  info.type = "database_connection";
  info.token_digest = DigestAccessToken("aurite_tk_" + info.id);
  info.masked = "postgres://u:****@h/db";
  info.created_at = 1000;
  info.expires_at = 5000;
  info.max_uses = 3;
  info.uses = 1;
  info.bound_servers = {"sql"};
  info.metadata = {{"label", "prod"}};
  return info;
}

TEST(SqliteStoreTest, StoresAndLoadsCredentials) {
  ScratchDir dir;
  FernetKey key = FernetKey::Generate();
  std::string secret = "postgres://u:" + kCanaryPassword + "@h/db";
  {
    auto store = SqliteStore::Open(dir / "store.db", Keys({&key}));
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    ASSERT_TRUE((*store)->Insert(SampleInfo("cred_a"), SecretBuffer::CopyFrom(secret)).ok());
    ASSERT_TRUE((*store)->UpdateUses("cred_a", 2).ok());
  }
  auto store = SqliteStore::Open(dir / "store.db", Keys({&key}));
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  auto rows = (*store)->LoadAll();
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 1u);
  const StoredCredential& row = rows->front();
  EXPECT_EQ(row.secret.Reveal(), secret);
  EXPECT_EQ(row.info.id, "cred_a");
  EXPECT_EQ(row.info.type, "database_connection");
  EXPECT_EQ(row.info.token_digest, SampleInfo("cred_a").token_digest);
  EXPECT_EQ(row.info.expires_at, 5000);
  EXPECT_EQ(row.info.max_uses, 3u);
  EXPECT_EQ(row.info.uses, 2u);
  EXPECT_EQ(row.info.bound_servers, std::vector<std::string>{"sql"});
  EXPECT_EQ(row.info.metadata.at("label"), "prod");
}

TEST(SqliteStoreTest, FileHoldsNeitherTheSecretNorItsPassword) {
  ScratchDir dir;
  FernetKey key = FernetKey::Generate();
  {
    auto store = SqliteStore::Open(dir / "store.db", Keys({&key}));
    ASSERT_TRUE(store.ok());
    std::string secret = "postgres://u:" + kCanaryPassword + "@h/db";
    ASSERT_TRUE((*store)->Insert(SampleInfo("cred_a"), SecretBuffer::CopyFrom(secret)).ok());
  }
  std::string bytes = ReadFile(dir / "store.db");
  EXPECT_EQ(bytes.find("w/rd"), std::string::npos);
  EXPECT_EQ(bytes.find("aurite_tk_cred_a"), std::string::npos);
}

TEST(SqliteStoreTest, FileIsOwnerOnly) {
  ScratchDir dir;
  FernetKey key = FernetKey::Generate();
  auto store = SqliteStore::Open(dir / "sub" / "store.db", Keys({&key}));
  ASSERT_TRUE(store.ok());
  struct stat info {};
  ASSERT_EQ(::stat((dir / "sub" / "store.db").c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600);
  ASSERT_EQ(::stat((dir / "sub").c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0700);
}

TEST(SqliteStoreTest, UsesWalAndFullSync) {
  ScratchDir dir;
  FernetKey key = FernetKey::Generate();
  auto store = SqliteStore::Open(dir / "store.db", Keys({&key}));
  ASSERT_TRUE(store.ok());
  // The journal mode is persistent in the file; read it from a second connection.
  sqlite3* raw = nullptr;
  ASSERT_EQ(sqlite3_open((dir / "store.db").c_str(), &raw), SQLITE_OK);
  SqliteDb db(raw);
  sqlite3_stmt* statement = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(raw, "PRAGMA journal_mode", -1, &statement, nullptr), SQLITE_OK);
  SqliteStatement owned(statement);
  ASSERT_EQ(sqlite3_step(statement), SQLITE_ROW);
  EXPECT_STREQ(reinterpret_cast<const char*>(sqlite3_column_text(statement, 0)), "wal");
}

TEST(SqliteStoreTest, WrongKeyIsAClearErrorAndLeavesTheFileUntouched) {
  ScratchDir dir;
  FernetKey key = FernetKey::Generate();
  FernetKey wrong = FernetKey::Generate();
  {
    auto store = SqliteStore::Open(dir / "store.db", Keys({&key}));
    ASSERT_TRUE(store.ok());
    ASSERT_TRUE((*store)->Insert(SampleInfo("cred_a"), SecretBuffer::CopyFrom("secret-1")).ok());
  }
  std::string before = ReadFile(dir / "store.db");
  auto reopened = SqliteStore::Open(dir / "store.db", Keys({&wrong}));
  ASSERT_FALSE(reopened.ok());
  EXPECT_EQ(reopened.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(reopened.status().message().find("the configured key does not open credential store"),
            std::string::npos)
      << reopened.status().message();
  EXPECT_EQ(ReadFile(dir / "store.db"), before);
}

TEST(SqliteStoreTest, NonStoreFileIsRejected) {
  ScratchDir dir;
  testing::WriteFile(dir / "other.db", "not a database at all, just text");
  FernetKey key = FernetKey::Generate();
  EXPECT_FALSE(SqliteStore::Open(dir / "other.db", Keys({&key})).ok());
}

TEST(SqliteStoreTest, RotationReencryptsUnderTheNewKeyOnly) {
  ScratchDir dir;
  FernetKey old_key = FernetKey::Generate();
  FernetKey new_key = FernetKey::Generate();
  {
    auto store = SqliteStore::Open(dir / "store.db", Keys({&old_key}));
    ASSERT_TRUE(store.ok());
    ASSERT_TRUE((*store)->Insert(SampleInfo("cred_a"), SecretBuffer::CopyFrom("secret-a")).ok());
    ASSERT_TRUE((*store)->Insert(SampleInfo("cred_b"), SecretBuffer::CopyFrom("secret-b")).ok());
    ASSERT_TRUE((*store)->RotateKey(new_key.Clone()).ok());
  }
  EXPECT_FALSE(SqliteStore::Open(dir / "store.db", Keys({&old_key})).ok());
  auto store = SqliteStore::Open(dir / "store.db", Keys({&new_key}));
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  auto rows = (*store)->LoadAll();
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_EQ((*rows)[0].secret.Reveal(), "secret-a");
  EXPECT_EQ((*rows)[1].secret.Reveal(), "secret-b");
}

TEST(SqliteStoreTest, PreviousKeysOpenAStoreWrittenUnderThem) {
  ScratchDir dir;
  FernetKey old_key = FernetKey::Generate();
  FernetKey new_key = FernetKey::Generate();
  {
    auto store = SqliteStore::Open(dir / "store.db", Keys({&old_key}));
    ASSERT_TRUE(store.ok());
    ASSERT_TRUE((*store)->Insert(SampleInfo("cred_a"), SecretBuffer::CopyFrom("secret-a")).ok());
  }
  auto store = SqliteStore::Open(dir / "store.db", Keys({&new_key, &old_key}));
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  auto rows = (*store)->LoadAll();
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ(rows->front().secret.Reveal(), "secret-a");
  ASSERT_TRUE((*store)->RotateKey(new_key.Clone()).ok());
  store->reset();
  EXPECT_TRUE(SqliteStore::Open(dir / "store.db", Keys({&new_key})).ok());
}

TEST(SqliteStoreTest, InterruptedRotationLeavesTheStoreReadableWithTheOldKey) {
  ScratchDir dir;
  FernetKey old_key = FernetKey::Generate();
  FernetKey new_key = FernetKey::Generate();
  auto store = SqliteStore::Open(dir / "store.db", Keys({&old_key}));
  ASSERT_TRUE(store.ok());
  ASSERT_TRUE((*store)->Insert(SampleInfo("cred_a"), SecretBuffer::CopyFrom("secret-a")).ok());
  ASSERT_TRUE((*store)->Insert(SampleInfo("cred_b"), SecretBuffer::CopyFrom("secret-b")).ok());
  // A row no key opens, after the good ones: the rotation fails half-way.
  RunSql(dir / "store.db",
         "INSERT INTO credentials (id, type, token_digest, secret, masked, created_at, uses, "
         "bound_servers, metadata) VALUES ('cred_z', 't', x'00', 'garbage', '****', 9, 0, '[]', "
         "'{}')");
  EXPECT_FALSE((*store)->RotateKey(new_key.Clone()).ok());
  store->reset();
  RunSql(dir / "store.db", "DELETE FROM credentials WHERE id = 'cred_z'");
  auto reopened = SqliteStore::Open(dir / "store.db", Keys({&old_key}));
  ASSERT_TRUE(reopened.ok()) << reopened.status().ToString();
  auto rows = (*reopened)->LoadAll();
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_EQ((*rows)[0].secret.Reveal(), "secret-a");
  EXPECT_EQ((*rows)[1].secret.Reveal(), "secret-b");
}

TEST(SqliteStoreTest, DeleteRemovesTheRow) {
  ScratchDir dir;
  FernetKey key = FernetKey::Generate();
  auto store = SqliteStore::Open(dir / "store.db", Keys({&key}));
  ASSERT_TRUE(store.ok());
  ASSERT_TRUE((*store)->Insert(SampleInfo("cred_a"), SecretBuffer::CopyFrom("secret-a")).ok());
  ASSERT_TRUE((*store)->Insert(SampleInfo("cred_b"), SecretBuffer::CopyFrom("secret-b")).ok());
  ASSERT_TRUE((*store)->Delete("cred_a").ok());
  auto rows = (*store)->LoadAll();
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ(rows->front().info.id, "cred_b");
  ASSERT_TRUE((*store)->DeleteAll().ok());
  EXPECT_TRUE((*store)->LoadAll()->empty());
}

TEST(SqliteStoreTest, PassphraseKeyUsesTheStoredSalt) {
  ScratchDir dir;
  crypto::KdfSalt first_salt{};
  // Cheap scrypt parameters: this tests that the salt round-trips, not scrypt.
  auto derive = [&](const crypto::KdfSalt& salt) -> StatusOr<std::vector<FernetKey>> {
    first_salt = salt;
    AURITE_ASSIGN_OR_RETURN(FernetKey key, crypto::DeriveKeyFromPassphrase(
                                               SecretBuffer::CopyFrom(kCanaryPassword), salt,
                                               crypto::ScryptParams{.n = 1024, .r = 8, .p = 1}));
    std::vector<FernetKey> keys;
    keys.push_back(std::move(key));
    return keys;
  };
  {
    auto store = SqliteStore::Open(dir / "store.db", {.keys = derive});
    ASSERT_TRUE(store.ok());
    ASSERT_TRUE((*store)->Insert(SampleInfo("cred_a"), SecretBuffer::CopyFrom("secret-a")).ok());
    EXPECT_EQ((*store)->kdf_salt(), first_salt);
  }
  crypto::KdfSalt created_salt = first_salt;
  auto store = SqliteStore::Open(dir / "store.db", {.keys = derive});
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  EXPECT_EQ(first_salt, created_salt);
  EXPECT_EQ((*store)->LoadAll()->front().secret.Reveal(), "secret-a");
}

}  // namespace
}  // namespace aurite::security
