// The PostgreSQL Connection: each call's transaction, the extended-protocol
// and pipeline wire calls, the statement cache, single-row fetching, errors
// and cancellation. Types and parameters: postgres_values.h; catalogue:
// postgres_catalog.h; connecting: postgres_connect.h.
#include "sql/postgres_connection.h"

#include <fmt/format.h>
#include <libpq-fe.h>
#include <openssl/crypto.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <map>
#include <optional>

#include "sql/catalogue.h"
#include "sql/database_role.h"
#include "sql/error_text.h"
#include "sql/libpq_library.h"
#include "sql/memory_errors.h"
#include "sql/postgres_catalog.h"
#include "sql/postgres_connect.h"
#include "sql/postgres_session_reset.h"
#include "sql/postgres_unsupported_result.h"
#include "sql/postgres_values.h"
#include "sql/result_builder.h"
#include "sql/statement_interrupt.h"

namespace aurite::sql {
namespace {

// A cancel request that reaches the backend before our statement does is
// ignored; while the statement still runs, the request is sent again.
constexpr std::chrono::milliseconds kCancelRetry{500};

class PostgresConnection final : public Connection {
 public:
  PostgresConnection(PgConnHandle conn, const OpenOptions& options, crypto::SecretBuffer password)
      : conn_(std::move(conn)),
        options_(options),
        password_(std::move(password)),
        cancel_(Pq().PQgetCancel(conn_.get())),
        interrupt_([this] { CancelOnServer(); }, kCancelRetry) {
    const char* version = Pq().PQparameterStatus(conn_.get(), "server_version");
    version_ = version ? version : "";
  }

  Engine engine() const override { return Engine::kPostgres; }
  const std::string& ServerVersion() const override { return version_; }
  StatusOr<std::vector<TableInfo>> ListTables(const std::optional<std::string>& schema) override {
    return ListPostgresTables(CatalogueRunner(), schema);
  }
  StatusOr<TableDescription> DescribeTable(const std::string& table,
                                           const std::optional<std::string>& schema) override {
    return DescribePostgresTable(CatalogueRunner(), table, schema);
  }
  StatusOr<QueryResult> Execute(std::string_view sql, const std::vector<Param>& params,
                                const QueryLimits& limits) override {
    return Run(sql, params, limits, !options_.allow_writes);
  }
  StatusOr<QueryResult> ExecuteAsRole(std::string_view sql, const std::vector<Param>& params,
                                      const QueryLimits& limits, std::string_view role) override {
    AURITE_ASSIGN_OR_RETURN(std::string quoted, QuotedRole(Engine::kPostgres, role));
    return Run(sql, params, limits, !options_.allow_writes, "SET LOCAL ROLE " + quoted);
  }
  StatusOr<nlohmann::json> Explain(std::string_view sql, const std::vector<Param>& params) override;
  // The session's statement_timeout, which read-only calls rely on: a
  // statement that changes it does so inside its call's transaction, and
  // that transaction is always rolled back.
  Status SetSessionTimeout() {
    return Exec(fmt::format("SET statement_timeout = {}", options_.statement_timeout.count()));
  }
  bool IsUsable() const override { return !broken_ && Pq().PQstatus(conn_.get()) == CONNECTION_OK; }
  void Interrupt() override { interrupt_.Interrupt(); }
  void ClearInterrupt() override { interrupt_.Clear(); }

