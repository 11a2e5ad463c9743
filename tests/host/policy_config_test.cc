// Tests of `policies` in aurite.json: what parses, and errors that name the
// rule, the key and the fix.
#include "host/policy_config.h"

#include <gtest/gtest.h>

#include "host/config.h"

namespace aurite::host {
namespace {

StatusOr<Config> ParsePoliciesJson(const std::string& policies) {
  return ParseConfig(R"({"policies": )" + policies + "}", "aurite.json", "/etc/aurite");
}

TEST(PolicyConfigTest, ParsesARuleWithEveryKey) {
  StatusOr<Config> config = ParsePoliciesJson(R"([
    {"match": {"subject": ["alice"], "email": ["*@example.com"], "groups": ["analysts"],
               "scopes": ["db:read"]},
     "allow": {"connections": ["orders", "reports-*"], "storage_types": ["postgres", "mysql"],
               "tools": ["query_storage"], "access": "write", "max_rows": 500},
     "db_role": "{preferred_username}_role"}])");
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  ASSERT_TRUE(config->policies.has_value());
  ASSERT_EQ(config->policies->size(), 1u);
  const PolicyRule& rule = config->policies->front();
  EXPECT_EQ(rule.subjects, std::vector<std::string>{"alice"});
  EXPECT_EQ(rule.groups, std::vector<std::string>{"analysts"});
  EXPECT_EQ(rule.connections, (std::vector<std::string>{"orders", "reports-*"}));
  // The aliases are stored under the names servers report.
  EXPECT_EQ(rule.storage_types, (std::vector<std::string>{"postgresql", "mariadb"}));
  EXPECT_EQ(rule.access, PolicyRule::Access::kWrite);
  EXPECT_EQ(rule.max_rows, 500u);
  EXPECT_EQ(rule.db_role, "{preferred_username}_role");
}

TEST(PolicyConfigTest, DefaultsAllowNothingAndReadOnly) {
  StatusOr<Config> config = ParsePoliciesJson(R"([{"match": {"groups": ["x"]}, "allow": {}}])");
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  const PolicyRule& rule = config->policies->front();
  EXPECT_TRUE(rule.tools.empty());
  EXPECT_TRUE(rule.connections.empty());
  EXPECT_EQ(rule.access, PolicyRule::Access::kRead);
  EXPECT_FALSE(rule.max_rows.has_value());
  // Absent and empty differ: an empty list still denies by default.
  EXPECT_FALSE(ParseConfig("{}", "aurite.json", "/etc")->policies.has_value());
  EXPECT_TRUE(ParsePoliciesJson("[]")->policies.has_value());
}

TEST(PolicyConfigTest, ErrorsNameTheRuleTheKeyAndTheFix) {
  const std::pair<const char*, const char*> cases[] = {
      {R"({"rules": []})", "policies: expected an array"},
      {R"([{"allow": {}}])", "policies[0]: a rule needs \"match\""},
      {R"([{"match": {}, "allow": {}}])", "policies[0].match: name at least one of"},
      {R"([{"match": {"group": ["a"]}, "allow": {}}])", "policies[0].match.group: unknown key"},
      {R"([{"match": {"groups": []}, "allow": {}}])", "policies[0].match.groups: an empty list"},
      {R"([{"match": {"groups": ["a"]}, "allow": {"access": "admin"}}])",
       "policies[0].allow.access: expected \"read\" or \"write\""},
      {R"([{"match": {"groups": ["a"]}, "allow": {"max_rows": 0}}])",
       "policies[0].allow.max_rows: expected a number of rows"},
      {R"([{"match": {"groups": ["a"]}, "allow": {"storage_types": ["oracle"]}}])",
       "policies[0].allow.storage_types: expected storage types among"},
      {R"([{"match": {"groups": ["a"]}, "allow": {}}, {"match": {"groups": ["b"]}, "allow": {},
           "db_role": "{name"}])",
       "policies[1].db_role: a '{' without its '}'"},
      {R"([{"match": {"groups": ["a"]}, "allow": {}, "db_role": "{a b}"}])",
       "policies[0].db_role: a placeholder whose claim name"},
  };
  for (const auto& [text, expected] : cases) {
    StatusOr<Config> config = ParsePoliciesJson(text);
    ASSERT_FALSE(config.ok()) << text;
    EXPECT_NE(config.status().message().find(expected), std::string::npos)
        << config.status().message() << "\nfor " << text;
  }
}

}  // namespace
}  // namespace aurite::host
