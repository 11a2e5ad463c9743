// Read-only connections: every attack fails in the engine and leaves the data unchanged.
#include <gtest/gtest.h>

#include <filesystem>

#include "engine_test.h"

namespace aurite::sql::testing {
namespace {

using ReadOnlyTest = EngineTest;

// Statements that would change data, schema or files, per engine; `{t}` is
// the victim table and `{f}` a file that must not appear.
std::vector<std::string> Attacks(Engine engine) {
  std::vector<std::string> attacks = {
      "INSERT INTO {t} VALUES (2)",
      "UPDATE {t} SET id = 3",
      "DELETE FROM {t}",
      "DROP TABLE {t}",
      "CREATE TABLE {t}_new (id INTEGER)",
      "ALTER TABLE {t} ADD COLUMN extra INTEGER",
      "CREATE INDEX {t}_idx ON {t} (id)",
      "SELECT 1; DELETE FROM {t}",
      "COMMIT; DELETE FROM {t}",
      "COMMIT; DROP TABLE {t}",
      "ROLLBACK; INSERT INTO {t} VALUES (4)",
  };
  std::vector<std::string> specific;
  switch (engine) {
    case Engine::kPostgres:
      specific = {
          "WITH gone AS (DELETE FROM {t} RETURNING *) SELECT * FROM gone",
          "WITH added AS (INSERT INTO {t} VALUES (5) RETURNING *) SELECT * FROM added",
          "COPY (SELECT 1) TO PROGRAM 'touch {f}'",
          "COPY {t} FROM PROGRAM 'echo 6'",
          "SELECT pg_read_file('/etc/passwd')",
          "SELECT pg_write_file('{f}', 'x')",
          "TRUNCATE {t}",
          "DO $$ BEGIN DELETE FROM {t}; END $$",
          "CREATE TEMP TABLE {t}_tmp (id INTEGER)",
          "SELECT lo_import('/etc/passwd')",
      };
      break;
    case Engine::kMariaDb:
      specific = {
          "SELECT * FROM {t} INTO OUTFILE '{f}'",
          "SELECT * FROM {t} INTO DUMPFILE '{f}'",
          "LOAD DATA INFILE '/etc/passwd' INTO TABLE {t}",
          "TRUNCATE TABLE {t}",
          "RENAME TABLE {t} TO {t}_renamed",
          "REPLACE INTO {t} VALUES (7)",
          "INSERT INTO {t} SELECT id + 10 FROM {t}",
          "SET GLOBAL read_only = 0",
          "CREATE DATABASE {t}_db",
      };
      break;
    case Engine::kSqlite:
      specific = {
          "ATTACH DATABASE '{f}' AS other",
          "PRAGMA query_only = 0",
          "PRAGMA query_only = OFF",
          "PRAGMA writable_schema = 1",
          "PRAGMA journal_mode = DELETE",
          "PRAGMA user_version = 5",
          "SELECT load_extension('/nonexistent/ext')",
          "VACUUM",
          "VACUUM INTO '{f}'",
          "REINDEX {t}",
          "ANALYZE",
          "BEGIN IMMEDIATE",
          "CREATE TEMP TABLE {t}_tmp (id INTEGER)",
          "REPLACE INTO {t} VALUES (7)",
      };
      break;
  }
  attacks.insert(attacks.end(), specific.begin(), specific.end());
  return attacks;
}

std::string Fill(std::string text, const std::string& table, const std::string& file) {
  for (std::size_t at; (at = text.find("{t}")) != std::string::npos;) text.replace(at, 3, table);
  for (std::size_t at; (at = text.find("{f}")) != std::string::npos;) text.replace(at, 3, file);
  return text;
}

TEST_P(ReadOnlyTest, EveryAttackFailsAndTheDataIsUnchanged) {
  std::string table = NewTable("id INTEGER");
  Write("INSERT INTO " + table + " VALUES (1)");
  // An index gives REINDEX and ANALYZE something to write.
  Write("CREATE INDEX " + table + "_existing ON " + table + " (id)");
  std::string file = "/tmp/" + UniqueName("aurite_attack");
  std::unique_ptr<Connection> connection = Open();
  ASSERT_NE(connection, nullptr);
  for (const std::string& attack : Attacks(engine())) {
    std::string sql = Fill(attack, table, file);
    StatusOr<QueryResult> result = connection->Execute(sql, {}, {});
    EXPECT_FALSE(result.ok()) << "succeeded: " << sql;
    EXPECT_FALSE(std::filesystem::exists(file)) << "file written by: " << sql;
    std::filesystem::remove(file);
  }
  // Whatever the attacks did to the session, writes still fail afterwards.
  EXPECT_FALSE(connection->Execute("INSERT INTO " + table + " VALUES (9)", {}, {}).ok());
  EXPECT_EQ(CountRows(table), 1);
  std::unique_ptr<Connection> reader = Open();
  StatusOr<QueryResult> rows = reader->Execute("SELECT id FROM " + table, {}, {});
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  EXPECT_EQ(rows->rows, nlohmann::json::parse("[[1]]"));
  StatusOr<TableDescription> description = reader->DescribeTable(table, std::nullopt);
  ASSERT_TRUE(description.ok()) << description.status().ToString();
  EXPECT_EQ(description->columns.size(), 1u);
}

TEST_P(ReadOnlyTest, RefusedWriteIsPermissionDenied) {
  std::string table = NewTable("id INTEGER");
  std::unique_ptr<Connection> connection = Open();
  StatusOr<QueryResult> result =
      connection->Execute("INSERT INTO " + table + " VALUES (1)", {}, {});
  EXPECT_EQ(result.status().code(), StatusCode::kPermissionDenied) << result.status().ToString();
}

TEST_P(ReadOnlyTest, MultipleStatementsAreRefusedEvenWhenWritesAreEnabled) {
  std::string table = NewTable("id INTEGER");
  std::unique_ptr<Connection> connection = Open(/*allow_writes=*/true);
  StatusOr<QueryResult> result = connection->Execute(
      "INSERT INTO " + table + " VALUES (1); INSERT INTO " + table + " VALUES (2)", {}, {});
  EXPECT_FALSE(result.ok());
  EXPECT_EQ(CountRows(table), 0);
}

TEST_P(ReadOnlyTest, ReadsStillWork) {
  std::string table = NewTable("id INTEGER");
  Write("INSERT INTO " + table + " VALUES (1)");
  std::unique_ptr<Connection> connection = Open();
  StatusOr<QueryResult> result =
      connection->Execute("SELECT id FROM " + table + " WHERE id = " + P(1), {1}, {});
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result->row_count, 1u);
}

INSTANTIATE_TEST_SUITE_P(Engines, ReadOnlyTest, AURITE_ALL_ENGINES);

TEST(SqliteReadOnlyTest, InMemoryDatabaseRefusesWrites) {
  ConnectionConfig config;
  config.engine = Engine::kSqlite;
  config.path = ":memory:";
  StatusOr<std::unique_ptr<Connection>> connection = OpenConnection(config, {});
  ASSERT_TRUE(connection.ok()) << connection.status().ToString();
  EXPECT_FALSE((*connection)->Execute("CREATE TABLE t (id INTEGER)", {}, {}).ok());
  EXPECT_FALSE((*connection)->Execute("PRAGMA query_only = 0", {}, {}).ok());
  EXPECT_FALSE((*connection)->Execute("CREATE TABLE t (id INTEGER)", {}, {}).ok());
  EXPECT_TRUE((*connection)->Execute("SELECT 1", {}, {}).ok());
}

TEST(SqliteReadOnlyTest, MissingFileIsNotCreated) {
  ConnectionConfig config;
  config.engine = Engine::kSqlite;
  config.path = "/tmp/" + UniqueName("aurite_missing") + ".db";
  StatusOr<std::unique_ptr<Connection>> connection = OpenConnection(config, {});
  EXPECT_EQ(connection.status().code(), StatusCode::kUnavailable);
  EXPECT_FALSE(std::filesystem::exists(config.path));
}

}  // namespace
}  // namespace aurite::sql::testing
