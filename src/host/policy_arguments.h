// What a principal's policy rule does to a query on its way to the storage
// server: caps max_rows and names the database role (the SQL server's
// execute_query `role` argument, applied with SET LOCAL ROLE / SET ROLE).
//
// Contract:
//  - Without a rule (an ungoverned session) the arguments pass unchanged.
//  - With one, max_rows becomes the lower of the caller's and the rule's;
//    the backend caps it again with its own limit, so the lowest wins.
//  - A rule with db_role sets `role` to its rendering (RenderDbRole); one
//    that cannot be rendered is the error, and nothing is forwarded. Any
//    `role` the caller put in is dropped: only the policy sets it.
#pragma once

#include "base/status.h"
#include "host/policy_config.h"
#include "mcp/core/jsonrpc.h"
#include "mcp/server/auth_info.h"

namespace aurite::host {

StatusOr<mcp::Json> ApplyPolicyToQuery(mcp::Json backend_args, const PolicyRule* rule,
                                       const mcp::AuthInfo* auth);

}  // namespace aurite::host
