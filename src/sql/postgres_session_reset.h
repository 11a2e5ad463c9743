// PostgresCallEnd: the end of a read-only PostgreSQL call, as
// docs/sql-server.md ("Session reset") describes it. A read-only call can
// leave two things that outlive its ROLLBACK: session advisory locks and
// statements prepared with SQL PREPARE. The reset (pg_advisory_unlock_all()
// and a count of SQL-prepared statements) and the ROLLBACK are queued in the
// call's own pipeline, behind its statement (Append), and their answers are
// read when the connection is next used (Finish): the caller waits for
// neither, and the server runs them without being woken a second time.
//
// The reset is a statement prepared once per session, under a random name,
// and run inside a READ ONLY transaction (its own BEGIN READ ONLY, a no-op
// when the call's transaction is still open), so that a statement a caller
// prepared under the same name could never write.
#pragma once

#include <libpq-fe.h>

#include <functional>
#include <optional>
#include <string>

#include "base/status.h"
#include "sql/libpq_library.h"

namespace aurite::sql {

class PostgresCallEnd {
 public:
  PostgresCallEnd();

  // Queues BEGIN READ ONLY, the reset and the ROLLBACK on a connection in
  // pipeline mode, after the call's statement; the caller then sends the
  // Sync. False when libpq could not queue: the connection is gone.
  bool Append(const LibPq& pq, PGconn* conn);

  // Sends the reset and the ROLLBACK as a pipeline of their own (the
  // connection must not be in pipeline mode). False when libpq could not
  // send: the connection is gone.
  bool Send(const LibPq& pq, PGconn* conn);

  struct Outcome {
    // Not ok when the session could not be reset: close the connection.
    Status status;
    // Every prepared statement of the session was deallocated (the driver
    // drops its statement cache).
    bool deallocated = false;
  };
  // Reads what the pipeline of Append or Send answered and leaves pipeline
  // mode. When the call's statement failed, the server skipped the reset
  // queued behind it: it is sent again (Send) and read. When statements
  // prepared with SQL PREPARE were left, runs DEALLOCATE ALL. When the reset
  // failed (e.g. a caller deallocated it, or a cancel meant for the
  // statement reached it), runs it again as a plain statement, then
  // DEALLOCATE ALL. `error_of` turns an error result into a Status.
  Outcome Finish(const LibPq& pq, PGconn* conn,
                 const std::function<Status(const PGresult*)>& error_of);

  // The session's prepared statements were dropped by someone else (the
  // driver's DISCARD ALL): the next Send prepares the reset again.
  void Forget() { prepared_ = false; }

 private:
  // What one pipeline answered, up to its Sync.
  struct Answers {
    Status error;                         // the first error
    std::optional<bool> statements_left;  // from the reset's row
    bool skipped = false;                 // commands skipped after an earlier error
    bool ended = false;                   // the Sync was read and pipeline mode left
  };
  Answers Read(const LibPq& pq, PGconn* conn,
               const std::function<Status(const PGresult*)>& error_of);

  const std::string name_;
  bool prepared_ = false;   // name_ is prepared on the session
  bool preparing_ = false;  // the pipeline in flight prepares it
};

}  // namespace aurite::sql
