// ConnectionPool: concurrency, limits, idle reaping and reconnection after a lost server.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "engine_test.h"
#include "sql/connection_pool.h"

namespace aurite::sql::testing {
namespace {

using PoolTest = EngineTest;

PoolOptions Small(std::size_t max_open) {
  PoolOptions options;
  options.max_open = max_open;
  options.acquire_timeout = std::chrono::milliseconds(100);
  return options;
}

TEST_P(PoolTest, ConcurrentLeasesGetDistinctConnections) {
  ConnectionPool pool(Config(), Small(2));
  StatusOr<ConnectionPool::Lease> first = pool.Acquire();
  StatusOr<ConnectionPool::Lease> second = pool.Acquire();
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_NE(&**first, &**second);
  EXPECT_EQ(pool.open_count(), 2u);
}

TEST_P(PoolTest, AcquireFailsWhenAllConnectionsAreBusy) {
  ConnectionPool pool(Config(), Small(1));
  StatusOr<ConnectionPool::Lease> held = pool.Acquire();
  ASSERT_TRUE(held.ok()) << held.status().ToString();
  StatusOr<ConnectionPool::Lease> refused = pool.Acquire();
  EXPECT_EQ(refused.status().code(), StatusCode::kResourceExhausted);
  EXPECT_EQ(pool.open_count(), 1u);
}

TEST_P(PoolTest, ReturnedConnectionIsReused) {
  ConnectionPool pool(Config(), Small(2));
  Connection* first = nullptr;
  {
    StatusOr<ConnectionPool::Lease> lease = pool.Acquire();
    ASSERT_TRUE(lease.ok()) << lease.status().ToString();
    first = &**lease;
  }
  EXPECT_EQ(pool.idle_count(), 1u);
  StatusOr<ConnectionPool::Lease> again = pool.Acquire();
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(&**again, first);
  EXPECT_EQ(pool.open_count(), 1u);
}

TEST_P(PoolTest, IdleConnectionsAreClosedAfterTheTimeout) {
  PoolOptions options = Small(2);
  options.idle_timeout = std::chrono::milliseconds(20);
  ConnectionPool pool(Config(), options);
  { ASSERT_TRUE(pool.Acquire().ok()); }
  // Waits for the reaper; the bound only keeps a broken build from hanging.
  for (int i = 0; i < 500 && pool.open_count() > 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(pool.open_count(), 0u);
  EXPECT_EQ(pool.idle_count(), 0u);
}

TEST_P(PoolTest, ConcurrentCallersAllSucceed) {
  ConnectionPool pool(Config(), Small(3));
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 3; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 20; ++i) {
        StatusOr<ConnectionPool::Lease> lease = pool.Acquire();
        if (!lease.ok() || !(*lease)->Execute("SELECT 1", {}, {}).ok()) ++failures;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(failures, 0);
  EXPECT_LE(pool.open_count(), 3u);
}

// A login made per connection is made again for each connection after the
// first, never replayed; a failure to make it fails only that call.
TEST_P(PoolTest, ConnectionsAfterTheFirstAreOpenedWithAFreshConfig) {
  ConnectionPool pool(Config(), Small(3));
  int made = 0;
  const ConnectionPool::FreshConfig fresh = [&]() -> StatusOr<ConnectionConfig> {
    ++made;
    return Config();
  };
  const ConnectionPool::FreshConfig failing = []() -> StatusOr<ConnectionConfig> {
    return UnavailableError("the host could not make the login");
  };
  {
    StatusOr<ConnectionPool::Lease> first = pool.Acquire(fresh);
    ASSERT_TRUE(first.ok()) << first.status().ToString();
    EXPECT_EQ(made, 0) << "the first connection uses the config the pool was made with";
    StatusOr<ConnectionPool::Lease> second = pool.Acquire(fresh);
    ASSERT_TRUE(second.ok()) << second.status().ToString();
    EXPECT_EQ(made, 1);
    StatusOr<ConnectionPool::Lease> refused = pool.Acquire(failing);
    EXPECT_EQ(refused.status().code(), StatusCode::kUnavailable);
    EXPECT_EQ(pool.open_count(), 2u) << "a failed open gives its place back";
  }
  StatusOr<ConnectionPool::Lease> reused = pool.Acquire(failing);
  EXPECT_TRUE(reused.ok()) << "an idle connection needs no new login";
}

INSTANTIATE_TEST_SUITE_P(Engines, PoolTest, AURITE_ALL_ENGINES);

// A server that ends the session mid-way: the call fails clearly, the next reconnects.
class LostConnectionTest : public EngineTest {};

TEST_P(LostConnectionTest, KilledSessionGivesAClearErrorAndTheNextCallReconnects) {
  ConnectionPool pool(Config(), Small(2));
  std::string self =
      engine() == Engine::kPostgres ? "SELECT pg_backend_pid()" : "SELECT CONNECTION_ID()";
  std::string kill =
      engine() == Engine::kPostgres ? "SELECT pg_terminate_backend($1::int, 10000)" : "KILL ?";
  nlohmann::json victim_id;
  {
    StatusOr<ConnectionPool::Lease> victim = pool.Acquire();
    ASSERT_TRUE(victim.ok()) << victim.status().ToString();
    StatusOr<QueryResult> id = (*victim)->Execute(self, {}, {});
    ASSERT_TRUE(id.ok()) << id.status().ToString();
    victim_id = id->rows[0][0];
    StatusOr<QueryResult> killed = writer_->Execute(kill, {victim_id}, {});
    ASSERT_TRUE(killed.ok()) << killed.status().ToString();
    StatusOr<QueryResult> after = (*victim)->Execute("SELECT 1", {}, {});
    EXPECT_EQ(after.status().code(), StatusCode::kUnavailable) << after.status().ToString();
    EXPECT_NE(after.status().message().find("connection to the server was lost"), std::string::npos)
        << after.status().message();
    EXPECT_FALSE((*victim)->IsUsable());
  }
  EXPECT_EQ(pool.open_count(), 0u);
  StatusOr<ConnectionPool::Lease> fresh = pool.Acquire();
  ASSERT_TRUE(fresh.ok()) << fresh.status().ToString();
  StatusOr<QueryResult> id = (*fresh)->Execute(self, {}, {});
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  EXPECT_NE(id->rows[0][0], victim_id);
}

INSTANTIATE_TEST_SUITE_P(Servers, LostConnectionTest,
                         ::testing::Values(Engine::kPostgres, Engine::kMariaDb), EngineParamName);

}  // namespace
}  // namespace aurite::sql::testing
