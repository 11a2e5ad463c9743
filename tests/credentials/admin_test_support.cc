// Test support for DatabaseAdmin: see admin_test_support.h.
#include "admin_test_support.h"

#include <fmt/format.h>

#include <chrono>
#include <thread>

#include "credentials/generated_login.h"
#include "sql/connection_string.h"

namespace aurite::credentials::testing {

using sql::Engine;

std::string AdminEngineName(const ::testing::TestParamInfo<Engine>& info) {
  return info.param == Engine::kPostgres ? "PostgreSQL" : "MariaDB";
}

sql::ConnectionConfig AdminTest::RootConfig() const {
  return sql::testing::AdminConfigFor(engine());
}

void AdminTest::SetUp() {
  sql::OpenOptions options;
  options.allow_writes = true;
  StatusOr<std::unique_ptr<sql::Connection>> root = sql::OpenConnection(RootConfig(), options);
  ASSERT_TRUE(root.ok()) << root.status().ToString();
  root_ = std::move(root).value();
}

void AdminTest::TearDown() {
  if (!root_) return;
  std::unique_ptr<DatabaseAdmin> admin = OpenRootAdmin();
  for (const std::string& user : users_) {
    if (admin) {
      EXPECT_TRUE(admin->RevokeUser(user, {}).ok());
    }
  }
  const bool postgres = engine() == Engine::kPostgres;
  for (const std::string& login : logins_) {
    if (postgres) Root(fmt::format("DROP OWNED BY \"{}\"", login));
    Root(postgres ? "DROP ROLE \"" + login + "\"" : "DROP USER `" + login + "`");
  }
  for (const std::string& role : roles_) {
    if (postgres) Root(fmt::format("DROP OWNED BY \"{}\"", role));
    Root(postgres ? "DROP ROLE \"" + role + "\"" : "DROP ROLE `" + role + "`");
  }
}

std::unique_ptr<DatabaseAdmin> AdminTest::OpenAdmin(const sql::ConnectionConfig& config) {
  StatusOr<std::unique_ptr<DatabaseAdmin>> admin = DatabaseAdmin::Open(config.Clone());
  EXPECT_TRUE(admin.ok()) << admin.status().ToString();
  return admin.ok() ? std::move(admin).value() : nullptr;
}

void AdminTest::Root(const std::string& sql, const std::vector<sql::Param>& params) {
  StatusOr<sql::QueryResult> result = root_->Execute(sql, params, {});
  EXPECT_TRUE(result.ok()) << sql << ": " << result.status().ToString();
}

std::string AdminTest::NewRole() {
  std::string role = sql::testing::UniqueName("aurite_test_role");
  if (engine() == Engine::kPostgres) {
    Root(fmt::format("CREATE ROLE \"{}\" NOLOGIN", role));
  } else {
    Root(fmt::format("CREATE ROLE `{}`", role));
    Root(fmt::format("GRANT SELECT ON aurite_test.* TO `{}`", role));
  }
  roles_.push_back(role);
  return role;
}

sql::ConnectionConfig AdminTest::NewAdminLogin(const std::vector<std::string>& privileges) {
  std::string login = sql::testing::UniqueName("aurite_test_admin");
  const std::string password = "Admin-pw-" + login;
  if (engine() == Engine::kPostgres) {
    Root(fmt::format("CREATE ROLE \"{}\" LOGIN PASSWORD '{}'", login, password));
  } else {
    Root(fmt::format("CREATE USER `{}`@'%' IDENTIFIED BY '{}'", login, password));
  }
  logins_.push_back(login);
  for (const std::string& privilege : privileges) Root(fmt::format(fmt::runtime(privilege), login));
  sql::ConnectionConfig config = sql::testing::WithLogin(RootConfig(), login, password);
  // A MariaDB admin needs no database, and has no privilege on the test's.
  if (engine() == Engine::kMariaDb) config.database.clear();
  return config;
}

std::string AdminTest::BaseConnectionString() const {
  const nlohmann::json& server =
      sql::testing::Databases()[engine() == Engine::kPostgres ? "postgres" : "mariadb"];
  return fmt::format("{}://{}:{}/{}", engine() == Engine::kPostgres ? "postgresql" : "mariadb",
                     server["host"].get<std::string>(), server["port"].get<int>(),
                     server["database"].get<std::string>());
}

StatusOr<std::unique_ptr<sql::Connection>> AdminTest::Login(const std::string& user,
                                                            const crypto::SecretBuffer& password) {
  AURITE_ASSIGN_OR_RETURN(crypto::SecretBuffer login,
                          LoginConnectionString(BaseConnectionString(), user, password));
  AURITE_ASSIGN_OR_RETURN(sql::ConnectionConfig config, sql::ParseConnectionString(login.Reveal()));
  sql::OpenOptions options;
  options.allow_writes = true;
  return sql::OpenConnection(config, options);
}

std::vector<std::string> AdminTest::RolesOf(const std::string& user) {
  const std::string sql =
      engine() == Engine::kPostgres
          ? "SELECT r.rolname FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.roleid "
            "JOIN pg_roles u ON u.oid = m.member WHERE u.rolname = $1 ORDER BY 1"
          : "SELECT Role FROM mysql.roles_mapping WHERE User = ? AND Host = '%' ORDER BY 1";
  StatusOr<sql::QueryResult> result = root_->Execute(sql, {user}, {});
  EXPECT_TRUE(result.ok()) << result.status().ToString();
  std::vector<std::string> roles;
  if (result.ok()) {
    for (const auto& row : result->rows) roles.push_back(row[0].get<std::string>());
  }
  return roles;
}

bool AdminTest::Exists(const std::string& user) {
  const std::string sql = engine() == Engine::kPostgres
                              ? "SELECT count(*) FROM pg_roles WHERE rolname = $1"
                              : "SELECT count(*) FROM mysql.user WHERE User = ?";
  StatusOr<sql::QueryResult> result = root_->Execute(sql, {user}, {});
  EXPECT_TRUE(result.ok()) << result.status().ToString();
  return result.ok() && result->rows[0][0].get<std::int64_t>() > 0;
}

std::string AdminTest::NewUserName() {
  StatusOr<std::string> name = NewDynamicUserName(engine(), "test");
  EXPECT_TRUE(name.ok());
  users_.push_back(*name);
  return *name;
}

void AdminTest::ExpectRevocationEndsEverything(DatabaseAdmin& admin, const std::string& name,
                                               const crypto::SecretBuffer& password,
                                               sql::Connection& session) {
  Status revoked = admin.RevokeUser(name, {});
  ASSERT_TRUE(revoked.ok()) << revoked.ToString();
  EXPECT_FALSE(Exists(name));
  EXPECT_FALSE(*admin.UserExists(name));
  bool ended = false;  // the server may take a moment to end it
  for (int i = 0; i < 100 && !ended; ++i) {
    ended = !session.Execute("SELECT 1", {}, {}).ok() && !session.IsUsable();
    if (!ended) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_TRUE(ended) << "a session of the revoked user is still up";
  EXPECT_FALSE(Login(name, password).ok());
}

std::string AdminTest::Cell(sql::Connection& session, const std::string& sql) {
  StatusOr<sql::QueryResult> result = session.Execute(sql, {}, {});
  EXPECT_TRUE(result.ok()) << sql << ": " << result.status().ToString();
  if (!result.ok() || result->rows.empty()) return {};
  const nlohmann::json& cell = result->rows[0][0];
  return cell.is_string() ? cell.get<std::string>() : cell.dump();
}

}  // namespace aurite::credentials::testing
