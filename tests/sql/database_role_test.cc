// Calls run as a database role (Connection::ExecuteAsRole): PostgreSQL
// row-level security keyed on current_user and MariaDB grants per role
// apply to the role, the role never outlives its call on the pooled
// session, and a role that is unknown, not granted or malformed is an error
// naming it, never a call as the login.
#include "sql/database_role.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "test_databases.h"

namespace aurite::sql::testing {
namespace {

constexpr char kLoginPassword[] = "Db-role-test-pw";

std::string Name(const std::string& what) {
  return "dbrole_" + what + "_" + std::to_string(getpid());
}

void RunAsAdmin(Engine engine, const std::vector<std::string>& statements) {
  StatusOr<std::unique_ptr<Connection>> admin =
      OpenConnection(AdminConfigFor(engine), {.allow_writes = true});
  ASSERT_TRUE(admin.ok()) << admin.status().ToString();
  for (const std::string& sql : statements) {
    StatusOr<QueryResult> done = (*admin)->Execute(sql, {}, {});
    ASSERT_TRUE(done.ok()) << sql << ": " << done.status().ToString();
  }
}

// The first cell of every row, as text.
std::vector<std::string> Column(const StatusOr<QueryResult>& result) {
  std::vector<std::string> out;
  if (!result.ok()) return out;
  for (const auto& row : result->rows)
    out.push_back(row[0].is_string() ? row[0].get<std::string>() : row[0].dump());
  return out;
}

TEST(DatabaseRoleNameTest, PlainIdentifiersAreQuotedPerEngine) {
  EXPECT_EQ(QuotedRole(Engine::kPostgres, "Analyst_1").value(), "\"Analyst_1\"");
  EXPECT_EQ(QuotedRole(Engine::kMariaDb, "analyst").value(), "`analyst`");
}

TEST(DatabaseRoleNameTest, AnythingElseIsRefusedWithTheRule) {
  for (const char* bad : {"", "1role", "a b", "a\"b", "a`b", "a;DROP", "r\xc3\xa9le", "a-b"}) {
    StatusOr<std::string> quoted = QuotedRole(Engine::kPostgres, bad);
    ASSERT_FALSE(quoted.ok()) << bad;
    EXPECT_EQ(quoted.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(quoted.status().message().find("plain identifier"), std::string::npos);
  }
  EXPECT_FALSE(QuotedRole(Engine::kPostgres, std::string(64, 'r')).ok());
  // Words the engines read as "no role": a silent run as the login.
  for (const char* reserved : {"none", "NONE", "public", "current_user", "session_user"}) {
    StatusOr<std::string> quoted = QuotedRole(Engine::kPostgres, reserved);
    ASSERT_FALSE(quoted.ok()) << reserved;
    EXPECT_NE(quoted.status().message().find("reserved"), std::string::npos);
  }
}

TEST(DatabaseRoleNameTest, SqliteHasNoRoles) {
  StatusOr<std::unique_ptr<Connection>> sqlite =
      OpenConnection(ConfigFor(Engine::kSqlite, ":memory:"), {});
  ASSERT_TRUE(sqlite.ok()) << sqlite.status().ToString();
  StatusOr<QueryResult> result = (*sqlite)->ExecuteAsRole("SELECT 1", {}, {}, "analyst");
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.status().message().find("SQLite has no roles"), std::string::npos);
}

class PostgresRoleTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    const std::string login = Name("login"), a = Name("a"), b = Name("b"), table = Name("rows");
    RunAsAdmin(Engine::kPostgres,
               {"CREATE ROLE " + login + " LOGIN NOINHERIT PASSWORD '" + kLoginPassword + "'",
                "CREATE ROLE " + a + " NOLOGIN", "CREATE ROLE " + b + " NOLOGIN",
                "CREATE ROLE " + Name("c") + " NOLOGIN", "GRANT " + a + ", " + b + " TO " + login,
                "CREATE TABLE " + table + " (owner name, item text)",
                "INSERT INTO " + table + " VALUES ('" + a + "', 'apple'), ('" + b +
                    "', 'banana'), ('" + login + "', 'login-row')",
                "ALTER TABLE " + table + " ENABLE ROW LEVEL SECURITY",
                "CREATE POLICY own_rows ON " + table + " USING (owner = current_user)",
                "GRANT SELECT, INSERT ON " + table + " TO " + a + ", " + b + ", " + login});
  }
  static void TearDownTestSuite() {
    RunAsAdmin(Engine::kPostgres,
               {"DROP TABLE " + Name("rows"), "DROP ROLE " + Name("login"),
                "DROP ROLE " + Name("a"), "DROP ROLE " + Name("b"), "DROP ROLE " + Name("c")});
  }
  void SetUp() override {
    StatusOr<std::unique_ptr<Connection>> opened =
        OpenConnection(WithLogin(ConfigFor(Engine::kPostgres), Name("login"), kLoginPassword), {});
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    connection_ = std::move(opened).value();
  }
  std::string Items() { return "SELECT item FROM " + Name("rows") + " ORDER BY item"; }
  std::unique_ptr<Connection> connection_;
};

