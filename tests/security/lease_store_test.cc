// Tests of the store's lease and rotation records: round trips, nothing in
// clear in the file, key rotation, other processes, crashes, damaged records,
// schema migration and bounds.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <map>

#include "crypto/fernet.h"
#include "security/sqlite_store.h"
#include "store_test_support.h"
#include "test_support.h"

namespace aurite::security {
namespace {

using crypto::FernetKey;
using crypto::SecretBuffer;
using testing::kCanaryPassword;
using testing::Keys;
using testing::QueryColumn;
using testing::ReadFile;
using testing::RunSql;
using testing::ScratchDir;

constexpr std::string_view kCanaryUser = "aurite_orders_canaryUserQz7";
constexpr std::string_view kCanaryConnection = "canary-connection-x9";
constexpr std::string_view kPendingCanary = "pending-Canary-Pw-8812";

LeaseRecord SampleLease(std::string user = std::string(kCanaryUser)) {
  LeaseRecord lease;
  lease.lease_id = NewLeaseId();
  lease.connection = std::string(kCanaryConnection);
  lease.engine = "postgresql";
  lease.user_name = std::move(user);
  lease.created_at = 1'700'000'000;
  lease.expires_at = 1'700'000'900;
  lease.max_expires_at = 1'700'028'800;
  lease.host_instance = NewHostInstanceId();
  return lease;
}

RotationRecord SampleRotation(std::string connection = std::string(kCanaryConnection)) {
  RotationRecord rotation;
  rotation.connection = std::move(connection);
  rotation.username = "app_owner";
  rotation.current_password = SecretBuffer::CopyFrom(kCanaryPassword);
  rotation.pending_password = SecretBuffer::CopyFrom(kPendingCanary);
  rotation.rotated_at = 1'700'000'000;
  rotation.pending_since = 1'700'086'400;
  return rotation;
}

void ExpectSameLease(const LeaseRecord& a, const LeaseRecord& b) {
  EXPECT_EQ(a.lease_id, b.lease_id);
  EXPECT_EQ(a.connection, b.connection);
  EXPECT_EQ(a.engine, b.engine);
  EXPECT_EQ(a.user_name, b.user_name);
  EXPECT_EQ(a.created_at, b.created_at);
  EXPECT_EQ(a.expires_at, b.expires_at);
  EXPECT_EQ(a.max_expires_at, b.max_expires_at);
  EXPECT_EQ(a.state, b.state);
  EXPECT_EQ(a.revoke_attempts, b.revoke_attempts);
  EXPECT_EQ(a.next_attempt_at, b.next_attempt_at);
  EXPECT_EQ(a.last_error, b.last_error);
  EXPECT_EQ(a.host_instance, b.host_instance);
}

class LeaseStoreTest : public ::testing::Test {
 protected:
  std::unique_ptr<SqliteStore> OpenStore(const FernetKey& key) {
    auto store = SqliteStore::Open(path_, Keys({&key}));
    EXPECT_TRUE(store.ok()) << store.status().ToString();
    return store.ok() ? std::move(*store) : nullptr;
  }
  // Every byte SQLite keeps for the store: the file and its WAL.
  std::string FileBytes() const { return ReadFile(path_) + ReadFile(path_.string() + "-wal"); }

