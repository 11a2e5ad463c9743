// Tests of the policy engine: matching principals, first match wins, deny
// by default, database roles rendered from claims, and query limits.
#include "host/policy.h"

#include <gtest/gtest.h>

#include "host/policy_arguments.h"

namespace aurite::host {
namespace {

mcp::AuthInfo OAuthPrincipal(std::string subject, std::vector<std::string> groups = {},
                             std::string email = "", std::vector<std::string> scopes = {}) {
  mcp::AuthInfo auth;
  auth.kind = mcp::AuthInfo::Kind::kOAuth;
  auth.principal = std::move(subject);
  auth.groups = std::move(groups);
  auth.email = std::move(email);
  auth.scopes = std::move(scopes);
  auth.claims = {{"sub", auth.principal}};
  return auth;
}

PolicyRule RuleAllowing(std::vector<std::string> tools) {
  PolicyRule rule;
  rule.tools = std::move(tools);
  return rule;
}

TEST(PolicyTest, MatchesAcrossKeysWithAndWithinAListWithOr) {
  PolicyRule rule;
  rule.groups = {"analysts", "ops-*"};
  rule.emails = {"*@example.com"};
  EXPECT_TRUE(RuleMatches(rule, OAuthPrincipal("a", {"ops-eu"}, "A@Example.COM")));
  EXPECT_TRUE(RuleMatches(rule, OAuthPrincipal("a", {"x", "analysts"}, "a@example.com")));
  EXPECT_FALSE(RuleMatches(rule, OAuthPrincipal("a", {"analysts"}, "a@evil.com")));  // AND
  EXPECT_FALSE(RuleMatches(rule, OAuthPrincipal("a", {"devs"}, "a@example.com")));
  // A principal without an e-mail never matches an e-mail rule, not even "*".
  PolicyRule anyone_with_mail;
  anyone_with_mail.emails = {"*"};
  EXPECT_FALSE(RuleMatches(anyone_with_mail, OAuthPrincipal("a")));
  PolicyRule by_scope;
  by_scope.scopes = {"db:*"};
  by_scope.subjects = {"svc-?"};
  EXPECT_TRUE(RuleMatches(by_scope, OAuthPrincipal("svc-1", {}, "", {"openid", "db:read"})));
  EXPECT_FALSE(RuleMatches(by_scope, OAuthPrincipal("svc-12", {}, "", {"db:read"})));
}

TEST(PolicyTest, FirstMatchingRuleDecidesAndNoMatchDeniesEverything) {
  PolicyRule analysts = RuleAllowing({"query_storage"});
  analysts.groups = {"analysts"};
  PolicyRule everyone = RuleAllowing({"query_storage", "connect_storage"});
  everyone.subjects = {"*"};
  Policy policy(std::vector<PolicyRule>{analysts, everyone});
  mcp::AuthInfo analyst = OAuthPrincipal("ann", {"analysts"});
  // The broader rule after it does not widen the analysts' rule.
  ASSERT_NE(policy.RuleFor(&analyst), nullptr);
  EXPECT_EQ(policy.RuleFor(&analyst)->groups, analysts.groups);
  EXPECT_TRUE(policy.CheckTool(&analyst, "connect_storage").has_value());
  EXPECT_FALSE(policy.CheckTool(&analyst, "query_storage").has_value());
  mcp::AuthInfo other = OAuthPrincipal("bob");
  EXPECT_FALSE(policy.CheckTool(&other, "connect_storage").has_value());

  Policy none(std::vector<PolicyRule>{analysts});
  std::optional<std::string> refused = none.CheckTool(&other, "query_storage");
  ASSERT_TRUE(refused.has_value());
  EXPECT_NE(refused->find("no policy allows 'bob' anything"), std::string::npos) << *refused;
  // Governed, a session without a principal matches nothing.
  EXPECT_TRUE(none.CheckTool(nullptr, "query_storage").has_value());
}

TEST(PolicyTest, WithoutPoliciesOnlyOAuthPrincipalsAreGoverned) {
  Policy absent(std::nullopt);
  mcp::AuthInfo local;
  local.principal = "me";
  EXPECT_FALSE(absent.Governs(nullptr));
  EXPECT_FALSE(absent.Governs(&local));
  EXPECT_FALSE(absent.CheckTool(&local, "query_storage").has_value());
  EXPECT_FALSE(absent.ReadOnly(&local));
  // gateway.auth on and no policies: an authenticated principal may do nothing.
  mcp::AuthInfo oauth = OAuthPrincipal("ann");
  EXPECT_TRUE(absent.Governs(&oauth));
  EXPECT_TRUE(absent.CheckTool(&oauth, "list_connections").has_value());
  EXPECT_TRUE(Policy(std::vector<PolicyRule>{}).Governs(nullptr));
}

TEST(PolicyTest, ConnectionsByNameOrPatternAndStorageTypes) {
  PolicyRule rule = RuleAllowing({});
  rule.subjects = {"*"};
  rule.connections = {"orders", "reports-*"};
  rule.storage_types = {"sqlite"};
  Policy policy(std::vector<PolicyRule>{rule});
  mcp::AuthInfo ann = OAuthPrincipal("ann");
  EXPECT_FALSE(policy.CheckConnection(&ann, "orders").has_value());
  EXPECT_FALSE(policy.CheckConnection(&ann, "reports-eu").has_value());
  EXPECT_TRUE(policy.CheckConnection(&ann, "payroll").has_value());
  EXPECT_TRUE(policy.CheckConnection(&ann, "orders-2").has_value());
  EXPECT_FALSE(policy.CheckStorageType(&ann, "sqlite").has_value());
  EXPECT_FALSE(policy.CheckStorageType(&ann, "sql").has_value());  // checked again once known
  EXPECT_TRUE(policy.CheckStorageType(&ann, "postgres").has_value());
  EXPECT_TRUE(policy.ReadOnly(&ann));
}

TEST(PolicyTest, DbRoleIsRenderedFromClaimsAndNeverFallsBack) {
  PolicyRule rule;
  rule.db_role = "{preferred_username}_role";
  mcp::AuthInfo ann = OAuthPrincipal("ann");
  ann.claims["preferred_username"] = "ann";
  StatusOr<std::string> role = RenderDbRole(rule, ann);
  ASSERT_TRUE(role.ok()) << role.status().ToString();
  EXPECT_EQ(*role, "ann_role");

  mcp::AuthInfo missing = OAuthPrincipal("bob");
  role = RenderDbRole(rule, missing);
  ASSERT_FALSE(role.ok());
  EXPECT_NE(role.status().message().find("needs the claim 'preferred_username'"),
            std::string::npos);
  for (const char* bad : {"x; DROP ROLE admin", "1abc", "a\"b", ""}) {
    mcp::AuthInfo odd = OAuthPrincipal("eve");
    odd.claims["preferred_username"] = bad;
    if (std::string(bad).empty()) rule.db_role = "{preferred_username}";
    EXPECT_FALSE(RenderDbRole(rule, odd).ok()) << bad;
  }
  mcp::AuthInfo numeric = OAuthPrincipal("n");
  numeric.claims["preferred_username"] = 7;  // not a string
  EXPECT_FALSE(RenderDbRole(rule, numeric).ok());
}

TEST(PolicyTest, QueriesGetTheLowerMaxRowsAndThePolicysRoleOnly) {
  PolicyRule rule;
  rule.max_rows = 50;
  rule.db_role = "{preferred_username}";
  mcp::AuthInfo ann = OAuthPrincipal("ann");
  ann.claims["preferred_username"] = "ann";
  StatusOr<mcp::Json> args = ApplyPolicyToQuery(
      {{"query", "SELECT 1"}, {"max_rows", 500}, {"role", "postgres"}}, &rule, &ann);
  ASSERT_TRUE(args.ok()) << args.status().ToString();
  EXPECT_EQ((*args)["max_rows"], 50);
  EXPECT_EQ((*args)["role"], "ann");
  args = ApplyPolicyToQuery({{"query", "SELECT 1"}, {"max_rows", 5}}, &rule, &ann);
  EXPECT_EQ((*args)["max_rows"], 5);
  // Without a rule nothing is added, and a caller's role never passes.
  args = ApplyPolicyToQuery({{"query", "SELECT 1"}, {"role", "postgres"}}, nullptr, nullptr);
  ASSERT_TRUE(args.ok());
  EXPECT_FALSE(args->contains("role"));
  EXPECT_FALSE(args->contains("max_rows"));
  mcp::AuthInfo bob = OAuthPrincipal("bob");
  EXPECT_FALSE(ApplyPolicyToQuery({{"query", "SELECT 1"}}, &rule, &bob).ok());
  EXPECT_FALSE(ApplyPolicyToQuery({{"query", "SELECT 1"}}, &rule, nullptr).ok());
}

}  // namespace
}  // namespace aurite::host
