// The audit trail of statements run through the gateway (query_storage,
// and a storage server's own execute_query forwarded as <server>_execute_query):
// each statement gets a "statement" record before it runs and one after,
// linked by a statement_id unique to the statement (a random start per
// process, counted up).
//
// Contract:
//  - Fail closed: when the first record cannot be written, the statement is
//    refused (BeginStatement fails, naming the audit log and the fix); when
//    the second cannot, its result is withheld and the caller told that the
//    statement ran but its outcome could not be recorded.
//  - Records name the principal (mcp::AuthInfo::principal, "anonymous"
//    when the transport authenticated no one), the connection (its name in
//    aurite.json, or "ad-hoc"), the database user and role when known, the
//    statement text as audit.statements asks (audit_config.h), the number
//    of parameters; the end record adds duration_ms, rows and the outcome
//    ("ok", "error"). Parameter values and error texts (which can quote
//    values) are never written.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "base/status.h"
#include "host/audit_config.h"
#include "mcp/core/jsonrpc.h"
#include "mcp/server/server_session.h"
#include "security/security_manager.h"
#include "security/statement_masking.h"

namespace aurite::host {

struct StatementInfo {
  std::string principal;
  std::string connection;     // a name from aurite.json, or "ad-hoc"
  std::string database_user;  // empty when not known
  std::string role;           // empty when the statement runs as the login
  std::string text;           // as sent; masked here per the mode
  std::size_t params = 0;
  security::SqlDialect dialect = security::SqlDialect::kStandard;
};

// A statement whose start record was written.
struct StartedStatement {
  StatementInfo info;
  std::string id;
  std::chrono::steady_clock::time_point started;
};

// What the records say of query_storage's `args` from `owner` on a
// connection: its name ("" for ad-hoc), its login and its database_type
// (postgresql, mariadb, sqlite: which quoting rules mask the text; any
// other value, e.g. "" when not known, masks by the union of the rules).
// No role.
StatementInfo StatementOf(const mcp::Json& args, const mcp::SessionOwner& owner,
                          const std::string& connection_name, const std::string& database_user,
                          const std::string& database_type);

// The login named in a masked connection string; "" for SQLite or when it
// does not parse.
std::string DatabaseUserOf(const std::string& masked_connection_string);

// Writes the start record; an error (kUnavailable) refuses the statement.
StatusOr<StartedStatement> BeginStatement(security::SecurityManager& security, StatementAudit mode,
                                          StatementInfo info);

// Writes the end record of `statement` with the backend's `result`, and
// returns `result`, or an error result when the record could not be written.
mcp::RpcResult FinishStatement(security::SecurityManager& security,
                               const StartedStatement& statement, mcp::RpcResult result);

}  // namespace aurite::host