  ScratchDir dir_;
  std::filesystem::path path_ = dir_ / "store.db";
  FernetKey key_ = FernetKey::Generate();
};

TEST_F(LeaseStoreTest, LeasesRoundTripAndAreReplacedAndDeleted) {
  LeaseRecord lease = SampleLease();
  lease.state = LeaseState::kRevoking;
  lease.revoke_attempts = 3;
  lease.next_attempt_at = 1'700'001'000;
  lease.last_error = "connection refused \"quoted\" ü";
  {
    auto store = OpenStore(key_);
    ASSERT_TRUE(store->PutLease(lease).ok());
  }
  auto store = OpenStore(key_);
  auto got = store->GetLease(lease.lease_id);
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  ASSERT_TRUE(got->has_value());
  ExpectSameLease(**got, lease);

  lease.expires_at += 900;  // a renewal
  ASSERT_TRUE(store->PutLease(lease).ok());
  LeaseRecord other = SampleLease("aurite_orders_other");
  ASSERT_TRUE(store->PutLease(other).ok());
  auto listed = store->ListLeases();
  ASSERT_TRUE(listed.ok());
  EXPECT_TRUE(listed->unreadable.empty());
  ASSERT_EQ(listed->records.size(), 2u);
  auto found = std::find_if(listed->records.begin(), listed->records.end(),
                            [&](const LeaseRecord& l) { return l.lease_id == lease.lease_id; });
  ASSERT_NE(found, listed->records.end());
  ExpectSameLease(*found, lease);

  ASSERT_TRUE(store->DeleteLease(lease.lease_id).ok());
  EXPECT_FALSE(store->GetLease(lease.lease_id)->has_value());
  EXPECT_TRUE(store->DeleteLease(lease.lease_id).ok()) << "deleting twice is not an error";
  EXPECT_EQ(store->ListLeases()->records.size(), 1u);
  EXPECT_FALSE(store->GetLease(NewLeaseId())->has_value());
}

TEST_F(LeaseStoreTest, RotationsRoundTripWithAndWithoutAPendingPassword) {
  auto store = OpenStore(key_);
  ASSERT_TRUE(store->PutRotation(SampleRotation()).ok());
  auto got = store->GetRotation(kCanaryConnection);
  ASSERT_TRUE(got.ok() && got->has_value()) << got.status().ToString();
  const RotationRecord& pending = **got;
  EXPECT_EQ(pending.username, "app_owner");
  EXPECT_EQ(pending.current_password.Reveal(), kCanaryPassword);
  ASSERT_TRUE(pending.pending_password.has_value());
  EXPECT_EQ(pending.pending_password->Reveal(), kPendingCanary);
  EXPECT_EQ(pending.rotated_at, 1'700'000'000);
  EXPECT_EQ(pending.pending_since, 1'700'086'400);

  // Settled: the pending password became current.
  RotationRecord settled;
  settled.connection = std::string(kCanaryConnection);
  settled.username = "app_owner";
  settled.current_password = SecretBuffer::CopyFrom(kPendingCanary);
  settled.rotated_at = 1'700'086'401;
  ASSERT_TRUE(store->PutRotation(settled).ok());
  got = store->GetRotation(kCanaryConnection);
  ASSERT_TRUE(got.ok() && got->has_value());
  EXPECT_EQ((*got)->current_password.Reveal(), kPendingCanary);
  EXPECT_FALSE((*got)->pending_password.has_value());
  EXPECT_EQ((*got)->pending_since, 0);

  // The first rotation of a user: nothing current yet, only the pending one.
  RotationRecord first;
  first.connection = "billing";
  first.username = "billing_app";
  first.pending_password = SecretBuffer::CopyFrom("first-pw");
  first.pending_since = 5;
  ASSERT_TRUE(store->PutRotation(first).ok());
  auto listed = store->ListRotations();
  ASSERT_TRUE(listed.ok());
  EXPECT_EQ(listed->records.size(), 2u);
  EXPECT_TRUE(listed->unreadable.empty());

  ASSERT_TRUE(store->DeleteRotation("billing").ok());
  EXPECT_FALSE(store->GetRotation("billing")->has_value());
  EXPECT_TRUE(store->GetRotation(kCanaryConnection)->has_value());
  EXPECT_FALSE(store->GetLease(NewLeaseId())->has_value());
}

TEST_F(LeaseStoreTest, TheFileShowsNoLeaseIdUserConnectionOrPassword) {
  LeaseRecord lease = SampleLease();
  auto store = OpenStore(key_);
  ASSERT_TRUE(store->PutLease(lease).ok());
  ASSERT_TRUE(store->PutRotation(SampleRotation()).ok());
  auto check = [&](const std::string& when) {
    std::string bytes = FileBytes();
    ASSERT_FALSE(bytes.empty());
    for (std::string_view canary :
         {std::string_view(lease.lease_id), std::string_view(lease.host_instance), kCanaryUser,
          kCanaryConnection, std::string_view("w/rd;"), kPendingCanary,
          std::string_view("app_owner")}) {
      EXPECT_EQ(bytes.find(canary), std::string::npos) << canary << " in the file " << when;
    }
  };
  check("while the store is open");
  store.reset();
  check("after it was closed");
}

TEST_F(LeaseStoreTest, KeyRotationReencryptsRecordsUnderTheNewKeyOnly) {
  FernetKey new_key = FernetKey::Generate();
  LeaseRecord lease = SampleLease();
  {
    auto store = OpenStore(key_);
    ASSERT_TRUE(store->PutLease(lease).ok());
    ASSERT_TRUE(store->PutRotation(SampleRotation()).ok());
    ASSERT_TRUE(store->RotateKey(new_key.Clone()).ok());
    // The rotating process reads them on at once.
    EXPECT_TRUE(store->GetLease(lease.lease_id)->has_value());
  }
  // No stored record opens under the old key any more.
  crypto::Fernet old_fernet(key_.Clone());
  for (const std::string& token : QueryColumn(path_, "SELECT sealed FROM sealed_records")) {
    EXPECT_FALSE(old_fernet.Decrypt(token).ok());
  }
  EXPECT_FALSE(SqliteStore::Open(path_, Keys({&key_})).ok());
  auto store = OpenStore(new_key);
  auto got = store->GetLease(lease.lease_id);
  ASSERT_TRUE(got.ok() && got->has_value()) << got.status().ToString();
  ExpectSameLease(**got, lease);
  auto rotation = store->GetRotation(kCanaryConnection);
  ASSERT_TRUE(rotation.ok() && rotation->has_value());
  EXPECT_EQ((*rotation)->current_password.Reveal(), kCanaryPassword);
}

TEST_F(LeaseStoreTest, KeyRotationStopsAtARecordNoKeyOpensAndChangesNothing) {
  FernetKey new_key = FernetKey::Generate();
  LeaseRecord lease = SampleLease();
  auto store = OpenStore(key_);
  ASSERT_TRUE(store->PutLease(lease).ok());
  ASSERT_TRUE(store->PutLease(SampleLease("aurite_orders_b")).ok());
  std::string row = QueryColumn(path_, "SELECT row_id FROM sealed_records LIMIT 1").at(0);
  RunSql(path_, "UPDATE sealed_records SET sealed = 'garbage' WHERE row_id = '" + row + "'");
  Status rotated = store->RotateKey(new_key.Clone());
  EXPECT_EQ(rotated.code(), StatusCode::kDataLoss);
  EXPECT_NE(rotated.message().find("lease record " + row), std::string::npos) << rotated.message();
  store.reset();
  EXPECT_FALSE(SqliteStore::Open(path_, Keys({&new_key})).ok());
  store = OpenStore(key_);
  EXPECT_EQ(store->ListLeases()->records.size(), 1u);
}

TEST_F(LeaseStoreTest, ASecondStoreOnTheFileSeesPutsAndDeletesAtOnce) {
  auto first = OpenStore(key_);
  auto second = OpenStore(key_);
  auto version = second->DataVersion();
  ASSERT_TRUE(version.ok());
  LeaseRecord lease = SampleLease();
  ASSERT_TRUE(first->PutLease(lease).ok());
  auto seen = second->GetLease(lease.lease_id);
  ASSERT_TRUE(seen.ok() && seen->has_value());
  EXPECT_NE(*second->DataVersion(), *version) << "other processes learn of the change";
  ASSERT_TRUE(first->PutRotation(SampleRotation()).ok());
  EXPECT_TRUE(second->GetRotation(kCanaryConnection)->has_value());

  ASSERT_TRUE(second->DeleteLease(lease.lease_id).ok());
  ASSERT_TRUE(second->DeleteRotation(kCanaryConnection).ok());
  EXPECT_FALSE(first->GetLease(lease.lease_id)->has_value());
  EXPECT_FALSE(first->GetRotation(kCanaryConnection)->has_value());
}

// Runs `child` in a forked process and returns its wait status. The parent
// has no store open while the child runs.
template <typename Child>
int InChild(Child child) {
  pid_t pid = ::fork();
  if (pid == 0) {
    child();
    ::_exit(0);
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  return status;
}

TEST_F(LeaseStoreTest, APutThatReturnedSurvivesAKilledProcess) {
  LeaseRecord lease = SampleLease();
  int status = InChild([&] {
    auto store = SqliteStore::Open(path_, Keys({&key_}));
    if (!store.ok() || !(*store)->PutLease(lease).ok() ||
        !(*store)->PutRotation(SampleRotation()).ok()) {
      ::_exit(1);
    }
    // As kill -9 would: no destructor, no checkpoint, the WAL left as it is.
    ::kill(::getpid(), SIGKILL);
  });
  ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) << status;
  auto store = OpenStore(key_);
  auto got = store->GetLease(lease.lease_id);
  ASSERT_TRUE(got.ok() && got->has_value()) << got.status().ToString();
  ExpectSameLease(**got, lease);
  auto rotation = store->GetRotation(kCanaryConnection);
  ASSERT_TRUE(rotation.ok() && rotation->has_value());
  EXPECT_EQ((*rotation)->pending_password->Reveal(), kPendingCanary);
}

TEST_F(LeaseStoreTest, TwoProcessesPuttingLeasesAtOnceKeepThemAll) {
  constexpr int kLeasesEach = 25;
  OpenStore(key_);  // create the file first, so neither child creates it
  auto put_leases = [&](const char* prefix) {
    return [&, prefix] {
      auto store = SqliteStore::Open(path_, Keys({&key_}));
      if (!store.ok()) ::_exit(1);
      for (int i = 0; i < kLeasesEach; ++i) {
        if (!(*store)->PutLease(SampleLease(prefix + std::to_string(i))).ok()) ::_exit(2);
      }
    };
  };
  pid_t pids[2];
  const char* prefixes[2] = {"aurite_a_", "aurite_b_"};
  for (int i = 0; i < 2; ++i) {
    pids[i] = ::fork();
    if (pids[i] == 0) {
      put_leases(prefixes[i])();
      ::_exit(0);
    }
  }
  for (pid_t pid : pids) {
    int status = 0;
    ::waitpid(pid, &status, 0);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
  }
  auto listed = OpenStore(key_)->ListLeases();
  ASSERT_TRUE(listed.ok());
  EXPECT_EQ(listed->records.size(), 2u * kLeasesEach);
  EXPECT_TRUE(listed->unreadable.empty());
}

TEST_F(LeaseStoreTest, ADamagedRecordIsReportedByRowAndTheOthersStillList) {
  auto store = OpenStore(key_);
  std::vector<LeaseRecord> leases;
  for (const char* user : {"aurite_one", "aurite_two", "aurite_three", "aurite_four"}) {
    leases.push_back(SampleLease(user));
    ASSERT_TRUE(store->PutLease(leases.back()).ok());
  }
  std::vector<std::string> rows =
      QueryColumn(path_, "SELECT row_id FROM sealed_records ORDER BY row_id");
  ASSERT_EQ(rows.size(), 4u);
  crypto::Fernet fernet(key_.Clone());
  // Not a Fernet token; authentic but not a record; another row's record.
  RunSql(path_, "UPDATE sealed_records SET sealed = 'AAAA" + std::string(kCanaryUser) +
                    "' WHERE row_id = '" + rows[0] + "'");
  RunSql(path_, "UPDATE sealed_records SET sealed = '" +
                    fernet.Encrypt(std::string_view("not a record")) + "' WHERE row_id = '" +
                    rows[1] + "'");
  RunSql(path_,
         "UPDATE sealed_records SET sealed = (SELECT sealed FROM sealed_records WHERE "
         "row_id = '" +
             rows[3] + "') WHERE row_id = '" + rows[2] + "'");

  auto listed = store->ListLeases();
  ASSERT_TRUE(listed.ok()) << listed.status().ToString();
  ASSERT_EQ(listed->records.size(), 1u);
  ASSERT_EQ(listed->unreadable.size(), 3u);
  std::map<std::string, std::string> why;
  for (const UnreadableRecord& bad : listed->unreadable) {
    EXPECT_EQ(bad.kind, "lease");
    EXPECT_EQ(bad.error.code(), StatusCode::kDataLoss);
    EXPECT_NE(bad.error.message().find("lease record " + bad.row_id), std::string::npos)
        << bad.error.message();
    for (const LeaseRecord& lease : leases) {
      EXPECT_EQ(bad.error.message().find(lease.user_name), std::string::npos);
      EXPECT_EQ(bad.error.message().find(lease.lease_id), std::string::npos);
    }
    EXPECT_EQ(bad.error.message().find(kCanaryUser), std::string::npos);
    why[bad.row_id] = bad.error.message();
  }
  EXPECT_NE(why[rows[0]].find("cannot be decrypted"), std::string::npos) << why[rows[0]];
  EXPECT_NE(why[rows[1]].find("is damaged"), std::string::npos) << why[rows[1]];
  EXPECT_NE(why[rows[2]].find("holds the record of another row"), std::string::npos)
      << why[rows[2]];

  // Getting a damaged lease by its id fails the same way; the readable one
  // is still there.
  for (const LeaseRecord& lease : leases) {
    auto got = store->GetLease(lease.lease_id);
    if (lease.lease_id == listed->records.front().lease_id) {
      EXPECT_TRUE(got.ok() && got->has_value());
    } else {
      EXPECT_EQ(got.status().code(), StatusCode::kDataLoss);
    }
  }
}

TEST_F(LeaseStoreTest, AStoreOfSchemaVersionOneGainsTheRecordTables) {
  {
    auto store = OpenStore(key_);
    CredentialInfo info;
    info.id = "cred_old";
    info.type = "database_connection";
    info.token_digest = DigestAccessToken("aurite_tk_old");
    info.masked = "****";
    ASSERT_TRUE(store->Insert(info, SecretBuffer::CopyFrom("old-secret")).ok());
  }
  // What an aurite before the lease records wrote.
  RunSql(path_,
         "DROP TABLE sealed_records; DELETE FROM meta WHERE name = 'record_key'; "
         "UPDATE meta SET value = 1 WHERE name = 'schema_version'");
  auto store = OpenStore(key_);
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(QueryColumn(path_, "SELECT value FROM meta WHERE name = 'schema_version'"),
            std::vector<std::string>{"2"});
  auto rows = store->LoadAll();
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ(rows->front().secret.Reveal(), "old-secret");
  LeaseRecord lease = SampleLease();
  ASSERT_TRUE(store->PutLease(lease).ok());
  store.reset();
  // Migrated once: opening again changes nothing and finds the lease.
  store = OpenStore(key_);
  EXPECT_TRUE(store->GetLease(lease.lease_id)->has_value());
}

TEST_F(LeaseStoreTest, AWrongKeyDoesNotMigrateAnOldStore) {
  OpenStore(key_);
  RunSql(path_,
         "DROP TABLE sealed_records; DELETE FROM meta WHERE name = 'record_key'; "
         "UPDATE meta SET value = 1 WHERE name = 'schema_version'");
  std::string before = ReadFile(path_);
  FernetKey wrong = FernetKey::Generate();
  auto store = SqliteStore::Open(path_, Keys({&wrong}));
  EXPECT_EQ(store.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(ReadFile(path_), before);
}

TEST_F(LeaseStoreTest, ANewerSchemaVersionIsRefusedAndLeftAsItIs) {
  OpenStore(key_);
  RunSql(path_, "UPDATE meta SET value = 3 WHERE name = 'schema_version'");
  std::string before = ReadFile(path_);
  auto store = SqliteStore::Open(path_, Keys({&key_}));
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(store.status().message().find("has schema version 3, newer than this aurite reads"),
            std::string::npos)
      << store.status().message();
  EXPECT_EQ(ReadFile(path_), before);
}

TEST_F(LeaseStoreTest, AMissingOrForeignRecordKeyIsDamage) {
  OpenStore(key_);
  RunSql(path_, "DELETE FROM meta WHERE name = 'record_key'");
  auto store = SqliteStore::Open(path_, Keys({&key_}));
  EXPECT_EQ(store.status().code(), StatusCode::kDataLoss);
  EXPECT_NE(store.status().message().find("lacks the record key"), std::string::npos);

  crypto::Fernet fernet(key_.Clone());
  RunSql(path_, "INSERT INTO meta (name, value) VALUES ('record_key', '" +
                    fernet.Encrypt(std::string_view("short")) + "')");
  store = SqliteStore::Open(path_, Keys({&key_}));
  EXPECT_EQ(store.status().code(), StatusCode::kDataLoss);
  EXPECT_NE(store.status().message().find("record key"), std::string::npos);
}

TEST_F(LeaseStoreTest, HugeFieldsAreRefusedWithoutEchoingThem) {
  auto store = OpenStore(key_);
  const std::string huge(kMaxRecordField + 1, 'Z');
  LeaseRecord lease = SampleLease(huge);
  Status status = store->PutLease(lease);
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(status.message().find("user_name is 4097 bytes; at most 4096"), std::string::npos)
      << status.message();
  EXPECT_EQ(status.message().find("ZZZZ"), std::string::npos);
  EXPECT_TRUE(store->ListLeases()->records.empty());

  lease.user_name = std::string(kMaxRecordField, 'Z');  // at the limit
  lease.last_error = BoundedRecordText(std::string(3 * kMaxRecordField, 'e'));
  EXPECT_TRUE(store->PutLease(lease).ok());

  RotationRecord rotation = SampleRotation();
  rotation.pending_password = SecretBuffer::CopyFrom(std::string(kMaxRecordField + 1, 'P'));
  status = store->PutRotation(rotation);
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(status.message().find("pending password is 4097 bytes"), std::string::npos)
      << status.message();
  EXPECT_EQ(status.message().find("PPPP"), std::string::npos);
  EXPECT_FALSE(store->GetRotation(kCanaryConnection)->has_value());
}

}  // namespace
}  // namespace aurite::security
