// Tests of the SecurityManager's leases and rotations, with and without a
// store, and of their audit records.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <thread>

#include "security/security_manager.h"
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
using testing::ReadLines;
using testing::RunSql;
using testing::ScratchDir;

LeaseRecord Lease(std::string user) {
  LeaseRecord lease;
  lease.lease_id = NewLeaseId();
  lease.connection = "orders";
  lease.engine = "postgresql";
  lease.user_name = std::move(user);
  lease.created_at = 100;
  lease.expires_at = 1000;
  lease.max_expires_at = 5000;
  lease.host_instance = NewHostInstanceId();
  return lease;
}

RotationRecord Rotation() {
  RotationRecord rotation;
  rotation.connection = "orders";
  rotation.username = "app_owner";
  rotation.current_password = SecretBuffer::CopyFrom(kCanaryPassword);
  return rotation;
}

class SecurityManagerRecordsTest : public ::testing::Test {
 protected:
  std::unique_ptr<SecurityManager> MakeManager(bool persistent) {
    SecurityManagerOptions options;
    if (persistent) {
      auto store = SqliteStore::Open(store_path_, Keys({&key_}));
      EXPECT_TRUE(store.ok()) << store.status().ToString();
      options.store = std::move(*store);
    }
    auto log = AuditLog::Open(audit_path_);
    EXPECT_TRUE(log.ok());
    options.audit_log = std::move(*log);
    auto manager = SecurityManager::Create(std::move(options));
    EXPECT_TRUE(manager.ok()) << manager.status().ToString();
    return std::move(*manager);
  }

  std::vector<nlohmann::json> AuditRecords(std::string_view event) const {
    std::vector<nlohmann::json> records;
    for (const std::string& line : ReadLines(audit_path_)) {
      nlohmann::json record = nlohmann::json::parse(line);
      if (record["event"] == event) records.push_back(record);
    }
    return records;
  }

  ScratchDir dir_;
  std::filesystem::path store_path_ = dir_ / "store.db";
  std::filesystem::path audit_path_ = dir_ / "audit.jsonl";
  FernetKey key_ = FernetKey::Generate();
};

TEST_F(SecurityManagerRecordsTest, AMemoryOnlyManagerKeepsThemForItsOwnLifeOnly) {
  auto manager = MakeManager(false);
  EXPECT_FALSE(manager->HasPersistentStore());
  LeaseRecord lease = Lease("aurite_orders_a");
  ASSERT_TRUE(manager->PutLease(lease).ok());
  lease.state = LeaseState::kRevoking;
  ASSERT_TRUE(manager->PutLease(lease).ok());
  auto got = manager->GetLease(lease.lease_id);
  ASSERT_TRUE(got.ok() && got->has_value());
  EXPECT_EQ((*got)->state, LeaseState::kRevoking);
  ASSERT_TRUE(manager->PutLease(Lease("aurite_orders_b")).ok());
  EXPECT_EQ(manager->ListLeases()->records.size(), 2u);
  ASSERT_TRUE(manager->DeleteLease(lease.lease_id).ok());
  EXPECT_TRUE(manager->DeleteLease(lease.lease_id).ok());
  EXPECT_FALSE(manager->GetLease(lease.lease_id)->has_value());
  EXPECT_EQ(manager->ListLeases()->records.size(), 1u);

  RotationRecord rotation = Rotation();
  ASSERT_TRUE(manager->PutRotation(rotation).ok());
  rotation.current_password.Clear();  // the manager holds its own copy
  auto stored = manager->GetRotation("orders");
  ASSERT_TRUE(stored.ok() && stored->has_value());
  EXPECT_EQ((*stored)->current_password.Reveal(), kCanaryPassword);
  EXPECT_EQ(manager->ListRotations()->records.size(), 1u);
  ASSERT_TRUE(manager->DeleteRotation("orders").ok());
  EXPECT_FALSE(manager->GetRotation("orders")->has_value());

  // The same bounds as the store's.
  Status huge = manager->PutLease(Lease(std::string(kMaxRecordField + 1, 'u')));
  EXPECT_EQ(huge.code(), StatusCode::kInvalidArgument);
  RotationRecord empty;
  empty.connection = "x";
  empty.username = "y";
  EXPECT_EQ(manager->PutRotation(empty).code(), StatusCode::kInvalidArgument);

  // Nothing carries over to the next process.
  manager.reset();
  EXPECT_TRUE(MakeManager(false)->ListLeases()->records.empty());
}