TEST_F(PostgresRoleTest, EachRoleSeesItsOwnRowsAndTheRoleEndsWithTheCall) {
  // Twice each, so the second run takes the prepared-statement path too.
  for (int round = 0; round < 2; ++round) {
    EXPECT_EQ(Column(connection_->ExecuteAsRole(Items(), {}, {}, Name("a"))),
              std::vector<std::string>{"apple"});
    EXPECT_EQ(Column(connection_->ExecuteAsRole(Items(), {}, {}, Name("b"))),
              std::vector<std::string>{"banana"});
    // The same session, no role: the login again, not the last role.
    EXPECT_EQ(Column(connection_->Execute(Items(), {}, {})), std::vector<std::string>{"login-row"});
    EXPECT_EQ(Column(connection_->Execute("SELECT current_user", {}, {})),
              std::vector<std::string>{Name("login")});
  }
}

TEST_F(PostgresRoleTest, UnknownUngrantedAndMalformedRolesAreErrorsNamingThem) {
  StatusOr<QueryResult> unknown = connection_->ExecuteAsRole(Items(), {}, {}, Name("nobody"));
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.status().message().find(Name("nobody")), std::string::npos)
      << unknown.status().message();
  StatusOr<QueryResult> ungranted = connection_->ExecuteAsRole(Items(), {}, {}, Name("c"));
  ASSERT_FALSE(ungranted.ok());
  EXPECT_NE(ungranted.status().message().find(Name("c")), std::string::npos)
      << ungranted.status().message();
  EXPECT_FALSE(connection_->ExecuteAsRole(Items(), {}, {}, "x\"; RESET ROLE; --").ok());
  EXPECT_FALSE(connection_->ExecuteAsRole(Items(), {}, {}, "none").ok());
  // The session is still the login's, and usable.
  EXPECT_EQ(Column(connection_->Execute(Items(), {}, {})), std::vector<std::string>{"login-row"});
}

TEST_F(PostgresRoleTest, ReadOnlyStillRefusesWritesUnderARole) {
  StatusOr<QueryResult> insert = connection_->ExecuteAsRole(
      "INSERT INTO " + Name("rows") + " VALUES (current_user, 'x')", {}, {}, Name("a"));
  ASSERT_FALSE(insert.ok());
  EXPECT_EQ(insert.status().code(), StatusCode::kPermissionDenied) << insert.status().message();
}

TEST_F(PostgresRoleTest, WritingConnectionsRunTheRoleInsideTheirTransaction) {
  StatusOr<std::unique_ptr<Connection>> writer =
      OpenConnection(WithLogin(ConfigFor(Engine::kPostgres), Name("login"), kLoginPassword),
                     {.allow_writes = true});
  ASSERT_TRUE(writer.ok()) << writer.status().ToString();
  EXPECT_EQ(Column((*writer)->ExecuteAsRole("SELECT current_user", {}, {}, Name("b"))),
            std::vector<std::string>{Name("b")});
  EXPECT_EQ(Column((*writer)->Execute("SELECT current_user", {}, {})),
            std::vector<std::string>{Name("login")});
  EXPECT_FALSE((*writer)->ExecuteAsRole("SELECT 1", {}, {}, Name("c")).ok());
  EXPECT_EQ(Column((*writer)->Execute("SELECT current_user", {}, {})),
            std::vector<std::string>{Name("login")});
}

