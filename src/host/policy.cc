// The policy engine (policy.h).
#include "host/policy.h"

#include <fnmatch.h>

#include <cctype>

namespace aurite::host {
namespace {

bool Matches(const std::string& pattern, std::string_view name, int flags) {
  const std::string text(name);
  return pattern == text || ::fnmatch(pattern.c_str(), text.c_str(), flags) == 0;
}

bool MatchesAnyWith(const std::vector<std::string>& patterns, std::string_view name, int flags) {
  for (const std::string& pattern : patterns) {
    if (Matches(pattern, name, flags)) return true;
  }
  return false;
}

// True when one of `values` matches one of `patterns`.
bool AnyValueMatches(const std::vector<std::string>& patterns,
                     const std::vector<std::string>& values) {
  for (const std::string& value : values) {
    if (MatchesAny(patterns, value)) return true;
  }
  return false;
}

bool IsPlainIdentifier(const std::string& text) {
  constexpr std::size_t kMaxIdentifier = 63;  // PostgreSQL's NAMEDATALEN - 1
  if (text.empty() || text.size() > kMaxIdentifier) return false;
  if (std::isdigit(static_cast<unsigned char>(text[0]))) return false;
  for (char c : text) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') return false;
  }
  return true;
}

}  // namespace

bool MatchesAny(const std::vector<std::string>& patterns, std::string_view name) {
  return MatchesAnyWith(patterns, name, 0);
}

bool RuleMatches(const PolicyRule& rule, const mcp::AuthInfo& auth) {
  // A principal with an empty field (no e-mail) never matches that key,
  // not even "*": a rule about e-mail addresses is about those who have one.
  auto one = [](const std::vector<std::string>& patterns, const std::string& value, int flags) {
    return !value.empty() && MatchesAnyWith(patterns, value, flags);
  };
  if (!rule.subjects.empty() && !one(rule.subjects, auth.principal, 0)) return false;
  if (!rule.emails.empty() && !one(rule.emails, auth.email, FNM_CASEFOLD)) return false;
  if (!rule.groups.empty() && !AnyValueMatches(rule.groups, auth.groups)) return false;
  if (!rule.scopes.empty() && !AnyValueMatches(rule.scopes, auth.scopes)) return false;
  return true;
}

Policy::Policy(std::optional<std::vector<PolicyRule>> rules) : rules_(std::move(rules)) {}

bool Policy::Governs(const mcp::AuthInfo* auth) const {
  return rules_.has_value() || (auth != nullptr && auth->kind == mcp::AuthInfo::Kind::kOAuth);
}

const PolicyRule* Policy::RuleFor(const mcp::AuthInfo* auth) const {
  if (auth == nullptr || !rules_) return nullptr;
  for (const PolicyRule& rule : *rules_) {
    if (RuleMatches(rule, *auth)) return &rule;
  }
  return nullptr;
}

std::optional<std::string> Policy::CheckTool(const mcp::AuthInfo* auth,
                                             std::string_view tool) const {
  if (!Governs(auth)) return std::nullopt;
  const PolicyRule* rule = RuleFor(auth);
  if (rule == nullptr) {
    return "no policy allows " + PrincipalName(auth) +
           " anything; ask the gateway's operator for access";
  }
  if (!MatchesAny(rule->tools, tool)) {
    return "the tool " + std::string(tool) + " is not allowed for " + PrincipalName(auth) +
           " by the gateway's policy";
  }
  return std::nullopt;
}

std::optional<std::string> Policy::CheckConnection(const mcp::AuthInfo* auth,
                                                   std::string_view name) const {
  if (!Governs(auth)) return std::nullopt;
  const PolicyRule* rule = RuleFor(auth);
  if (rule != nullptr && MatchesAny(rule->connections, name)) return std::nullopt;
  return "the connection '" + std::string(name) + "' is not allowed for " + PrincipalName(auth) +
         " by the gateway's policy";
}

std::optional<std::string> Policy::CheckStorageType(const mcp::AuthInfo* auth,
                                                    std::string_view storage_type) const {
  if (!Governs(auth)) return std::nullopt;
  const PolicyRule* rule = RuleFor(auth);
  std::string type(storage_type);
  if (type == "postgres") type = "postgresql";
  if (type == "mysql") type = "mariadb";
  if (rule != nullptr &&
      (type == "sql" ? !rule->storage_types.empty() : MatchesAny(rule->storage_types, type))) {
    return std::nullopt;
  }
  return "connections of storage type '" + type + "' that the caller brings are not allowed for " +
         PrincipalName(auth) +
         " by the gateway's policy; use a configured connection (connection_name)";
}

bool Policy::ReadOnly(const mcp::AuthInfo* auth) const {
  if (!Governs(auth)) return false;
  const PolicyRule* rule = RuleFor(auth);
  return rule == nullptr || rule->access == PolicyRule::Access::kRead;
}

StatusOr<std::string> RenderDbRole(const PolicyRule& rule, const mcp::AuthInfo& auth) {
  const std::string& text = rule.db_role;
  std::string role;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '{') {
      role += text[i];
      continue;
    }
    // policy_config.cc checked every placeholder is closed and named.
    const std::size_t end = text.find('}', i + 1);
    const std::string claim = text.substr(i + 1, end - i - 1);
    const auto found = auth.claims.find(claim);
    if (found == auth.claims.end() || !found->is_string()) {
      return PermissionDeniedError("the database role of " + PrincipalName(&auth) +
                                   " needs the claim '" + claim +
                                   "' (a string), which their token does not carry; the "
                                   "operator's db_role names it");
    }
    role += found->get<std::string>();
    i = end;
  }
  if (!text.empty() && !IsPlainIdentifier(role)) {
    return PermissionDeniedError("the database role made for " + PrincipalName(&auth) +
                                 " from the policy's db_role is not a plain identifier "
                                 "(letters, digits and '_', at most 63); no query runs "
                                 "without it");
  }
  return role;
}

std::string SessionPrincipalKey(const mcp::AuthInfo* auth) {
  if (auth == nullptr || auth->principal.empty()) return "";
  switch (auth->kind) {
    case mcp::AuthInfo::Kind::kOAuth:
      return "oauth:" + auth->principal;
    case mcp::AuthInfo::Kind::kBearerToken:
      return "bearer:" + auth->principal;
    case mcp::AuthInfo::Kind::kLocalUser:
      return "local:" + auth->principal;
  }
  return "";
}

std::string PrincipalName(const mcp::AuthInfo* auth) {
  if (auth == nullptr || auth->principal.empty()) return "(anonymous)";
  return "'" + auth->principal + "'";
}

}  // namespace aurite::host