TEST_F(SecurityManagerRecordsTest, WithAStoreTheNextStartFindsThemAndSoDoOtherProcesses) {
  LeaseRecord lease = Lease("aurite_orders_a");
  {
    auto manager = MakeManager(true);
    EXPECT_TRUE(manager->HasPersistentStore());
    ASSERT_TRUE(manager->PutLease(lease).ok());
    ASSERT_TRUE(manager->PutRotation(Rotation()).ok());
    auto other = SqliteStore::Open(store_path_, Keys({&key_}));
    ASSERT_TRUE(other.ok());
    EXPECT_TRUE((*other)->GetLease(lease.lease_id)->has_value());
    // What another process puts, the manager lists.
    ASSERT_TRUE((*other)->PutLease(Lease("aurite_orders_other")).ok());
    EXPECT_EQ(manager->ListLeases()->records.size(), 2u);
    EXPECT_EQ(manager->PutLease(Lease(std::string(kMaxRecordField + 1, 'u'))).code(),
              StatusCode::kInvalidArgument);
  }
  auto manager = MakeManager(true);
  auto got = manager->GetLease(lease.lease_id);
  ASSERT_TRUE(got.ok() && got->has_value());
  EXPECT_EQ((*got)->user_name, "aurite_orders_a");
  auto rotation = manager->GetRotation("orders");
  ASSERT_TRUE(rotation.ok() && rotation->has_value());
  EXPECT_EQ((*rotation)->current_password.Reveal(), kCanaryPassword);
  EXPECT_EQ(manager->ListRotations()->records.size(), 1u);
  ASSERT_TRUE(manager->DeleteLease(lease.lease_id).ok());
  ASSERT_TRUE(manager->DeleteRotation("orders").ok());
  EXPECT_EQ(manager->ListLeases()->records.size(), 1u);
  EXPECT_FALSE(manager->GetRotation("orders")->has_value());
}

TEST_F(SecurityManagerRecordsTest, PurgingEveryCredentialForgetsNoLease) {
  for (bool persistent : {false, true}) {
    auto manager = MakeManager(persistent);
    LeaseRecord lease = Lease("aurite_orders_kept");
    ASSERT_TRUE(manager->PutLease(lease).ok());
    ASSERT_TRUE(manager->PutRotation(Rotation()).ok());
    ASSERT_TRUE(
        manager->Secure("database_connection", SecretBuffer::CopyFrom("postgresql://h/db")).ok());
    ASSERT_TRUE(manager->PurgeAll().ok());
    EXPECT_TRUE(manager->GetLease(lease.lease_id)->has_value()) << persistent;
    EXPECT_TRUE(manager->GetRotation("orders")->has_value()) << persistent;
  }
}

TEST_F(SecurityManagerRecordsTest, AnUnreadableLeaseIsListedApartAndAudited) {
  auto manager = MakeManager(true);
  ASSERT_TRUE(manager->PutLease(Lease("aurite_orders_a")).ok());
  ASSERT_TRUE(manager->PutLease(Lease("aurite_orders_b")).ok());
  std::string row = QueryColumn(store_path_, "SELECT row_id FROM sealed_records LIMIT 1").at(0);
  RunSql(store_path_, "UPDATE sealed_records SET sealed = 'x' WHERE row_id = '" + row + "'");
  auto listed = manager->ListLeases();
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->records.size(), 1u);
  ASSERT_EQ(listed->unreadable.size(), 1u);
  EXPECT_EQ(listed->unreadable.front().row_id, row);
  manager->AuditUnreadable(listed->unreadable.front());
  auto records = AuditRecords("record_unreadable");
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0]["outcome"], "error");
  EXPECT_NE(records[0]["reason"].get<std::string>().find("lease record " + row), std::string::npos);
}

