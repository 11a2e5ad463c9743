// Generated logins: names that fit each engine and show the connection,
// passwords with enough entropy from a safe alphabet, and login connection
// strings that parse back to exactly that user and password.
#include "credentials/generated_login.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "sql/connection_string.h"

namespace aurite::credentials {
namespace {

TEST(GeneratedLoginTest, NamesShowTheConnectionAndFitTheEngine) {
  StatusOr<std::string> name = NewDynamicUserName(sql::Engine::kPostgres, "Orders-EU (prod)");
  ASSERT_TRUE(name.ok());
  EXPECT_TRUE(name->starts_with("aurite_orders_eu_prod_")) << *name;
  EXPECT_EQ(name->size(), std::string("aurite_orders_eu_prod_").size() + kUserNameRandomChars);
  const std::string huge(500, 'x');
  for (sql::Engine engine : {sql::Engine::kPostgres, sql::Engine::kMariaDb}) {
    StatusOr<std::string> long_name = NewDynamicUserName(engine, huge);
    ASSERT_TRUE(long_name.ok());
    EXPECT_EQ(long_name->size(), MaxUserNameLength(engine));
    EXPECT_EQ(long_name->find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_"),
              std::string::npos);
  }
  StatusOr<std::string> bare = NewDynamicUserName(sql::Engine::kMariaDb, "\xc3\xbc-\"'`");
  ASSERT_TRUE(bare.ok());
  EXPECT_EQ(bare->size(), kDynamicUserPrefix.size() + kUserNameRandomChars) << *bare;
  EXPECT_EQ(NewDynamicUserName(sql::Engine::kSqlite, "x").status().code(),
            StatusCode::kFailedPrecondition);
}

TEST(GeneratedLoginTest, NamesAndPasswordsAreNeverRepeated) {
  std::set<std::string> names;
  std::set<std::string> passwords;
  for (int i = 0; i < 1000; ++i) {
    names.insert(*NewDynamicUserName(sql::Engine::kPostgres, "orders"));
    crypto::SecretBuffer password = NewPassword();
    ASSERT_EQ(password.size(), kPasswordChars);
    for (char c : password.Reveal()) ASSERT_TRUE(std::isalnum(static_cast<unsigned char>(c)));
    passwords.insert(std::string(password.Reveal()));
  }
  EXPECT_EQ(names.size(), 1000u);
  EXPECT_EQ(passwords.size(), 1000u);
}

TEST(GeneratedLoginTest, LoginConnectionStringsReadBackAsTheGeneratedLogin) {
  const crypto::SecretBuffer password = crypto::SecretBuffer::CopyFrom("p@ss:w/rd?'\\ \xc3\xbc");
  for (std::string_view base :
       {"postgresql://127.0.0.1:5432/orders?sslmode=prefer", "mariadb://db.internal/orders",
        "host=127.0.0.1 port=5432 dbname=orders"}) {
    StatusOr<crypto::SecretBuffer> login = LoginConnectionString(base, "aurite_orders_x", password);
    ASSERT_TRUE(login.ok()) << base << ": " << login.status().ToString();
    StatusOr<sql::ConnectionConfig> parsed = sql::ParseConnectionString(login->Reveal());
    ASSERT_TRUE(parsed.ok());
    EXPECT_EQ(parsed->user, "aurite_orders_x");
    EXPECT_TRUE(parsed->password.Equals(password));
    EXPECT_EQ(parsed->database, "orders");
  }
  // A user name of any characters (exec and aws-rds-iam users are the
  // operator's), quoted in a keyword string too.
  for (std::string_view base :
       {"postgresql://127.0.0.1:5432/orders", "host=127.0.0.1 port=5432 dbname=orders"}) {
    StatusOr<crypto::SecretBuffer> login =
        LoginConnectionString(base, "it's me@example.com", password);
    ASSERT_TRUE(login.ok()) << base << ": " << login.status().ToString();
    StatusOr<sql::ConnectionConfig> parsed = sql::ParseConnectionString(login->Reveal());
    ASSERT_TRUE(parsed.ok());
    EXPECT_EQ(parsed->user, "it's me@example.com") << base;
  }
  StatusOr<crypto::SecretBuffer> login =
      LoginConnectionString("postgresql://127.0.0.1:5432/orders?sslmode=prefer", "aurite_o_x",
                            crypto::SecretBuffer::CopyFrom("AbC123"));
  ASSERT_TRUE(login.ok());
  EXPECT_EQ(login->Reveal(), "postgresql://aurite_o_x:AbC123@127.0.0.1:5432/orders?sslmode=prefer");
}

TEST(GeneratedLoginTest, BaseStringsThatNameALoginOrCannotHaveOneAreRefused) {
  const crypto::SecretBuffer password = crypto::SecretBuffer::CopyFrom("Canary-pw");
  for (std::string_view base :
       {"postgresql://app@127.0.0.1/orders", "postgresql://app:secret@127.0.0.1/orders",
        "host=db user=app", "mariadb://127.0.0.1/orders?password=x", "not a connection string"}) {
    StatusOr<crypto::SecretBuffer> login = LoginConnectionString(base, "aurite_x", password);
    EXPECT_EQ(login.status().code(), StatusCode::kInvalidArgument) << base;
    EXPECT_EQ(login.status().message().find("Canary"), std::string::npos);
  }
  EXPECT_EQ(LoginConnectionString("sqlite:///tmp/x.db", "aurite_x", password).status().code(),
            StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace aurite::credentials
