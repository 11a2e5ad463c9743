// The MariaDB/MySQL Connection: each call's session settings and
// transaction, the prepared-statement wire calls, unbuffered row fetching,
// errors, and stopping statements from a second session. Types and
// parameters: mariadb_values.h; catalogue: mariadb_catalog.h; connecting:
// mariadb_connect.h.
#include "sql/mariadb_connection.h"

#include <fmt/format.h>
#include <mysql.h>

#include <chrono>
#include <optional>

#include "sql/catalogue.h"
#include "sql/database_role.h"
#include "sql/error_text.h"
#include "sql/libmariadb_library.h"
#include "sql/mariadb_catalog.h"
#include "sql/mariadb_connect.h"
#include "sql/mariadb_values.h"
#include "sql/memory_errors.h"
#include "sql/result_builder.h"
#include "sql/statement_interrupt.h"
#include "sql/value_encoding.h"

namespace aurite::sql {
namespace {

// KILL QUERY that reaches the server before our statement does is lost;
// while the statement still runs, it is sent again.
constexpr std::chrono::milliseconds kKillQueryRetry{500};

// Client and server error numbers (errmsg.h, mysqld_error.h).
constexpr unsigned kServerGone = 2006, kServerLost = 2013, kServerLostExtended = 2055;
constexpr unsigned kOutOfMemory = 2008, kPacketTooLarge = 2020;
constexpr unsigned kConnectionKilled = 1927, kReadOnlyTransaction = 1792, kQueryInterrupted = 1317;
constexpr unsigned kStatementTimeout = 1969, kMySqlQueryTimeout = 3024, kTableAccessDenied = 1142,
                   kDbAccessDenied = 1044, kSpecificAccessDenied = 1227, kAccessDenied = 1045;

bool IsConnectionLost(unsigned code) {
  return code == kServerGone || code == kServerLost || code == kServerLostExtended ||
         code == kConnectionKilled || code == 4031;
}

class MariaDbConnection final : public Connection {
 public:
  MariaDbConnection(MysqlHandle mysql, const OpenOptions& options, ConnectionConfig config)
      : mysql_(std::move(mysql)),
        options_(options),
        config_(std::move(config)),
        thread_id_(My().mysql_thread_id(mysql_.get())),
        version_(My().mysql_get_server_info(mysql_.get())),
        is_mariadb_(version_.find("MariaDB") != std::string::npos),
        interrupt_([this] { KillQuery(); }, kKillQueryRetry) {}

  Engine engine() const override { return Engine::kMariaDb; }
  const std::string& ServerVersion() const override { return version_; }
  StatusOr<std::vector<TableInfo>> ListTables(const std::optional<std::string>& schema) override {
    return ListMariaDbTables(CatalogueRunner(), schema);
  }
  StatusOr<TableDescription> DescribeTable(const std::string& table,
                                           const std::optional<std::string>& schema) override {
    return DescribeMariaDbTable(CatalogueRunner(), table, schema);
  }
  StatusOr<QueryResult> Execute(std::string_view sql, const std::vector<Param>& params,
                                const QueryLimits& limits) override {
    return Run(sql, params, limits, !options_.allow_writes);
  }
  StatusOr<QueryResult> ExecuteAsRole(std::string_view sql, const std::vector<Param>& params,
                                      const QueryLimits& limits, std::string_view role) override {
    AURITE_ASSIGN_OR_RETURN(std::string quoted, QuotedRole(Engine::kMariaDb, role));
    return Run(sql, params, limits, !options_.allow_writes, quoted);
  }
  StatusOr<nlohmann::json> Explain(std::string_view sql, const std::vector<Param>& params) override;
  bool IsUsable() const override { return !lost_; }
  void Interrupt() override { interrupt_.Interrupt(); }
  void ClearInterrupt() override { interrupt_.Clear(); }

