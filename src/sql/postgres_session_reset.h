// PostgresCallEnd: the end of a read-only PostgreSQL call, as
// docs/sql-server.md ("Session reset") describes it. A read-only call can
// leave two things that outlive its ROLLBACK: session advisory locks and
// statements prepared with SQL PREPARE. The reset (pg_advisory_unlock_all()
// and a count of SQL-prepared statements) and the ROLLBACK go in one
// pipeline that is sent when the call ends and read when the connection is
// next used, so the caller waits for neither; the server runs it at once.
//
// The reset is a statement prepared once per session, under a random name,
// and run inside a READ ONLY transaction, so that a statement a caller
// prepared under the same name could never write.
#pragma once

#include <libpq-fe.h>

#include <functional>
#include <string>

#include "base/status.h"
#include "sql/libpq_library.h"

namespace aurite::sql {

class PostgresCallEnd {
 public:
  PostgresCallEnd();

  // Sends the reset and the ROLLBACK (the connection must not be in
  // pipeline mode). False when libpq could not send: the connection is gone.
  bool Send(const LibPq& pq, PGconn* conn);

  struct Outcome {
    // Not ok when the session could not be reset: close the connection.
    Status status;
    // Every prepared statement of the session was deallocated (the driver
    // drops its statement cache).
    bool deallocated = false;
  };
  // Reads what Send's pipeline answered and leaves pipeline mode. When
  // statements prepared with SQL PREPARE were left, runs DEALLOCATE ALL.
  // When the reset failed (e.g. a caller deallocated it), runs it again as
  // a plain statement, then DEALLOCATE ALL. `error_of` turns an error result
  // into a Status.
  Outcome Finish(const LibPq& pq, PGconn* conn,
                 const std::function<Status(const PGresult*)>& error_of);

  // The session's prepared statements were dropped by someone else (the
  // driver's DISCARD ALL): the next Send prepares the reset again.
  void Forget() { prepared_ = false; }

 private:
  const std::string name_;
  bool prepared_ = false;   // name_ is prepared on the session
  bool preparing_ = false;  // the pipeline in flight prepares it
};

}  // namespace aurite::sql
