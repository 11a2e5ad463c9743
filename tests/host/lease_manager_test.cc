// LeaseManager when the database or Vault is not there: a lease that cannot
// be made is not handed out, a revocation that cannot run is kept and
// retried, and start-up touches only the leases of hosts that ended. The happy paths run
// against the real databases in tests/e2e/dynamic_users_e2e_test.cc.
#include "host/lease_manager.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include "host/database_user_issuer.h"
#include "host/vault_config.h"
#include "host/vault_lease_issuer.h"
#include "secrets/vault_client.h"
#include "security/audit_log.h"

namespace aurite::host {
namespace {

using namespace std::chrono_literals;

// Port 1 on loopback refuses at once: an admin whose database is down.
constexpr char kLeaseCanary[] = "Canary-Admin-Pw-4417";

class LeaseManagerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("aurite-lease-manager-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
    security::SecurityManagerOptions options;
    StatusOr<std::unique_ptr<security::AuditLog>> log =
        security::AuditLog::Open(dir_ / "audit.jsonl");
    ASSERT_TRUE(log.ok()) << log.status().ToString();
    options.audit_log = std::move(log).value();
    StatusOr<std::unique_ptr<security::SecurityManager>> manager =
        security::SecurityManager::Create(std::move(options));
    ASSERT_TRUE(manager.ok()) << manager.status().ToString();
    manager_ = std::move(manager).value();
    StatusOr<std::unique_ptr<HostInstance>> instance = HostInstance::Claim(dir_ / "hosts");
    ASSERT_TRUE(instance.ok()) << instance.status().ToString();
    instance_ = std::move(instance).value();

    ConnectionConfig orders;
    orders.name = "orders";
    orders.storage_type = "postgresql";
    orders.connection_string = crypto::SecretBuffer::CopyFrom("postgresql://127.0.0.1:1/orders");
    credentials::DynamicCredentials dynamic;
    dynamic.admin =
        crypto::SecretBuffer::CopyFrom(std::string("postgresql://admin:") + kLeaseCanary +
                                       "@127.0.0.1:1/orders?connect_timeout=2");
    dynamic.grant_roles = {"reader"};
    orders.credentials = std::move(dynamic);
    connections_.reserve(4);  // issuers keep references to their connections
    connections_.push_back(std::move(orders));
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::vector<security::LeaseRecord> Leases() {
    StatusOr<security::RecordList<security::LeaseRecord>> listed = manager_->ListLeases();
    EXPECT_TRUE(listed.ok()) << listed.status().ToString();
    return listed.ok() ? std::move(listed->records) : std::vector<security::LeaseRecord>{};
  }
  security::LeaseRecord StoredLease(const std::string& host) {
    security::LeaseRecord record;
    record.lease_id = security::NewLeaseId();
    record.connection = "orders";
    record.engine = "postgresql";
    record.user_name = "aurite_orders_leftover0";
    record.created_at = 1'700'000'000;
    record.expires_at = record.created_at + 900;
    record.max_expires_at = record.created_at + 3600;
    record.host_instance = host;
    EXPECT_TRUE(manager_->PutLease(record).ok());
    return record;
  }
  // Connection "reports" of mode "vault", its Vault at refusing port 1.
  LeaseIssuers VaultIssuers() {
    ConnectionConfig& reports = connections_.emplace_back();
    reports.name = "reports";
    reports.storage_type = "postgresql";
    reports.connection_string = crypto::SecretBuffer::CopyFrom("postgresql://127.0.0.1:1/reports");
    reports.credentials = credentials::VaultCredentials{"database/creds/reports", {}};
    auto vault = VaultClientSource(VaultSettings{},
                                   [](const std::string& name) -> std::optional<std::string_view> {
                                     if (name == "VAULT_ADDR") return "http://127.0.0.1:1";
                                     if (name == "VAULT_TOKEN") return kLeaseCanary;
                                     return std::nullopt;
                                   })
                     .Get();
    LeaseIssuers issuers;
    issuers.emplace("reports",
                    std::make_unique<VaultLeaseIssuer>(
                        reports, std::get<credentials::VaultCredentials>(*reports.credentials),
                        std::move(vault)));
    return issuers;
  }
  // The issuer of "orders" (mode "dynamic").
  LeaseIssuers Issuers() {
    LeaseIssuers issuers;
    issuers.emplace("orders", std::make_unique<DatabaseUserIssuer>(
                                  connections_[0], std::get<credentials::DynamicCredentials>(
                                                       *connections_[0].credentials)));
    return issuers;
  }
  std::string Audit() {
    std::ifstream in(dir_ / "audit.jsonl");
    return std::string(std::istreambuf_iterator<char>(in), {});
  }

  std::filesystem::path dir_;
  std::unique_ptr<security::SecurityManager> manager_;
  std::unique_ptr<HostInstance> instance_;
  std::vector<ConnectionConfig> connections_;
};

TEST_F(LeaseManagerTest, AnUnreachableAdminMakesNoLeaseAndKeepsRetryingItsRevocation) {
  LeaseManager leases(*manager_, *instance_, Issuers());
  ASSERT_TRUE(leases.Start([](const std::string&) {}).ok());
  StatusOr<OpenedLease> opened = leases.Open("orders");
  ASSERT_FALSE(opened.ok());
  EXPECT_NE(opened.status().message().find("connections.orders"), std::string::npos)
      << opened.status().message();
  EXPECT_EQ(opened.status().message().find(kLeaseCanary), std::string::npos);

  // The user may exist half-made: its revocation is on record and retried.
  std::vector<security::LeaseRecord> stored = Leases();
  ASSERT_EQ(stored.size(), 1u);
  EXPECT_EQ(stored[0].state, security::LeaseState::kRevoking);
  EXPECT_GE(stored[0].revoke_attempts, 1u);
  EXPECT_GT(stored[0].next_attempt_at, 0);
  EXPECT_FALSE(stored[0].last_error.empty());
  EXPECT_EQ(stored[0].last_error.find(kLeaseCanary), std::string::npos);
  const std::uint32_t first_attempts = stored[0].revoke_attempts;
  const auto deadline = std::chrono::steady_clock::now() + 5s;
  while (Leases().at(0).revoke_attempts == first_attempts &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(100ms);
  }
  EXPECT_GT(Leases().at(0).revoke_attempts, first_attempts)
      << "the first retry comes about a second later";

  // Shutting down forgets nothing: the next start tries again.
  leases.Shutdown();
  EXPECT_EQ(Leases().size(), 1u);
  const std::string audit = Audit();
  EXPECT_NE(audit.find("lease_revoke_failed"), std::string::npos) << audit;
  EXPECT_EQ(audit.find(kLeaseCanary), std::string::npos);
}

TEST_F(LeaseManagerTest, StartRevokesOnlyTheLeasesOfHostsThatEnded) {
  StatusOr<std::unique_ptr<HostInstance>> other = HostInstance::Claim(dir_ / "hosts");
  ASSERT_TRUE(other.ok()) << other.status().ToString();
  const security::LeaseRecord live = StoredLease((*other)->id());
  const security::LeaseRecord left = StoredLease("0123456789abcdef0123456789abcdef");

  LeaseManager leases(*manager_, *instance_, Issuers());
  ASSERT_TRUE(leases.Start([](const std::string&) {}).ok());
  for (const security::LeaseRecord& record : Leases()) {
    if (record.lease_id == live.lease_id) {
      EXPECT_EQ(record.state, security::LeaseState::kActive) << "another running gateway's";
    } else {
      EXPECT_EQ(record.lease_id, left.lease_id);
      EXPECT_EQ(record.state, security::LeaseState::kRevoking);
      EXPECT_GE(record.revoke_attempts, 1u) << "the database is down: kept for a retry";
    }
  }
  EXPECT_EQ(Leases().size(), 2u);
}

TEST_F(LeaseManagerTest, AnUnreachableVaultGivesAClearErrorAndLeavesNoRecord) {
  LeaseManager leases(*manager_, *instance_, VaultIssuers());
  ASSERT_TRUE(leases.Start([](const std::string&) {}).ok());
  StatusOr<OpenedLease> opened = leases.Open("reports");
  ASSERT_FALSE(opened.ok());
  const std::string message = opened.status().message();
  EXPECT_NE(message.find("connections.reports.credentials"), std::string::npos) << message;
  EXPECT_NE(message.find("database/creds/reports"), std::string::npos) << message;
  EXPECT_NE(message.find("http://127.0.0.1:1"), std::string::npos) << message;
  EXPECT_EQ(message.find(kLeaseCanary), std::string::npos) << "the token is not quoted";
  // Recorded before Vault was asked; Vault made nothing, so it is settled.
  EXPECT_TRUE(Leases().empty());
  const std::string audit = Audit();
  EXPECT_NE(audit.find("lease_created"), std::string::npos) << audit;
  EXPECT_NE(audit.find("lease_revoked"), std::string::npos) << audit;
  EXPECT_EQ(audit.find(kLeaseCanary), std::string::npos);
}

TEST_F(LeaseManagerTest, AConnectionThatIsNotDynamicGetsNoLease) {
  LeaseManager leases(*manager_, *instance_, Issuers());
  EXPECT_TRUE(leases.IsLeased("orders"));
  EXPECT_FALSE(leases.IsLeased("billing"));
  EXPECT_EQ(leases.Open("billing").status().code(), StatusCode::kNotFound);
  EXPECT_FALSE(leases.ExpiresAt("no-such-lease").has_value());
}

}  // namespace
}  // namespace aurite::host