 private:
  void KillQuery() const;
  void KillFromSecondSession(std::string_view kill) const;
  static Status Cancelled() { return CancelledError("MariaDB: the statement was cancelled"); }
  // `quoted_role`: empty, or the role (quoted) the statement runs as: SET
  // ROLE before the call's transaction, SET ROLE NONE after it.
  StatusOr<QueryResult> Run(std::string_view sql, const std::vector<Param>& params,
                            const QueryLimits& limits, bool read_only,
                            const std::string& quoted_role = {});
  StatusOr<QueryResult> RunInTransaction(std::string_view sql, const std::vector<Param>& params,
                                         const QueryLimits& limits, bool read_only);
  Status RunStatement(MYSQL_STMT* stmt, const std::vector<Param>& params, ResultBuilder& builder);
  Status FetchRows(MYSQL_STMT* stmt, MYSQL_RES* meta, ResultBuilder& builder);
  Status DrainMoreResults(MYSQL_STMT* stmt, int row_sets);
  Status Query(const std::string& sql);
  void StopOnServer() const;
  bool InTransaction() const;
  std::string SessionSettings(bool read_only) const;
  Status Error(unsigned code, const char* message);
  // Runs the catalogue queries of mariadb_catalog.h as read-only calls.
  CatalogueQuery CatalogueRunner() {
    return [this](std::string_view sql, const std::vector<Param>& params) {
      return Run(sql, params, kCatalogueLimits, true);
    };
  }
  // Errors that arrive while fetching rows are recorded on the connection.
  Status StmtError(MYSQL_STMT* stmt) {
    if (My().mysql_stmt_errno(stmt) != 0)
      return Error(My().mysql_stmt_errno(stmt), My().mysql_stmt_error(stmt));
    return Error(My().mysql_errno(mysql_.get()), My().mysql_error(mysql_.get()));
  }

