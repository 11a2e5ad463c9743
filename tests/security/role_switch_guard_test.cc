// The statements refused under an end user's database role: those that
// could switch it (set_config, SET/RESET/DO), however they are spelled,
// while text that only mentions them passes.
#include "security/role_switch_guard.h"

#include <gtest/gtest.h>

namespace aurite::security {
namespace {

bool Refused(std::string_view sql, SqlDialect dialect = SqlDialect::kStandard) {
  return RoleSwitchIn(sql, dialect).has_value();
}

TEST(RoleSwitchGuardTest, EverySpellingOfSetConfigIsRefused) {
  for (const char* sql : {
           "SELECT set_config('role', 'bob', true)",
           "select SET_CONFIG('role','bob',true), (select 1)",
           "SELECT pg_catalog.set_config('role', 'bob', true)",
           "SELECT pg_catalog.\"set_config\"('role', 'bob', true)",
           "SELECT/**/set_config/* a comment */('role', 'bob', true)",
           "WITH x AS (SELECT set_config('role', 'bob', true)) SELECT * FROM x",
           "SELECT U&\"\\0073et_config\"('role', 'bob', true)",
           "SELECT u&\"x\" FROM t",
       }) {
    EXPECT_TRUE(Refused(sql)) << sql;
  }
  EXPECT_NE(RoleSwitchIn("SELECT set_config('role','bob',true)", SqlDialect::kStandard)
                ->find("switch the database role"),
            std::string::npos);
  EXPECT_TRUE(Refused("SELECT `set_config`('x')", SqlDialect::kMariaDb));
}

TEST(RoleSwitchGuardTest, SetResetAndDoStatementsAreRefused) {
  for (const char* sql : {"SET ROLE bob", "  set role bob", "RESET ROLE", "/* x */ RESET ALL",
                          "SET SESSION AUTHORIZATION bob",
                          "DO $$BEGIN EXECUTE 'SET ROLE bob'; END$$", "do 'begin null; end'"}) {
    EXPECT_TRUE(Refused(sql)) << sql;
  }
  EXPECT_TRUE(Refused("SET ROLE bob", SqlDialect::kMariaDb));
}

TEST(RoleSwitchGuardTest, OrdinaryStatementsAndMereMentionsPass) {
  for (const char* sql : {
           "SELECT item FROM orders WHERE owner = current_user",
           "SELECT 'set_config(''role'', ''bob'', true)' AS text",
           "SELECT 1 -- set_config('role','bob',true)",
           "SELECT /* SET ROLE bob */ 1",
           "SELECT settings, reset_at, dose FROM t",
           "SELECT \"set_config_history\" FROM audit",
           "UPDATE t SET x = 1",
           "SELECT current_setting('role')",
           "EXPLAIN SELECT 1",
       }) {
    EXPECT_FALSE(Refused(sql)) << sql;
  }
  EXPECT_FALSE(Refused("SELECT \"set_config\" FROM t", SqlDialect::kMariaDb))
      << "a MariaDB string, not an identifier";
}

}  // namespace
}  // namespace aurite::security
