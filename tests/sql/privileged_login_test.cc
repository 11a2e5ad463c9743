// Privileged logins: refused in read-only mode unless the operator opts in,
// then every connection says what read-only mode does not stop.
#include "sql/privileged_login.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "test_databases.h"

namespace aurite::sql::testing {
namespace {

constexpr char kRolePassword[] = "Priv-login-test-pw";

// Runs `statements` on the engine's admin login, writes enabled.
void AsAdmin(Engine engine, const std::vector<std::string>& statements,
             const std::string& database = "") {
  ConnectionConfig config = AdminConfigFor(engine);
  if (!database.empty()) config.database = database;
  StatusOr<std::unique_ptr<Connection>> admin = OpenConnection(config, {.allow_writes = true});
  ASSERT_TRUE(admin.ok()) << admin.status().ToString();
  for (const std::string& sql : statements) {
    // Each test runs in a process of its own, and PostgreSQL fails one of two
    // concurrent changes of a function's ACL ("tuple concurrently updated"):
    // that one tries again.
    StatusOr<QueryResult> done = (*admin)->Execute(sql, {}, {});
    for (int retry = 0;
         retry < 50 && !done.ok() &&
         done.status().message().find("tuple concurrently updated") != std::string::npos;
         ++retry) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      done = (*admin)->Execute(sql, {}, {});
    }
    ASSERT_TRUE(done.ok()) << sql << ": " << done.status().ToString();
  }
}

std::string Suffix() { return std::to_string(getpid()); }

ConnectionConfig Login(Engine engine, const std::string& user) {
  return WithLogin(ConfigFor(engine), user, kRolePassword);
}

// A refusal names the privilege, why, and the fixes, and never the password.
void ExpectRefused(const StatusOr<std::unique_ptr<Connection>>& opened,
                   const std::string& privilege) {
  ASSERT_FALSE(opened.ok()) << "a login with " << privilege << " was accepted read-only";
  const std::string message = opened.status().message();
  EXPECT_EQ(opened.status().code(), StatusCode::kPermissionDenied) << message;
  EXPECT_NE(message.find(privilege), std::string::npos) << message;
  EXPECT_NE(message.find("read-only transaction"), std::string::npos) << message;
  EXPECT_NE(message.find("GRANT SELECT"), std::string::npos) << message;
  EXPECT_NE(message.find("allow_privileged_login"), std::string::npos) << message;
  EXPECT_EQ(message.find(kRolePassword), std::string::npos) << message;
}

class PostgresPrivilegedLoginTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    std::string s = Suffix();
    std::vector<std::string> setup = {
        "CREATE ROLE priv_group_" + s + " NOLOGIN SUPERUSER",
        "CREATE ROLE priv_repl_" + s + " LOGIN REPLICATION PASSWORD '" + kRolePassword + "'",
        "CREATE ROLE priv_member_" + s + " LOGIN NOINHERIT PASSWORD '" + kRolePassword + "'",
        "GRANT priv_group_" + s + " TO priv_member_" + s,
        "CREATE ROLE priv_func_" + s + " LOGIN PASSWORD '" + kRolePassword + "'",
        "GRANT EXECUTE ON FUNCTION lo_export(oid, text) TO priv_func_" + s,
    };
    for (const char* role : kPredefined) {
      setup.push_back("CREATE ROLE priv_" + std::string(role) + "_" + s + " LOGIN PASSWORD '" +
                      kRolePassword + "'");
      setup.push_back("GRANT " + std::string(role) + " TO priv_" + role + "_" + s);
    }
    AsAdmin(Engine::kPostgres, setup);
  }
  static void TearDownTestSuite() {
    std::string s = Suffix();
    std::vector<std::string> cleanup = {
        "REVOKE EXECUTE ON FUNCTION lo_export(oid, text) FROM priv_func_" + s,
        "DROP ROLE priv_repl_" + s,
        "DROP ROLE priv_member_" + s,
        "DROP ROLE priv_group_" + s,
        "DROP ROLE priv_func_" + s,
    };
    for (const char* role : kPredefined)
      cleanup.push_back("DROP ROLE priv_" + std::string(role) + "_" + s);
    AsAdmin(Engine::kPostgres, cleanup);
  }
  static constexpr const char* kPredefined[] = {"pg_read_server_files", "pg_write_server_files",
                                                "pg_execute_server_program", "pg_signal_backend"};
};

TEST_F(PostgresPrivilegedLoginTest, SuperuserIsRefusedReadOnly) {
  ExpectRefused(OpenConnection(AdminConfigFor(Engine::kPostgres), {}), "superuser");
}