 private:
  // PQcancel reads only the PGcancel made at open, so it is safe on the
  // interrupting thread while this one reads from the connection. Fetch also
  // uses it to stop the rows a query sends beyond its limits.
  void CancelOnServer() {
    char error[256];
    cancel_sent_.store(true, std::memory_order_relaxed);
    if (cancel_) Pq().PQcancel(cancel_.get(), error, sizeof error);
  }
  static Status Cancelled() { return CancelledError("PostgreSQL: the statement was cancelled"); }
  // A session found broken without an error of its own to report.
  static Status SessionEnded() {
    return UnavailableError(
        "PostgreSQL: the session ended unexpectedly; the next call opens a new connection");
  }
  // `set_role`: empty, or the SET LOCAL ROLE that runs first in the call's
  // transaction (ExecuteAsRole), so the role ends with the transaction.
  StatusOr<QueryResult> Run(std::string_view sql, const std::vector<Param>& params,
                            const QueryLimits& limits, bool read_only,
                            const std::string& set_role = {});
  Status Send(std::string_view sql, const std::vector<Param>& params);
  Status SendStatement(std::string_view sql, const PgParams& encoded);
  Status SendPrepared(const std::string& name, const PgParams& encoded);
  Status SendReadOnlyPipeline(std::string_view sql, const std::vector<Param>& params,
                              const std::string& set_role);
  Status FetchReadOnlyPipeline(ResultBuilder& builder, std::vector<Oid>& types, bool set_role);
  Status CommandResult();
  Status Fetch(ResultBuilder& builder, bool read_only, std::vector<Oid>& types);
  void NameColumnTypes(const std::vector<Oid>& types, std::vector<Column>& columns);
  Status Exec(const std::string& sql);
  Status FinishPendingRollback();
  Status ResetWritingSession();
  Status ResultError(const PGresult* result);
  Status LostOr(Status status);
  std::string Scrub(std::string message) const {
    return ScrubSecret(std::move(message), password_.Reveal());
  }
  // Runs the catalogue queries of postgres_catalog.h as read-only calls.
  CatalogueQuery CatalogueRunner() {
    return [this](std::string_view sql, const std::vector<Param>& params) {
      return Run(sql, params, kCatalogueLimits, true);
    };
  }

  PgConnHandle conn_;
  OpenOptions options_;
  crypto::SecretBuffer password_;
  std::string version_;
  PostgresTypeNames type_names_;
  // A read-only call's ROLLBACK goes in its pipeline, but its answer is
  // read at the start of the next use: one round trip less per call.
  bool rollback_pending_ = false;
  PostgresCallEnd call_end_;
  // A cancel went to the server during the current call: it may have hit
  // the call end queued behind the statement.
  std::atomic<bool> cancel_sent_{false};
  // Set when the pipeline protocol went wrong: the pool then drops us.
  bool broken_ = false;
  // Read-only statements prepared on this session, by SQL text, so a
  // repeated query skips parsing and planning. A text is prepared the second
  // time it comes among the last kRecentTexts ones not prepared: each
  // prepared statement adds a row to the pg_prepared_statements scan of
  // every call's reset (PostgresCallEnd), which made it the largest part of
  // PostgreSQL's CPU for a point query when one-off texts (an LLM's queries
  // with their values written in) filled the cache. At most kMaxPrepared
  // names are ever created per session; after that, statements run unnamed.
  static constexpr int kMaxPrepared = 32;
  static constexpr std::size_t kRecentTexts = 64;
  std::map<std::string, std::string, std::less<>> prepared_;
  int prepared_names_ = 0;
  // Hashes of recent texts not prepared: a ring, oldest overwritten.
  std::array<std::size_t, kRecentTexts> recent_texts_{};
  std::size_t next_recent_ = 0;
  // Whether `sql` came among the recent texts; remembers it if not.
  bool SeenRecently(std::string_view sql);
  // The statement being prepared by the current call: (SQL, name).
  std::optional<std::pair<std::string, std::string>> preparing_;
  // The SQL of a cached statement the current call executes.
  std::optional<std::string> executing_cached_;
  PgCancelHandle cancel_;
  StatementInterrupt interrupt_;
};

Status PostgresConnection::LostOr(Status status) {
  // Out of memory is the cause worth telling, not the connection it cost.
  if (status.code() == StatusCode::kResourceExhausted) return status;
  if (Pq().PQstatus(conn_.get()) != CONNECTION_BAD) return status;
  return UnavailableError("PostgreSQL: the connection to the server was lost (" + status.message() +
                          "); the next call opens a new connection");
}

Status PostgresConnection::ResultError(const PGresult* result) {
  const char* state = Pq().PQresultErrorField(result, PG_DIAG_SQLSTATE);
  const char* primary = Pq().PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY);
  std::string message = Scrub(primary ? primary : Pq().PQerrorMessage(conn_.get()));
  std::string_view sqlstate = state ? state : "";
  // libpq could not allocate for a row (its input buffer or the result):
  // the session is out of step with the server, so it is not reused.
  if (sqlstate.empty() && SaysOutOfMemory(message)) {
    broken_ = true;
    return OutOfMemoryError("PostgreSQL", message);
  }
  if (sqlstate == "57014" && interrupt_.interrupted()) return Cancelled();
  if (sqlstate == "57014") {
    return DeadlineExceededError(fmt::format("PostgreSQL: statement timeout of {} ms exceeded",
                                             options_.statement_timeout.count()));
  }
  std::string text = fmt::format("PostgreSQL: {}{}", message,
                                 sqlstate.empty() ? "" : fmt::format(" (SQLSTATE {})", sqlstate));
  // The server ends the session (57P01 terminated, 57P02 crash, class 08):
  // libpq may not have seen the socket close yet, so say so ourselves.
  if (sqlstate.starts_with("57P") || sqlstate.starts_with("08")) {
    broken_ = true;
    return UnavailableError("PostgreSQL: the connection to the server was lost (" + text +
                            "); the next call opens a new connection");
  }
  if (sqlstate == "25006" || sqlstate == "42501") return LostOr(PermissionDeniedError(text));
  return LostOr(InvalidArgumentError(text));
}

Status PostgresConnection::Exec(const std::string& sql) {
  PgResultHandle result(Pq().PQexec(conn_.get(), sql.c_str()));
  ExecStatusType status = Pq().PQresultStatus(result.get());
  if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) return OkStatus();
  return ResultError(result.get());
}

