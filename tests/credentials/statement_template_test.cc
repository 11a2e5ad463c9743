// Statement templates: placeholders become quoted tokens, hostile names and
// passwords stay inside them, and broken templates are errors that name the
// problem but never a value.
#include "credentials/statement_template.h"

#include <gtest/gtest.h>

#include <string>

namespace aurite::credentials {
namespace {

constexpr SqlQuoting kPostgresQuoting{sql::Engine::kPostgres, true};
constexpr SqlQuoting kMariaDbQuoting{sql::Engine::kMariaDb, true};

StatusOr<std::string> Expand(std::string_view statement, const SqlQuoting& quoting,
                             const TemplateValues& values) {
  AURITE_ASSIGN_OR_RETURN(crypto::SecretBuffer out, ExpandStatement(statement, quoting, values));
  return std::string(out.Reveal());
}

TEST(StatementTemplateTest, FillsEachPlaceholderWithAQuotedToken) {
  crypto::SecretBuffer password = crypto::SecretBuffer::CopyFrom("pw");
  TemplateValues values{"creation", "aurite_x", &password, "2030-01-02 03:04:05+00"};
  StatusOr<std::string> pg =
      Expand("CREATE ROLE {{name}} LOGIN PASSWORD {{password}} VALID UNTIL {{expiration}}",
             kPostgresQuoting, values);
  ASSERT_TRUE(pg.ok()) << pg.status().ToString();
  EXPECT_EQ(*pg,
            "CREATE ROLE \"aurite_x\" LOGIN PASSWORD 'pw' VALID UNTIL '2030-01-02 03:04:05+00'");
  StatusOr<std::string> my =
      Expand("CREATE USER {{name}} IDENTIFIED BY {{password}}", kMariaDbQuoting, values);
  ASSERT_TRUE(my.ok());
  EXPECT_EQ(*my, "CREATE USER `aurite_x` IDENTIFIED BY 'pw'");
}

TEST(StatementTemplateTest, HostileNamesAndPasswordsCannotBreakOut) {
  crypto::SecretBuffer password = crypto::SecretBuffer::CopyFrom("x'; DROP ROLE postgres; --\\");
  TemplateValues values{"creation", "n\"; DROP ROLE postgres; --", &password, std::nullopt};
  StatusOr<std::string> pg =
      Expand("CREATE ROLE {{name}} PASSWORD {{password}}", kPostgresQuoting, values);
  ASSERT_TRUE(pg.ok());
  EXPECT_EQ(*pg,
            "CREATE ROLE \"n\"\"; DROP ROLE postgres; --\" PASSWORD  E'x''; DROP ROLE postgres; "
            "--\\\\'");
  values.name = "n`; DROP USER root; #";
  StatusOr<std::string> my =
      Expand("CREATE USER {{name}} IDENTIFIED BY {{password}}", kMariaDbQuoting, values);
  ASSERT_TRUE(my.ok());
  EXPECT_EQ(*my,
            "CREATE USER `n``; DROP USER root; #` IDENTIFIED BY 'x''; DROP ROLE postgres; --\\\\'");
}

TEST(StatementTemplateTest, UnknownAndUnclosedPlaceholdersAreErrors) {
  TemplateValues values{"revocation", "aurite_x", nullptr, std::nullopt};
  StatusOr<std::string> unknown = Expand("DROP ROLE {{username}}", kPostgresQuoting, values);
  EXPECT_EQ(unknown.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(unknown.status().message().find("{{username}}"), std::string::npos)
      << unknown.status().message();
  EXPECT_EQ(Expand("DROP ROLE {{name}", kPostgresQuoting, values).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(Expand("DROP ROLE {{ name }}", kPostgresQuoting, values).status().code(),
            StatusCode::kInvalidArgument);
}

TEST(StatementTemplateTest, APlaceholderWithoutAValueForItsKindIsAnError) {
  TemplateValues values{"revocation", "aurite_x", nullptr, std::nullopt};
  StatusOr<std::string> expanded =
      Expand("ALTER ROLE {{name}} PASSWORD {{password}}", kPostgresQuoting, values);
  EXPECT_EQ(expanded.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(expanded.status().message().find("revocation"), std::string::npos);
}

TEST(StatementTemplateTest, PlaceholdersInsideQuotesOrCommentsAreErrors) {
  crypto::SecretBuffer password = crypto::SecretBuffer::CopyFrom("secret-canary");
  TemplateValues values{"creation", "aurite_x", &password, "2030-01-01"};
  // Vault's templates quote placeholders themselves.
  for (std::string_view statement :
       {"CREATE ROLE \"{{name}}\"", "CREATE ROLE x PASSWORD '{{password}}'",
        "CREATE ROLE x PASSWORD E'a\\'{{password}}'", "DO $$ BEGIN {{name}} END $$",
        "DO $body$ {{name}} $body$", "SELECT 1 -- {{name}}", "SELECT /* /* */ {{name}} */ 1"}) {
    StatusOr<std::string> expanded = Expand(statement, kPostgresQuoting, values);
    EXPECT_EQ(expanded.status().code(), StatusCode::kInvalidArgument) << statement;
    EXPECT_EQ(expanded.status().message().find("canary"), std::string::npos);
  }
  for (std::string_view statement :
       {"CREATE USER `{{name}}`", "CREATE USER x IDENTIFIED BY \"{{password}}\"",
        "CREATE USER x IDENTIFIED BY 'a\\'{{password}}'", "SELECT 1 # {{name}}"}) {
    EXPECT_EQ(Expand(statement, kMariaDbQuoting, values).status().code(),
              StatusCode::kInvalidArgument)
        << statement;
  }
}

TEST(StatementTemplateTest, QuotesAndDollarSignsElsewhereDoNotHidePlaceholders) {
  TemplateValues values{"renewal", "aurite_x", nullptr, "2030-01-01"};
  StatusOr<std::string> expanded = Expand(
      "ALTER ROLE {{name}} SET search_path = 'a''b', \"c\"; SELECT $1, a$b$ /* c */ {{name}}",
      kPostgresQuoting, values);
  ASSERT_TRUE(expanded.ok()) << expanded.status().ToString();
  EXPECT_EQ(*expanded,
            "ALTER ROLE \"aurite_x\" SET search_path = 'a''b', \"c\"; SELECT $1, a$b$ /* c */ "
            "\"aurite_x\"");
  StatusOr<std::string> my =
      Expand("GRANT r TO {{name}} -- done\nSELECT 'it\\'s' , {{name}}", kMariaDbQuoting, values);
  ASSERT_TRUE(my.ok()) << my.status().ToString();
  EXPECT_EQ(*my, "GRANT r TO `aurite_x` -- done\nSELECT 'it\\'s' , `aurite_x`");
}

TEST(StatementTemplateTest, HugeTemplatesExpandInFull) {
  TemplateValues values{"renewal", "aurite_x", nullptr, std::nullopt};
  std::string statement;
  for (int i = 0; i < 20000; ++i) statement += "{{name}} ";
  StatusOr<std::string> expanded = Expand(statement, kPostgresQuoting, values);
  ASSERT_TRUE(expanded.ok());
  EXPECT_EQ(expanded->size(), 20000u * std::string_view("\"aurite_x\" ").size());
}

}  // namespace
}  // namespace aurite::credentials
