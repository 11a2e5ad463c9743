// What the admin login needs and what a dynamic user can do: an admin with
// only the privileges docs/credentials.md lists runs the whole cycle on each
// engine, and a PostgreSQL dynamic user made by a superuser admin, with a
// plain role and writes allowed, still cannot reach the server's files,
// programs or schemas it was not granted.
#include <gtest/gtest.h>

#include <chrono>

#include "admin_test_support.h"
#include "credentials/database_admin.h"
#include "credentials/generated_login.h"

namespace aurite::credentials::testing {
namespace {

using sql::Engine;
using std::chrono::system_clock;

class DatabaseAdminPrivilegeTest : public AdminTest {};
class PostgresAdminPrivilegeTest : public AdminTest {};
class MariaDbAdminPrivilegeTest : public AdminTest {};

// The grants of docs/credentials.md's table, for a role to hand out.
std::vector<std::string> LeastPrivileges(Engine engine, const std::string& role) {
  if (engine == Engine::kPostgres) {
    return {"ALTER ROLE \"{}\" CREATEROLE", "GRANT \"" + role + "\" TO \"{}\" WITH ADMIN OPTION"};
  }
  return {"GRANT CREATE USER, CONNECTION ADMIN ON *.* TO `{}`",
          "GRANT SELECT (User, Host) ON mysql.global_priv TO `{}`",
          "GRANT `" + role + "` TO `{}` WITH ADMIN OPTION"};
}

TEST_P(DatabaseAdminPrivilegeTest, AnAdminWithTheDocumentedPrivilegesRunsTheWholeCycle) {
  const std::string role = NewRole();
  std::unique_ptr<DatabaseAdmin> admin = OpenAdmin(NewAdminLogin(LeastPrivileges(engine(), role)));
  ASSERT_TRUE(admin);
  const std::string name = NewUserName();
  const crypto::SecretBuffer password = NewPassword();
  const auto until = system_clock::now() + std::chrono::minutes(15);
  Status created = admin->CreateUser(name, password, until, {role}, {});
  ASSERT_TRUE(created.ok()) << created.ToString();
  EXPECT_TRUE(*admin->UserExists(name));
  EXPECT_EQ(RolesOf(name), std::vector<std::string>{role});
  Status renewed = admin->RenewUser(name, until + std::chrono::minutes(15), {});
  EXPECT_TRUE(renewed.ok()) << renewed.ToString();

  const crypto::SecretBuffer rotated = NewPassword();
  Status set = admin->SetPassword(name, rotated, {});
  ASSERT_TRUE(set.ok()) << set.ToString();
  EXPECT_FALSE(Login(name, password).ok());
  StatusOr<std::unique_ptr<sql::Connection>> session = Login(name, rotated);
  ASSERT_TRUE(session.ok()) << session.status().ToString();
  ASSERT_TRUE((*session)->Execute("SELECT 1", {}, {}).ok());

  ExpectRevocationEndsEverything(*admin, name, rotated, **session);
}

// MariaDB only: PostgreSQL 15's CREATEROLE may grant any non-superuser role
// (docs/credentials.md), so there the admin can.
TEST_P(MariaDbAdminPrivilegeTest, ALeastPrivilegeAdminCannotGrantRolesItDoesNotAdminister) {
  const std::string role = NewRole();
  const std::string other = NewRole();
  std::unique_ptr<DatabaseAdmin> admin = OpenAdmin(NewAdminLogin(LeastPrivileges(engine(), role)));
  ASSERT_TRUE(admin);
  const std::string name = NewUserName();
  Status created = admin->CreateUser(name, NewPassword(), system_clock::now(), {other}, {});
  EXPECT_FALSE(created.ok());
  EXPECT_FALSE(Exists(name)) << "a failed creation drops the user again";
}

// PostgreSQL's server-side file and program functions.
TEST_P(PostgresAdminPrivilegeTest, APostgresDynamicUserCannotEscapeItsRole) {
  std::unique_ptr<DatabaseAdmin> admin = OpenRootAdmin();  // a superuser
  ASSERT_TRUE(admin);
  // Its role needs no grant on schema public (PUBLIC has USAGE), and one
  // would race with other tests' grants there ("tuple concurrently updated").
  const std::string role = NewRole();
  const std::string name = NewUserName();
  const crypto::SecretBuffer password = NewPassword();
  ASSERT_TRUE(
      admin->CreateUser(name, password, system_clock::now() + std::chrono::minutes(5), {role}, {})
          .ok());
  StatusOr<std::unique_ptr<sql::Connection>> session = Login(name, password);  // writes allowed
  ASSERT_TRUE(session.ok()) << session.status().ToString();
  EXPECT_EQ(Cell(**session, "SELECT rolsuper::text FROM pg_roles WHERE rolname = current_user"),
            "false");
  for (const std::string& escape :
       {std::string("SELECT pg_read_file('/etc/hostname')"),
        std::string("COPY (SELECT 1) TO PROGRAM 'true'"),
        std::string("SELECT lo_export(lo_create(0), '/tmp/aurite-lo-export-test')"),
        "CREATE TABLE public.\"" + name + "_t\" (x int)", std::string("CREATE SCHEMA escape_test"),
        std::string("SET ROLE aurite_admin")}) {
    StatusOr<sql::QueryResult> result = (*session)->Execute(escape, {}, {});
    EXPECT_EQ(result.status().code(), StatusCode::kPermissionDenied)
        << escape << ": " << result.status().ToString();
  }
}

INSTANTIATE_TEST_SUITE_P(Engines, DatabaseAdminPrivilegeTest, AURITE_ADMIN_ENGINES);
INSTANTIATE_TEST_SUITE_P(Engines, PostgresAdminPrivilegeTest, ::testing::Values(Engine::kPostgres),
                         AdminEngineName);
INSTANTIATE_TEST_SUITE_P(Engines, MariaDbAdminPrivilegeTest, ::testing::Values(Engine::kMariaDb),
                         AdminEngineName);

}  // namespace
}  // namespace aurite::credentials::testing