TEST_F(PostgresPrivilegedLoginTest, EachPredefinedRoleIsRefusedReadOnly) {
  for (const char* role : kPredefined) {
    SCOPED_TRACE(role);
    ExpectRefused(
        OpenConnection(Login(Engine::kPostgres, "priv_" + std::string(role) + "_" + Suffix()), {}),
        role);
  }
}

TEST_F(PostgresPrivilegedLoginTest, ReplicationIsRefusedReadOnly) {
  ExpectRefused(OpenConnection(Login(Engine::kPostgres, "priv_repl_" + Suffix()), {}),
                "REPLICATION");
}

// NOINHERIT does not help: the member may SET ROLE to the superuser group.
TEST_F(PostgresPrivilegedLoginTest, MemberOfSuperuserRoleIsRefusedReadOnly) {
  ExpectRefused(OpenConnection(Login(Engine::kPostgres, "priv_member_" + Suffix()), {}),
                "superuser");
}

TEST_F(PostgresPrivilegedLoginTest, ExecuteOnServerFileFunctionIsRefusedReadOnly) {
  ExpectRefused(OpenConnection(Login(Engine::kPostgres, "priv_func_" + Suffix()), {}),
                "lo_export(oid,text)");
}

TEST_F(PostgresPrivilegedLoginTest, PlainRoleIsAcceptedWithoutWarning) {
  StatusOr<std::unique_ptr<Connection>> opened = OpenConnection(ConfigFor(Engine::kPostgres), {});
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  EXPECT_EQ((*opened)->ReadOnlyWarning(), "");
}

TEST_F(PostgresPrivilegedLoginTest, WritingConnectionKeepsItsPrivilegedLogin) {
  StatusOr<std::unique_ptr<Connection>> opened =
      OpenConnection(AdminConfigFor(Engine::kPostgres), {.allow_writes = true});
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  EXPECT_EQ((*opened)->ReadOnlyWarning(), "");
}

TEST_F(PostgresPrivilegedLoginTest, OptInIsAcceptedAndWarns) {
  StatusOr<std::unique_ptr<Connection>> opened =
      OpenConnection(AdminConfigFor(Engine::kPostgres), {.allow_privileged_login = true});
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  std::string warning = (*opened)->ReadOnlyWarning();
  EXPECT_NE(warning.find("read-only is NOT enforced"), std::string::npos) << warning;
  EXPECT_NE(warning.find("superuser"), std::string::npos) << warning;
  // Still a read-only transaction for what it does stop.
  StatusOr<QueryResult> write = (*opened)->Execute("CREATE TABLE priv_never (id int)", {}, {});
  EXPECT_EQ(write.status().code(), StatusCode::kPermissionDenied) << write.status().ToString();
}

// dblink writes through a connection of its own: a login that may call its
// functions in the database is refused read-only, one that may not is not.
// The extension's EXECUTE is revoked from PUBLIC in the statement that
// creates it, so tests running meanwhile never see it callable.
TEST_F(PostgresPrivilegedLoginTest, DblinkCallableInDatabaseIsRefusedReadOnly) {
  StatusOr<std::unique_ptr<Connection>> admin =
      OpenConnection(AdminConfigFor(Engine::kPostgres), {.allow_writes = true});
  ASSERT_TRUE(admin.ok()) << admin.status().ToString();
  StatusOr<QueryResult> available = (*admin)->Execute(
      "SELECT count(*) FROM pg_available_extensions WHERE name = 'dblink'", {}, {});
  ASSERT_TRUE(available.ok()) << available.status().ToString();
  ASSERT_NE(available->rows[0][0], 0) << "dblink is not installed (Debian's postgresql-15 has it)";
  std::string schema = "priv_dblink_" + Suffix();
  std::string role = "priv_dblink_" + Suffix();
  AsAdmin(
      Engine::kPostgres,
      {"CREATE ROLE " + role + " LOGIN PASSWORD '" + kRolePassword + "'",
       "DO $$ BEGIN CREATE SCHEMA " + schema + "; CREATE EXTENSION dblink SCHEMA " + schema +
           "; REVOKE EXECUTE ON ALL FUNCTIONS IN SCHEMA " + schema +
           " FROM PUBLIC; GRANT USAGE ON SCHEMA " + schema + " TO " + role +
           "; GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA " + schema + " TO " + role + "; END $$"});
  ExpectRefused(OpenConnection(Login(Engine::kPostgres, role), {}), "dblink");
  StatusOr<std::unique_ptr<Connection>> plain = OpenConnection(ConfigFor(Engine::kPostgres), {});
  EXPECT_TRUE(plain.ok()) << plain.status().ToString();
  AsAdmin(Engine::kPostgres,
          {"DROP SCHEMA " + schema + " CASCADE", "DROP OWNED BY " + role, "DROP ROLE " + role});
}

