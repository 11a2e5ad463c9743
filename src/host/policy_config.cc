// Parsing `policies` (policy_config.h).
#include "host/policy_config.h"

#include <cctype>

namespace aurite::host {
namespace {

using config_json::Field;

// A non-empty list of non-empty strings.
StatusOr<std::vector<std::string>> GetNames(const Field& field) {
  AURITE_ASSIGN_OR_RETURN(std::vector<std::string> names, config_json::GetStrings(field));
  if (names.empty()) {
    return InvalidArgumentError(field.path +
                                ": an empty list matches nothing; list at least one name or "
                                "pattern, or leave the key out");
  }
  for (const std::string& name : names) {
    if (name.empty()) return field.Error("non-empty names or patterns");
  }
  return names;
}

Status ParseMatch(const Field& match, PolicyRule& rule) {
  AURITE_RETURN_IF_ERROR(
      config_json::ExpectObjectWithKeys(match, {"subject", "email", "groups", "scopes"}));
  std::pair<const char*, std::vector<std::string>*> keys[] = {{"subject", &rule.subjects},
                                                              {"email", &rule.emails},
                                                              {"groups", &rule.groups},
                                                              {"scopes", &rule.scopes}};
  bool any = false;
  for (auto& [key, out] : keys) {
    if (!config_json::Has(match, key)) continue;
    AURITE_ASSIGN_OR_RETURN(*out, GetNames(match[key]));
    any = true;
  }
  if (!any) {
    return InvalidArgumentError(match.path +
                                ": name at least one of subject, email, groups, scopes (for "
                                "every principal: {\"subject\": [\"*\"]})");
  }
  return OkStatus();
}

StatusOr<std::vector<std::string>> ParseStorageTypes(const Field& field) {
  AURITE_ASSIGN_OR_RETURN(std::vector<std::string> types, GetNames(field));
  for (std::string& type : types) {
    if (type == "postgres") type = "postgresql";
    if (type == "mysql") type = "mariadb";
    if (type != "*" && type != "sqlite" && type != "postgresql" && type != "mariadb") {
      return field.Error("storage types among sqlite, postgresql, mariadb (or \"*\")");
    }
  }
  return types;
}

bool IsClaimNameChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.';
}

Status CheckRoleTemplate(const Field& field, const std::string& text) {
  auto bad = [&field](const std::string& what) {
    return InvalidArgumentError(field.path + ": " + what +
                                "; write literal text and {claim} placeholders, e.g. "
                                "\"{preferred_username}_role\"");
  };
  if (text.empty()) return bad("an empty role");
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '}') return bad("a '}' without its '{'");
    if (text[i] != '{') continue;
    std::size_t end = text.find('}', i + 1);
    if (end == std::string::npos) return bad("a '{' without its '}'");
    if (end == i + 1) return bad("an empty {} placeholder");
    for (std::size_t j = i + 1; j < end; ++j) {
      if (!IsClaimNameChar(text[j])) {
        return bad("a placeholder whose claim name is not letters, digits, '_', '-' or '.'");
      }
    }
    i = end;
  }
  return OkStatus();
}

Status ParseAllow(const Field& allow, PolicyRule& rule) {
  AURITE_RETURN_IF_ERROR(config_json::ExpectObjectWithKeys(
      allow, {"connections", "storage_types", "tools", "access", "max_rows"}));
  if (config_json::Has(allow, "connections")) {
    AURITE_ASSIGN_OR_RETURN(rule.connections, GetNames(allow["connections"]));
  }
  if (config_json::Has(allow, "storage_types")) {
    AURITE_ASSIGN_OR_RETURN(rule.storage_types, ParseStorageTypes(allow["storage_types"]));
  }
  if (config_json::Has(allow, "tools")) {
    AURITE_ASSIGN_OR_RETURN(rule.tools, GetNames(allow["tools"]));
  }
  if (config_json::Has(allow, "access")) {
    AURITE_ASSIGN_OR_RETURN(std::string access, config_json::GetString(allow["access"]));
    if (access != "read" && access != "write")
      return allow["access"].Error("\"read\" or \"write\"");
    rule.access = access == "write" ? PolicyRule::Access::kWrite : PolicyRule::Access::kRead;
  }
  if (config_json::Has(allow, "max_rows")) {
    AURITE_ASSIGN_OR_RETURN(
        long rows,
        config_json::GetIntegerIn(allow["max_rows"], 1, 1'000'000'000, "a number of rows from 1"));
    rule.max_rows = static_cast<std::size_t>(rows);
  }
  return OkStatus();
}

}  // namespace

StatusOr<std::vector<PolicyRule>> ParsePolicies(const Field& field) {
  if (!field.value.is_array()) return field.Error("an array of rules");
  std::vector<PolicyRule> rules;
  for (std::size_t i = 0; i < field.value.size(); ++i) {
    Field entry{field.value[i], field.path + "[" + std::to_string(i) + "]"};
    AURITE_RETURN_IF_ERROR(config_json::ExpectObjectWithKeys(entry, {"match", "allow", "db_role"}));
    if (!config_json::Has(entry, "match") || !config_json::Has(entry, "allow")) {
      return InvalidArgumentError(entry.path +
                                  ": a rule needs \"match\" (whom it applies to) and \"allow\" "
                                  "(what they may do)");
    }
    PolicyRule rule;
    AURITE_RETURN_IF_ERROR(ParseMatch(entry["match"], rule));
    AURITE_RETURN_IF_ERROR(ParseAllow(entry["allow"], rule));
    if (config_json::Has(entry, "db_role")) {
      AURITE_ASSIGN_OR_RETURN(rule.db_role, config_json::GetString(entry["db_role"]));
      AURITE_RETURN_IF_ERROR(CheckRoleTemplate(entry["db_role"], rule.db_role));
    }
    rules.push_back(std::move(rule));
  }
  return rules;
}

}  // namespace aurite::host
