// connections.<name>.credentials: each mode's keys and defaults, and the
// errors for unknown keys, SQLite, a login in the connection string, bad
// durations and a missing admin, none of which quotes a secret.
#include "host/credentials_block.h"

#include <gtest/gtest.h>

#include <variant>

#include "base/text.h"
#include "host/config.h"
#include "host/fake_environment.h"

namespace aurite::host {
namespace {

using namespace std::chrono_literals;

// URL-safe, so that it parses inside connection strings.
constexpr std::string_view kAdminCanary = "canary-admin-7f3a9c";

class CredentialsBlockTest : public ::testing::Test {
 protected:
  // A config with one PostgreSQL connection "orders" whose credentials block
  // is `block` (JSON text).
  StatusOr<Config> Parse(
      const std::string& block,
      const std::string& connection_string = "postgresql://127.0.0.1:5432/orders?sslmode=require",
      const std::string& storage_type = "postgresql") {
    const std::string text = R"({"connections": {"orders": {"storage_type": ")" + storage_type +
                             R"(", "connection_string": ")" + connection_string +
                             R"(", "credentials": )" + block + "}}}";
    return ParseConfig(text, "aurite.json", "/etc/aurite", fake_.sources());
  }
  void ExpectError(const std::string& block, std::string_view mentions) {
    StatusOr<Config> config = Parse(block);
    ASSERT_FALSE(config.ok()) << block;
    EXPECT_NE(config.status().message().find(mentions), std::string::npos)
        << config.status().message();
    EXPECT_EQ(config.status().message().find(kAdminCanary), std::string::npos);
  }

  FakeEnvironment fake_;
};

TEST_F(CredentialsBlockTest, DynamicModeReadsEveryKey) {
  fake_.variables["ADMIN_PW"] = std::string(kAdminCanary);
  StatusOr<Config> config = Parse(R"({"mode": "dynamic",
      "admin": "postgresql://aurite_admin:${env:ADMIN_PW}@127.0.0.1/orders",
      "grant_roles": ["app_readonly", "reports"], "default_ttl": "5m", "max_ttl": "1h",
      "creation_statements": ["CREATE ROLE {{name}} LOGIN PASSWORD {{password}}"],
      "renew_statements": ["ALTER ROLE {{name}} VALID UNTIL {{expiration}}"],
      "revocation_statements": ["DROP ROLE {{name}}"]})");
  ASSERT_TRUE(config.ok()) << config.status().message();
  const auto& dynamic =
      std::get<credentials::DynamicCredentials>(*config->connections.at(0).credentials);
  EXPECT_NE(dynamic.admin.Reveal().find(kAdminCanary), std::string_view::npos);
  EXPECT_EQ(dynamic.grant_roles, (std::vector<std::string>{"app_readonly", "reports"}));
  EXPECT_EQ(dynamic.default_ttl, 5min);
  EXPECT_EQ(dynamic.max_ttl, 1h);
  EXPECT_EQ(dynamic.statements.creation.size(), 1u);
  EXPECT_EQ(dynamic.statements.renewal.size(), 1u);
  EXPECT_EQ(dynamic.statements.revocation.size(), 1u);
}

TEST_F(CredentialsBlockTest, DynamicDefaultsToFifteenMinutesUpToEightHours) {
  StatusOr<Config> config = Parse(
      R"({"mode": "dynamic", "admin": "postgresql://a:b@127.0.0.1/orders", "grant_roles": ["r"]})");
  ASSERT_TRUE(config.ok()) << config.status().message();
  const auto& dynamic =
      std::get<credentials::DynamicCredentials>(*config->connections.at(0).credentials);
  EXPECT_EQ(dynamic.default_ttl, 15min);
  EXPECT_EQ(dynamic.max_ttl, 8h);
}

TEST_F(CredentialsBlockTest, ConnectionWithoutBlockHasNoCredentials) {
  StatusOr<Config> config = ParseConfig(
      R"({"connections": {"o": {"connection_string": "postgresql://u:p@127.0.0.1/o"}}})",
      "aurite.json", "/etc/aurite", fake_.sources());
  ASSERT_TRUE(config.ok()) << config.status().message();
  EXPECT_FALSE(config->connections.at(0).credentials.has_value());
}

TEST_F(CredentialsBlockTest, RotateAwsAndExecModes) {
  StatusOr<Config> rotate = Parse(R"({"mode": "rotate", "admin": "postgresql://a:b@127.0.0.1/o",
                                      "username": "app", "rotation_period": "12h"})");
  ASSERT_TRUE(rotate.ok()) << rotate.status().message();
  const auto& rotated =
      std::get<credentials::RotatedCredentials>(*rotate->connections.at(0).credentials);
  EXPECT_EQ(rotated.username, "app");
  EXPECT_EQ(rotated.rotation_period, 12h);

  StatusOr<Config> aws = Parse(R"({"mode": "aws-rds-iam", "region": "eu-west-1",
      "username": "iam_app", "profile": "prod", "role_arn": "arn:aws:iam::123456789012:role/db"})");
  ASSERT_TRUE(aws.ok()) << aws.status().message();
  const auto& iam =
      std::get<credentials::AwsRdsIamCredentials>(*aws->connections.at(0).credentials);
  EXPECT_EQ(iam.region, "eu-west-1");
  EXPECT_EQ(iam.username, "iam_app");
  EXPECT_EQ(iam.profile, "prod");
  EXPECT_EQ(iam.role_arn, "arn:aws:iam::123456789012:role/db");

  StatusOr<Config> exec = Parse(R"({"mode": "exec", "command": ["gcloud", "sql",
      "generate-login-token"], "username": "me@example.com", "lifetime": "45m"})");
  ASSERT_TRUE(exec.ok()) << exec.status().message();
  const auto& command =
      std::get<credentials::ExecCredentials>(*exec->connections.at(0).credentials);
  EXPECT_EQ(command.command.size(), 3u);
  EXPECT_EQ(command.lifetime, 45min);
}

