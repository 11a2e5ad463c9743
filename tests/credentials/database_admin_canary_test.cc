// Canaries: a generated password (and on PostgreSQL its verifier) never
// appears in a Status, whole or in part, whichever statement fails and
// whatever the server quotes back.
#include <gtest/gtest.h>

#include <chrono>

#include "admin_test_support.h"
#include "credentials/database_admin.h"
#include "credentials/generated_login.h"

namespace aurite::credentials::testing {
namespace {

using sql::Engine;
using std::chrono::system_clock;

class DatabaseAdminCanaryTest : public AdminTest {};

// The message holds no run of 4 or more characters of the password.
void ExpectNoPassword(const Status& status, const crypto::SecretBuffer& password) {
  EXPECT_FALSE(status.ok());
  const std::string_view secret = password.Reveal();
  for (std::size_t i = 0; i + 4 <= secret.size(); ++i) {
    ASSERT_EQ(status.message().find(secret.substr(i, 4)), std::string::npos)
        << "part of the password in: " << status.message();
  }
  EXPECT_EQ(status.message().find("SCRAM-SHA-256$"), std::string::npos) << status.message();
}

TEST_P(DatabaseAdminCanaryTest, AFailedGrantShowsNoPassword) {
  std::unique_ptr<DatabaseAdmin> admin = OpenRootAdmin();
  ASSERT_TRUE(admin);
  const std::string name = NewUserName();
  const crypto::SecretBuffer password = NewPassword();
  Status created =
      admin->CreateUser(name, password, system_clock::now(), {"aurite_no_such_role"}, {});
  ExpectNoPassword(created, password);
  EXPECT_NE(created.message().find("aurite_no_such_role"), std::string::npos) << created.message();
  EXPECT_FALSE(Exists(name));
}

TEST_P(DatabaseAdminCanaryTest, SyntaxErrorsNearThePasswordShowNoPassword) {
  std::unique_ptr<DatabaseAdmin> admin = OpenRootAdmin();
  ASSERT_TRUE(admin);
  const bool postgres = engine() == Engine::kPostgres;
  const crypto::SecretBuffer password = NewPassword();
  const std::string create =
      postgres ? "CREATE ROLE {{name}} LOGIN PASSWORD " : "CREATE USER {{name}} IDENTIFIED BY ";
  // The engines quote the text at the error: the password itself, the
  // password after it, and (MariaDB's 80 bytes) a password cut in two.
  for (const std::string& statement :
       {create + "{{password}} {{password}}", create + "x {{password}}",
        "SELECT ) /* " + std::string(60, 'c') + " */ {{password}}"}) {
    StatementTemplates templates;
    templates.creation = {statement};
    ExpectNoPassword(admin->CreateUser(NewUserName(), password, system_clock::now(), {}, templates),
                     password);
  }
  std::vector<std::string> rotation = {
      (postgres ? "ALTER ROLE {{name}} PASSWORD " : "ALTER USER {{name}} IDENTIFIED BY ") +
      std::string("{{password}} {{password}}")};
  ExpectNoPassword(admin->SetPassword(NewUserName(), password, rotation), password);
  ExpectNoPassword(admin->SetPassword(NewUserName(), password, {}), password);
}

TEST_P(DatabaseAdminCanaryTest, TheAdminPasswordNeverShows) {
  sql::ConnectionConfig config = RootConfig();
  const std::string admin_password(config.password.Reveal());
  config.password = crypto::SecretBuffer::CopyFrom(admin_password + "-wrong");
  StatusOr<std::unique_ptr<DatabaseAdmin>> admin = DatabaseAdmin::Open(std::move(config));
  ASSERT_FALSE(admin.ok());
  EXPECT_EQ(admin.status().message().find(admin_password), std::string::npos)
      << admin.status().message();
}

INSTANTIATE_TEST_SUITE_P(Engines, DatabaseAdminCanaryTest, AURITE_ADMIN_ENGINES);

}  // namespace
}  // namespace aurite::credentials::testing
