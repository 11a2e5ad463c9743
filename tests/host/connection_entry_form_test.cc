// The entry form: a connection string taken as given, separate fields
// assembled (and percent-encoded) into one, and bad fields named.
#include "host/connection_entry_form.h"

#include <gtest/gtest.h>

namespace aurite::host {
namespace {

StatusOr<EntryForm> Parse(std::string_view body, std::string_view type = "postgresql") {
  return ParseEntryForm(crypto::SecretBuffer::CopyFrom(body), type);
}

TEST(ConnectionEntryForm, TakesAConnectionStringAsGiven) {
  auto form =
      Parse("csrf=abc&code=ABCD-EFGH&connection_string=postgresql%3A%2F%2Fu%3Ap%2Bq%40h%2Fd");
  ASSERT_TRUE(form.ok()) << form.status().message();
  EXPECT_EQ(form->csrf, "abc");
  EXPECT_EQ(form->code, "ABCD-EFGH");
  EXPECT_EQ(form->connection_string.Reveal(), "postgresql://u:p+q@h/d");
}

TEST(ConnectionEntryForm, AssemblesTheFieldsWithTheirSpecialCharactersEncoded) {
  auto form = Parse(
      "code=x&host=db.example&port=5433&database=sales+eu&user=app&password=p%40ss%3Aw%2Fd+x&"
      "tls=require");
  ASSERT_TRUE(form.ok()) << form.status().message();
  EXPECT_EQ(form->connection_string.Reveal(),
            "postgresql://app:p%40ss%3Aw%2Fd%20x@db.example:5433/sales%20eu?sslmode=require");
  auto mysql = Parse("host=h&database=d&user=u&tls=verify-full", "mariadb");
  ASSERT_TRUE(mysql.ok());
  EXPECT_EQ(mysql->connection_string.Reveal(), "mysql://u@h/d?ssl-mode=VERIFY_IDENTITY");
  auto sqlite = Parse("database=%2Ftmp%2Fa.db", "sqlite");
  ASSERT_TRUE(sqlite.ok());
  EXPECT_EQ(sqlite->connection_string.Reveal(), "sqlite:////tmp/a.db");
}

TEST(ConnectionEntryForm, RefusesBadInputNamingTheFieldButNoValue) {
  const std::string canary = "Canary-pw-7319";
  struct Case {
    std::string body;
    std::string type;
    std::string says;
  } cases[] = {
      {"host=h&database=d&password=" + canary, "postgresql", "user"},
      {"connection_string=x&password=" + canary, "postgresql", "not both"},
      {"host=h&database=d&user=u&port=54x&password=" + canary, "postgresql", "port"},
      {"host=h%2Fx&database=d&user=u&password=" + canary, "postgresql", "host"},
      {"host=h&database=d&user=u&tls=maybe&password=" + canary, "postgresql", "TLS"},
      {"host=h&database=d&user=u&password=" + canary, "sql", "engine"},
      {"password=%zz" + canary, "postgresql", "password"},
      {"code=1&code=2", "postgresql", "repeated"},
      {"code=1&admin=1", "postgresql", "unknown"},
  };
  for (const Case& c : cases) {
    auto form = Parse(c.body, c.type);
    ASSERT_FALSE(form.ok()) << c.body;
    EXPECT_NE(form.status().message().find(c.says), std::string::npos) << form.status().message();
    EXPECT_EQ(form.status().message().find(canary), std::string::npos);
  }
}

}  // namespace
}  // namespace aurite::host
