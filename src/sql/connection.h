// Connection: one session with a database, the interface every driver implements.
//
// Contract:
//  - Read-only unless OpenOptions::allow_writes: the engine itself refuses
//    writes (read-only transactions or connections, authorizers), the SQL
//    text is never inspected to decide.
//  - Execute runs exactly one statement; more than one is an error. Each
//    call is one transaction (rolled back when read-only, committed when a
//    writing statement left one open): transactions never span calls.
//  - Each call ends with a session reset: nothing it leaves in the session
//    (advisory locks, user variables, prepared statements, temporary
//    tables...) reaches the next call or blocks other clients; a failed
//    reset closes the connection. What each engine resets and how:
//    docs/sql-server.md, "Session reset".
//  - Result shapes a driver cannot return (COPY, several result sets, LOAD
//    DATA LOCAL INFILE) fail at once and leave the connection usable.
//  - Rows are fetched incrementally and fetching stops at the limits.
//  - Statements running longer than OpenOptions::statement_timeout are
//    cancelled by the engine and fail with kDeadlineExceeded.
//  - A lost server connection fails with kUnavailable and IsUsable() turns
//    false; open a new Connection (ConnectionPool does this).
//  - Error messages never contain the password.
//  - A read-only connection refuses a privileged login (privileged_login.h)
//    unless the operator allowed it.
//  - Not thread-safe: one caller at a time (ConnectionPool hands out leases),
//    except Interrupt(), which any thread may call while the connection lives.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "sql/connection_config.h"
#include "sql/query.h"
#include "sql/schema.h"

namespace aurite::sql {

struct OpenOptions {
  // Set by the operator's configuration, never by a query's author.
  bool allow_writes = false;
  std::chrono::milliseconds statement_timeout{30000};
  std::chrono::seconds connect_timeout{10};
  // The largest value the engine or client library may build or receive,
  // so that one huge value fails fast instead of filling memory: SQLite's
  // SQLITE_LIMIT_LENGTH (strings, blobs, rows), MariaDB's client
  // max_allowed_packet (one row). PostgreSQL has no such knob; the process
  // cap bounds it (aurite sql-server --max-memory). 0: the engine's default.
  std::size_t max_value_bytes = kDefaultMaxValueBytes;
  static constexpr std::size_t kDefaultMaxValueBytes = 32 * 1024 * 1024;
  // Set by the operator only. Read-only connections refuse a login whose
  // privileges act outside a read-only transaction (privileged_login.h)
  // unless this is true; then ReadOnlyWarning() says what is not enforced.
  bool allow_privileged_login = false;
};

class Connection {
 public:
  virtual ~Connection() = default;

  virtual Engine engine() const = 0;
  // E.g. "15.4", "10.11.6-MariaDB", "3.40.1".
  virtual const std::string& ServerVersion() const = 0;
  // Tables and views; without `schema`, all user schemas (PostgreSQL), the
  // current database (MariaDB) or "main" (SQLite).
  virtual StatusOr<std::vector<TableInfo>> ListTables(const std::optional<std::string>& schema) = 0;
  // kNotFound when the table does not exist.
  virtual StatusOr<TableDescription> DescribeTable(const std::string& table,
                                                   const std::optional<std::string>& schema) = 0;
  virtual StatusOr<QueryResult> Execute(std::string_view sql, const std::vector<Param>& params,
                                        const QueryLimits& limits) = 0;
  // Execute, with the statement running as the database role `role`
  // (database_role.h checks and quotes it) instead of the login: PostgreSQL
  // SET LOCAL ROLE inside the call's transaction, MariaDB SET ROLE before
  // and SET ROLE NONE after, on the same session. The role never outlives
  // the call: a session whose role could not be dropped is closed. A role
  // that does not exist or is not granted to the login is an error naming
  // it, never a fallback to the login. The default (SQLite) is an error:
  // SQLite has no roles.
  virtual StatusOr<QueryResult> ExecuteAsRole(std::string_view sql,
                                              const std::vector<Param>& params,
                                              const QueryLimits& limits, std::string_view role);
  // The engine's plan for `sql`, without running it; always read-only.
  virtual StatusOr<nlohmann::json> Explain(std::string_view sql,
                                           const std::vector<Param>& params) = 0;
  virtual bool IsUsable() const = 0;

  // Stops the current call. May be called from any thread, while a
  // statement runs or between the statements of a call: the statement
  // running now is stopped in the engine (PostgreSQL: a cancel request;
  // MariaDB/MySQL: KILL QUERY from a second, short-lived session; SQLite:
  // sqlite3_interrupt), and it and every later statement fail at once with
  // kCancelled until ClearInterrupt(). Blocks the calling thread for the
  // cancel's round trip to the server and until the statement ended, so
  // call it from a thread that may wait. The call's transaction is rolled
  // back and the connection stays usable.
  virtual void Interrupt() = 0;
  // Lets statements run again after Interrupt(). Owner only, and never
  // while an Interrupt() is in progress.
  virtual void ClearInterrupt() = 0;
  // Empty, except on a read-only connection whose privileged login the
  // operator allowed (OpenOptions::allow_privileged_login): then the warning
  // every result must carry, naming what read-only mode does not stop.
  virtual std::string ReadOnlyWarning() const { return {}; }
};

StatusOr<std::unique_ptr<Connection>> OpenConnection(const ConnectionConfig& config,
                                                     const OpenOptions& options);

}  // namespace aurite::sql
