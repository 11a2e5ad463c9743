// The canary password never appears in an error, whatever goes wrong.
#include <gtest/gtest.h>

#include "engine_test.h"
#include "sql/connection_string.h"

namespace aurite::sql::testing {
namespace {

constexpr std::string_view kCanary = "Canary-p@ss:w/rd;'\"}%=&#+ ü-4711";

std::string Encoded(std::string_view text) {
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c)) {
      out.push_back(static_cast<char>(c));
    } else {
      char buffer[4];
      std::snprintf(buffer, sizeof buffer, "%%%02X", c);
      out += buffer;
    }
  }
  return out;
}

void ExpectNoSecret(const Status& status, std::string_view secret) {
  EXPECT_FALSE(status.ok());
  EXPECT_EQ(status.message().find(secret), std::string::npos) << status.message();
  EXPECT_EQ(status.message().find(Encoded(secret)), std::string::npos) << status.message();
  EXPECT_EQ(status.message().find("Canary"), std::string::npos) << status.message();
}

TEST(CanaryTest, MalformedConnectionStringsDoNotEchoThePassword) {
  std::string encoded = Encoded(kCanary);
  std::string canary(kCanary);
  const std::vector<std::string> inputs = {
      "postgresql://user:" + encoded + "@host:notaport/db",
      "postgresql://user:" + encoded + "@host:99999/db",
      "ftp://user:" + encoded + "@host/db",
      "postgresql://user:" + encoded + "%zz@host/db",
      "mysql://user:" + encoded + "@host/db?" + encoded + "=1",
      "host=db password='" + canary,
      "password=" + encoded + " =x",
      canary,
      "sqlite:" + canary,
      "sqlite:///db?" + canary,
  };
  for (const std::string& input : inputs) {
    ExpectNoSecret(ParseConnectionString(input).status(), kCanary);
  }
}

class ServerCanaryTest : public EngineTest {};

TEST_P(ServerCanaryTest, ConnectionFailuresDoNotShowThePassword) {
  std::string password = Password();
  ConnectionConfig wrong_user = Config();
  wrong_user.user = "no_such_user";
  ExpectNoSecret(OpenConnection(wrong_user, {}).status(), password);
  ConnectionConfig wrong_database = Config();
  wrong_database.database = "no_such_database";
  ExpectNoSecret(OpenConnection(wrong_database, {}).status(), password);
  ConnectionConfig wrong_password = Config();
  wrong_password.password = crypto::SecretBuffer::CopyFrom(kCanary);
  ExpectNoSecret(OpenConnection(wrong_password, {}).status(), kCanary);
}

TEST_P(ServerCanaryTest, QueryErrorsDoNotShowThePassword) {
  std::string password = Password();
  std::unique_ptr<Connection> connection = Open();
  // The server echoes the value in its message; the driver must scrub it.
  std::string sql;
  if (engine() == Engine::kPostgres) {
    std::string quoted;
    for (char c : password) quoted += c == '\'' ? std::string("''") : std::string(1, c);
    sql = "SELECT '" + quoted + "'::int";
  } else {
    sql = "SELECT * FROM `" + password + "`";
  }
  StatusOr<QueryResult> result = connection->Execute(sql, {}, {});
  ExpectNoSecret(result.status(), password);
  EXPECT_NE(result.status().message().find("****"), std::string::npos) << result.status().message();
}

INSTANTIATE_TEST_SUITE_P(Servers, ServerCanaryTest,
                         ::testing::Values(Engine::kPostgres, Engine::kMariaDb), EngineParamName);

}  // namespace
}  // namespace aurite::sql::testing