// Reads the answers to the call end's pipeline (PostgresCallEnd). A session
// whose reset failed is closed (fail closed): the call that finds out fails
// with kUnavailable and the pool opens a new connection for the next one.
Status PostgresConnection::FinishPendingRollback() {
  if (!rollback_pending_) return OkStatus();
  rollback_pending_ = false;
  PostgresCallEnd::Outcome ended = call_end_.Finish(
      Pq(), conn_.get(), [this](const PGresult* result) { return ResultError(result); });
  if (ended.deallocated) {
    prepared_.clear();
    prepared_names_ = 0;
  }
  if (ended.status.ok()) return OkStatus();
  broken_ = true;
  if (ended.status.code() == StatusCode::kUnavailable) return LostOr(ended.status);
  return UnavailableError("PostgreSQL: the session could not be reset after the last call (" +
                          ended.status.message() +
                          "); the connection was closed and the next call opens a new one");
}

// A call that may have written committed everything its statement did,
// session state included (SET, LISTEN, temporary tables, WITH HOLD cursors,
// SET ROLE): DISCARD ALL undoes it all, outside any transaction block, and
// the session's statement_timeout is set again.
Status PostgresConnection::ResetWritingSession() {
  if (Pq().PQtransactionStatus(conn_.get()) != PQTRANS_IDLE)
    AURITE_RETURN_IF_ERROR(Exec("ROLLBACK"));
  Status discarded = Exec("DISCARD ALL");
  prepared_.clear();
  prepared_names_ = 0;
  call_end_.Forget();
  AURITE_RETURN_IF_ERROR(discarded);
  return SetSessionTimeout();
}

Status PostgresConnection::Send(std::string_view sql, const std::vector<Param>& params) {
  AURITE_ASSIGN_OR_RETURN(PgParams encoded, EncodePostgresParams(params));
  AURITE_RETURN_IF_ERROR(SendStatement(sql, encoded));
  Pq().PQsetSingleRowMode(conn_.get());
  return OkStatus();
}

Status PostgresConnection::SendPrepared(const std::string& name, const PgParams& encoded) {
  PgParamArrays arrays(encoded);
  if (!Pq().PQsendQueryPrepared(conn_.get(), name.c_str(), static_cast<int>(arrays.values.size()),
                                arrays.values.data(), arrays.lengths.data(), encoded.formats.data(),
                                0)) {
    return LostOr(UnavailableError("PostgreSQL: " + Scrub(Pq().PQerrorMessage(conn_.get()))));
  }
  return OkStatus();
}

