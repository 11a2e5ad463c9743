// SQLite driver (sqlite3).
//
// Read-only mode layers three engine mechanisms: the file is opened
// SQLITE_OPEN_READONLY (":memory:" cannot be, and relies on the rest),
// PRAGMA query_only is on, and an authorizer allows only reads, read-only
// pragmas and harmless functions. Statements that sqlite3_stmt_readonly()
// reports as writing are refused before they run. In every mode ATTACH,
// DETACH and load_extension are denied. The statement timeout is a progress
// handler that interrupts the statement.
#pragma once

#include <memory>

#include "base/status.h"
#include "sql/connection.h"

namespace aurite::sql {

StatusOr<std::unique_ptr<Connection>> OpenSqlite(const ConnectionConfig& config,
                                                 const OpenOptions& options);

}  // namespace aurite::sql
