// Test support: a fixture parameterised over the three engines, with
// per-test tables (or SQLite files) that are removed afterwards.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "sql/connection.h"
#include "test_databases.h"

namespace aurite::sql {
inline void PrintTo(Engine engine, std::ostream* out) { *out << EngineName(engine); }
}  // namespace aurite::sql

namespace aurite::sql::testing {

class EngineTest : public ::testing::TestWithParam<Engine> {
 protected:
  void SetUp() override;
  void TearDown() override;

  Engine engine() const { return GetParam(); }
  ConnectionConfig Config() const { return ConfigFor(engine(), sqlite_path_); }
  std::unique_ptr<Connection> Open(bool allow_writes = false, OpenOptions options = {});
  // Runs `sql` on a connection with writes enabled; fails the test on error.
  void Write(const std::string& sql, const std::vector<Param>& params = {});
  // Creates a table with a unique name and the given column list; dropped in TearDown.
  std::string NewTable(const std::string& columns);
  // Number of rows in `table`, read on a fresh connection.
  std::int64_t CountRows(const std::string& table);
  std::string P(int index) const { return Placeholder(engine(), index); }
  // The engine's way of quoting an identifier in test SQL.
  std::string Quote(const std::string& name) const;

  std::string sqlite_path_;
  std::vector<std::string> tables_;
  std::unique_ptr<Connection> writer_;
};

std::string EngineParamName(const ::testing::TestParamInfo<Engine>& info);

#define AURITE_ALL_ENGINES                                                            \
  ::testing::Values(::aurite::sql::Engine::kSqlite, ::aurite::sql::Engine::kPostgres, \
                    ::aurite::sql::Engine::kMariaDb),                                 \
      ::aurite::sql::testing::EngineParamName

}  // namespace aurite::sql::testing
