// Ending COPY and other result kinds the PostgreSQL driver does not return.
#include "sql/postgres_unsupported_result.h"

#include <fmt/format.h>

namespace aurite::sql {

bool IsSupportedResult(ExecStatusType status) {
  switch (status) {
    case PGRES_TUPLES_OK:
    case PGRES_SINGLE_TUPLE:
    case PGRES_COMMAND_OK:
    case PGRES_EMPTY_QUERY:
    case PGRES_FATAL_ERROR:
    case PGRES_NONFATAL_ERROR:
    case PGRES_PIPELINE_ABORTED:
      return true;
    default:
      return false;
  }
}

UnsupportedResult EndUnsupportedResult(const LibPq& pq, PGconn* conn, ExecStatusType status,
                                       const std::function<void()>& cancel) {
  if (status == PGRES_COPY_OUT) {
    cancel();
    // Reads until the server ends the copy: -1 when it finished, -2 on a
    // read error (then the connection is gone and the caller sees it).
    for (;;) {
      char* buffer = nullptr;
      int read = pq.PQgetCopyData(conn, &buffer, 0);
      if (buffer) pq.PQfreemem(buffer);
      if (read < 0) break;
    }
    return {InvalidArgumentError(
                "PostgreSQL: COPY ... TO STDOUT is not supported: the SQL server returns rows "
                "as JSON, not as a copy stream; run the SELECT itself instead"),
            false};
  }
  if (status == PGRES_COPY_IN) {
    // The server answers the copy's end with an error that rolls it back.
    if (pq.PQputCopyEnd(conn, "COPY FROM STDIN is not supported by the SQL server") != 1) {
      return {UnavailableError("PostgreSQL: could not end a COPY FROM STDIN; the next call opens "
                               "a new connection"),
              true};
    }
    return {InvalidArgumentError(
                "PostgreSQL: COPY ... FROM STDIN is not supported: the SQL server has no data "
                "stream to send; use INSERT with parameters instead"),
            false};
  }
  return {UnavailableError(fmt::format(
              "PostgreSQL: the statement returned a result of kind {}, which the SQL server does "
              "not support (COPY BOTH and replication commands need a replication session); "
              "the connection was closed and the next call opens a new one",
              pq.PQresStatus(status))),
          true};
}

}  // namespace aurite::sql
