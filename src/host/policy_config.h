// PolicyRule: one entry of `policies` in aurite.json, which says what a
// principal (an mcp::AuthInfo) may do through the gateway. The engine that
// applies the rules is host/policy.h.
//
//   "policies": [
//     {"match": {"groups": ["analysts"]},
//      "allow": {"connections": ["orders", "reports-*"], "storage_types": ["sqlite"],
//                "tools": ["connect_storage", "query_storage"], "access": "read",
//                "max_rows": 500},
//      "db_role": "{preferred_username}_role"}
//   ]
//
// Contract:
//  - `match` names at least one of subject, email, groups, scopes, each a
//    non-empty list of names or shell-style patterns ("*", "reports-*",
//    fnmatch). A rule matches when every key it names matches (AND across
//    keys) and, within a key, any entry does (OR within a list).
//  - `allow` lists are empty unless given: nothing is allowed that is not
//    named. `access` defaults to "read"; `max_rows` to no cap of its own.
//  - storage_types are sqlite, postgresql (or postgres), mariadb (or
//    mysql) or "*"; the aliases are stored as postgresql and mariadb.
//  - `db_role` is a template: literal text and {claim} placeholders whose
//    names are letters, digits, '_', '-' or '.'; checked for shape here,
//    rendered per call (policy.h).
//  - Errors name the rule by index and key, and say how to fix it.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "host/config_fields.h"

namespace aurite::host {

struct PolicyRule {
  // match
  std::vector<std::string> subjects;
  std::vector<std::string> emails;
  std::vector<std::string> groups;
  std::vector<std::string> scopes;
  // allow
  std::vector<std::string> connections;    // names or patterns of named connections
  std::vector<std::string> storage_types;  // for connections the caller brings
  std::vector<std::string> tools;          // gateway tools and "<server>_<tool>", or patterns
  enum class Access { kRead, kWrite };
  Access access = Access::kRead;
  std::optional<std::size_t> max_rows;
  std::string db_role;  // a template over claims; "" for none
};

// Parses the `policies` array (`field`, path "policies").
StatusOr<std::vector<PolicyRule>> ParsePolicies(const config_json::Field& field);

}  // namespace aurite::host