TEST_F(CredentialsBlockTest, UnknownKeysAndKeysOfAnotherModeAreErrors) {
  ExpectError(R"({"mode": "dynamic", "admin": "postgresql://a:b@h/o", "grant_roles": ["r"],
                  "ttl": "1m"})",
              "connections.orders.credentials.ttl: unknown key");
  ExpectError(R"({"mode": "aws-rds-iam", "region": "r", "username": "u", "grant_roles": ["r"]})",
              "connections.orders.credentials.grant_roles: unknown key");
  ExpectError(R"({"mode": "keyring"})", "connections.orders.credentials.mode: expected");
  ExpectError(R"({"mode": "vault", "path": "database/creds/app", "admin": "x"})",
              "connections.orders.credentials.admin: unknown key");
  ExpectError(R"({"admin": "postgresql://a:b@h/o"})", "connections.orders.credentials.mode");
  ExpectError(R"("dynamic")", "connections.orders.credentials: expected an object");
}

TEST_F(CredentialsBlockTest, MissingOrBadRequiredSettingsSayWhatToGive) {
  ExpectError(R"({"mode": "dynamic", "grant_roles": ["r"]})",
              "connections.orders.credentials.admin: expected the connection string");
  ExpectError(R"({"mode": "dynamic", "admin": "postgresql://a:b@h/o"})",
              "connections.orders.credentials.grant_roles: expected");
  ExpectError(R"({"mode": "rotate", "admin": "postgresql://a:b@h/o"})",
              "connections.orders.credentials.username");
  ExpectError(R"({"mode": "aws-rds-iam", "username": "u"})",
              "connections.orders.credentials.region");
  ExpectError(R"({"mode": "exec", "command": [], "username": "u"})",
              "connections.orders.credentials.command");
}

TEST_F(CredentialsBlockTest, VaultModeReadsPathAndIncrement) {
  StatusOr<Config> config = Parse(R"({"mode": "vault", "path": "database/creds/app"})");
  ASSERT_TRUE(config.ok()) << config.status().message();
  const auto& vault = std::get<credentials::VaultCredentials>(*config->connections[0].credentials);
  EXPECT_EQ(vault.path, "database/creds/app");
  EXPECT_EQ(vault.increment, 0s) << "no increment: Vault renews by the lease's own duration";

  config = Parse(R"({"mode": "vault", "path": "db-prod/creds/reports.v2", "increment": "1h"})");
  ASSERT_TRUE(config.ok()) << config.status().message();
  EXPECT_EQ(std::get<credentials::VaultCredentials>(*config->connections[0].credentials).increment,
            1h);
}

TEST_F(CredentialsBlockTest, VaultPathsAreCheckedLikeVaultReferences) {
  for (const char* path : {"", "app", "database/creds/", "/database/creds/app", "database//app",
                           "database/creds/../app", "database/creds/a b", "database/creds/app?x=1",
                           "database/creds/app#f"}) {
    ExpectError(R"({"mode": "vault", "path": ")" + std::string(path) + R"("})",
                "connections.orders.credentials.path: expected the path of a role");
  }
  ExpectError(R"({"mode": "vault"})", "connections.orders.credentials.path: expected");
  ExpectError(R"({"mode": "vault", "path": "database/creds/app", "increment": "0s"})",
              "connections.orders.credentials.increment: expected a duration above zero");
}

TEST_F(CredentialsBlockTest, VaultModeTakesNoLoginInTheConnectionStringNorSqlite) {
  StatusOr<Config> config = Parse(R"({"mode": "vault", "path": "database/creds/app"})",
                                  "postgresql://someone:pw@127.0.0.1/orders");
  ASSERT_FALSE(config.ok());
  EXPECT_NE(config.status().message().find("names a user or password"), std::string::npos);
  config =
      Parse(R"({"mode": "vault", "path": "database/creds/app"})", "sqlite:///tmp/x.db", "sqlite");
  ASSERT_FALSE(config.ok());
  EXPECT_NE(config.status().message().find("SQLite has no database users"), std::string::npos);
}

