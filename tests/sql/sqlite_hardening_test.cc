// SQLite hardening: functions that hand out or take native pointers, load
// code or exist for debugging, ATTACH/DETACH/VACUUM and pragma settings that
// change trust, process state or memory are refused on every connection,
// read-only or not, each with an error that names what was refused.
#include <gtest/gtest.h>

#include <filesystem>

#include "sql/connection.h"
#include "test_databases.h"

namespace aurite::sql::testing {
namespace {

class SqliteHardeningTest : public ::testing::TestWithParam<bool> {
 protected:
  void SetUp() override {
    std::unique_ptr<Connection> writer = OpenWith(true);
    ASSERT_TRUE(writer->Execute("CREATE TABLE t (id INTEGER)", {}, {}).ok());
  }
  void TearDown() override {
    std::filesystem::remove(path_);
    std::filesystem::remove(copy_);
  }

  std::unique_ptr<Connection> OpenWith(bool allow_writes) {
    StatusOr<std::unique_ptr<Connection>> opened =
        OpenConnection(ConfigFor(Engine::kSqlite, path_), {.allow_writes = allow_writes});
    EXPECT_TRUE(opened.ok()) << opened.status().ToString();
    return opened.ok() ? std::move(opened).value() : nullptr;
  }
  bool allow_writes() const { return GetParam(); }

  // Runs `sql` and expects it refused with a message naming `named`.
  void ExpectRefused(const std::string& sql, const std::string& named) {
    std::unique_ptr<Connection> connection = OpenWith(allow_writes());
    ASSERT_NE(connection, nullptr);
    StatusOr<QueryResult> result = connection->Execute(sql, {}, {});
    ASSERT_FALSE(result.ok()) << sql << " was allowed";
    EXPECT_EQ(result.status().code(), StatusCode::kPermissionDenied) << sql;
    EXPECT_NE(result.status().message().find(named), std::string::npos)
        << sql << ": " << result.status().message();
    EXPECT_NE(result.status().message().find("not allowed on any connection"), std::string::npos)
        << sql << ": " << result.status().message();
  }

  std::string path_ =
      (std::filesystem::temp_directory_path() / (UniqueName("aurite-sqlite-hardening") + ".db"))
          .string();
  std::string copy_ = path_ + ".copy";
};

TEST_P(SqliteHardeningTest, Fts3TokenizerIsRefusedInBothForms) {
  // One argument: the address of a tokenizer module in the process.
  ExpectRefused("SELECT fts3_tokenizer('simple')", "fts3_tokenizer()");
  // Two arguments: installs a tokenizer from an address the query gives.
  ExpectRefused("SELECT fts3_tokenizer('mine', x'4141414141414141')", "fts3_tokenizer()");
  // Case does not matter to SQLite, nor to the authorizer.
  ExpectRefused("SELECT FTS3_Tokenizer('simple')", "fts3_tokenizer()");
}

TEST_P(SqliteHardeningTest, PointerAndDebugFunctionsAreRefused) {
  ExpectRefused("SELECT load_extension('/nonexistent/ext')", "load_extension()");
  ExpectRefused("SELECT fts5(NULL)", "fts5()");
  ExpectRefused("SELECT rtreenode(2, x'0000')", "rtreenode()");
  ExpectRefused("SELECT rtreedepth(x'0000')", "rtreedepth()");
  ExpectRefused("SELECT sqlite_log(1, 'from a query')", "sqlite_log()");
  // Inside a subquery or a view's expansion too: the authorizer sees every call.
  ExpectRefused("SELECT * FROM (SELECT fts3_tokenizer('simple') AS p)", "fts3_tokenizer()");
}

TEST_P(SqliteHardeningTest, AttachDetachAndVacuumIntoAreRefused) {
  ExpectRefused("ATTACH DATABASE '" + copy_ + "' AS other", "ATTACH");
  ExpectRefused("DETACH DATABASE other", "ATTACH");
  if (allow_writes()) {
    // Read-only connections refuse VACUUM as a write before it runs.
    ExpectRefused("VACUUM INTO '" + copy_ + "'", "VACUUM");
  }
  EXPECT_FALSE(std::filesystem::exists(copy_));
}

TEST_P(SqliteHardeningTest, SettingsOfTrustProcessAndMemoryPragmasAreRefused) {
  for (const char* pragma :
       {"trusted_schema", "writable_schema", "schema_version", "hard_heap_limit", "soft_heap_limit",
        "cache_size", "mmap_size", "threads", "busy_timeout"}) {
    ExpectRefused(std::string("PRAGMA ") + pragma + " = 1", std::string("PRAGMA ") + pragma);
  }
  ExpectRefused("PRAGMA temp_store_directory = '/tmp'", "PRAGMA temp_store_directory");
  ExpectRefused("PRAGMA data_store_directory = '/tmp'", "PRAGMA data_store_directory");
  ExpectRefused("PRAGMA locking_mode = EXCLUSIVE", "PRAGMA locking_mode");
}

TEST_P(SqliteHardeningTest, OrdinaryFunctionsAndReadingSettingsStillWork) {
  std::unique_ptr<Connection> connection = OpenWith(allow_writes());
  ASSERT_NE(connection, nullptr);
  for (const char* sql :
       {"SELECT abs(-1), lower('A'), json_array(1), hex(zeroblob(4)), sqlite_version()",
        "SELECT sqlite_compileoption_used('ENABLE_FTS3')", "PRAGMA cache_size",
        "PRAGMA compile_options", "PRAGMA function_list"}) {
    StatusOr<QueryResult> result = connection->Execute(sql, {}, {});
    EXPECT_TRUE(result.ok()) << sql << ": " << result.status().ToString();
  }
  // A refusal is not remembered: the next statement runs.
  EXPECT_FALSE(connection->Execute("SELECT fts3_tokenizer('simple')", {}, {}).ok());
  EXPECT_TRUE(connection->Execute("SELECT 1", {}, {}).ok());
}

INSTANTIATE_TEST_SUITE_P(Modes, SqliteHardeningTest, ::testing::Bool(),
                         [](const auto& mode) { return mode.param ? "Writes" : "ReadOnly"; });

}  // namespace
}  // namespace aurite::sql::testing
