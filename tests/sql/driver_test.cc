// Every driver operation on every engine, against real servers.
#include <gtest/gtest.h>

#include <algorithm>
#include <thread>

#include "engine_test.h"

namespace aurite::sql::testing {
namespace {

using DriverTest = EngineTest;

// Rows 1..n without any table, in SQL every engine accepts.
std::string Counter(int n) {
  return "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < " +
         std::to_string(n) + ") SELECT x FROM c";
}

TEST_P(DriverTest, OpensAndReportsServerVersion) {
  std::unique_ptr<Connection> connection = Open();
  ASSERT_NE(connection, nullptr);
  EXPECT_EQ(connection->engine(), engine());
  const std::string& version = connection->ServerVersion();
  switch (engine()) {
    case Engine::kSqlite:
      EXPECT_EQ(version.rfind("3.", 0), 0u) << version;
      break;
    case Engine::kPostgres:
      EXPECT_EQ(version.rfind("15", 0), 0u) << version;
      break;
    case Engine::kMariaDb:
      EXPECT_NE(version.find("MariaDB"), std::string::npos) << version;
      break;
  }
}

TEST_P(DriverTest, ListTablesIncludesTablesAndViews) {
  std::string table = NewTable("id INTEGER PRIMARY KEY");
  std::string view = UniqueName("v");
  Write("CREATE VIEW " + view + " AS SELECT id FROM " + table);
  std::unique_ptr<Connection> connection = Open();
  StatusOr<std::vector<TableInfo>> tables = connection->ListTables(std::nullopt);
  ASSERT_TRUE(tables.ok()) << tables.status().ToString();
  auto find = [&](const std::string& name) {
    return std::find_if(tables->begin(), tables->end(),
                        [&](const TableInfo& t) { return t.name == name; });
  };
  ASSERT_NE(find(table), tables->end());
  EXPECT_EQ(find(table)->type, "table");
  ASSERT_NE(find(view), tables->end());
  EXPECT_EQ(find(view)->type, "view");
  // The view depends on the table, so it goes first.
  Write("DROP VIEW " + view);
}

TEST_P(DriverTest, ListTablesFiltersBySchema) {
  std::string table = NewTable("id INTEGER");
  std::string schema = engine() == Engine::kSqlite     ? "main"
                       : engine() == Engine::kPostgres ? "public"
                                                       : "aurite_test";
  std::unique_ptr<Connection> connection = Open();
  StatusOr<std::vector<TableInfo>> in_schema = connection->ListTables(schema);
  ASSERT_TRUE(in_schema.ok()) << in_schema.status().ToString();
  EXPECT_TRUE(std::any_of(in_schema->begin(), in_schema->end(), [&](const TableInfo& t) {
    return t.name == table && t.schema == schema;
  }));
  StatusOr<std::vector<TableInfo>> elsewhere = connection->ListTables("no_such_schema");
  ASSERT_TRUE(elsewhere.ok()) << elsewhere.status().ToString();
  EXPECT_TRUE(elsewhere->empty());
}

TEST_P(DriverTest, DescribeTableReportsColumnsKeysAndIndexes) {
  std::string parent = NewTable("id INTEGER NOT NULL PRIMARY KEY, code VARCHAR(20) NOT NULL");
  Write("CREATE UNIQUE INDEX " + parent + "_code ON " + parent + " (code)");
  std::string child = NewTable(
      "id INTEGER NOT NULL PRIMARY KEY, parent_id INTEGER, note "
      "VARCHAR(50) DEFAULT 'none', FOREIGN KEY (parent_id) REFERENCES " +
      parent + " (id)");
  std::swap(tables_[0], tables_[1]);  // drop the child first
  std::unique_ptr<Connection> connection = Open();
  StatusOr<TableDescription> description = connection->DescribeTable(child, std::nullopt);
  ASSERT_TRUE(description.ok()) << description.status().ToString();
  ASSERT_EQ(description->columns.size(), 3u);
  EXPECT_EQ(description->columns[0].name, "id");
  EXPECT_FALSE(description->columns[0].nullable);
  EXPECT_EQ(description->columns[1].name, "parent_id");
  EXPECT_TRUE(description->columns[1].nullable);
  EXPECT_NE(description->columns[1].type.find("int"), std::string::npos);
  ASSERT_TRUE(description->columns[2].default_value.has_value());
  EXPECT_NE(description->columns[2].default_value->find("none"), std::string::npos);
  EXPECT_EQ(description->primary_key, std::vector<std::string>{"id"});
  ASSERT_EQ(description->foreign_keys.size(), 1u);
  EXPECT_EQ(description->foreign_keys[0].columns, std::vector<std::string>{"parent_id"});
  EXPECT_EQ(description->foreign_keys[0].referenced_table, parent);
  EXPECT_EQ(description->foreign_keys[0].referenced_columns, std::vector<std::string>{"id"});

  StatusOr<TableDescription> parent_description = connection->DescribeTable(parent, std::nullopt);
  ASSERT_TRUE(parent_description.ok()) << parent_description.status().ToString();
  auto unique = std::find_if(parent_description->indexes.begin(), parent_description->indexes.end(),
                             [&](const IndexDescription& i) { return i.name == parent + "_code"; });
  ASSERT_NE(unique, parent_description->indexes.end());
  EXPECT_TRUE(unique->unique);
  EXPECT_FALSE(unique->primary);
  EXPECT_EQ(unique->columns, std::vector<std::string>{"code"});
}

TEST_P(DriverTest, DescribeMissingTableIsNotFound) {
  std::unique_ptr<Connection> connection = Open();
  StatusOr<TableDescription> description = connection->DescribeTable("no_such_table", std::nullopt);
  EXPECT_EQ(description.status().code(), StatusCode::kNotFound);
}

TEST_P(DriverTest, DescribeTakesHostileNamesAsData) {
  std::string odd = UniqueName("we\"ird'name `x");
  tables_.push_back(odd);
  Write("CREATE TABLE " + Quote(odd) + " (id INTEGER)");
  std::string victim = NewTable("id INTEGER");
  std::unique_ptr<Connection> connection = Open();
  StatusOr<TableDescription> described = connection->DescribeTable(odd, std::nullopt);
  ASSERT_TRUE(described.ok()) << described.status().ToString();
  EXPECT_EQ(described->name, odd);
  StatusOr<TableDescription> injected =
      connection->DescribeTable(victim + "'; DROP TABLE " + victim + "; --", std::nullopt);
  EXPECT_EQ(injected.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(CountRows(victim), 0);
}

TEST_P(DriverTest, ExecuteBindsParametersNatively) {
  std::unique_ptr<Connection> connection = Open();
  std::string sql = "SELECT " + P(1) + ", " + P(2) + ", " + P(3);
  if (engine() == Engine::kPostgres) sql = "SELECT $1::int, $2::text, $3::text";
  StatusOr<QueryResult> result =
      connection->Execute(sql, {Param(42), Param("it's \"quoted\"; DROP"), Param(nullptr)}, {});
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  ASSERT_EQ(result->row_count, 1u);
  EXPECT_EQ(result->rows[0][0], 42);
  EXPECT_EQ(result->rows[0][1], "it's \"quoted\"; DROP");
  EXPECT_TRUE(result->rows[0][2].is_null());
  EXPECT_EQ(result->columns.size(), 3u);
  EXPECT_FALSE(result->truncated);
}

TEST_P(DriverTest, ExecuteWithWrongParameterCountFails) {
  std::unique_ptr<Connection> connection = Open();
  StatusOr<QueryResult> result =
      connection->Execute("SELECT " + P(1) + ", " + P(2), {Param(1)}, {});
  EXPECT_FALSE(result.ok());
}

TEST_P(DriverTest, ExecuteReportsColumnNamesAndTypes) {
  std::string table = NewTable("id INTEGER, name VARCHAR(10)");
  Write("INSERT INTO " + table + " VALUES (1, 'a')");
  std::unique_ptr<Connection> connection = Open();
  StatusOr<QueryResult> result = connection->Execute("SELECT id, name FROM " + table, {}, {});
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  ASSERT_EQ(result->columns.size(), 2u);
  EXPECT_EQ(result->columns[0].name, "id");
  EXPECT_NE(result->columns[0].type.find("int"), std::string::npos) << result->columns[0].type;
  EXPECT_EQ(result->columns[1].name, "name");
  EXPECT_NE(result->columns[1].type.find("char"), std::string::npos) << result->columns[1].type;
}

TEST_P(DriverTest, WritesSucceedWhenEnabled) {
  std::string table = NewTable("id INTEGER, name VARCHAR(10)");
  std::unique_ptr<Connection> connection = Open(/*allow_writes=*/true);
  StatusOr<QueryResult> inserted = connection->Execute(
      "INSERT INTO " + table + " (id, name) VALUES (" + P(1) + ", " + P(2) + ")", {1, "one"}, {});
  ASSERT_TRUE(inserted.ok()) << inserted.status().ToString();
  EXPECT_EQ(inserted->affected_rows, 1);
  EXPECT_EQ(CountRows(table), 1);
}

TEST_P(DriverTest, EachCallIsItsOwnTransaction) {
  std::string table = NewTable("id INTEGER");
  std::unique_ptr<Connection> connection = Open(/*allow_writes=*/true);
  std::string begin = engine() == Engine::kMariaDb ? "START TRANSACTION" : "BEGIN";
  ASSERT_TRUE(connection->Execute(begin, {}, {}).ok());
  StatusOr<QueryResult> inserted =
      connection->Execute("INSERT INTO " + table + " VALUES (1)", {}, {});
  ASSERT_TRUE(inserted.ok()) << inserted.status().ToString();
  // Visible to another connection at once: no transaction was left open.
  EXPECT_EQ(CountRows(table), 1);
}

TEST_P(DriverTest, ExplainReturnsAPlanWithoutRunningTheStatement) {
  std::string table = NewTable("id INTEGER");
  std::unique_ptr<Connection> connection = Open(/*allow_writes=*/true);
  StatusOr<nlohmann::json> plan =
      connection->Explain("SELECT * FROM " + table + " WHERE id = 1", {});
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  EXPECT_FALSE(plan->empty());
  (void)connection->Explain("INSERT INTO " + table + " VALUES (1)", {});
  EXPECT_EQ(CountRows(table), 0);
}

TEST_P(DriverTest, MaxRowsTruncatesAndKeepsTheConnectionUsable) {
  std::unique_ptr<Connection> connection = Open();
  StatusOr<QueryResult> limited = connection->Execute(Counter(100000), {}, {10, 1 << 20});
  ASSERT_TRUE(limited.ok()) << limited.status().ToString();
  EXPECT_EQ(limited->row_count, 10u);
  EXPECT_EQ(limited->rows.size(), 10u);
  EXPECT_TRUE(limited->truncated);
  EXPECT_EQ(limited->rows[9][0], 10);
  StatusOr<QueryResult> after = connection->Execute(Counter(3), {}, {});
  ASSERT_TRUE(after.ok()) << after.status().ToString();
  EXPECT_EQ(after->row_count, 3u);
}

TEST_P(DriverTest, ResultWithinMaxRowsIsNotTruncated) {
  std::unique_ptr<Connection> connection = Open();
  StatusOr<QueryResult> result = connection->Execute(Counter(100), {}, {100, 1 << 20});
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result->row_count, 100u);
  EXPECT_FALSE(result->truncated);
}

TEST_P(DriverTest, MaxBytesTruncates) {
  std::unique_ptr<Connection> connection = Open();
  std::string sql =
      "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 1000) "
      "SELECT x, " +
      P(1) + " FROM c";
  if (engine() == Engine::kPostgres) {
    sql = "SELECT x, $1::text FROM generate_series(1, 1000) AS x";
  }
  StatusOr<QueryResult> result = connection->Execute(sql, {std::string(1000, 'a')}, {1000, 10000});
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_TRUE(result->truncated);
  EXPECT_GT(result->row_count, 0u);
  EXPECT_LT(result->row_count, 10u);
}

TEST_P(DriverTest, StatementTimeoutIsEnforcedByTheEngine) {
  OpenOptions options;
  options.statement_timeout = std::chrono::milliseconds(300);
  std::unique_ptr<Connection> connection = Open(false, options);
  std::string slow = engine() == Engine::kPostgres ? "SELECT pg_sleep(30)"
                     : engine() == Engine::kMariaDb
                         ? "SELECT SLEEP(30)"
                         : "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) "
                           "SELECT count(*) FROM c";
  StatusOr<QueryResult> result = connection->Execute(slow, {}, {});
  EXPECT_EQ(result.status().code(), StatusCode::kDeadlineExceeded) << result.status().ToString();
  StatusOr<QueryResult> after = connection->Execute("SELECT 1", {}, {});
  EXPECT_TRUE(after.ok()) << after.status().ToString();
}

TEST_P(DriverTest, SyntaxErrorIsAClearError) {
  std::unique_ptr<Connection> connection = Open();
  StatusOr<QueryResult> result = connection->Execute("SELEKT 1", {}, {});
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(result.status().message().find("syntax"), std::string::npos)
      << result.status().message();
  EXPECT_TRUE(connection->IsUsable());
}

INSTANTIATE_TEST_SUITE_P(Engines, DriverTest, AURITE_ALL_ENGINES);

TEST(MariaDbDriverTest, StatementThatLiftsItsOwnTimeoutIsStoppedOnTheServer) {
  OpenOptions options;
  options.statement_timeout = std::chrono::milliseconds(300);
  StatusOr<std::unique_ptr<Connection>> connection =
      OpenConnection(ConfigFor(Engine::kMariaDb), options);
  ASSERT_TRUE(connection.ok()) << connection.status().ToString();
  StatusOr<QueryResult> result =
      (*connection)
          ->Execute(
              "SET STATEMENT max_statement_time = 0 FOR SELECT SLEEP(60), 'lifted-timeout-marker'",
              {}, {});
  EXPECT_EQ(result.status().code(), StatusCode::kDeadlineExceeded) << result.status().ToString();
  StatusOr<std::unique_ptr<Connection>> observer = OpenConnection(ConfigFor(Engine::kMariaDb), {});
  ASSERT_TRUE(observer.ok()) << observer.status().ToString();
  // KILL is asynchronous; the bound only keeps a broken build from hanging.
  nlohmann::json still_running;
  for (int i = 0; i < 100 && still_running != 0; ++i) {
    if (i > 0) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    StatusOr<QueryResult> running = (*observer)->Execute(
        "SELECT COUNT(*) FROM information_schema.processlist WHERE info LIKE "
        "'%lifted-timeout-marker%' AND info NOT LIKE '%processlist%'",
        {}, {});
    ASSERT_TRUE(running.ok()) << running.status().ToString();
    still_running = running->rows[0][0];
  }
  EXPECT_EQ(still_running, 0);
}

// The test servers have no TLS, so requiring it must fail: the option reached the library.
TEST(TlsOptionTest, PostgresSslmodeRequireIsPassedToLibpq) {
  ConnectionConfig config = ConfigFor(Engine::kPostgres);
  config.options["sslmode"] = "require";
  StatusOr<std::unique_ptr<Connection>> connection = OpenConnection(config, {});
  ASSERT_EQ(connection.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(connection.status().message().find("SSL"), std::string::npos)
      << connection.status().message();
  config.options["sslmode"] = "disable";
  EXPECT_TRUE(OpenConnection(config, {}).ok());
}

TEST(TlsOptionTest, MariaDbSslModeRequiredIsPassedToTheClient) {
  ConnectionConfig config = ConfigFor(Engine::kMariaDb);
  config.options["ssl-mode"] = "REQUIRED";
  StatusOr<std::unique_ptr<Connection>> connection = OpenConnection(config, {});
  ASSERT_EQ(connection.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(connection.status().message().find("SSL"), std::string::npos)
      << connection.status().message();
  config.options["ssl-mode"] = "DISABLED";
  EXPECT_TRUE(OpenConnection(config, {}).ok());
}

TEST(TlsOptionTest, MariaDbRejectsAnUnknownSslMode) {
  ConnectionConfig config = ConfigFor(Engine::kMariaDb);
  config.options["ssl-mode"] = "SOMETIMES";
  EXPECT_EQ(OpenConnection(config, {}).status().code(), StatusCode::kInvalidArgument);
}

// Read-only calls rely on the session's statement_timeout: a statement that
// lifts it does so inside its call's transaction, which is rolled back.
TEST(PostgresDriverTest, StatementThatLiftsTheTimeoutDoesNotLiftItForLaterCalls) {
  OpenOptions options;
  options.statement_timeout = std::chrono::milliseconds(300);
  StatusOr<std::unique_ptr<Connection>> connection =
      OpenConnection(ConfigFor(Engine::kPostgres), options);
  ASSERT_TRUE(connection.ok()) << connection.status().ToString();
  for (const char* lift :
       {"SET statement_timeout = 0", "SELECT set_config('statement_timeout', '0', false)"}) {
    StatusOr<QueryResult> lifted = (*connection)->Execute(lift, {}, {});
    ASSERT_TRUE(lifted.ok()) << lifted.status().ToString();
    StatusOr<QueryResult> slow = (*connection)->Execute("SELECT pg_sleep(30)", {}, {});
    EXPECT_EQ(slow.status().code(), StatusCode::kDeadlineExceeded) << lift;
  }
}

// Read-only statements are prepared once per session; a change to the table
// or a client dropping the statement costs at most one failed call.
TEST(PostgresDriverTest, PreparedStatementsRecoverFromTableChangesAndDeallocate) {
  const std::string table = testing::UniqueName("prepared");
  StatusOr<std::unique_ptr<Connection>> writer =
      OpenConnection(ConfigFor(Engine::kPostgres), {.allow_writes = true});
  StatusOr<std::unique_ptr<Connection>> reader = OpenConnection(ConfigFor(Engine::kPostgres), {});
  ASSERT_TRUE(writer.ok() && reader.ok());
  ASSERT_TRUE((*writer)->Execute("CREATE TABLE " + table + " (a int)", {}, {}).ok());
  ASSERT_TRUE((*writer)->Execute("INSERT INTO " + table + " VALUES (1)", {}, {}).ok());
  const std::string select = "SELECT * FROM " + table;
  const auto columns_after_retry = [&]() -> std::size_t {
    for (int attempt = 0; attempt < 2; ++attempt) {
      StatusOr<QueryResult> result = (*reader)->Execute(select, {}, {});
      if (result.ok()) return result->columns.size();
    }
    return 0;
  };
  EXPECT_EQ(columns_after_retry(), 1u);
  EXPECT_EQ(columns_after_retry(), 1u);
  ASSERT_TRUE((*writer)->Execute("ALTER TABLE " + table + " ADD COLUMN b int", {}, {}).ok());
  EXPECT_EQ(columns_after_retry(), 2u);
  ASSERT_TRUE((*reader)->Execute("DEALLOCATE ALL", {}, {}).ok());
  EXPECT_EQ(columns_after_retry(), 2u);
  EXPECT_TRUE((*reader)->IsUsable());
  ASSERT_TRUE((*writer)->Execute("DROP TABLE " + table, {}, {}).ok());
}

// A statement is prepared when its text comes a second time, not before:
// each prepared statement costs every later call's session reset a row of
// pg_prepared_statements, and one-off texts would fill the cache.
TEST(PostgresDriverTest, OnlyRepeatedStatementsArePreparedAndAtMostThirtyTwo) {
  StatusOr<std::unique_ptr<Connection>> connection =
      OpenConnection(ConfigFor(Engine::kPostgres), {});
  ASSERT_TRUE(connection.ok()) << connection.status().ToString();
  int probes = 0;
  // The count comes from a text of its own each time, so it is never cached itself.
  const auto prepared_names = [&]() -> std::string {
    StatusOr<QueryResult> result = (*connection)
                                       ->Execute(
                                           "SELECT count(*) FROM pg_catalog.pg_prepared_statements "
                                           "WHERE name ~ '^aurite_[0-9]+$' "
                                           "AND " +
                                               std::to_string(++probes) + " > 0",
                                           {}, {});
    if (!result.ok()) return result.status().ToString();
    const auto& cell = result->rows[0][0];
    return cell.is_string() ? cell.get<std::string>() : cell.dump();
  };
  const auto run = [&](int n) {
    return (*connection)->Execute("SELECT " + std::to_string(n) + " AS n", {}, {}).ok();
  };
  for (int n = 0; n < 5; ++n) ASSERT_TRUE(run(n));
  EXPECT_EQ(prepared_names(), "0");
  ASSERT_TRUE(run(100));
  ASSERT_TRUE(run(100));
  EXPECT_EQ(prepared_names(), "1");
  for (int n = 200; n < 240; ++n) {
    ASSERT_TRUE(run(n));
    ASSERT_TRUE(run(n));
  }
  EXPECT_EQ(prepared_names(), "32");
}

TEST(PostgresDriverTest, ColumnTypesOutsideTheBuiltinListAreNamed) {
  StatusOr<std::unique_ptr<Connection>> connection =
      OpenConnection(ConfigFor(Engine::kPostgres), {});
  ASSERT_TRUE(connection.ok()) << connection.status().ToString();
  for (int attempt = 0; attempt < 2; ++attempt) {  // the second answer comes from the cache
    StatusOr<QueryResult> result =
        (*connection)->Execute("SELECT ARRAY[1, 2], '10.0.0.1'::inet, 1::int4", {}, {});
    ASSERT_TRUE(result.ok()) << result.status().ToString();
    EXPECT_EQ(result->columns[0].type, "_int4");
    EXPECT_EQ(result->columns[1].type, "inet");
    EXPECT_EQ(result->columns[2].type, "int4");
    EXPECT_EQ(result->rows[0][0], "{1,2}");
  }
}

}  // namespace
}  // namespace aurite::sql::testing
