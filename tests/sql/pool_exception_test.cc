// ConnectionPool: a lease ended by an exception (std::bad_alloc in the middle
// of a result) closes its own connection only; the idle ones stay.
#include <gtest/gtest.h>

#include <new>

#include "engine_test.h"
#include "sql/connection_pool.h"

namespace aurite::sql::testing {
namespace {

using PoolExceptionTest = EngineTest;

TEST_P(PoolExceptionTest, ALeaseEndedByAnExceptionClosesItsConnectionOnly) {
  PoolOptions options;
  options.max_open = 2;
  ConnectionPool pool(Config(), options);
  Connection* kept = nullptr;
  Connection* thrown_with = nullptr;
  {
    StatusOr<ConnectionPool::Lease> held = pool.Acquire();
    ASSERT_TRUE(held.ok()) << held.status().ToString();
    kept = &**held;
    try {
      StatusOr<ConnectionPool::Lease> used = pool.Acquire();
      ASSERT_TRUE(used.ok()) << used.status().ToString();
      thrown_with = &**used;
      throw std::bad_alloc();
    } catch (const std::bad_alloc&) {
    }
    EXPECT_EQ(pool.open_count(), 1u);
    EXPECT_EQ(pool.idle_count(), 0u);
  }
  // `held` went back normally; the session in use when the exception came
  // is closed.
  EXPECT_EQ(pool.open_count(), 1u);
  EXPECT_EQ(pool.idle_count(), 1u);
  StatusOr<ConnectionPool::Lease> again = pool.Acquire();
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(&**again, kept);
  EXPECT_NE(thrown_with, kept);
}

INSTANTIATE_TEST_SUITE_P(Engines, PoolExceptionTest, AURITE_ALL_ENGINES);

}  // namespace
}  // namespace aurite::sql::testing
