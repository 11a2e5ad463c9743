// Test support for DatabaseAdmin against the harness's PostgreSQL and
// MariaDB: a fixture parameterised over the two engines, with a role to
// grant, the connection string a dynamic user logs in with, and checks
// read through the servers' superuser logins.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "credentials/database_admin.h"
#include "sql/connection.h"
#include "sql/test_databases.h"

namespace aurite::credentials::testing {

class AdminTest : public ::testing::TestWithParam<sql::Engine> {
 protected:
  void SetUp() override;
  void TearDown() override;

  sql::Engine engine() const { return GetParam(); }
  // The harness's privileged login (PostgreSQL superuser, MariaDB ALL).
  sql::ConnectionConfig RootConfig() const;
  std::unique_ptr<DatabaseAdmin> OpenAdmin(const sql::ConnectionConfig& config);
  std::unique_ptr<DatabaseAdmin> OpenRootAdmin() { return OpenAdmin(RootConfig()); }
  // Runs `sql` as the privileged login with writes enabled; fails the test on error.
  void Root(const std::string& sql, const std::vector<sql::Param>& params = {});
  // A NOLOGIN role (MariaDB: role) with a unique name, dropped in TearDown.
  std::string NewRole();
  // A login with a unique name and `privileges` granted (engine SQL, each
  // with {} for the user), dropped in TearDown. Returns its config (on
  // MariaDB without a database).
  sql::ConnectionConfig NewAdminLogin(const std::vector<std::string>& privileges);
  // "postgresql://127.0.0.1:PORT/aurite_test" or "mariadb://…": no login.
  std::string BaseConnectionString() const;
  // Opens a session as `user` through LoginConnectionString, writes allowed,
  // in the test database (on MariaDB, only a user with a role may use it).
  StatusOr<std::unique_ptr<sql::Connection>> Login(const std::string& user,
                                                   const crypto::SecretBuffer& password);
  // The roles granted to `user`, sorted (pg_auth_members / mysql.roles_mapping).
  std::vector<std::string> RolesOf(const std::string& user);
  bool Exists(const std::string& user);
  // A fresh dynamic user name, dropped in TearDown if it still exists.
  std::string NewUserName();
  // Revokes `name` and expects it gone, `session` (one of its own) ended
  // and `password` no longer logging in.
  void ExpectRevocationEndsEverything(DatabaseAdmin& admin, const std::string& name,
                                      const crypto::SecretBuffer& password,
                                      sql::Connection& session);
  // The first cell of `sql` run by `session`, as text.
  static std::string Cell(sql::Connection& session, const std::string& sql);

  std::unique_ptr<sql::Connection> root_;
  std::vector<std::string> roles_;
  std::vector<std::string> logins_;
  std::vector<std::string> users_;
};

std::string AdminEngineName(const ::testing::TestParamInfo<sql::Engine>& info);

#define AURITE_ADMIN_ENGINES                                                            \
  ::testing::Values(::aurite::sql::Engine::kPostgres, ::aurite::sql::Engine::kMariaDb), \
      ::aurite::credentials::testing::AdminEngineName

}  // namespace aurite::credentials::testing
