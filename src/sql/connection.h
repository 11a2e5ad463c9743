// Connection: one session with a database, the interface every driver implements.
//
// Contract:
//  - Read-only unless OpenOptions::allow_writes: the engine itself refuses
//    writes (read-only transactions or connections, authorizers), the SQL
//    text is never inspected to decide.
//  - Execute runs exactly one statement; more than one is an error. Each
//    call is one transaction (rolled back when read-only, committed when a
//    writing statement left one open): transactions never span calls.
//  - Rows are fetched incrementally and fetching stops at the limits.
//  - Statements running longer than OpenOptions::statement_timeout are
//    cancelled by the engine and fail with kDeadlineExceeded.
//  - A lost server connection fails with kUnavailable and IsUsable() turns
//    false; open a new Connection (ConnectionPool does this).
//  - Error messages never contain the password.
//  - Not thread-safe: one caller at a time (ConnectionPool hands out leases),
//    except Interrupt(), which any thread may call while the connection lives.
#pragma once

#include <chrono>
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
};

StatusOr<std::unique_ptr<Connection>> OpenConnection(const ConnectionConfig& config,
                                                     const OpenOptions& options);

}  // namespace aurite::sql