  MysqlHandle mysql_;
  OpenOptions options_;
  // Kept to stop a runaway statement from a second connection (StopOnServer)
  // and to scrub the password from error text.
  ConnectionConfig config_;
  unsigned long thread_id_;
  std::chrono::steady_clock::time_point deadline_;
  std::string version_;
  // MySQL names the session settings differently (SessionSettings).
  bool is_mariadb_;
  bool lost_ = false;
  StatementInterrupt interrupt_;
};

Status MariaDbConnection::Error(unsigned code, const char* message) {
  std::string text =
      fmt::format("MariaDB: {} (error {})",
                  ScrubSecret(message ? message : "", config_.password.Reveal()), code);
  if (IsConnectionLost(code)) {
    lost_ = true;
    if (code == kServerLost && std::chrono::steady_clock::now() >= deadline_) {
      StopOnServer();
      return DeadlineExceededError(fmt::format(
          "MariaDB: statement timeout of {} ms exceeded; the statement was stopped on the server",
          options_.statement_timeout.count()));
    }
    // libmariadb reports a row packet over MYSQL_OPT_MAX_ALLOWED_PACKET
    // as a lost connection (2013) too.
    std::string oversized =
        code == kServerLost && options_.max_value_bytes > 0
            ? fmt::format(
                  ", or a row was larger than the {} bytes this connection accepts "
                  "(select a part of large values, e.g. with LEFT())",
                  options_.max_value_bytes)
            : "";
    return UnavailableError("the connection to the server was lost (" + text + ")" + oversized +
                            "; the next call opens a new connection");
  }
  // The stream is cut in the middle of a packet: the session cannot go on.
  if (code == kPacketTooLarge) {
    lost_ = true;
    return ValueTooLargeError("MariaDB", options_.max_value_bytes, text);
  }
  if (code == kOutOfMemory) {
    lost_ = true;
    return OutOfMemoryError("MariaDB", text);
  }
  if (code == kQueryInterrupted && interrupt_.interrupted()) return Cancelled();
  if (code == kStatementTimeout || code == kMySqlQueryTimeout) {
    return DeadlineExceededError(fmt::format("MariaDB: statement timeout of {} ms exceeded",
                                             options_.statement_timeout.count()));
  }
  if (code == kReadOnlyTransaction || code == kTableAccessDenied || code == kDbAccessDenied ||
      code == kSpecificAccessDenied || code == kAccessDenied) {
    return PermissionDeniedError(text);
  }
  return InvalidArgumentError(text);
}

// A statement can lift its own max_statement_time (SET STATEMENT ... FOR), so
// the client's read timeout backs it up: when it fires, the server thread is
// killed from a second connection.
void MariaDbConnection::StopOnServer() const { KillFromSecondSession("KILL"); }

// Runs on the interrupting thread. KILL QUERY ends the statement and leaves
// the session usable.
void MariaDbConnection::KillQuery() const { KillFromSecondSession("KILL QUERY"); }

// A session of its own, opened with the connection's credentials (copied
// into a SecretBuffer that ConnectMariaDb wipes), sends `kill` for our thread.
void MariaDbConnection::KillFromSecondSession(std::string_view kill) const {
  StatusOr<MysqlHandle> killer = ConnectMariaDb(config_, options_);
  if (!killer.ok()) return;
  std::string statement = fmt::format("{} {}", kill, thread_id_);
  My().mysql_real_query(killer->get(), statement.data(), statement.size());
}

Status MariaDbConnection::Query(const std::string& sql) {
  if (My().mysql_real_query(mysql_.get(), sql.data(), sql.size()) != 0) {
    return Error(My().mysql_errno(mysql_.get()), My().mysql_error(mysql_.get()));
  }
  MysqlResHandle discard(My().mysql_store_result(mysql_.get()));
  return OkStatus();
}

Status MariaDbConnection::FetchRows(MYSQL_STMT* stmt, MYSQL_RES* meta, ResultBuilder& builder) {
  unsigned count = My().mysql_num_fields(meta);
  MYSQL_FIELD* fields = My().mysql_fetch_fields(meta);
  for (unsigned i = 0; i < count; ++i)
    builder.AddColumn(fields[i].name, MariaDbColumnType(fields[i]));
  MariaDbRowBuffers row;
  PrepareMariaDbRowBuffers(fields, count, row);
  if (My().mysql_stmt_bind_result(stmt, row.binds.data()) != 0) return StmtError(stmt);
  for (;;) {
    int rc = My().mysql_stmt_fetch(stmt);
    if (rc == MYSQL_NO_DATA) return OkStatus();
    if (rc == 1) return StmtError(stmt);
    nlohmann::json cells = nlohmann::json::array();
    cells.get_ref<nlohmann::json::array_t&>().reserve(count);
    for (unsigned i = 0; i < count; ++i) cells.push_back(ReadMariaDbCell(stmt, row, i));
    if (row.rebind && My().mysql_stmt_bind_result(stmt, row.binds.data()) != 0)
      return StmtError(stmt);
    row.rebind = false;
    if (!builder.AddRow(std::move(cells))) return OkStatus();
  }
}

Status MariaDbConnection::RunStatement(MYSQL_STMT* stmt, const std::vector<Param>& params,
                                       ResultBuilder& builder) {
  if (My().mysql_stmt_param_count(stmt) != params.size()) {
    return InvalidArgumentError(fmt::format("the statement takes {} parameters, {} were given",
                                            My().mysql_stmt_param_count(stmt), params.size()));
  }
  MariaDbParamBuffers buffers;
  AURITE_RETURN_IF_ERROR(BindMariaDbParams(params, buffers));
  if (!params.empty() && My().mysql_stmt_bind_param(stmt, buffers.binds.data()) != 0) {
    return StmtError(stmt);
  }
  if (My().mysql_stmt_execute(stmt) != 0) return StmtError(stmt);
  MysqlResHandle meta(My().mysql_stmt_result_metadata(stmt));
  if (!meta) {
    builder.SetAffectedRows(static_cast<std::int64_t>(My().mysql_stmt_affected_rows(stmt)));
    return DrainMoreResults(stmt, 0);
  }
  Status status = FetchRows(stmt, meta.get(), builder);
  // Reads and discards rows a limit left behind, so the connection is reusable.
  My().mysql_stmt_free_result(stmt);
  Status more = DrainMoreResults(stmt, 1);
  return status.ok() ? more : status;
}

// CALL sends its procedure's result sets and then one without columns (the
// CALL's own status). Every further result is read and dropped, or the
// session is out of sync and answers nothing more; a second result set
// with columns cannot be returned with the first, so it is an error.
// `row_sets`: 1 when the first result had columns, else 0.
Status MariaDbConnection::DrainMoreResults(MYSQL_STMT* stmt, int row_sets) {
  const int first = row_sets;
  while (My().mysql_stmt_more_results(stmt)) {
    int rc = My().mysql_stmt_next_result(stmt);
    if (rc > 0) return StmtError(stmt);
    if (rc < 0) break;
    if (My().mysql_stmt_field_count(stmt) > 0) ++row_sets;
    My().mysql_stmt_free_result(stmt);
  }
  if (row_sets == first) return OkStatus();
  return InvalidArgumentError(fmt::format(
      "MariaDB: the statement returned {} result sets (a procedure that runs several SELECTs); "
      "the SQL server returns one result per call: run each query on its own",
      row_sets));
}

// Reset every call: a previous statement may have changed them. The session
// default matters because DDL commits the READ ONLY transaction implicitly
// and then runs in a new one, which takes the session's access mode.
std::string MariaDbConnection::SessionSettings(bool read_only) const {
  if (is_mariadb_) {
    return fmt::format("SET SESSION tx_read_only = {}, SESSION max_statement_time = {:.3f}",
                       read_only ? 1 : 0, options_.statement_timeout.count() / 1000.0);
  }
  return fmt::format("SET SESSION transaction_read_only = {}, SESSION max_execution_time = {}",
                     read_only ? 1 : 0, options_.statement_timeout.count());
}

bool MariaDbConnection::InTransaction() const {
  unsigned int status = 0;
  My().mariadb_get_infov(mysql_.get(), MARIADB_CONNECTION_SERVER_STATUS, &status);
  return (status & SERVER_STATUS_IN_TRANS) != 0;
}

StatusOr<QueryResult> MariaDbConnection::Run(std::string_view sql, const std::vector<Param>& params,
                                             const QueryLimits& limits, bool read_only,
                                             const std::string& quoted_role) {
  deadline_ = std::chrono::steady_clock::now() + options_.statement_timeout;
  // Nothing of an earlier call may carry over, least of all a transaction.
  if (InTransaction()) AURITE_RETURN_IF_ERROR(Query("ROLLBACK"));
  // A role that does not exist or is not granted fails here (error 1959
  // names it) and the statement never runs: no fallback to the login.
  if (!quoted_role.empty()) AURITE_RETURN_IF_ERROR(Query("SET ROLE " + quoted_role));
  // From here on the role is dropped on every way out (SET ROLE NONE): a
  // session that cannot drop it is closed, never reused under the role.
  StatusOr<QueryResult> result = RunInTransaction(sql, params, limits, read_only);
  if (!quoted_role.empty() && !lost_ && !Query("SET ROLE NONE").ok()) lost_ = true;
  return result;
}

StatusOr<QueryResult> MariaDbConnection::RunInTransaction(std::string_view sql,
                                                          const std::vector<Param>& params,
                                                          const QueryLimits& limits,
                                                          bool read_only) {
  AURITE_RETURN_IF_ERROR(Query(SessionSettings(read_only)));
  if (read_only) AURITE_RETURN_IF_ERROR(Query("START TRANSACTION READ ONLY"));
  ResultBuilder builder(limits);
  Status status;
  {
    // The ROLLBACK or COMMIT after this scope is never killed.
    StatementInterrupt::Scope running(interrupt_);
    MysqlStmtHandle stmt(running.ok() ? My().mysql_stmt_init(mysql_.get()) : nullptr);
    if (!running.ok()) {
      status = Cancelled();
    } else if (!stmt) {
      status = ResourceExhaustedError("MariaDB: out of memory");
    } else if (My().mysql_stmt_prepare(stmt.get(), sql.data(), sql.size()) != 0) {
      status = StmtError(stmt.get());
    } else {
      status = RunStatement(stmt.get(), params, builder);
    }
  }
  // max_statement_time does not always fail the statement it stops: an
  // interrupted SLEEP() returns 1 and DO SLEEP() ends "ok". A statement that
  // ran past the timeout is an error all the same, whatever it returned.
  if (status.ok() && std::chrono::steady_clock::now() >= deadline_) {
    status = DeadlineExceededError(fmt::format(
        "MariaDB: statement timeout of {} ms exceeded; the server stopped the statement{}",
        options_.statement_timeout.count(),
        read_only ? "" : " (with writes enabled, check what it changed before it stopped)"));
  }
  if (lost_) return status;
  // Also when the statement ended before the kill reached it (a killed
  // SLEEP() even ends without an error): the caller gave up on the call, so
  // a transaction it opened is rolled back, not committed.
  if (interrupt_.interrupted()) status = Cancelled();
  // A call is one transaction, as on PostgreSQL: one a writing statement
  // opened (START TRANSACTION) is committed rather than left open on a
  // shared connection; the reset below rolls back everything else.
  if (!read_only && status.ok() && InTransaction()) status = Query("COMMIT");
  // The session reset ends every call (docs/sql-server.md): a failed one
  // closes the connection (fail closed); the call's outcome stands.
  if (My().mysql_reset_connection(mysql_.get()) != 0) lost_ = true;
  AURITE_RETURN_IF_ERROR(status);
  return std::move(builder).Finish();
}

StatusOr<nlohmann::json> MariaDbConnection::Explain(std::string_view sql,
                                                    const std::vector<Param>& params) {
  std::string text = "EXPLAIN FORMAT=JSON ";
  text += sql;
  AURITE_ASSIGN_OR_RETURN(QueryResult result, Run(text, params, kCatalogueLimits, true));
  if (result.row_count != 1 || !result.rows[0][0].is_string()) {
    return InternalError("MariaDB: EXPLAIN returned no plan");
  }
  return EncodeJsonText(result.rows[0][0].get<std::string>());
}

}  // namespace

StatusOr<std::unique_ptr<Connection>> OpenMariaDb(const ConnectionConfig& config,
                                                  const OpenOptions& options) {
  AURITE_ASSIGN_OR_RETURN(MysqlHandle mysql, ConnectMariaDb(config, options));
  return std::unique_ptr<Connection>(
      std::make_unique<MariaDbConnection>(std::move(mysql), options, config.Clone()));
}

}  // namespace aurite::sql
