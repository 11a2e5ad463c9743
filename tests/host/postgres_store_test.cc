// Tests of the shared credential store on the harness's real PostgreSQL:
// two SecurityManagers on one database stand for two gateways.
#include "host/postgres_store.h"

#include <gtest/gtest.h>

#include <chrono>
#include <iostream>
#include <thread>

#include "postgres_store_fixture.h"
#include "security/security_manager.h"
#include "security/store_test_support.h"
#include "support/poll_within.h"

namespace aurite::host {
namespace {

using aurite::testing::PollWithin;
using crypto::FernetKey;
using crypto::SecretBuffer;
using security::SecurityManager;
using testing::DumpStore;
using namespace std::chrono_literals;

const std::string kCanary = "store-canary-Zq8Vw3";
// Quick enough for the tests to see a reconnection within a second.
constexpr ChangeFeedTiming kTiming{.retry_every = 50ms, .reconcile_every = 1000ms};

class PostgresStoreTest : public testing::StoreDatabaseTest {
 protected:
  StatusOr<std::unique_ptr<PostgresStore>> OpenStore(const FernetKey& key) {
    return PostgresStore::Open(url_, security::testing::Keys({&key}), kTiming);
  }
  // A gateway's manager on the shared store, kept until the test ends.
  SecurityManager& Gateway() {
    auto store = OpenStore(key_);
    EXPECT_TRUE(store.ok()) << store.status().ToString();
    security::SecurityManagerOptions options;
    options.store = std::move(*store);
    auto manager = SecurityManager::Create(std::move(options));
    EXPECT_TRUE(manager.ok()) << manager.status().ToString();
    manager->get()->RegisterServerPermissions("sql", {"database_connection"});
    gateways_.push_back(std::move(*manager));
    return *gateways_.back();
  }
  std::string Secure(SecurityManager& gateway, security::SecureOptions options = {}) {
    auto secured =
        gateway.Secure("database_connection",
                       SecretBuffer::CopyFrom("postgresql://u:" + kCanary + "@db/app"), options);
    EXPECT_TRUE(secured.ok()) << secured.status().ToString();
    return secured.ok() ? std::string(secured->token.Reveal()) : "";
  }
  Status ResolveOn(SecurityManager& gateway, const std::string& token) {
    return gateway.Resolve(token, "sql", "database_connection").status();
  }
  // Polls until `gateway` refuses `token`; how long it took, or nullopt
  // when it still resolves after 3 s.
  std::optional<std::chrono::milliseconds> TimeUntilRefused(SecurityManager& gateway,
                                                            const std::string& token) {
    auto start = std::chrono::steady_clock::now();
    while (std::chrono::steady_clock::now() - start < 3s) {
      if (!ResolveOn(gateway, token).ok()) {
        return std::chrono::duration_cast<std::chrono::milliseconds>(
            std::chrono::steady_clock::now() - start);
      }
      std::this_thread::sleep_for(5ms);
    }
    return std::nullopt;
  }

  void TearDown() override {
    gateways_.clear();
    StoreDatabaseTest::TearDown();
  }

