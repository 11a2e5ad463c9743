// PostgreSQL results the driver does not return to callers: COPY in any
// direction and the protocol states that only a pipeline or a replication
// session produce. libpq keeps answering PQgetResult with the same COPY
// result until the copy is ended, so a driver that only skips such a result
// spins forever and leaves its transaction open; these helpers end it.
#pragma once

#include <libpq-fe.h>

#include <functional>

#include "base/status.h"
#include "sql/libpq_library.h"

namespace aurite::sql {

// True for the result statuses Fetch handles itself (rows, command
// completion, errors, an empty statement, the pipeline's own markers).
bool IsSupportedResult(ExecStatusType status);

struct UnsupportedResult {
  // What the caller is told: names the result kind and what to do instead.
  Status error;
  // The session cannot be brought back to a known state (COPY BOTH, a
  // protocol error): the connection must be closed, not reused.
  bool close_connection = false;
};

// Ends the result `status` (one for which IsSupportedResult is false), so
// the next PQgetResult returns the statement's final outcome:
//  - COPY TO STDOUT: `cancel` stops the statement on the server (a COPY of a
//    big table is not read to its end) and the data still in flight is read
//    and dropped;
//  - COPY FROM STDIN: ended at once with an error, so the server rolls the
//    copy back;
//  - COPY BOTH (replication sessions) and anything else: nothing is read
//    any more; close_connection is set.
// Never blocks longer than the server takes to answer the cancel or the
// copy's end.
UnsupportedResult EndUnsupportedResult(const LibPq& pq, PGconn* conn, ExecStatusType status,
                                       const std::function<void()>& cancel);

}  // namespace aurite::sql
