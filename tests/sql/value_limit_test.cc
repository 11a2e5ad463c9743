// OpenOptions::max_value_bytes: a value over the limit fails in the engine
// (SQLite: SQLITE_LIMIT_LENGTH) or client library (MariaDB: the client's
// max_allowed_packet) with kResourceExhausted, before it fills memory.
#include <gtest/gtest.h>

#include "engine_test.h"

namespace aurite::sql::testing {
namespace {

using ValueLimitTest = EngineTest;

constexpr std::size_t kLimit = 1024 * 1024;

std::string MakeValue(Engine engine, std::size_t bytes) {
  return engine == Engine::kSqlite ? "SELECT zeroblob(" + std::to_string(bytes) + ")"
                                   : "SELECT REPEAT('x', " + std::to_string(bytes) + ")";
}

TEST_P(ValueLimitTest, AValueOverTheLimitFailsWithAClearError) {
  OpenOptions options;
  options.max_value_bytes = kLimit;
  std::unique_ptr<Connection> connection = Open(false, options);
  ASSERT_NE(connection, nullptr);
  QueryLimits limits{10, 64 * 1024 * 1024};
  StatusOr<QueryResult> small = connection->Execute(MakeValue(engine(), kLimit / 2), {}, limits);
  ASSERT_TRUE(small.ok()) << small.status().ToString();

  StatusOr<QueryResult> big = connection->Execute(MakeValue(engine(), 2 * kLimit), {}, limits);
  ASSERT_FALSE(big.ok()) << "a 2 MiB value passed a 1 MiB limit";
  // libmariadb cuts the session off (error 2013) at a row over its packet
  // limit; the error says that this may be why.
  EXPECT_EQ(big.status().code(),
            engine() == Engine::kSqlite ? StatusCode::kResourceExhausted : StatusCode::kUnavailable)
      << big.status().ToString();
  EXPECT_NE(big.status().message().find("larger than the 1048576 bytes this connection accepts"),
            std::string::npos)
      << big.status().message();
}

// MariaDB's server refuses a value over its own max_allowed_packet (16 MiB
// by default) with a warning and NULL, so only SQLite shows the default.
using DefaultValueLimitTest = EngineTest;

TEST_P(DefaultValueLimitTest, TheDefaultLimitIs32MiB) {
  std::unique_ptr<Connection> connection = Open();
  ASSERT_NE(connection, nullptr);
  StatusOr<QueryResult> big =
      connection->Execute("SELECT zeroblob(40 * 1024 * 1024)", {}, {10, 64 * 1024 * 1024});
  EXPECT_EQ(big.status().code(), StatusCode::kResourceExhausted) << big.status().ToString();
}

INSTANTIATE_TEST_SUITE_P(Engines, ValueLimitTest,
                         ::testing::Values(Engine::kSqlite, Engine::kMariaDb), EngineParamName);
INSTANTIATE_TEST_SUITE_P(Engines, DefaultValueLimitTest, ::testing::Values(Engine::kSqlite),
                         EngineParamName);

}  // namespace
}  // namespace aurite::sql::testing