  FernetKey key_ = FernetKey::Generate();
  std::vector<std::unique_ptr<SecurityManager>> gateways_;
};

TEST_F(PostgresStoreTest, ATokenSecuredThroughOneGatewayResolvesThroughAnother) {
  SecurityManager& first = Gateway();
  SecurityManager& second = Gateway();
  std::string token = Secure(first);
  auto resolved = second.Resolve(token, "sql", "database_connection");
  ASSERT_TRUE(resolved.ok()) << resolved.status().ToString();
  EXPECT_EQ(resolved->secret.Reveal(), "postgresql://u:" + kCanary + "@db/app");
  // The second gateway now holds the secret, so it redacts it too.
  EXPECT_EQ(second.Redact("leak " + kCanary).find(kCanary), std::string::npos);
}

TEST_F(PostgresStoreTest, ARevocationOnOneGatewayEndsTheTokenOnTheOthersWithinASecond) {
  SecurityManager& first = Gateway();
  SecurityManager& second = Gateway();
  SecurityManager& third = Gateway();
  std::string token = Secure(first);
  ASSERT_TRUE(ResolveOn(second, token).ok());
  ASSERT_TRUE(ResolveOn(first, token).ok());
  // Revoked through a gateway that has not seen the token yet.
  ASSERT_TRUE(third.Revoke(token).ok());
  for (SecurityManager* gateway : {&first, &second, &third}) {
    auto took = TimeUntilRefused(*gateway, token);
    ASSERT_TRUE(took.has_value()) << "a revoked token still resolves";
    EXPECT_LT(*took, 1000ms);
    std::cout << "refused after " << took->count() << " ms\n";
    EXPECT_EQ(ResolveOn(*gateway, token).code(), StatusCode::kUnauthenticated);
  }
}

TEST_F(PostgresStoreTest, AUseLimitHoldsAcrossGateways) {
  SecurityManager& first = Gateway();
  SecurityManager& second = Gateway();
  std::string token = Secure(first, {.max_uses = 2});
  ASSERT_TRUE(ResolveOn(second, token).ok());
  ASSERT_TRUE(ResolveOn(first, token).ok());
  EXPECT_FALSE(ResolveOn(second, token).ok()) << "a third use past max_uses 2";
  EXPECT_FALSE(ResolveOn(first, token).ok());
}

TEST_F(PostgresStoreTest, TheWrongKeyIsRefusedAndTheStoreIsUnchanged) {
  std::string token = Secure(Gateway());
  std::string before = DumpStore(database_);
  FernetKey other = FernetKey::Generate();
  auto opened = OpenStore(other);
  ASSERT_FALSE(opened.ok());
  EXPECT_EQ(opened.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(opened.status().message().find("another key"), std::string::npos)
      << opened.status().message();
  EXPECT_NE(opened.status().message().find("every gateway sharing the store needs the same key"),
            std::string::npos)
      << opened.status().message();
  EXPECT_EQ(opened.status().message().find(kCanary), std::string::npos);
  EXPECT_EQ(DumpStore(database_), before);
}

TEST_F(PostgresStoreTest, TheTablesHoldNeitherThePasswordNorTheToken) {
  std::string token = Secure(Gateway());
  std::string dump = DumpStore(database_);
  ASSERT_NE(dump.find("schema_version"), std::string::npos) << "the dump read the tables";
  ASSERT_NE(dump.find("database_connection"), std::string::npos) << "and the credential";
  EXPECT_EQ(dump.find(kCanary), std::string::npos);
  EXPECT_EQ(dump.find(token), std::string::npos);
  EXPECT_EQ(dump.find(token.substr(10)), std::string::npos);
}

TEST_F(PostgresStoreTest, GatewaysStartingTogetherMakeOneStore) {
  std::vector<std::thread> starting;
  std::vector<Status> results(4);
  for (std::size_t i = 0; i < results.size(); ++i) {
    starting.emplace_back([&, i] { results[i] = OpenStore(key_).status(); });
  }
  for (std::thread& thread : starting) thread.join();
  for (const Status& result : results) EXPECT_TRUE(result.ok()) << result.ToString();
  std::string token = Secure(Gateway());
  EXPECT_TRUE(ResolveOn(Gateway(), token).ok()) << "all opened the same store, one key check";
}

TEST_F(PostgresStoreTest, TokensAreRefusedWhileTheStoreIsUnreachableAndServedAgainAfter) {
  SecurityManager& gateway = Gateway();
  std::string token = Secure(gateway);
  ASSERT_TRUE(ResolveOn(gateway, token).ok());
  testing::Unreachable(database_);
  auto took = TimeUntilRefused(gateway, token);
  ASSERT_TRUE(took.has_value()) << "a token resolved while revocations could not be seen";
  Status refused = ResolveOn(gateway, token);
  EXPECT_EQ(refused.code(), StatusCode::kUnavailable) << refused.ToString();
  EXPECT_NE(refused.message().find("fail closed"), std::string::npos) << refused.message();
  EXPECT_EQ(refused.message().find(kCanary), std::string::npos);

  testing::Reachable(database_);
  EXPECT_TRUE(PollWithin(std::chrono::steady_clock::now(), 5s, [&] {
    return ResolveOn(gateway, token).ok();
  })) << "served again once the store is back";
}

TEST_F(PostgresStoreTest, ARevocationTheStoreMissedIsWrittenOnceItIsBack) {
  SecurityManager& first = Gateway();
  SecurityManager& second = Gateway();
  std::string token = Secure(first);
  ASSERT_TRUE(ResolveOn(second, token).ok());
  testing::Unreachable(database_);
  EXPECT_FALSE(first.Revoke(token).ok()) << "the store did not take the revocation";
  EXPECT_FALSE(ResolveOn(first, token).ok());
  testing::Reachable(database_);
  // Once the first gateway syncs again, its revocation reaches the store...
  ASSERT_TRUE(
      PollWithin(std::chrono::steady_clock::now(), 5s, [&] { return first.SyncWithStore().ok(); }));
  EXPECT_FALSE(ResolveOn(first, token).ok()) << "not adopted back from the store";
  // ...and so every other gateway.
  auto took = TimeUntilRefused(second, token);
  ASSERT_TRUE(took.has_value()) << "the other gateway still resolves the revoked token";
}

TEST_F(PostgresStoreTest, AStoppingGatewayNamesTheRevocationsTheStoreMissed) {
  SecurityManager& first = Gateway();
  SecurityManager& second = Gateway();
  std::string token = Secure(first);
  auto summary = first.Lookup(token);
  ASSERT_TRUE(summary.ok()) << summary.status().ToString();
  EXPECT_TRUE(first.RetryUnsyncedRemovals().ok()) << "nothing missed yet";
  testing::Unreachable(database_);
  EXPECT_FALSE(first.Revoke(token).ok());
  Status left = first.RetryUnsyncedRemovals();
  EXPECT_EQ(left.code(), StatusCode::kUnavailable) << left.ToString();
  EXPECT_NE(left.message().find("aurite tokens revoke"), std::string::npos) << left.message();
  EXPECT_NE(left.message().find(summary->id), std::string::npos) << left.message();
  EXPECT_EQ(left.message().find(token), std::string::npos) << left.message();
  EXPECT_EQ(left.message().find(kCanary), std::string::npos) << left.message();

  testing::Reachable(database_);
  EXPECT_TRUE(PollWithin(std::chrono::steady_clock::now(), 5s,
                         [&] { return first.RetryUnsyncedRemovals().ok(); }));
  ASSERT_TRUE(TimeUntilRefused(second, token).has_value()) << "the retried revocation was taken";
}

TEST_F(PostgresStoreTest, LeasesSurviveAKeyRotationAndShowNothingInTheTables) {
  auto store = OpenStore(key_);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  security::LeaseRecord lease;
  lease.lease_id = security::NewLeaseId();
  lease.connection = "orders_" + kCanary;
  lease.engine = "postgresql";
  lease.user_name = "aurite_user_x";
  lease.created_at = 1'700'000'000;
  lease.expires_at = 1'700'000'900;
  lease.max_expires_at = 1'700'028'800;
  lease.host_instance = security::NewHostInstanceId();
  Status put = (*store)->PutLease(lease);
  ASSERT_TRUE(put.ok()) << put.ToString();
  std::string dump = DumpStore(database_);
  for (const std::string& hidden : {lease.lease_id, kCanary, lease.user_name}) {
    EXPECT_EQ(dump.find(hidden), std::string::npos) << hidden;
  }

  FernetKey next = FernetKey::Generate();
  ASSERT_TRUE((*store)->RotateKey(next.Clone()).ok());
  auto reopened = PostgresStore::Open(url_, security::testing::Keys({&next}), kTiming);
  ASSERT_TRUE(reopened.ok()) << reopened.status().ToString();
  auto found = (*reopened)->GetLease(lease.lease_id);
  ASSERT_TRUE(found.ok()) << found.status().ToString();
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ((*found)->user_name, "aurite_user_x");
  EXPECT_FALSE(OpenStore(key_).ok()) << "the old key alone no longer opens it";
  ASSERT_TRUE((*reopened)->DeleteLease(lease.lease_id).ok());
  auto listed = (*reopened)->ListLeases();
  ASSERT_TRUE(listed.ok());
  EXPECT_TRUE(listed->records.empty());
}

}  // namespace
}  // namespace aurite::host
