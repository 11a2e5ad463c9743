// ParseConnectionString: every accepted form, percent-decoding, hard passwords and clear errors.
#include "sql/connection_string.h"

#include <gtest/gtest.h>

namespace aurite::sql {
namespace {

ConnectionConfig Parse(std::string_view text) {
  StatusOr<ConnectionConfig> config = ParseConnectionString(text);
  EXPECT_TRUE(config.ok()) << text << ": " << config.status().ToString();
  return config.ok() ? std::move(config).value() : ConnectionConfig{};
}

TEST(ConnectionStringTest, PostgresUri) {
  for (std::string_view scheme : {"postgres", "postgresql", "postgresql+psycopg2", "POSTGRESQL"}) {
    ConnectionConfig config = Parse(std::string(scheme) + "://app:secret@db.example:6543/sales");
    EXPECT_EQ(config.engine, Engine::kPostgres);
    EXPECT_EQ(config.host, "db.example");
    EXPECT_EQ(config.port, 6543);
    EXPECT_EQ(config.user, "app");
    EXPECT_EQ(config.password.Reveal(), "secret");
    EXPECT_EQ(config.database, "sales");
  }
}

TEST(ConnectionStringTest, MariaDbAndMySqlUris) {
  for (std::string_view scheme : {"mysql", "mariadb", "mysql+pymysql"}) {
    ConnectionConfig config = Parse(std::string(scheme) + "://root@localhost/shop");
    EXPECT_EQ(config.engine, Engine::kMariaDb);
    EXPECT_EQ(config.host, "localhost");
    EXPECT_FALSE(config.port.has_value());
    EXPECT_EQ(config.user, "root");
    EXPECT_TRUE(config.password.empty());
    EXPECT_EQ(config.database, "shop");
  }
}

TEST(ConnectionStringTest, SqliteForms) {
  EXPECT_EQ(Parse("sqlite::memory:").path, ":memory:");
  EXPECT_EQ(Parse("sqlite://").path, ":memory:");
  EXPECT_EQ(Parse("sqlite:///:memory:").path, ":memory:");
  EXPECT_EQ(Parse("sqlite:///data/app.db").path, "data/app.db");
  EXPECT_EQ(Parse("sqlite:////var/lib/app.db").path, "/var/lib/app.db");
  EXPECT_EQ(Parse("sqlite:////var/lib/app.db").engine, Engine::kSqlite);
}

TEST(ConnectionStringTest, PercentEncodedPasswordWithEverySpecialCharacter) {
  ConnectionConfig config = Parse(
      "postgresql://app:p%40ss%3Aw%2Frd%3B%27%22%7D%25%3D%26%23%2B%20%C3%BC@127.0.0.1:5432/db");
  EXPECT_EQ(config.password.Reveal(), "p@ss:w/rd;'\"}%=&#+ ü");
  EXPECT_EQ(config.host, "127.0.0.1");
}

TEST(ConnectionStringTest, UnencodedSpecialCharactersInPasswordStillParse) {
  ConnectionConfig config = Parse("mysql://app:p@ss:w/rd;x@db:3306/shop");
  EXPECT_EQ(config.user, "app");
  EXPECT_EQ(config.password.Reveal(), "p@ss:w/rd;x");
  EXPECT_EQ(config.host, "db");
  EXPECT_EQ(config.port, 3306);
  EXPECT_EQ(config.database, "shop");
}

TEST(ConnectionStringTest, PercentEncodedUserAndDatabase) {
  ConnectionConfig config = Parse("postgresql://us%40er@host/my%20db");
  EXPECT_EQ(config.user, "us@er");
  EXPECT_EQ(config.database, "my db");
}

TEST(ConnectionStringTest, Ipv6Host) {
  ConnectionConfig config = Parse("postgresql://u@[::1]:5433/db");
  EXPECT_EQ(config.host, "::1");
  EXPECT_EQ(config.port, 5433);
}

TEST(ConnectionStringTest, PostgresTlsOptionsPassThrough) {
  ConnectionConfig config = Parse(
      "postgresql://u@h/db?sslmode=verify-full&sslrootcert=%2Fetc%2Fca.pem&application_name=x");
  EXPECT_EQ(config.options.at("sslmode"), "verify-full");
  EXPECT_EQ(config.options.at("sslrootcert"), "/etc/ca.pem");
  EXPECT_EQ(config.options.at("application_name"), "x");
}

TEST(ConnectionStringTest, PostgresQueryParametersCanNameFields) {
  ConnectionConfig config =
      Parse("postgresql:///db?host=%2Fvar%2Frun%2Fpostgresql&user=u&password=p%26q&port=5444");
  EXPECT_EQ(config.host, "/var/run/postgresql");
  EXPECT_EQ(config.user, "u");
  EXPECT_EQ(config.password.Reveal(), "p&q");
  EXPECT_EQ(config.port, 5444);
  EXPECT_TRUE(config.options.empty());
}

TEST(ConnectionStringTest, MariaDbTlsOptionsAreNormalised) {
  ConnectionConfig config =
      Parse("mariadb://u@h/db?ssl-mode=VERIFY_IDENTITY&ssl_ca=%2Fca.pem&sslcert=%2Fc.pem");
  EXPECT_EQ(config.options.at("ssl-mode"), "VERIFY_IDENTITY");
  EXPECT_EQ(config.options.at("ssl-ca"), "/ca.pem");
  EXPECT_EQ(config.options.at("ssl-cert"), "/c.pem");
}

TEST(ConnectionStringTest, LibpqKeywordValue) {
  ConnectionConfig config = Parse(
      "host=db.example port=5433 dbname=sales user=app password='it\\'s a \\\\secret' "
      "sslmode=require");
  EXPECT_EQ(config.engine, Engine::kPostgres);
  EXPECT_EQ(config.host, "db.example");
  EXPECT_EQ(config.port, 5433);
  EXPECT_EQ(config.database, "sales");
  EXPECT_EQ(config.user, "app");
  EXPECT_EQ(config.password.Reveal(), "it's a \\secret");
  EXPECT_EQ(config.options.at("sslmode"), "require");
}

TEST(ConnectionStringTest, KeywordValueWithSpacesAroundEquals) {
  ConnectionConfig config = Parse("  host = h   password = p@ss:w/rd;'x ");
  EXPECT_EQ(config.host, "h");
  EXPECT_EQ(config.password.Reveal(), "p@ss:w/rd;'x");
}

TEST(ConnectionStringTest, ErrorsSayWhatIsWrong) {
  struct Case {
    std::string_view input;
    std::string_view expected;
  };
  const Case cases[] = {
      {"", "empty"},
      {"ftp://u@h/db", "unsupported scheme"},
      {"just some words", "not recognised"},
      {"postgresql://u@h:port/db", "host or port"},
      {"postgresql://u@h:70000/db", "host or port"},
      {"postgresql://u:pa%zzss@h/db", "percent-encoding in the password"},
      {"mysql://u@h/db?frobnicate=1", "unsupported MariaDB/MySQL option"},
      {"host=h password='unterminated", "unterminated"},
      {"host=h =x", "keyword"},
      {"sqlite:relative.db", "SQLite needs"},
      {"sqlite:///a.db?mode=rw", "no options"},
  };
  for (const Case& c : cases) {
    StatusOr<ConnectionConfig> config = ParseConnectionString(c.input);
    ASSERT_FALSE(config.ok()) << c.input;
    EXPECT_EQ(config.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(config.status().message().find(c.expected), std::string::npos)
        << c.input << " -> " << config.status().message();
  }
}

TEST(ConnectionStringTest, MaskedFormHidesOnlyThePassword) {
  EXPECT_EQ(Parse("postgresql+psycopg2://app:s3cret@db:5432/sales?sslmode=require").Masked(),
            "postgresql://app:****@db:5432/sales?sslmode=require");
  EXPECT_EQ(Parse("mysql://app@db/shop").Masked(), "mariadb://app@db/shop");
  EXPECT_EQ(Parse("sqlite:////tmp/a.db").Masked(), "sqlite:////tmp/a.db");
  EXPECT_EQ(Parse("sqlite::memory:").Masked(), "sqlite::memory:");
}

TEST(ConnectionStringTest, CloneCopiesThePassword) {
  ConnectionConfig config = Parse("postgresql://app:pw@h/db");
  ConnectionConfig copy = config.Clone();
  EXPECT_EQ(copy.password.Reveal(), "pw");
  EXPECT_EQ(copy.host, "h");
}

}  // namespace
}  // namespace aurite::sql