Status PostgresConnection::SendStatement(std::string_view sql, const PgParams& encoded) {
  PgParamArrays arrays(encoded);
  // libpq needs a NUL-terminated copy. The statement may hold a secret (the
  // credentials layer's admin statements carry password verifiers), so the
  // copy is wiped as soon as libpq has taken the statement.
  std::string statement(sql);
  const int sent = Pq().PQsendQueryParams(
      conn_.get(), statement.c_str(), static_cast<int>(arrays.values.size()), nullptr,
      arrays.values.data(), arrays.lengths.data(), encoded.formats.data(), 0);
  OPENSSL_cleanse(statement.data(), statement.size());
  if (!sent) {
    return LostOr(UnavailableError("PostgreSQL: " + Scrub(Pq().PQerrorMessage(conn_.get()))));
  }
  return OkStatus();
}

// A read-only call sends BEGIN READ ONLY, the SET LOCAL ROLE of a call with
// a role, the statement, the call's end (PostgresCallEnd: session reset and
// ROLLBACK) and a Sync at once (libpq pipeline mode): one round trip, and
// one wake-up of the server. If BEGIN or SET LOCAL ROLE fails, the server
// skips the statement (the pipeline aborts up to the Sync), so it never
// runs outside the read-only transaction, nor as the login when a role was
// asked for. The timeout is the session's (see SetSessionTimeout).
Status PostgresConnection::SendReadOnlyPipeline(std::string_view sql,
                                                const std::vector<Param>& params,
                                                const std::string& set_role) {
  AURITE_ASSIGN_OR_RETURN(PgParams encoded, EncodePostgresParams(params));
  PGconn* conn = conn_.get();
  if (!Pq().PQenterPipelineMode(conn) ||
      !Pq().PQsendQueryParams(conn, "BEGIN READ ONLY", 0, nullptr, nullptr, nullptr, nullptr, 0) ||
      (!set_role.empty() &&
       !Pq().PQsendQueryParams(conn, set_role.c_str(), 0, nullptr, nullptr, nullptr, nullptr, 0))) {
    broken_ = true;
    return LostOr(UnavailableError("PostgreSQL: " + Scrub(Pq().PQerrorMessage(conn))));
  }
  preparing_.reset();
  executing_cached_.reset();
  Status status;
  if (auto found = prepared_.find(sql); found != prepared_.end()) {
    executing_cached_ = found->first;
    status = SendPrepared(found->second, encoded);
  } else if (prepared_names_ < kMaxPrepared && SeenRecently(sql)) {
    preparing_.emplace(std::string(sql), fmt::format("aurite_{}", ++prepared_names_));
    if (!Pq().PQsendPrepare(conn, preparing_->second.c_str(), preparing_->first.c_str(), 0,
                            nullptr)) {
      status = UnavailableError("PostgreSQL: " + Scrub(Pq().PQerrorMessage(conn)));
    } else {
      status = SendPrepared(preparing_->second, encoded);
    }
  } else {
    status = SendStatement(sql, encoded);
  }
  if (!status.ok() || !call_end_.Append(Pq(), conn) || !Pq().PQpipelineSync(conn)) {
    broken_ = true;
    return status.ok() ? LostOr(UnavailableError("PostgreSQL: " + Scrub(Pq().PQerrorMessage(conn))))
                       : status;
  }
  return OkStatus();
}

bool PostgresConnection::SeenRecently(std::string_view sql) {
  const std::size_t hash = std::hash<std::string_view>{}(sql);
  if (std::find(recent_texts_.begin(), recent_texts_.end(), hash) != recent_texts_.end()) {
    return true;
  }
  recent_texts_[next_recent_] = hash;
  next_recent_ = (next_recent_ + 1) % kRecentTexts;
  return false;
}

// Reads the results of one command of the pipeline; the first error.
Status PostgresConnection::CommandResult() {
  Status error;
  bool ran = false;
  for (PgResultHandle result(Pq().PQgetResult(conn_.get())); result;
       result.reset(Pq().PQgetResult(conn_.get()))) {
    ExecStatusType status = Pq().PQresultStatus(result.get());
    ran = ran || status == PGRES_COMMAND_OK;
    if (status == PGRES_FATAL_ERROR && error.ok()) error = ResultError(result.get());
  }
  if (error.ok() && !ran) return InternalError("PostgreSQL: skipped after an earlier error");
  return error;
}

