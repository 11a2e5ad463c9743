// A policy rule's limits on a query's backend arguments (policy_arguments.h).
#include "host/policy_arguments.h"

#include <algorithm>
#include <cstdint>

#include "host/policy.h"

namespace aurite::host {

StatusOr<mcp::Json> ApplyPolicyToQuery(mcp::Json backend_args, const PolicyRule* rule,
                                       const mcp::AuthInfo* auth) {
  backend_args.erase("role");
  if (rule == nullptr) return backend_args;
  if (rule->max_rows) {
    std::size_t rows = *rule->max_rows;
    const mcp::Json& asked = backend_args.value("max_rows", mcp::Json());
    // Signed when built in code, unsigned when parsed; the schema refused
    // anything below 1.
    if (asked.is_number_integer() && asked.get<std::int64_t>() >= 0) {
      rows = std::min(rows, static_cast<std::size_t>(asked.get<std::int64_t>()));
    }
    backend_args["max_rows"] = rows;
  }
  if (!rule->db_role.empty()) {
    if (auth == nullptr) {
      return PermissionDeniedError(
          "the gateway's policy runs these queries under a database role made from the "
          "caller's identity, and this session has none");
    }
    AURITE_ASSIGN_OR_RETURN(std::string role, RenderDbRole(*rule, *auth));
    backend_args["role"] = std::move(role);
  }
  return backend_args;
}

}  // namespace aurite::host