class MariaDbRoleTest : public ::testing::Test {
 protected:
  static std::string Account() { return "'" + Name("login") + "'@'%'"; }
  static std::string Table(const std::string& which) {
    return ConfigFor(Engine::kMariaDb).database + "." + Name(which);
  }
  static void SetUpTestSuite() {
    RunAsAdmin(
        Engine::kMariaDb,
        {"CREATE USER " + Account() + " IDENTIFIED BY '" + kLoginPassword + "'",
         "CREATE ROLE " + Name("a"), "CREATE ROLE " + Name("b"), "CREATE ROLE " + Name("c"),
         "CREATE TABLE " + Table("ta") + " (item varchar(20))",
         "CREATE TABLE " + Table("tb") + " (item varchar(20))",
         "CREATE TABLE " + Table("open") + " (item varchar(20))",
         "INSERT INTO " + Table("ta") + " VALUES ('apple')",
         "INSERT INTO " + Table("tb") + " VALUES ('banana')",
         "GRANT SELECT, INSERT ON " + Table("ta") + " TO " + Name("a"),
         "GRANT SELECT ON " + Table("tb") + " TO " + Name("b"),
         "GRANT SELECT ON " + Table("open") + " TO " + Account(),
         "GRANT " + Name("a") + " TO " + Account(), "GRANT " + Name("b") + " TO " + Account()});
  }
  static void TearDownTestSuite() {
    RunAsAdmin(Engine::kMariaDb,
               {"DROP USER " + Account(), "DROP ROLE " + Name("a"), "DROP ROLE " + Name("b"),
                "DROP ROLE " + Name("c"), "DROP TABLE " + Table("ta"), "DROP TABLE " + Table("tb"),
                "DROP TABLE " + Table("open")});
  }
  void SetUp() override {
    StatusOr<std::unique_ptr<Connection>> opened =
        OpenConnection(WithLogin(ConfigFor(Engine::kMariaDb), Name("login"), kLoginPassword), {});
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    connection_ = std::move(opened).value();
  }
  std::string From(const std::string& which) { return "SELECT item FROM " + Table(which); }
  std::unique_ptr<Connection> connection_;
};

TEST_F(MariaDbRoleTest, EachRoleHasItsGrantsAndTheRoleEndsWithTheCall) {
  EXPECT_EQ(Column(connection_->ExecuteAsRole(From("ta"), {}, {}, Name("a"))),
            std::vector<std::string>{"apple"});
  EXPECT_FALSE(connection_->ExecuteAsRole(From("tb"), {}, {}, Name("a")).ok());
  EXPECT_EQ(Column(connection_->ExecuteAsRole(From("tb"), {}, {}, Name("b"))),
            std::vector<std::string>{"banana"});
  EXPECT_FALSE(connection_->ExecuteAsRole(From("ta"), {}, {}, Name("b")).ok());
  // The same session, no role: the login's own grants only.
  EXPECT_FALSE(connection_->Execute(From("ta"), {}, {}).ok());
  EXPECT_FALSE(connection_->Execute(From("tb"), {}, {}).ok());
  EXPECT_EQ(Column(connection_->Execute("SELECT CURRENT_ROLE()", {}, {})),
            std::vector<std::string>{"null"});
}

TEST_F(MariaDbRoleTest, UnknownUngrantedAndMalformedRolesAreErrorsNamingThem) {
  for (const std::string& role : {Name("nobody"), Name("c")}) {
    StatusOr<QueryResult> refused = connection_->ExecuteAsRole(From("open"), {}, {}, role);
    ASSERT_FALSE(refused.ok()) << role;
    EXPECT_NE(refused.status().message().find(role), std::string::npos)
        << refused.status().message();
  }
  EXPECT_FALSE(connection_->ExecuteAsRole(From("open"), {}, {}, "a` ; SET ROLE NONE; --").ok());
  EXPECT_TRUE(connection_->Execute(From("open"), {}, {}).ok());
  EXPECT_EQ(Column(connection_->Execute("SELECT CURRENT_ROLE()", {}, {})),
            std::vector<std::string>{"null"});
}

TEST_F(MariaDbRoleTest, ReadOnlyStillRefusesWritesUnderARole) {
  StatusOr<QueryResult> insert =
      connection_->ExecuteAsRole("INSERT INTO " + Table("ta") + " VALUES ('x')", {}, {}, Name("a"));
  ASSERT_FALSE(insert.ok());
  EXPECT_EQ(insert.status().code(), StatusCode::kPermissionDenied) << insert.status().message();
  EXPECT_EQ(Column(connection_->ExecuteAsRole(From("ta"), {}, {}, Name("a"))),
            std::vector<std::string>{"apple"});
}

}  // namespace
}  // namespace aurite::sql::testing