class MariaDbPrivilegedLoginTest : public ::testing::Test {
 protected:
  static std::string User(const std::string& name) { return "priv_" + name + "_" + Suffix(); }
  static std::string Account(const std::string& name) { return "'" + User(name) + "'@'%'"; }
  static void SetUpTestSuite() {
    std::vector<std::string> setup;
    for (const char* privilege : kPrivileges) {
      std::string name = Slug(privilege);
      setup.push_back("CREATE USER " + Account(name) + " IDENTIFIED BY '" + kRolePassword + "'");
      setup.push_back("GRANT " + std::string(privilege) + " ON *.* TO " + Account(name));
      setup.push_back("GRANT SELECT ON aurite_test.* TO " + Account(name));
    }
    for (const char* name : {"plain", "viarole"}) {
      setup.push_back("CREATE USER " + Account(name) + " IDENTIFIED BY '" + kRolePassword + "'");
      setup.push_back("GRANT SELECT ON aurite_test.* TO " + Account(name));
    }
    setup.push_back("CREATE ROLE " + User("filerole"));
    setup.push_back("GRANT FILE ON *.* TO " + User("filerole"));
    setup.push_back("GRANT " + User("filerole") + " TO " + Account("viarole"));
    AsAdmin(Engine::kMariaDb, setup);
  }
  static void TearDownTestSuite() {
    std::vector<std::string> cleanup;
    for (const char* privilege : kPrivileges)
      cleanup.push_back("DROP USER " + Account(Slug(privilege)));
    for (const char* name : {"plain", "viarole"}) cleanup.push_back("DROP USER " + Account(name));
    cleanup.push_back("DROP ROLE " + User("filerole"));
    AsAdmin(Engine::kMariaDb, cleanup);
  }
  static std::string Slug(const std::string& privilege) {
    std::string slug = privilege;
    for (char& c : slug) c = c == ' ' ? '_' : static_cast<char>(std::tolower(c));
    return slug;
  }
  static constexpr const char* kPrivileges[] = {"FILE",    "SUPER",  "SHUTDOWN",
                                                "PROCESS", "RELOAD", "CONNECTION ADMIN"};
};

TEST_F(MariaDbPrivilegedLoginTest, EachPrivilegeIsRefusedReadOnly) {
  for (const char* privilege : kPrivileges) {
    SCOPED_TRACE(privilege);
    ExpectRefused(OpenConnection(Login(Engine::kMariaDb, User(Slug(privilege))), {}), privilege);
  }
}

TEST_F(MariaDbPrivilegedLoginTest, AdminWithAllPrivilegesIsRefusedReadOnly) {
  ExpectRefused(OpenConnection(AdminConfigFor(Engine::kMariaDb), {}), "ALL PRIVILEGES");
}

// A role the user may SET ROLE to counts, even when it is not enabled.
TEST_F(MariaDbPrivilegedLoginTest, PrivilegeThroughRoleIsRefusedReadOnly) {
  ExpectRefused(OpenConnection(Login(Engine::kMariaDb, User("viarole")), {}), "FILE");
}

TEST_F(MariaDbPrivilegedLoginTest, PlainUserIsAcceptedWithoutWarning) {
  StatusOr<std::unique_ptr<Connection>> opened =
      OpenConnection(Login(Engine::kMariaDb, User("plain")), {});
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  EXPECT_EQ((*opened)->ReadOnlyWarning(), "");
}

TEST_F(MariaDbPrivilegedLoginTest, OptInIsAcceptedWarnsAndRestoresTheRole) {
  StatusOr<std::unique_ptr<Connection>> opened =
      OpenConnection(Login(Engine::kMariaDb, User("viarole")), {.allow_privileged_login = true});
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  std::string warning = (*opened)->ReadOnlyWarning();
  EXPECT_NE(warning.find("read-only is NOT enforced"), std::string::npos) << warning;
  EXPECT_NE(warning.find("FILE"), std::string::npos) << warning;
  // The inspection enabled the role to read its grants, then put it back.
  StatusOr<QueryResult> role = (*opened)->Execute("SELECT CURRENT_ROLE()", {}, {});
  ASSERT_TRUE(role.ok()) << role.status().ToString();
  EXPECT_TRUE(role->rows[0][0].is_null()) << role->rows.dump();
}

TEST_F(MariaDbPrivilegedLoginTest, WritingConnectionKeepsItsPrivilegedLogin) {
  StatusOr<std::unique_ptr<Connection>> opened =
      OpenConnection(AdminConfigFor(Engine::kMariaDb), {.allow_writes = true});
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  EXPECT_EQ((*opened)->ReadOnlyWarning(), "");
}

}  // namespace
}  // namespace aurite::sql::testing