TEST_F(CredentialsBlockTest, DurationsMustBePositiveAndMaxTtlAtLeastDefault) {
  ExpectError(R"({"mode": "dynamic", "admin": "postgresql://a:b@h/o", "grant_roles": ["r"],
                  "default_ttl": "0s"})",
              "credentials.default_ttl: expected a duration above zero");
  ExpectError(R"({"mode": "dynamic", "admin": "postgresql://a:b@h/o", "grant_roles": ["r"],
                  "default_ttl": "2h", "max_ttl": "1h"})",
              "credentials.max_ttl: expected a duration at least as long as default_ttl");
  ExpectError(R"({"mode": "exec", "command": ["x"], "username": "u", "lifetime": "soon"})",
              "credentials.lifetime: expected a duration");
}

TEST_F(CredentialsBlockTest, AwsRdsIamNeedsTls) {
  StatusOr<Config> config =
      Parse(R"({"mode": "aws-rds-iam", "region": "eu-west-1", "username": "iam_app"})",
            "postgresql://db.example:5432/orders?sslmode=prefer");
  ASSERT_FALSE(config.ok());
  EXPECT_NE(config.status().message().find("connections.orders.credentials:"), std::string::npos)
      << config.status().message();
  EXPECT_NE(config.status().message().find("sslmode"), std::string::npos)
      << config.status().message();
}

// Found while writing config_fuzz, which traps on it
// (fuzz/corpus/config_fuzz/crash-rds-iam-sslmode):
// the refusal quoted the sslmode, which may come from a secret reference.
TEST_F(CredentialsBlockTest, AwsRdsIamTlsRefusalQuotesOnlyKnownModes) {
  fake_.variables["MODE"] = std::string(kAdminCanary);
  const std::string block = R"({"mode": "aws-rds-iam", "region": "eu-west-1", "username": "u"})";
  for (const char* connection_string : {"postgresql://db.example/orders?sslmode=${env:MODE}",
                                        "mysql://db.example/orders?ssl-mode=${env:MODE}"}) {
    StatusOr<Config> config = Parse(block, connection_string);
    ASSERT_FALSE(config.ok()) << connection_string;
    EXPECT_NE(config.status().message().find("is not a mode the driver knows"), std::string::npos)
        << config.status().message();
    EXPECT_EQ(AsciiLowercase(config.status().message()).find(kAdminCanary), std::string::npos)
        << config.status().message();
  }
  StatusOr<Config> prefer = Parse(block, "postgresql://db.example/orders?sslmode=prefer");
  ASSERT_FALSE(prefer.ok());
  EXPECT_NE(prefer.status().message().find("(sslmode=prefer does not)"), std::string::npos)
      << prefer.status().message();
}

TEST_F(CredentialsBlockTest, SqliteHasNoUsers) {
  StatusOr<Config> config = Parse(R"({"mode": "exec", "command": ["x"], "username": "u"})",
                                  "sqlite:///tmp/x.db", "sqlite");
  ASSERT_FALSE(config.ok());
  EXPECT_NE(config.status().message().find("SQLite has no database users"), std::string::npos);
  config =
      Parse(R"({"mode": "exec", "command": ["x"], "username": "u"})", "sqlite:///tmp/x.db", "sql");
  ASSERT_FALSE(config.ok());
  EXPECT_NE(config.status().message().find("SQLite"), std::string::npos);
}

TEST_F(CredentialsBlockTest, ConnectionStringMayNotCarryALogin) {
  fake_.variables["PW"] = std::string(kAdminCanary);
  StatusOr<Config> config = Parse(R"({"mode": "exec", "command": ["x"], "username": "u"})",
                                  "postgresql://app:${env:PW}@127.0.0.1/orders");
  ASSERT_FALSE(config.ok());
  EXPECT_NE(config.status().message().find("names a user or password"), std::string::npos);
  EXPECT_EQ(config.status().message().find(kAdminCanary), std::string::npos);
}

TEST_F(CredentialsBlockTest, UnparsableConnectionStringIsRefusedWithoutQuotingIt) {
  StatusOr<Config> config = Parse(R"({"mode": "exec", "command": ["x"], "username": "u"})",
                                  "nosuchscheme://" + std::string(kAdminCanary));
  ASSERT_FALSE(config.ok());
  EXPECT_NE(config.status().message().find("does not parse"), std::string::npos);
  EXPECT_EQ(config.status().message().find(kAdminCanary), std::string::npos);
}

TEST_F(CredentialsBlockTest, BadAdminStringIsRefusedWithoutQuotingIt) {
  fake_.variables["ADMIN"] = "notaurl-" + std::string(kAdminCanary);
  ExpectError(R"({"mode": "dynamic", "admin": "${env:ADMIN}", "grant_roles": ["r"]})",
              "connections.orders.credentials.admin:");
}

}  // namespace
}  // namespace aurite::host
