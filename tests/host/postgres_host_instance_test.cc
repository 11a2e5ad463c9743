// Tests of telling running gateways from ended ones on a shared store: the
// harness's PostgreSQL, gateways as PostgresHostInstances.
#include "host/postgres_host_instance.h"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "postgres_store_fixture.h"
#include "sql/connection_string.h"

namespace aurite::host {
namespace {

class PostgresHostInstanceTest : public testing::StoreDatabaseTest {
 protected:
  // Whether `asker` finds `id` ended within 2 s: the server lets go of an
  // ended session's locks as its process exits, a moment after the close.
  static bool SeenEnded(const PostgresHostInstance& asker, const std::string& id) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
    while (std::chrono::steady_clock::now() < deadline) {
      if (!asker.IsRunning(id)) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return false;
  }
  std::unique_ptr<PostgresHostInstance> Claim() {
    auto instance = PostgresHostInstance::Claim(*sql::ParseConnectionString(url_));
    EXPECT_TRUE(instance.ok()) << instance.status().ToString();
    return instance.ok() ? std::move(*instance) : nullptr;
  }
};

TEST_F(PostgresHostInstanceTest, ALiveGatewayIsRunningForEveryOther) {
  auto first = Claim();
  auto second = Claim();
  EXPECT_NE(first->id(), second->id());
  EXPECT_TRUE(first->IsRunning(second->id()));
  EXPECT_TRUE(second->IsRunning(first->id()));
  EXPECT_TRUE(first->IsRunning(first->id()));
  EXPECT_TRUE(first->IsRunning(second->id())) << "asking twice changes nothing";
}

TEST_F(PostgresHostInstanceTest, AnEndedGatewayIsTakenOverByExactlyOneOther) {
  auto ended = Claim();
  const std::string ended_id = ended->id();
  auto first = Claim();
  auto second = Claim();
  ended.reset();  // its session ends, and with it its lock
  EXPECT_TRUE(SeenEnded(*first, ended_id)) << "gone: the first takes over its leases";
  EXPECT_FALSE(first->IsRunning(ended_id)) << "still gone for the one that took over";
  EXPECT_TRUE(second->IsRunning(ended_id)) << "the second leaves them to the first";
  first.reset();
  EXPECT_TRUE(SeenEnded(*second, ended_id)) << "the first ended too: the second takes over";
}

TEST_F(PostgresHostInstanceTest, AGatewayWhoseLockSessionWasCutTakesItsLockAgain) {
  auto first = Claim();
  auto second = Claim();
  testing::RunAsAdmin("", {"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE "
                           "datname = '" +
                           database_ + "' AND pid <> pg_backend_pid()"});
  // Each learns on its first question that its session is gone (and
  // answers "running": it cannot tell), and reconnects on the next.
  const std::string nobody(32, 'a');
  (void)first->IsRunning(nobody);
  (void)first->IsRunning(nobody);
  (void)second->IsRunning(first->id());
  EXPECT_TRUE(second->IsRunning(first->id()))
      << "the first took its own lock again: it is not taken for ended";
}

TEST_F(PostgresHostInstanceTest, AnIdOfAnotherShapeIsNeverRunningAndNeverSentToTheServer) {
  auto instance = Claim();
  EXPECT_FALSE(instance->IsRunning("'; DROP TABLE x; --"));
  EXPECT_FALSE(instance->IsRunning(""));
}

TEST_F(PostgresHostInstanceTest, AnUnreachableStoreAnswersRunning) {
  auto first = Claim();
  auto second = Claim();
  const std::string second_id = second->id();
  second.reset();
  testing::Unreachable(database_);
  EXPECT_TRUE(first->IsRunning(second_id)) << "never revoke what cannot be checked";
  testing::Reachable(database_);
  EXPECT_TRUE(SeenEnded(*first, second_id));
}

}  // namespace
}  // namespace aurite::host
