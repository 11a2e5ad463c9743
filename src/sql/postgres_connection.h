// PostgreSQL driver (libpq).
//
// Every call runs in its own transaction, READ ONLY unless writes are
// enabled, with SET LOCAL statement_timeout; the statement is sent with the
// extended query protocol, which refuses more than one statement, so
// "COMMIT; DROP ..." cannot escape. Read-only calls always end in ROLLBACK.
// Rows arrive in single-row mode; a read-only query stopped by a limit is
// cancelled on the server. Reading server files (pg_read_file, COPY ... TO
// PROGRAM) is a privilege question: connect as a role without superuser,
// pg_read_server_files or pg_execute_server_program.
#pragma once

#include <memory>

#include "base/status.h"
#include "sql/connection.h"

namespace aurite::sql {

StatusOr<std::unique_ptr<Connection>> OpenPostgres(const ConnectionConfig& config,
                                                   const OpenOptions& options);

}  // namespace aurite::sql
