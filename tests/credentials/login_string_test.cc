// WithLogin: the login the host fills in reads back, through the sql
// layer's own parser, as exactly the user and password given, whatever
// characters they hold, in URIs and libpq keyword strings alike.
#include "credentials/login_string.h"

#include <gtest/gtest.h>

#include "sql/connection_string.h"

namespace aurite::credentials {
namespace {

constexpr std::string_view kHardPassword = "p@ss:w/rd?#%'\\ \"x=y&z";

sql::ConnectionConfig ParseBack(const crypto::SecretBuffer& login) {
  StatusOr<sql::ConnectionConfig> parsed = sql::ParseConnectionString(login.Reveal());
  EXPECT_TRUE(parsed.ok()) << parsed.status().message();
  return parsed.ok() ? std::move(parsed).value() : sql::ConnectionConfig{};
}

TEST(LoginStringTest, UriGetsAPercentEncodedLogin) {
  for (std::string_view base : {"postgresql://127.0.0.1:5432/orders?sslmode=require",
                                "mysql://db.internal:3306/orders", "mariadb://[::1]/orders"}) {
    StatusOr<crypto::SecretBuffer> login =
        WithLogin(crypto::SecretBuffer::CopyFrom(base), "aurite_orders_x1",
                  crypto::SecretBuffer::CopyFrom(kHardPassword));
    ASSERT_TRUE(login.ok()) << login.status().message();
    sql::ConnectionConfig parsed = ParseBack(*login);
    EXPECT_EQ(parsed.user, "aurite_orders_x1") << base;
    EXPECT_EQ(parsed.password.Reveal(), kHardPassword) << base;
  }
  StatusOr<crypto::SecretBuffer> login = WithLogin(
      crypto::SecretBuffer::CopyFrom("postgresql://127.0.0.1:5432/orders?sslmode=require"),
      "user@example.com", crypto::SecretBuffer::CopyFrom(kHardPassword));
  ASSERT_TRUE(login.ok());
  sql::ConnectionConfig parsed = ParseBack(*login);
  EXPECT_EQ(parsed.host, "127.0.0.1");
  EXPECT_EQ(parsed.database, "orders");
  EXPECT_EQ(parsed.options.at("sslmode"), "require");
  EXPECT_EQ(parsed.user, "user@example.com");
}

TEST(LoginStringTest, KeywordStringGetsQuotedValues) {
  StatusOr<crypto::SecretBuffer> login =
      WithLogin(crypto::SecretBuffer::CopyFrom("host=127.0.0.1 port=5432 dbname=orders"), "it's me",
                crypto::SecretBuffer::CopyFrom(kHardPassword));
  ASSERT_TRUE(login.ok()) << login.status().message();
  sql::ConnectionConfig parsed = ParseBack(*login);
  EXPECT_EQ(parsed.user, "it's me");
  EXPECT_EQ(parsed.password.Reveal(), kHardPassword);
  EXPECT_EQ(parsed.database, "orders");
}

TEST(LoginStringTest, RefusesSqliteAnExistingLoginAndGarbageWithoutQuotingThem) {
  const crypto::SecretBuffer password = crypto::SecretBuffer::CopyFrom("canary-pw-77");
  EXPECT_FALSE(WithLogin(crypto::SecretBuffer::CopyFrom("sqlite:///tmp/x.db"), "u", password).ok());
  StatusOr<crypto::SecretBuffer> twice =
      WithLogin(crypto::SecretBuffer::CopyFrom("postgresql://app:canary-old@h/o"), "u", password);
  ASSERT_FALSE(twice.ok());
  EXPECT_NE(twice.status().message().find("already names a user or password"), std::string::npos);
  EXPECT_EQ(twice.status().message().find("canary"), std::string::npos);
  StatusOr<crypto::SecretBuffer> garbage =
      WithLogin(crypto::SecretBuffer::CopyFrom("nosuch://canary-host"), "u", password);
  ASSERT_FALSE(garbage.ok());
  EXPECT_EQ(garbage.status().message().find("canary"), std::string::npos);
  EXPECT_FALSE(WithLogin(crypto::SecretBuffer::CopyFrom("postgresql://h/o"), "", password).ok());
}

}  // namespace
}  // namespace aurite::credentials
