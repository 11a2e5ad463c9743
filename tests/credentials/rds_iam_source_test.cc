// RdsIamSource: the connection strings of the aws-rds-iam mode. Tokens equal
// botocore's for the same credentials and frozen time; base strings without
// TLS or with a login are refused with a fix; assumed credentials (from
// moto_server) are cached until 5 minutes before they expire, once for
// concurrent callers; canary secrets never reach a Status.
#include "credentials/rds_iam_source.h"

#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "sql/connection_string.h"
#include "support/botocore_rds_tokens.h"
#include "support/moto_server.h"
#include "test_environment.h"

namespace aurite::credentials {
namespace {

using testing::MotoServer;

using std::chrono::seconds;
using std::chrono::system_clock;

constexpr std::int64_t kFrozenTime = 1709208000;  // 2024-02-29T12:00:00Z

Variables CanaryCredentials() {
  return {{"AWS_ACCESS_KEY_ID", "ASIAQNZGKIQY56JQ7WML"},
          {"AWS_SECRET_ACCESS_KEY", std::string(kCanarySecret)},
          {"AWS_SESSION_TOKEN", std::string(kCanaryToken)},
          {"HOME", "/nonexistent"}};
}

RdsIamEnvironment Frozen(Variables variables, std::int64_t time = kFrozenTime) {
  RdsIamEnvironment environment;
  environment.environment = MapEnvironment(std::move(variables));
  environment.clock = [time] { return system_clock::time_point(seconds(time)); };
  return environment;
}

AwsRdsIamCredentials Config(std::string username = "iam_app", std::string region = "eu-west-1") {
  AwsRdsIamCredentials config;
  config.region = std::move(region);
  config.username = std::move(username);
  return config;
}

StatusOr<std::unique_ptr<RdsIamSource>> Make(std::string_view base, AwsRdsIamCredentials config,
                                             RdsIamEnvironment environment = Frozen({})) {
  return RdsIamSource::Create(std::move(config), crypto::SecretBuffer::CopyFrom(base),
                              std::move(environment));
}

// The canary credentials, and moto as the STS endpoint.
Variables EndpointVariables(const MotoServer& moto) {
  Variables variables = CanaryCredentials();
  variables["AWS_ENDPOINT_URL_STS"] = moto.Url();
  return variables;
}

// A source that assumes a role, at the endpoint `environment` names.
StatusOr<std::unique_ptr<RdsIamSource>> RoleSource(RdsIamEnvironment environment) {
  AwsRdsIamCredentials config = Config();
  config.role_arn = "arn:aws:iam::123456789012:role/db-access";
  return Make("postgresql://db.example.com/app?sslmode=require", config, std::move(environment));
}

// The access key id a token was signed with.
std::string KeyIdOf(std::string_view token) {
  const std::size_t start = token.find("X-Amz-Credential=") + 17;
  return std::string(token.substr(start, token.find("%2F", start) - start));
}

struct Case {
  std::string base;
  std::string username;
  std::string host;  // as in the token (IPv6 in brackets)
  int port;
  std::string database;
};

TEST(RdsIamSourceTest, TokenInConnectionStringEqualsBotocore) {
  const std::vector<Case> cases = {
      {"postgresql://mydb.abc123.eu-west-1.rds.amazonaws.com:5432/orders?sslmode=verify-full",
       "iam_app", "mydb.abc123.eu-west-1.rds.amazonaws.com", 5432, "orders"},
      {"postgres://MyDB.example.com/shop?sslmode=require&connect_timeout=5", "app user@x",
       "MyDB.example.com", 5432, "shop"},
      {"mysql://aurora.cluster-x.us-east-1.rds.amazonaws.com/app?ssl-mode=REQUIRED", "iam",
       "aurora.cluster-x.us-east-1.rds.amazonaws.com", 3306, "app"},
      {"mariadb://10.0.0.5:3307/app?sslmode=verify_identity", "o'brien", "10.0.0.5", 3307, "app"},
      {"postgresql://[2001:db8::5]:6543/db?sslmode=verify-ca", "iam", "[2001:db8::5]", 6543, "db"},
      {"host=db.example.com port=15432 dbname=reports sslmode=require", "rep'or\\ter",
       "db.example.com", 15432, "reports"},
  };
  std::vector<aurite::testing::RdsTokenCase> reference_cases;
  std::vector<std::string> strings;
  for (const Case& c : cases) {
    StatusOr<std::unique_ptr<RdsIamSource>> source =
        Make(c.base, Config(c.username), Frozen(CanaryCredentials()));
    ASSERT_TRUE(source.ok()) << c.base << ": " << source.status().message();
    StatusOr<crypto::SecretBuffer> text = (*source)->ConnectionString();
    ASSERT_TRUE(text.ok()) << text.status().message();
    strings.emplace_back(text->Reveal());
    reference_cases.push_back({c.host, c.port, c.username, "eu-west-1", kFrozenTime,
                               "ASIAQNZGKIQY56JQ7WML", std::string(kCanarySecret),
                               std::string(kCanaryToken)});
  }
  const auto reference = aurite::testing::BotocoreRdsTokens(reference_cases);
  ASSERT_TRUE(reference.error.empty()) << reference.error;
  for (std::size_t i = 0; i < cases.size(); ++i) {
    StatusOr<sql::ConnectionConfig> parsed = sql::ParseConnectionString(strings[i]);
    ASSERT_TRUE(parsed.ok()) << cases[i].base << ": " << parsed.status().message();
    EXPECT_EQ(parsed->user, cases[i].username) << cases[i].base;
    EXPECT_EQ(parsed->password.Reveal(), reference.tokens[i]) << cases[i].base;
    EXPECT_EQ(parsed->database, cases[i].database) << cases[i].base;
    EXPECT_EQ(parsed->port.value_or(0) != 0 ? *parsed->port : cases[i].port, cases[i].port);
  }
}

TEST(RdsIamSourceTest, EveryCallMakesAFreshToken) {
  auto time = std::make_shared<std::atomic<std::int64_t>>(kFrozenTime);
  RdsIamEnvironment environment = Frozen(CanaryCredentials());
  environment.clock = [time] { return system_clock::time_point(seconds(time->load())); };
  auto source =
      Make("postgresql://db.example.com/app?sslmode=require", Config(), std::move(environment));
  ASSERT_TRUE(source.ok());
  const std::string first((*source)->ConnectionString()->Reveal());
  *time += 60;
  const std::string second((*source)->ConnectionString()->Reveal());
  EXPECT_NE(first, second);
  EXPECT_NE(second.find("X-Amz-Date%3D20240229T120100Z"), std::string::npos) << second.size();
}

TEST(RdsIamSourceTest, RefusesBaseStringsWithoutTls) {
  for (const char* base :
       {"postgresql://db.example.com/app", "postgresql://db.example.com/app?sslmode=disable",
        "postgresql://db.example.com/app?sslmode=allow",
        "postgresql://db.example.com/app?sslmode=prefer", "host=db.example.com sslmode=prefer"}) {
    const Status refused = RdsIamSource::Validate(Config(), crypto::SecretBuffer::CopyFrom(base));
    EXPECT_EQ(refused.code(), StatusCode::kInvalidArgument) << base;
    EXPECT_NE(refused.message().find("add sslmode=verify-full"), std::string::npos)
        << refused.message();
    EXPECT_NE(refused.message().find("sslmode=require"), std::string::npos) << refused.message();
  }
  for (const char* base :
       {"mysql://db.example.com/app", "mariadb://db.example.com/app?ssl-mode=PREFERRED",
        "mysql://db.example.com/app?sslmode=DISABLED"}) {
    const Status refused = RdsIamSource::Validate(Config(), crypto::SecretBuffer::CopyFrom(base));
    EXPECT_EQ(refused.code(), StatusCode::kInvalidArgument) << base;
    EXPECT_NE(refused.message().find("ssl-mode=REQUIRED"), std::string::npos) << refused.message();
  }
}

TEST(RdsIamSourceTest, RefusesBaseStringsWithALoginAndNeverQuotesThem) {
  for (const std::string& base : std::vector<std::string>{
           "postgresql://app:" + std::string(kCanarySecret) + "@db.example.com/app?sslmode=require",
           "postgresql://app@db.example.com/app?sslmode=require",
           "postgresql://db.example.com/app?sslmode=require&password=CANARYpw",
           "mysql://root:CANARYpw@db.example.com/app?ssl-mode=REQUIRED",
           "host=db.example.com user=app password=CANARYpw sslmode=require"}) {
    const Status refused = RdsIamSource::Validate(Config(), crypto::SecretBuffer::CopyFrom(base));
    EXPECT_EQ(refused.code(), StatusCode::kInvalidArgument) << base;
    EXPECT_NE(refused.message().find("must not carry a user or password: remove them"),
              std::string::npos)
        << refused.message();
    ExpectNoCanary(refused);
  }
}

TEST(RdsIamSourceTest, RefusesOtherMistakes) {
  const auto require =
      crypto::SecretBuffer::CopyFrom("postgresql://db.example.com/app?sslmode=require");
  auto refused = [](const AwsRdsIamCredentials& config, std::string_view base) {
    return RdsIamSource::Validate(config, crypto::SecretBuffer::CopyFrom(base));
  };
  const std::string ok_base(require.Reveal());
  EXPECT_TRUE(refused(Config(), ok_base).ok());
  EXPECT_NE(refused(Config(), "sqlite:///data.db").message().find("not with SQLite"),
            std::string::npos);
  EXPECT_NE(refused(Config(), "host=/var/run/postgresql sslmode=require")
                .message()
                .find("must name the database's host"),
            std::string::npos);
  EXPECT_NE(refused(Config(), "postgresql:///app?sslmode=require")
                .message()
                .find("must name the database's host"),
            std::string::npos);
  EXPECT_NE(refused(Config(), "not a connection string").message().find("aws-rds-iam: "),
            std::string::npos);
  EXPECT_NE(refused(Config(""), ok_base).message().find("username must name"), std::string::npos);
  EXPECT_NE(refused(Config("u", "EU-West-1"), ok_base).message().find("region must be"),
            std::string::npos);
  AwsRdsIamCredentials bad_role = Config();
  bad_role.role_arn = "arn:aws:iam::123:role/x";
  EXPECT_NE(refused(bad_role, ok_base).message().find("role_arn must be an IAM role ARN"),
            std::string::npos);
  AwsRdsIamCredentials lonely_session = Config();
  lonely_session.role_session_name = "me";
  EXPECT_NE(refused(lonely_session, ok_base).message().find("only used with role_arn"),
            std::string::npos);
  EXPECT_FALSE(Make(ok_base, Config("")).ok());
}

TEST(RdsIamSourceTest, CredentialErrorsSayHowToProvideThem) {
  auto source = Make("postgresql://db.example.com/app?sslmode=require", Config(),
                     Frozen({{"HOME", "/nonexistent"}}));
  ASSERT_TRUE(source.ok());
  StatusOr<crypto::SecretBuffer> text = (*source)->ConnectionString();
  EXPECT_EQ(text.status().code(), StatusCode::kNotFound);
  EXPECT_NE(text.status().message().find("AWS_ACCESS_KEY_ID"), std::string::npos)
      << text.status().message();

  auto half = Make("postgresql://db.example.com/app?sslmode=require", Config(),
                   Frozen({{"AWS_SECRET_ACCESS_KEY", std::string(kCanarySecret)}}));
  ASSERT_TRUE(half.ok());
  StatusOr<crypto::SecretBuffer> half_text = (*half)->ConnectionString();
  EXPECT_EQ(half_text.status().code(), StatusCode::kInvalidArgument);
  ExpectNoCanary(half_text.status());
}

TEST(RdsIamSourceTest, ProfileOfTheSharedCredentialsFile) {
  const auto file = std::filesystem::temp_directory_path() /
                    ("aurite-rds-iam-" + std::to_string(::getpid()) + ".ini");
  std::ofstream(file) << "[work]\naws_access_key_id = AKIAFROMPROFILE\naws_secret_access_key = "
                      << kCanarySecret << "\n";
  Variables variables = CanaryCredentials();  // ignored: a profile is named
  variables["AWS_SHARED_CREDENTIALS_FILE"] = file.string();
  AwsRdsIamCredentials config = Config();
  config.profile = "work";
  auto source =
      Make("postgresql://db.example.com/app?sslmode=require", config, Frozen(std::move(variables)));
  ASSERT_TRUE(source.ok());
  StatusOr<crypto::SecretBuffer> text = (*source)->ConnectionString();
  std::filesystem::remove(file);
  ASSERT_TRUE(text.ok()) << text.status().message();
  StatusOr<sql::ConnectionConfig> parsed = sql::ParseConnectionString(text->Reveal());
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(KeyIdOf(parsed->password.Reveal()), "AKIAFROMPROFILE");
}

// With role_arn, tokens are signed with moto's temporary credentials, which
// are reused until 5 minutes before they expire (moto: an hour after the
// call), and fetched once for callers that arrive together.
TEST(RdsIamSourceTest, AssumedRoleIsCachedUntilShortlyBeforeExpiry) {
  MotoServer moto;
  ASSERT_EQ(moto.error(), "");
  const std::int64_t start =
      std::chrono::duration_cast<seconds>(system_clock::now().time_since_epoch()).count();
  auto time = std::make_shared<std::atomic<std::int64_t>>(start);
  Variables variables = EndpointVariables(moto);
  variables["AWS_SESSION_TOKEN"] = "";  // long-term source credentials
  RdsIamEnvironment environment = Frozen(std::move(variables));
  environment.clock = [time] { return system_clock::time_point(seconds(time->load())); };
  auto source = RoleSource(std::move(environment));
  ASSERT_TRUE(source.ok()) << source.status().message();

  std::vector<std::string> key_ids(8);
  std::vector<std::thread> callers;
  for (std::size_t i = 0; i < key_ids.size(); ++i) {
    callers.emplace_back([&, i] {
      StatusOr<crypto::SecretBuffer> text = (*source)->ConnectionString();
      if (!text.ok()) return;
      key_ids[i] = KeyIdOf(sql::ParseConnectionString(text->Reveal())->password.Reveal());
    });
  }
  for (std::thread& caller : callers) caller.join();
  const std::string first = key_ids[0];
  EXPECT_TRUE(first.starts_with("ASIA")) << first << "\n" << moto.Log();
  for (const std::string& id : key_ids) EXPECT_EQ(id, first);

  *time = start + 3600 - 301;  // still more than 5 minutes left
  auto cached = (*source)->ConnectionString();
  ASSERT_TRUE(cached.ok()) << cached.status().message();
  EXPECT_EQ(KeyIdOf(sql::ParseConnectionString(cached->Reveal())->password.Reveal()), first);

  *time = start + 3600 - 240;  // within 5 minutes of expiry: assume again
  auto renewed = (*source)->ConnectionString();
  ASSERT_TRUE(renewed.ok()) << renewed.status().message();
  const std::string second =
      KeyIdOf(sql::ParseConnectionString(renewed->Reveal())->password.Reveal());
  EXPECT_TRUE(second.starts_with("ASIA"));
  EXPECT_NE(second, first);

  // One AssumeRole for the eight concurrent callers, one for the renewal.
  const std::string log = moto.Log();
  std::size_t posts = 0;
  for (std::size_t at = log.find("\"POST / HTTP/1.1\" 200"); at != std::string::npos;
       at = log.find("\"POST / HTTP/1.1\" 200", at + 1)) {
    ++posts;
  }
  EXPECT_EQ(posts, 2u) << log;
}

TEST(RdsIamSourceTest, StsRefusalsCarryNoSecret) {
  MotoServer moto;
  ASSERT_EQ(moto.error(), "");
  moto.CreateUser("aurite", "sts:AssumeRole", "*");
  ASSERT_TRUE(moto.EnforceAuthentication()) << moto.Log();
  auto source = RoleSource(Frozen(EndpointVariables(moto)));
  ASSERT_TRUE(source.ok());
  StatusOr<crypto::SecretBuffer> text = (*source)->ConnectionString();
  EXPECT_EQ(text.status().code(), StatusCode::kPermissionDenied);
  EXPECT_NE(text.status().message().find("InvalidClientTokenId"), std::string::npos)
      << text.status().message();
  ExpectNoCanary(text.status());
}

}  // namespace
}  // namespace aurite::credentials
