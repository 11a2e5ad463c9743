// The audit log's literal masking: every literal and comment goes, the
// statement's shape (keywords, identifiers, placeholders) stays.
#include "security/statement_masking.h"

#include <gtest/gtest.h>

namespace aurite::security {
namespace {

std::string Pg(std::string_view sql) { return MaskSqlLiterals(sql, SqlDialect::kStandard); }
std::string My(std::string_view sql) { return MaskSqlLiterals(sql, SqlDialect::kMariaDb); }

TEST(StatementMaskingTest, StringsAndNumbersBecomeQuestionMarks) {
  EXPECT_EQ(Pg("SELECT * FROM t1 WHERE email = 'a@b.c' AND n > 42 AND f < 1.5e-3"),
            "SELECT * FROM t1 WHERE email = ? AND n > ? AND f < ?");
  EXPECT_EQ(Pg("SELECT 'it''s', .5, 0x1F"), "SELECT ?, ?, ?");
}

TEST(StatementMaskingTest, PostgresQuotingForms) {
  // A backslash ends nothing in a standard string, but escapes in E''.
  EXPECT_EQ(Pg(R"(SELECT 'a\', 'secret')"), "SELECT ?, ?");
  EXPECT_EQ(Pg(R"(SELECT E'a\'secret', x)"), "SELECT E?, x");
  EXPECT_EQ(Pg("SELECT $$a 'secret' $$, $tag$ $$ secret $tag$, $1"), "SELECT ?, ?, $1");
  EXPECT_EQ(Pg(R"(SELECT "Odd ""name"" 1" FROM "t")"), R"(SELECT "Odd ""name"" 1" FROM "t")");
  EXPECT_EQ(Pg("SELECT 1 /* a /* nested */ secret */ -- secret\nFROM t"), "SELECT ?    \nFROM t");
}

TEST(StatementMaskingTest, MariaDbQuotingForms) {
  EXPECT_EQ(My(R"(SELECT 'a\'secret', "b\"secret", `col 1` # secret)"), "SELECT ?, ?, `col 1`  ");
  EXPECT_EQ(My("ALTER USER u IDENTIFIED BY 'hunter2'"), "ALTER USER u IDENTIFIED BY ?");
}

// The engine not known: both engines' strings are masked, and after a
// backslash in a string (whose end depends on the engine) everything is.
TEST(StatementMaskingTest, UnknownEnginesMaskTheUnionOfTheRules) {
  auto unknown = [](std::string_view sql) { return MaskSqlLiterals(sql, SqlDialect::kUnknown); };
  EXPECT_EQ(unknown(R"(SELECT "a", `b`, 'c', $$d$$, 1 # e)"), "SELECT ?, `b`, ?, ?, ?  ");
  EXPECT_EQ(unknown(R"(SELECT 'a\', 'secret', x)"), "SELECT ?");
  EXPECT_EQ(unknown(R"(SELECT "a\", "secret")"), "SELECT ?");
}

TEST(StatementMaskingTest, UnterminatedLiteralsMaskToTheEnd) {
  EXPECT_EQ(Pg("SELECT 'secret"), "SELECT ?");
  EXPECT_EQ(Pg("SELECT $q$ secret"), "SELECT ?");
  EXPECT_EQ(Pg("SELECT /* secret"), "SELECT  ");
  EXPECT_EQ(My(R"(SELECT 'secret\)"), "SELECT ?");
}

}  // namespace
}  // namespace aurite::security