Status PostgresConnection::FetchReadOnlyPipeline(ResultBuilder& builder, std::vector<Oid>& types,
                                                 bool set_role) {
  Status error = CommandResult();  // BEGIN's
  if (set_role) {
    Status role = CommandResult();
    if (error.ok()) error = role;
  }
  if (preparing_) {
    Status prepared = CommandResult();
    if (prepared.ok()) {
      prepared_.emplace(preparing_->first, preparing_->second);
    } else if (error.ok()) {
      error = prepared;
    }
  }
  Pq().PQsetSingleRowMode(conn_.get());
  Status fetched = Fetch(builder, true, types);
  // An unsupported result closed the session: nothing more to read.
  if (broken_) return error.ok() ? fetched : error;
  // A cached statement that failed (dropped by the client, or its plan no
  // longer fits the table) is prepared afresh next time.
  if (!fetched.ok() && executing_cached_) prepared_.erase(*executing_cached_);
  // The call end's answers and the Sync are read at the next use.
  rollback_pending_ = true;
  return error.ok() ? fetched : error;
}

// Reads every result of the statement. After a limit is reached, a read-only
// statement is cancelled (nothing is lost) while a writing one is drained,
// so that its effect is not rolled back behind the caller's back. PQcancel
// returns once the server has signalled the backend, and a backend that is
// already waiting for the next command ignores the signal. A read-only call's
// reset, queued behind the statement, can still catch it: PostgresCallEnd
// then resets the session the plain way.
Status PostgresConnection::Fetch(ResultBuilder& builder, bool read_only, std::vector<Oid>& types) {
  Status error;
  bool columns_known = false;
  bool stopped = false;
  for (PgResultHandle result(Pq().PQgetResult(conn_.get())); result;
       result.reset(Pq().PQgetResult(conn_.get()))) {
    ExecStatusType status = Pq().PQresultStatus(result.get());
    if (!IsSupportedResult(status)) {
      // COPY and the like: ended here, or libpq hands out the same result forever.
      UnsupportedResult ended =
          EndUnsupportedResult(Pq(), conn_.get(), status, [this] { CancelOnServer(); });
      if (error.ok()) error = ended.error;
      if (ended.close_connection) {
        broken_ = true;
        return error;
      }
      continue;
    }
    if ((status == PGRES_SINGLE_TUPLE || status == PGRES_TUPLES_OK) && !columns_known) {
      columns_known = true;
      for (int i = 0; i < Pq().PQnfields(result.get()); ++i) {
        types.push_back(Pq().PQftype(result.get(), i));
        // Names of types not seen before are filled in by NameColumnTypes.
        builder.AddColumn(Pq().PQfname(result.get(), i), type_names_.NameOf(types.back()));
      }
    }
    if (status == PGRES_SINGLE_TUPLE && !stopped) {
      bool added = builder.BeginRow();
      if (added) {
        const LibPq& pq = Pq();
        for (std::size_t i = 0; i < types.size(); ++i) {
          AddPostgresCell(builder, pq, result.get(), static_cast<int>(i), types[i]);
        }
        added = builder.EndRow();
      }
      if (!added) {
        stopped = true;
        if (read_only) CancelOnServer();
      }
    } else if (status == PGRES_COMMAND_OK) {
      const char* count = Pq().PQcmdTuples(result.get());
      if (count && *count) builder.SetAffectedRows(std::atoll(count));
    } else if (status == PGRES_FATAL_ERROR && error.ok() && !(stopped && read_only)) {
      error = ResultError(result.get());
    }
  }
  return error;
}

