// DatabaseAdmin on real PostgreSQL and MariaDB: the life of a dynamic user
// (create, log in, renew, revoke) and password rotation, as the harness's
// privileged admin. Least-privilege admins: database_admin_privilege_test.cc.
#include "credentials/database_admin.h"

#include <gtest/gtest.h>

#include <chrono>

#include "admin_test_support.h"
#include "credentials/generated_login.h"

namespace aurite::credentials::testing {
namespace {

using sql::Engine;
using std::chrono::system_clock;

const system_clock::time_point kInAnHour = system_clock::now() + std::chrono::hours(1);

class DatabaseAdminTest : public AdminTest {};
class PostgresAdminTest : public AdminTest {};

TEST_P(DatabaseAdminTest, CreatedUserLogsInWithExactlyTheGrantedRoles) {
  std::unique_ptr<DatabaseAdmin> admin = OpenRootAdmin();
  ASSERT_TRUE(admin);
  const std::string role = NewRole();
  const std::string name = NewUserName();
  const crypto::SecretBuffer password = NewPassword();
  Status created = admin->CreateUser(name, password, kInAnHour, {role}, {});
  ASSERT_TRUE(created.ok()) << created.ToString();
  EXPECT_EQ(RolesOf(name), std::vector<std::string>{role});
  EXPECT_TRUE(*admin->UserExists(name));

  StatusOr<std::unique_ptr<sql::Connection>> session = Login(name, password);
  ASSERT_TRUE(session.ok()) << session.status().ToString();
  const std::string current =
      Cell(**session, engine() == Engine::kPostgres ? "SELECT current_user" : "SELECT USER()");
  EXPECT_TRUE(current == name || current.starts_with(name + "@")) << current;
  if (engine() == Engine::kMariaDb) {
    // The granted role is the default role: active at login.
    EXPECT_EQ(Cell(**session, "SELECT CURRENT_ROLE()"), role);
  }
}

TEST_P(DatabaseAdminTest, RevokedUserIsGoneItsPasswordFailsAndItsSessionsEnd) {
  std::unique_ptr<DatabaseAdmin> admin = OpenRootAdmin();
  ASSERT_TRUE(admin);
  const std::string name = NewUserName();
  const crypto::SecretBuffer password = NewPassword();
  ASSERT_TRUE(admin->CreateUser(name, password, kInAnHour, {NewRole()}, {}).ok());
  StatusOr<std::unique_ptr<sql::Connection>> session = Login(name, password);
  ASSERT_TRUE(session.ok()) << session.status().ToString();
  ASSERT_TRUE((*session)->Execute("SELECT 1", {}, {}).ok());

  ExpectRevocationEndsEverything(*admin, name, password, **session);
}

TEST_P(DatabaseAdminTest, RevokingAUserThatDoesNotExistSucceeds) {
  std::unique_ptr<DatabaseAdmin> admin = OpenRootAdmin();
  ASSERT_TRUE(admin);
  const std::string name = NewUserName();
  EXPECT_TRUE(admin->RevokeUser(name, {}).ok());
  ASSERT_TRUE(admin->CreateUser(name, NewPassword(), kInAnHour, {}, {}).ok());
  EXPECT_TRUE(admin->RevokeUser(name, {}).ok());
  EXPECT_TRUE(admin->RevokeUser(name, {}).ok());
  EXPECT_FALSE(Exists(name));
}

TEST_P(DatabaseAdminTest, TwoCreationsMakeTwoUsers) {
  std::unique_ptr<DatabaseAdmin> admin = OpenRootAdmin();
  ASSERT_TRUE(admin);
  const std::string role = NewRole();
  const std::string first = NewUserName();
  const std::string second = NewUserName();
  ASSERT_NE(first, second);
  const crypto::SecretBuffer first_password = NewPassword();
  const crypto::SecretBuffer second_password = NewPassword();
  ASSERT_TRUE(admin->CreateUser(first, first_password, kInAnHour, {role}, {}).ok());
  ASSERT_TRUE(admin->CreateUser(second, second_password, kInAnHour, {role}, {}).ok());
  EXPECT_TRUE(Login(first, first_password).ok());
  EXPECT_TRUE(Login(second, second_password).ok());
  EXPECT_FALSE(Login(first, second_password).ok());
  // Creating an existing user leaves it alone.
  Status again = admin->CreateUser(first, NewPassword(), kInAnHour, {}, {});
  EXPECT_EQ(again.code(), StatusCode::kAlreadyExists) << again.ToString();
  EXPECT_TRUE(Login(first, first_password).ok());
}

TEST_P(DatabaseAdminTest, RenewalMovesTheExpiry) {
  std::unique_ptr<DatabaseAdmin> admin = OpenRootAdmin();
  ASSERT_TRUE(admin);
  const std::string name = NewUserName();
  const auto created_until = system_clock::time_point(std::chrono::seconds(1893456000));
  const auto renewed_until = created_until + std::chrono::hours(2);
  ASSERT_TRUE(admin->CreateUser(name, NewPassword(), created_until, {}, {}).ok());
  Status renewed = admin->RenewUser(name, renewed_until, {});
  ASSERT_TRUE(renewed.ok()) << renewed.ToString();
  if (engine() == Engine::kPostgres) {
    EXPECT_EQ(Cell(*root_,
                   "SELECT to_char(rolvaliduntil AT TIME ZONE 'UTC', "
                   "'YYYY-MM-DD HH24:MI:SS') FROM pg_roles WHERE rolname = '" +
                       name + "'"),
              "2030-01-01 02:00:00");
  }
  ASSERT_TRUE(admin->RevokeUser(name, {}).ok());
  EXPECT_EQ(admin->RenewUser(name, renewed_until, {}).code(), StatusCode::kNotFound);
}

// PostgreSQL only: MariaDB's expiry is enforced by the caller.
TEST_P(PostgresAdminTest, AnExpiredPostgresUserCannotLogIn) {
  std::unique_ptr<DatabaseAdmin> admin = OpenRootAdmin();
  ASSERT_TRUE(admin);
  const std::string name = NewUserName();
  const crypto::SecretBuffer password = NewPassword();
  ASSERT_TRUE(
      admin->CreateUser(name, password, system_clock::now() - std::chrono::minutes(1), {}, {})
          .ok());
  EXPECT_FALSE(Login(name, password).ok());
  ASSERT_TRUE(admin->RenewUser(name, kInAnHour, {}).ok());
  EXPECT_TRUE(Login(name, password).ok());
}

TEST_P(DatabaseAdminTest, SetPasswordReplacesThePasswordAndKeepsSessions) {
  std::unique_ptr<DatabaseAdmin> admin = OpenRootAdmin();
  ASSERT_TRUE(admin);
  const std::string name = NewUserName();
  const crypto::SecretBuffer old_password = NewPassword();
  ASSERT_TRUE(admin->CreateUser(name, old_password, kInAnHour, {NewRole()}, {}).ok());
  StatusOr<std::unique_ptr<sql::Connection>> session = Login(name, old_password);
  ASSERT_TRUE(session.ok());

  const crypto::SecretBuffer new_password = NewPassword();
  Status set = admin->SetPassword(name, new_password, {});
  ASSERT_TRUE(set.ok()) << set.ToString();
  EXPECT_FALSE(Login(name, old_password).ok());
  EXPECT_TRUE(Login(name, new_password).ok());
  EXPECT_TRUE((*session)->Execute("SELECT 1", {}, {}).ok());
  EXPECT_FALSE(admin->SetPassword(NewUserName(), new_password, {}).ok());
}

TEST_P(DatabaseAdminTest, TemplatesReplaceTheDefaults) {
  std::unique_ptr<DatabaseAdmin> admin = OpenRootAdmin();
  ASSERT_TRUE(admin);
  const bool postgres = engine() == Engine::kPostgres;
  const std::string role = NewRole();
  StatementTemplates templates;
  templates.creation = {postgres ? "CREATE ROLE {{name}} LOGIN PASSWORD {{password}} VALID UNTIL "
                                   "{{expiration}} CONNECTION LIMIT 3"
                                 : "CREATE USER {{name}} IDENTIFIED BY {{password}} "
                                   "WITH MAX_USER_CONNECTIONS 3"};
  templates.revocation = {postgres ? "DROP ROLE {{name}}" : "DROP USER {{name}}"};
  templates.renewal = {postgres ? "ALTER ROLE {{name}} VALID UNTIL {{expiration}}"
                                : "ALTER USER {{name}} PASSWORD EXPIRE INTERVAL 1 DAY"};
  const std::string name = NewUserName();
  const crypto::SecretBuffer password = NewPassword();
  Status created = admin->CreateUser(name, password, kInAnHour, {role}, templates);
  ASSERT_TRUE(created.ok()) << created.ToString();
  EXPECT_EQ(RolesOf(name), std::vector<std::string>{role});
  EXPECT_EQ(
      Cell(*root_, postgres
                       ? "SELECT rolconnlimit FROM pg_roles WHERE rolname = '" + name + "'"
                       : "SELECT max_user_connections FROM mysql.user WHERE User = '" + name + "'"),
      "3");
  EXPECT_TRUE(Login(name, password).ok());
  Status renewed = admin->RenewUser(name, kInAnHour, templates);
  EXPECT_TRUE(renewed.ok()) << renewed.ToString();
  Status revoked = admin->RevokeUser(name, templates);
  ASSERT_TRUE(revoked.ok()) << revoked.ToString();
  EXPECT_FALSE(Exists(name));

  templates.creation = {"CREATE ROLE {{nmae}}"};
  Status unknown = admin->CreateUser(NewUserName(), password, kInAnHour, {}, templates);
  EXPECT_EQ(unknown.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(unknown.message().find("{{nmae}}"), std::string::npos) << unknown.message();
}

// A name full of quotes and backslashes is one identifier on the server:
// the user made has exactly that name, and dropping it drops only it.
TEST_P(DatabaseAdminTest, HostileUserNamesStayOneIdentifier) {
  std::unique_ptr<DatabaseAdmin> admin = OpenRootAdmin();
  ASSERT_TRUE(admin);
  const std::string name = "aurite_q\"'`\\;-- x";
  users_.push_back(name);
  const crypto::SecretBuffer password = NewPassword();
  Status created = admin->CreateUser(name, password, kInAnHour, {NewRole()}, {});
  ASSERT_TRUE(created.ok()) << created.ToString();
  EXPECT_TRUE(Exists(name));
  EXPECT_TRUE(Login(name, password).ok());
  ASSERT_TRUE(admin->RevokeUser(name, {}).ok());
  EXPECT_FALSE(Exists(name));
}

TEST_P(DatabaseAdminTest, OverlongNamesAreRefusedBeforeTheServerTruncatesThem) {
  std::unique_ptr<DatabaseAdmin> admin = OpenRootAdmin();
  ASSERT_TRUE(admin);
  const std::string name(MaxUserNameLength(engine()) + 1, 'a');
  EXPECT_EQ(admin->CreateUser(name, NewPassword(), kInAnHour, {}, {}).code(),
            StatusCode::kInvalidArgument);
  EXPECT_FALSE(Exists(name.substr(0, MaxUserNameLength(engine()))));
}

TEST_P(DatabaseAdminTest, ALostAdminSessionIsOpenedAgain) {
  // An admin login of its own, so ending its sessions touches no other test.
  const bool postgres = engine() == Engine::kPostgres;
  sql::ConnectionConfig login = NewAdminLogin(
      postgres
          ? std::vector<std::string>{"ALTER ROLE \"{}\" CREATEROLE"}
          : std::vector<std::string>{"GRANT SELECT (User, Host) ON mysql.global_priv TO `{}`"});
  std::unique_ptr<DatabaseAdmin> admin = OpenAdmin(login);
  ASSERT_TRUE(admin);
  ASSERT_TRUE(admin->UserExists("nobody").ok());
  Root(postgres ? "SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity WHERE usename = $1"
                : "KILL CONNECTION USER `" + login.user + "`",
       postgres ? std::vector<sql::Param>{login.user} : std::vector<sql::Param>{});
  StatusOr<bool> first = admin->UserExists("nobody");  // may find the session gone
  StatusOr<bool> second = admin->UserExists("nobody");
  EXPECT_TRUE(second.ok()) << second.status().ToString() << " after " << first.status().ToString();
}

TEST(DatabaseAdminSqliteTest, SqliteIsRefused) {
  sql::ConnectionConfig config;
  config.engine = Engine::kSqlite;
  config.path = ":memory:";
  StatusOr<std::unique_ptr<DatabaseAdmin>> admin = DatabaseAdmin::Open(std::move(config));
  EXPECT_EQ(admin.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(admin.status().message().find("SQLite"), std::string::npos);
  EXPECT_EQ(DatabaseAdmin::Open(crypto::SecretBuffer::CopyFrom("sqlite::memory:")).status().code(),
            StatusCode::kFailedPrecondition);
}

INSTANTIATE_TEST_SUITE_P(Engines, DatabaseAdminTest, AURITE_ADMIN_ENGINES);
INSTANTIATE_TEST_SUITE_P(Engines, PostgresAdminTest, ::testing::Values(Engine::kPostgres),
                         AdminEngineName);

}  // namespace
}  // namespace aurite::credentials::testing
