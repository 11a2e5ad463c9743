// Test helper: a directory of the running test's own, under the test
// temporary directory, holding a SQLite database t.db with one table
// t(x INTEGER) of `rows` rows (1 to rows).
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include "sql/connection.h"

namespace aurite::host {

// Makes the directory and the database; removes neither (the caller does).
inline std::filesystem::path MakeSqliteTestDir(const std::string& prefix, int rows = 0) {
  std::filesystem::path dir = std::filesystem::path(::testing::TempDir()) /
                              (prefix + "-" + std::to_string(::getpid()) + "-" +
                               ::testing::UnitTest::GetInstance()->current_test_info()->name());
  std::filesystem::create_directories(dir);
  sql::ConnectionConfig database;
  database.engine = sql::Engine::kSqlite;
  database.path = (dir / "t.db").string();
  auto connection = sql::OpenConnection(database, {.allow_writes = true});
  EXPECT_TRUE(connection.ok()) << connection.status().ToString();
  if (!connection.ok()) return dir;
  EXPECT_TRUE((*connection)->Execute("CREATE TABLE t(x INTEGER)", {}, {}).ok());
  for (int i = 1; i <= rows; ++i) {
    EXPECT_TRUE(
        (*connection)->Execute("INSERT INTO t VALUES (" + std::to_string(i) + ")", {}, {}).ok());
  }
  return dir;
}

}  // namespace aurite::host
