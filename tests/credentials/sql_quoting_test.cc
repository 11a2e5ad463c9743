// Quoting of identifiers and literals: every quote and backslash stays
// inside the token, in each engine and sql_mode, and values that could
// break out through a character set or a NUL are refused.
#include "credentials/sql_quoting.h"

#include <gtest/gtest.h>

#include <string>

namespace aurite::credentials {
namespace {

constexpr SqlQuoting kPostgres{sql::Engine::kPostgres, true};
constexpr SqlQuoting kMariaDb{sql::Engine::kMariaDb, true};
constexpr SqlQuoting kMariaDbNoBackslash{sql::Engine::kMariaDb, false};

using Append = Status (*)(const SqlQuoting&, std::string_view, std::string_view,
                          crypto::SecretBuffer&);

std::string Quoted(Append append, const SqlQuoting& quoting, std::string_view value) {
  crypto::SecretBuffer out;
  Status status = append(quoting, value, "the value", out);
  EXPECT_TRUE(status.ok()) << status.ToString();
  return std::string(out.Reveal());
}

std::string Identifier(const SqlQuoting& quoting, std::string_view name) {
  return Quoted(&AppendQuotedIdentifier, quoting, name);
}

std::string Literal(const SqlQuoting& quoting, std::string_view value) {
  return Quoted(&AppendQuotedLiteral, quoting, value);
}

TEST(SqlQuotingTest, PostgresIdentifiersDoubleTheirQuotes) {
  EXPECT_EQ(Identifier(kPostgres, "aurite_orders_abc"), "\"aurite_orders_abc\"");
  EXPECT_EQ(Identifier(kPostgres, "a\"; DROP ROLE x; --"), "\"a\"\"; DROP ROLE x; --\"");
  EXPECT_EQ(Identifier(kPostgres, "back\\slash'quote`"), "\"back\\slash'quote`\"");
}

TEST(SqlQuotingTest, PostgresLiteralsUseTheEFormOnlyForBackslashes) {
  EXPECT_EQ(Literal(kPostgres, "plain"), "'plain'");
  EXPECT_EQ(Literal(kPostgres, "it's"), "'it''s'");
  EXPECT_EQ(Literal(kPostgres, "a\\'; DROP ROLE x; --"), " E'a\\\\''; DROP ROLE x; --'");
  EXPECT_EQ(Literal(kPostgres, ""), "''");
}

TEST(SqlQuotingTest, MariaDbIdentifiersUseBackticks) {
  EXPECT_EQ(Identifier(kMariaDb, "aurite_x"), "`aurite_x`");
  EXPECT_EQ(Identifier(kMariaDb, "a`; DROP USER root; #"), "`a``; DROP USER root; #`");
  EXPECT_EQ(Identifier(kMariaDbNoBackslash, "a\\b'c\"d"), "`a\\b'c\"d`");
}

TEST(SqlQuotingTest, MariaDbLiteralsFollowNoBackslashEscapes) {
  EXPECT_EQ(Literal(kMariaDb, "a\\' OR 1=1 -- "), "'a\\\\'' OR 1=1 -- '");
  EXPECT_EQ(Literal(kMariaDbNoBackslash, "a\\' OR 1=1 -- "), "'a\\'' OR 1=1 -- '");
}

TEST(SqlQuotingTest, NulAndInvalidUtf8AreRefusedWithoutShowingTheValue) {
  const std::string with_nul("secret-canary\0x", 15);
  for (const SqlQuoting& quoting : {kPostgres, kMariaDb}) {
    crypto::SecretBuffer out;
    Status nul = AppendQuotedLiteral(quoting, with_nul, "the password", out);
    EXPECT_EQ(nul.code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(nul.message().find("canary"), std::string::npos) << nul.message();
    // GBK reads 0xbf 0x5c as one character: a doubled backslash after 0xbf
    // would leave the quote that follows unescaped. Not UTF-8, so refused.
    Status gbk = AppendQuotedLiteral(quoting, "secret-canary\xbf\\'", "the password", out);
    EXPECT_EQ(gbk.code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(gbk.message().find("canary"), std::string::npos) << gbk.message();
    EXPECT_EQ(AppendQuotedIdentifier(quoting, "", "the name", out).code(),
              StatusCode::kInvalidArgument);
  }
}

TEST(SqlQuotingTest, SqliteHasNoUsers) {
  crypto::SecretBuffer out;
  Status status = AppendQuotedIdentifier({sql::Engine::kSqlite, true}, "x", "the name", out);
  EXPECT_EQ(status.code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(status.message().find("SQLite"), std::string::npos);
  EXPECT_EQ(CheckEngineHasUsers(sql::Engine::kSqlite).code(), StatusCode::kFailedPrecondition);
  EXPECT_TRUE(CheckEngineHasUsers(sql::Engine::kMariaDb).ok());
}

}  // namespace
}  // namespace aurite::credentials
