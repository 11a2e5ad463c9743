// MariaDB and MySQL driver (libmariadb).
//
// Every call runs in START TRANSACTION READ ONLY (unless writes are enabled)
// after resetting max_statement_time for the session, and the statement is a
// server-side prepared statement, which holds exactly one statement. Read-only
// calls always end in ROLLBACK. Rows are fetched one at a time, unbuffered;
// stopping at a limit discards the rest of the result. File access (SELECT ...
// INTO OUTFILE, LOAD_FILE) needs the FILE privilege: connect as a user without it.
#pragma once

#include <memory>

#include "base/status.h"
#include "sql/connection.h"

namespace aurite::sql {

StatusOr<std::unique_ptr<Connection>> OpenMariaDb(const ConnectionConfig& config,
                                                  const OpenOptions& options);

}  // namespace aurite::sql
