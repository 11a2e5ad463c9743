// Test support: the per-engine fixture.
#include "engine_test.h"

#include <unistd.h>

#include <filesystem>

namespace aurite::sql::testing {

void EngineTest::SetUp() {
  if (engine() == Engine::kSqlite) {
    sqlite_path_ =
        (std::filesystem::temp_directory_path() / (UniqueName("aurite_sql") + ".db")).string();
  }
  OpenOptions options;
  options.allow_writes = true;
  StatusOr<std::unique_ptr<Connection>> writer = OpenConnection(Config(), options);
  ASSERT_TRUE(writer.ok()) << writer.status().ToString();
  writer_ = std::move(writer).value();
}

void EngineTest::TearDown() {
  if (writer_ && writer_->IsUsable()) {
    for (const auto& table : tables_) {
      (void)writer_->Execute("DROP TABLE IF EXISTS " + Quote(table), {}, {});
    }
  }
  writer_.reset();
  if (!sqlite_path_.empty()) std::filesystem::remove(sqlite_path_);
}

std::unique_ptr<Connection> EngineTest::Open(bool allow_writes, OpenOptions options) {
  options.allow_writes = allow_writes;
  StatusOr<std::unique_ptr<Connection>> connection = OpenConnection(Config(), options);
  EXPECT_TRUE(connection.ok()) << connection.status().ToString();
  return connection.ok() ? std::move(connection).value() : nullptr;
}

void EngineTest::Write(const std::string& sql, const std::vector<Param>& params) {
  StatusOr<QueryResult> result = writer_->Execute(sql, params, {});
  ASSERT_TRUE(result.ok()) << sql << ": " << result.status().ToString();
}

std::string EngineTest::NewTable(const std::string& columns) {
  std::string name = UniqueName("t");
  tables_.push_back(name);
  Write("CREATE TABLE " + name + " (" + columns + ")");
  return name;
}

std::int64_t EngineTest::CountRows(const std::string& table) {
  std::unique_ptr<Connection> reader = Open();
  if (!reader) return -1;
  StatusOr<QueryResult> result = reader->Execute("SELECT COUNT(*) FROM " + Quote(table), {}, {});
  EXPECT_TRUE(result.ok()) << result.status().ToString();
  return result.ok() ? result->rows[0][0].get<std::int64_t>() : -1;
}

std::string EngineTest::Quote(const std::string& name) const {
  char quote = engine() == Engine::kMariaDb ? '`' : '"';
  std::string out(1, quote);
  for (char c : name) {
    out.push_back(c);
    if (c == quote) out.push_back(c);
  }
  out.push_back(quote);
  return out;
}

std::string EngineParamName(const ::testing::TestParamInfo<Engine>& info) {
  return std::string(EngineName(info.param));
}

}  // namespace aurite::sql::testing