StatusOr<QueryResult> PostgresConnection::Run(std::string_view sql,
                                              const std::vector<Param>& params,
                                              const QueryLimits& limits, bool read_only,
                                              const std::string& set_role) {
  AURITE_RETURN_IF_ERROR(FinishPendingRollback());
  // A transaction left over from an earlier call would swallow the BEGIN
  // below (and with it READ ONLY): end it first.
  if (Pq().PQtransactionStatus(conn_.get()) != PQTRANS_IDLE)
    AURITE_RETURN_IF_ERROR(Exec("ROLLBACK"));
  cancel_sent_.store(false);
  ResultBuilder builder(limits);
  std::vector<Oid> types;
  Status status;
  auto started = std::chrono::steady_clock::now();
  {
    // A writing call's commands after this scope (ROLLBACK, COMMIT) are
    // never cancelled.
    StatementInterrupt::Scope running(interrupt_);
    if (!running.ok()) return Cancelled();
    if (read_only) {
      status = SendReadOnlyPipeline(sql, params, set_role);
      if (status.ok()) status = FetchReadOnlyPipeline(builder, types, !set_role.empty());
      if (broken_) return status.ok() ? SessionEnded() : status;
    } else {
      // The role is SET LOCAL in the transaction; a failed SET leaves it
      // aborted, and it is rolled back before the error is returned.
      Status begun = Exec(fmt::format("BEGIN; SET LOCAL statement_timeout = {}{}{}",
                                      options_.statement_timeout.count(),
                                      set_role.empty() ? "" : "; ", set_role));
      if (!begun.ok()) {
        if (Pq().PQtransactionStatus(conn_.get()) != PQTRANS_IDLE) (void)Exec("ROLLBACK");
        return begun;
      }
      status = Send(sql, params);
      if (status.ok()) status = Fetch(builder, read_only, types);
      if (broken_) return status.ok() ? SessionEnded() : status;
    }
  }
  // A statement can catch the timeout's cancel (plpgsql's EXCEPTION WHEN
  // query_canceled) and end "ok": past the timeout, it is an error all the
  // same, and a write is rolled back.
  if (status.ok() && std::chrono::steady_clock::now() - started >= options_.statement_timeout) {
    status = DeadlineExceededError(fmt::format("PostgreSQL: statement timeout of {} ms exceeded",
                                               options_.statement_timeout.count()));
  }
  // Also when the statement ended before the cancel reached it: the caller
  // gave up on it, so a write is rolled back.
  if (interrupt_.interrupted()) status = Cancelled();
  if (Pq().PQstatus(conn_.get()) == CONNECTION_BAD) return LostOr(status);
  if (read_only) {
    // The session reset and ROLLBACK (PostgresCallEnd) went in the call's
    // pipeline. Nothing was written, so the caller need not wait for them:
    // the next use reads their answers. Unless the statement failed (the
    // server then skipped them) or a cancel may have hit them: then the call
    // waits for the reset, so that a lock it took is free when it ends. A
    // reset that fails closes the session; the call's outcome stands.
    if (!status.ok() || cancel_sent_.exchange(false)) (void)FinishPendingRollback();
    AURITE_RETURN_IF_ERROR(status);
  } else {
    Status end = Exec(!status.ok() ? "ROLLBACK" : "COMMIT");
    // Fail closed: a session that kept a lock or a role is never reused.
    // The call's own outcome stands (its COMMIT is done).
    if (!ResetWritingSession().ok()) broken_ = true;
    AURITE_RETURN_IF_ERROR(status);
    AURITE_RETURN_IF_ERROR(end);
  }
  QueryResult result = std::move(builder).Finish();
  NameColumnTypes(types, result.columns);
  return result;
}

// Looks up type names once per connection, after the call's transaction
// ended (a cancelled read leaves it aborted).
void PostgresConnection::NameColumnTypes(const std::vector<Oid>& types,
                                         std::vector<Column>& columns) {
  auto unnamed = [](const Column& column) { return column.type.empty(); };
  if (std::none_of(columns.begin(), columns.end(), unnamed)) return;
  if (!FinishPendingRollback().ok()) return;
  type_names_.NameColumns(conn_.get(), types, columns);
}

StatusOr<nlohmann::json> PostgresConnection::Explain(std::string_view sql,
                                                     const std::vector<Param>& params) {
  std::string text = "EXPLAIN (FORMAT JSON) ";
  text += sql;
  AURITE_ASSIGN_OR_RETURN(QueryResult result, Run(text, params, kCatalogueLimits, true));
  if (result.row_count != 1) return InternalError("PostgreSQL: EXPLAIN returned no plan");
  return result.rows[0][0];
}

}  // namespace

StatusOr<std::unique_ptr<Connection>> OpenPostgres(const ConnectionConfig& config,
                                                   const OpenOptions& options) {
  AURITE_ASSIGN_OR_RETURN(PgConnHandle conn, ConnectPostgres(config, options));
  auto connection =
      std::make_unique<PostgresConnection>(std::move(conn), options, config.password.Clone());
  AURITE_RETURN_IF_ERROR(connection->SetSessionTimeout());
  return std::unique_ptr<Connection>(std::move(connection));
}

}  // namespace aurite::sql