TEST_F(SecurityManagerRecordsTest, AuditRecordsNameConnectionUserAndLeaseButNoPassword) {
  auto manager = MakeManager(true);
  LeaseRecord lease = Lease("aurite_orders_q1");
  ASSERT_TRUE(manager->PutRotation(Rotation()).ok());
  for (LeaseEvent event : {LeaseEvent::kCreated, LeaseEvent::kRenewed, LeaseEvent::kRevoked}) {
    EXPECT_TRUE(manager->AuditLease(event, lease).ok());
  }
  // A database's error may quote a connection string: its password goes.
  (void)manager->AuditLease(
      LeaseEvent::kRevokeFailed, lease, "error",
      "could not connect to postgresql://aurite_admin:Adm1nCanary99@127.0.0.1/db");
  for (RotationEvent event :
       {RotationEvent::kPending, RotationEvent::kRotated, RotationEvent::kSettled}) {
    manager->AuditRotation(event, "orders", "app_owner");
  }

  for (std::string_view name : {"lease_created", "lease_renewed", "lease_revoked"}) {
    auto records = AuditRecords(name);
    ASSERT_EQ(records.size(), 1u) << name;
    EXPECT_EQ(records[0]["connection"], "orders");
    EXPECT_EQ(records[0]["user_name"], "aurite_orders_q1");
    EXPECT_EQ(records[0]["lease_id"], lease.lease_id);
    EXPECT_EQ(records[0]["outcome"], "ok");
    EXPECT_TRUE(records[0]["reason"].is_null());
  }
  auto failed = AuditRecords("lease_revoke_failed");
  ASSERT_EQ(failed.size(), 1u);
  EXPECT_EQ(failed[0]["outcome"], "error");
  EXPECT_NE(failed[0]["reason"].get<std::string>().find("could not connect"), std::string::npos);
  for (std::string_view name : {"rotation_pending", "password_rotated", "rotation_settled"}) {
    auto records = AuditRecords(name);
    ASSERT_EQ(records.size(), 1u) << name;
    EXPECT_EQ(records[0]["connection"], "orders");
    EXPECT_EQ(records[0]["user_name"], "app_owner");
    EXPECT_FALSE(records[0].contains("lease_id"));
  }
  // The other events keep the shape they had.
  auto opened = AuditRecords("store_opened");
  ASSERT_EQ(opened.size(), 1u);
  EXPECT_FALSE(opened[0].contains("connection"));
  EXPECT_FALSE(opened[0].contains("user_name"));

  std::string audit = ReadFile(audit_path_);
  EXPECT_EQ(audit.find("w/rd"), std::string::npos);
  EXPECT_EQ(audit.find("Adm1nCanary99"), std::string::npos);
  auto verified = VerifyAuditLog(audit_path_);
  ASSERT_TRUE(verified.ok());
  EXPECT_TRUE(verified->intact);
}

TEST_F(SecurityManagerRecordsTest, ThreadsPuttingLeasesAtOnceKeepThemAll) {
  auto manager = MakeManager(true);
  constexpr int kThreads = 4;
  constexpr int kEach = 10;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        EXPECT_TRUE(
            manager->PutLease(Lease("aurite_" + std::to_string(t) + "_" + std::to_string(i))).ok());
        EXPECT_TRUE(manager->ListLeases().ok());
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(manager->ListLeases()->records.size(), std::size_t{kThreads * kEach});
}

}  // namespace
}  // namespace aurite::security
