// Database roles a call runs under (the `role` of execute_query): the check
// that a role name is a plain identifier, and its quoted form per engine.
//
// A role is named by the operator's policy (a db_role template over the
// end user's claims), so it is checked as strictly as a name can be: ASCII
// letters, digits and underscores, not starting with a digit, at most 63
// bytes (PostgreSQL's NAMEDATALEN - 1; MariaDB allows more). It is then
// quoted as an identifier by the engine's own rules (the same rules as
// credentials/sql_quoting.h: PostgreSQL "…" with " doubled, MariaDB `…` with
// ` doubled), so it is always one token and its case is kept as written.
// Names the engines read as "no role" or as a keyword when they stand for
// a role (none, public, current_user, current_role, session_user) are
// refused: PostgreSQL reads SET ROLE 'none' as RESET ROLE, which would run
// the statement as the login itself, a silent fallback.
#pragma once

#include <string>
#include <string_view>

#include "base/status.h"
#include "sql/connection_config.h"

namespace aurite::sql {

// `role` quoted as an identifier of `engine`. kInvalidArgument naming the
// role (a role name is not secret) and the rule when it is not a plain
// identifier; kInvalidArgument for SQLite, which has no roles.
StatusOr<std::string> QuotedRole(Engine engine, std::string_view role);

}  // namespace aurite::sql
