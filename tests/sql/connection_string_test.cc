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
      {"postgresql://u@h!x/db", "host or port"},
      {"postgresql://u@h:/db", "host or port"},
      {"postgresql://u:pa%zzss@h/db", "percent-encoding in the password"},
      {"mysql://u@h/db?frobnicate=1", "unsupported MariaDB/MySQL option"},
      {"host=h password='unterminated", "unterminated"},
      {"host=h =x", "keyword"},
      {"sqlite:relative.db", "SQLite needs"},
      {"sqlite:///a.db?mode=rw", "no options"},
      // Found by fuzz/connection_string_fuzz: a scheme alone threw out_of_range.
      {"sqlite", "not recognised"},
      {" SQLite ", "not recognised"},
  };
  for (const Case& c : cases) {
    StatusOr<ConnectionConfig> config = ParseConnectionString(c.input);
    ASSERT_FALSE(config.ok()) << c.input;
    EXPECT_EQ(config.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(config.status().message().find(c.expected), std::string::npos)
        << c.input << " -> " << config.status().message();
  }
}

// A port that is not a number in 1-65535 is named as such, in every form,
// without echoing the input (which may hold a password).
TEST(ConnectionStringTest, PortOutOfRangeSaysSo) {
  for (std::string_view input :
       {"postgresql://u:canary-pw@h:70000/db", "postgresql://u:canary-pw@h:0/db",
        "postgresql://u:canary-pw@h:-1/db", "postgresql://u:canary-pw@h:port/db",
        "postgresql://u:canary-pw@h:99999999999/db", "mysql://u:canary-pw@[::1]:65536/db",
        "postgresql://u:canary-pw@:0/db", "postgresql:///db?port=70000&password=canary-pw",
        "host=h port=-1 password=canary-pw"}) {
    StatusOr<ConnectionConfig> config = ParseConnectionString(input);
    ASSERT_FALSE(config.ok()) << input;
    EXPECT_EQ(config.status().code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(config.status().message(), "connection string: port must be 1-65535") << input;
  }
  EXPECT_EQ(Parse("postgresql://u@h:65535/db").port, 65535);
  EXPECT_EQ(Parse("postgresql://u@h:1/db").port, 1);
}

// Every option whose name is secret (crypto::IsSecretKeyName) is kept in a
// SecretBuffer, not with the plain options, in every form and any case.
TEST(ConnectionStringTest, SecretOptionsAreKeptApartFromPlainOptions) {
  ConnectionConfig uri = Parse(
      "postgresql://u@h/db?sslmode=require&sslpassword=c1&api_key=c2&token=c3&SSLPASSWORD=c4");
  EXPECT_EQ(uri.options.size(), 1u);
  EXPECT_EQ(uri.options.at("sslmode"), "require");
  EXPECT_EQ(uri.secret_options.size(), 4u);
  EXPECT_EQ(uri.secret_options.at("sslpassword").Reveal(), "c1");
  EXPECT_EQ(uri.secret_options.at("api_key").Reveal(), "c2");
  EXPECT_EQ(uri.secret_options.at("token").Reveal(), "c3");
  EXPECT_EQ(uri.secret_options.at("SSLPASSWORD").Reveal(), "c4");

  ConnectionConfig keywords = Parse("host=h sslpassword='a b' PWD=c5 sslkey=/k.pem sslcert=/c");
  EXPECT_EQ(keywords.secret_options.at("sslpassword").Reveal(), "a b");
  EXPECT_EQ(keywords.secret_options.at("PWD").Reveal(), "c5");
  EXPECT_EQ(keywords.secret_options.at("sslkey").Reveal(), "/k.pem");
  EXPECT_EQ(keywords.options.size(), 1u);
  EXPECT_EQ(keywords.options.at("sslcert"), "/c");

  for (std::string_view name : {"ssl-passphrase", "SSL_PASSPHRASE", "tls-passphrase",
                                "Tls_Passphrase", "ssl-key-passphrase", "sslpassword"}) {
    ConnectionConfig mariadb = Parse("mariadb://u@h/db?" + std::string(name) + "=p%26q");
    EXPECT_TRUE(mariadb.options.empty()) << name;
    EXPECT_EQ(mariadb.secret_options.at("ssl-passphrase").Reveal(), "p&q") << name;
  }
}

TEST(ConnectionStringTest, MaskedFormHidesEverySecretOption) {
  EXPECT_EQ(Parse("postgresql://app:pw@db/sales?sslmode=require&sslpassword=c1&api_key=c2&"
                  "sslrootcert=%2Fca.pem")
                .Masked(),
            "postgresql://app:****@db/sales?api_key=****&sslmode=require&sslpassword=****&"
            "sslrootcert=%2Fca.pem");
  EXPECT_EQ(Parse("host=db user=app PWD=c3 token=c4").Masked(),
            "postgresql://app@db?PWD=****&token=****");
  EXPECT_EQ(Parse("mysql://app@db/shop?ssl-mode=REQUIRED&tls-passphrase=c5").Masked(),
            "mariadb://app@db/shop?ssl-mode=REQUIRED&ssl-passphrase=****");
}

TEST(ConnectionStringTest, MaskedFormHidesOnlyThePassword) {
  EXPECT_EQ(Parse("postgresql+psycopg2://app:s3cret@db:5432/sales?sslmode=require").Masked(),
            "postgresql://app:****@db:5432/sales?sslmode=require");
  EXPECT_EQ(Parse("mysql://app@db/shop").Masked(), "mariadb://app@db/shop");
  EXPECT_EQ(Parse("sqlite:////tmp/a.db").Masked(), "sqlite:////tmp/a.db");
  EXPECT_EQ(Parse("sqlite::memory:").Masked(), "sqlite::memory:");
}

TEST(ConnectionStringTest, CloneCopiesThePasswordAndTheSecretOptions) {
  ConnectionConfig config = Parse("postgresql://app:pw@h/db?sslpassword=sp&sslmode=require");
  ConnectionConfig copy = config.Clone();
  EXPECT_EQ(copy.password.Reveal(), "pw");
  EXPECT_EQ(copy.host, "h");
  EXPECT_EQ(copy.secret_options.at("sslpassword").Reveal(), "sp");
  EXPECT_EQ(copy.options.at("sslmode"), "require");
}

TEST(ConnectionStringTest, ScrubSecretsRemovesThePasswordAndEverySecretOption) {
  ConnectionConfig config = Parse("postgresql://app:pw-one@h/db?sslpassword=pw-two&token=pw-3");
  EXPECT_EQ(config.ScrubSecrets("bad pw-one, pw-two and pw-3\n"), "bad ****, **** and ****");
}

}  // namespace
}  // namespace aurite::sql
