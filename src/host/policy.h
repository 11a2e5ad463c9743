// Policy: applies the `policies` of aurite.json (policy_config.h) to a
// session's principal (mcp::AuthInfo).
//
// Contract:
//  - Governs(): policies are configured (even an empty list; the config
//    requires them when gateway.auth is on), or the principal came with an
//    OAuth access token: then everything not allowed is denied. Otherwise
//    nothing is checked, as before policies existed.
//  - RuleFor(): the first rule, in file order, that matches the principal
//    (first match wins, like a firewall's rule list: a later, broader rule
//    never widens an earlier one). A governed session without a principal
//    (a transport that authenticates no one) matches no rule.
//  - A name matches a list entry equal to it or a shell pattern (fnmatch;
//    e-mail addresses without regard to case).
//  - RenderDbRole(): each {claim} becomes the value of that claim of the
//    principal's verified token claims. A missing claim, a claim that is
//    not a string, or a result that is not a plain
//    identifier ([A-Za-z_][A-Za-z0-9_]*, at most 63 characters) is an
//    error, never a fallback to the connection's own role.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "host/policy_config.h"
#include "mcp/server/auth_info.h"

namespace aurite::host {

class Policy {
 public:
  // `rules`: nullopt when aurite.json has no `policies`.
  explicit Policy(std::optional<std::vector<PolicyRule>> rules);

  bool Governs(const mcp::AuthInfo* auth) const;
  // Null: no rule matches (the principal may do nothing).
  const PolicyRule* RuleFor(const mcp::AuthInfo* auth) const;
  // Nullopt when `auth` may call `tool`; otherwise why not, for the caller
  // (it names the tool and the principal, never the rules).
  std::optional<std::string> CheckTool(const mcp::AuthInfo* auth, std::string_view tool) const;
  // Likewise for the named connection `name` of aurite.json.
  std::optional<std::string> CheckConnection(const mcp::AuthInfo* auth,
                                             std::string_view name) const;
  // Likewise for a connection the caller brings, of `storage_type` (a
  // connect_storage storage_type or a server's database_type). "sql" (any
  // type, known once connected) passes when some type is allowed: the
  // connection's own type is checked once known.
  std::optional<std::string> CheckStorageType(const mcp::AuthInfo* auth,
                                              std::string_view storage_type) const;
  // True when a governed principal's connections are read-only: its rule
  // says "access": "read" (the default), or no rule matches.
  bool ReadOnly(const mcp::AuthInfo* auth) const;

 private:
  std::optional<std::vector<PolicyRule>> rules_;
};

// Whether `rule` matches `auth` (see policy_config.h).
bool RuleMatches(const PolicyRule& rule, const mcp::AuthInfo& auth);
// Whether `name` equals or matches one of `patterns`.
bool MatchesAny(const std::vector<std::string>& patterns, std::string_view name);
// `rule.db_role` rendered over `auth.claims`; "" when the rule sets none.
StatusOr<std::string> RenderDbRole(const PolicyRule& rule, const mcp::AuthInfo& auth);
// Who the principal is, as a key for what it owns: "<kind>:<principal>"
// ("oauth:…", "bearer:…", "local:…"); "" without a principal.
std::string SessionPrincipalKey(const mcp::AuthInfo* auth);
// Who the principal is, for messages and audit records ("(anonymous)" without one).
std::string PrincipalName(const mcp::AuthInfo* auth);

}  // namespace aurite::host
