// ResourceGuarded: a tool handler whose failure to get memory or a thread
// costs its own call only.
//
// Under the process's memory cap (aurite sql-server --max-memory) a result
// that does not fit throws std::bad_alloc, and a thread that cannot get its
// stack throws std::system_error. The wrapped handler turns these into tool
// errors that say what happened and what to do; the process goes on serving
// other calls. The exception unwinds through the handler first, so the
// memory is freed and a pooled connection it leased is closed (see
// ConnectionPool::Lease) before the error is built.
#pragma once

#include "mcp/server/server.h"

namespace aurite::servers::sql {

mcp::ToolHandler ResourceGuarded(mcp::ToolHandler handler);

}  // namespace aurite::servers::sql
