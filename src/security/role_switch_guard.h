// The statements an end user may not run under the database role the
// gateway's policy gives them (db_role). The gateway runs such a statement
// as `SET LOCAL ROLE <role>` on a login that is a member of every user's
// role, and PostgreSQL lets a login switch to any role it is a member of,
// from SQL too: `set_config('role', ...)` inside a SELECT, or `SET ROLE`
// inside a DO block. Either would show one user another's rows.
//
// Contract: RoleSwitchIn() returns why `statement` could switch the role
// (nullopt when it cannot), judged on its tokens, not its text: a string
// literal or comment that merely mentions set_config passes. Refused:
//  - any identifier set_config, quoted or not, in any case (also
//    pg_catalog.set_config);
//  - a statement that begins with SET, RESET or DO (a DO block runs
//    dynamic SQL, which no lexer can see into);
//  - an identifier with Unicode escapes (U&"..."), which could spell
//    set_config.
// It cannot see into functions and views the operator defined; those run
// with the rights their definition gives them (documented).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "security/statement_masking.h"

namespace aurite::security {

std::optional<std::string> RoleSwitchIn(std::string_view statement, SqlDialect dialect);

}  // namespace aurite::security
