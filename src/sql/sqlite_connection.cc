// SQLite driver: one sqlite3 handle, one statement per call, engine-enforced read-only.
#include "sql/sqlite_connection.h"

#include <fmt/format.h>
#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <climits>
#include <limits>
#include <optional>

#include "base/text.h"
#include "sql/catalogue.h"
#include "sql/memory_errors.h"
#include "sql/result_builder.h"
#include "sql/sqlite_authorizer.h"
#include "sql/sqlite_catalog.h"
#include "sql/statement_interrupt.h"
#include "sql/value_encoding.h"

namespace aurite::sql {
namespace {

struct DatabaseCloser {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
struct StatementFinalizer {
  void operator()(sqlite3_stmt* stmt) const { sqlite3_finalize(stmt); }
};
using DatabaseHandle = std::unique_ptr<sqlite3, DatabaseCloser>;
using StatementHandle = std::unique_ptr<sqlite3_stmt, StatementFinalizer>;

// Virtual-machine steps between two looks at the clock.
constexpr int kProgressInterval = 1000;
// sqlite3_interrupt takes effect at once; a retry only matters when the
// statement had not started yet, which the progress handler covers too.
constexpr std::chrono::milliseconds kSqliteInterruptRetry{200};

nlohmann::json ReadCell(sqlite3_stmt* stmt, int column, bool json_column) {
  switch (sqlite3_column_type(stmt, column)) {
    case SQLITE_INTEGER:
      return EncodeInteger(sqlite3_column_int64(stmt, column));
    case SQLITE_FLOAT:
      return EncodeDouble(sqlite3_column_double(stmt, column));
    case SQLITE_TEXT: {
      std::string_view text(reinterpret_cast<const char*>(sqlite3_column_text(stmt, column)),
                            static_cast<std::size_t>(sqlite3_column_bytes(stmt, column)));
      return json_column ? EncodeJsonText(text) : EncodeText(text);
    }
    case SQLITE_BLOB: {
      const auto* data = static_cast<const unsigned char*>(sqlite3_column_blob(stmt, column));
      return EncodeBinary(
          std::span(data, static_cast<std::size_t>(sqlite3_column_bytes(stmt, column))));
    }
    default:
      return nullptr;
  }
}

class SqliteConnection final : public Connection {
 public:
  SqliteConnection(DatabaseHandle db, const OpenOptions& options)
      : db_(std::move(db)),
        options_(options),
        mode_{options.allow_writes},
        version_(sqlite3_libversion()),
        interrupt_([this] { sqlite3_interrupt(db_.get()); }, kSqliteInterruptRetry) {}

  Status Initialise();

  Engine engine() const override { return Engine::kSqlite; }
  const std::string& ServerVersion() const override { return version_; }
  StatusOr<std::vector<TableInfo>> ListTables(const std::optional<std::string>& schema) override {
    return ListSqliteTables(CatalogueRunner(), schema);
  }
  StatusOr<TableDescription> DescribeTable(const std::string& table,
                                           const std::optional<std::string>& schema) override {
    return DescribeSqliteTable(CatalogueRunner(), table, schema);
  }
  StatusOr<QueryResult> Execute(std::string_view sql, const std::vector<Param>& params,
                                const QueryLimits& limits) override;
  StatusOr<nlohmann::json> Explain(std::string_view sql, const std::vector<Param>& params) override;
  bool IsUsable() const override { return true; }
  void Interrupt() override { interrupt_.Interrupt(); }
  void ClearInterrupt() override { interrupt_.Clear(); }

 private:
  static int OnProgress(void* self);
  Status Error(int rc) const;
  static Status Cancelled() { return CancelledError("SQLite: the statement was cancelled"); }
  StatusOr<StatementHandle> Prepare(std::string_view sql);
  Status Bind(sqlite3_stmt* stmt, const std::vector<Param>& params);
  StatusOr<QueryResult> Run(sqlite3_stmt* stmt, const QueryLimits& limits);
  StatusOr<QueryResult> RunOne(std::string_view sql, const std::vector<Param>& params,
                               const QueryLimits& limits);
  // Runs a catalogue query (sqlite_catalog.h) with the authorizer's
  // catalogue allowances.
  StatusOr<QueryResult> Catalogue(std::string_view sql, const std::vector<Param>& params);
  CatalogueQuery CatalogueRunner() {
    return [this](std::string_view sql, const std::vector<Param>& params) {
      return Catalogue(sql, params);
    };
  }

  DatabaseHandle db_;
  OpenOptions options_;
  SqliteAuthorizerMode mode_;
  std::string version_;
  std::chrono::steady_clock::time_point deadline_;
  bool timed_out_ = false;
  StatementInterrupt interrupt_;
};

Status SqliteConnection::Initialise() {
  sqlite3* db = db_.get();
  sqlite3_extended_result_codes(db, 1);
  sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION, 0, nullptr);
  sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, 1, nullptr);
  sqlite3_db_config(db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, nullptr);
  sqlite3_limit(db, SQLITE_LIMIT_ATTACHED, 0);
  // A value over this fails to be built (zeroblob, repeat, group_concat) or
  // read, instead of filling memory before the result limits see it.
  if (options_.max_value_bytes > 0) {
    sqlite3_limit(db, SQLITE_LIMIT_LENGTH,
                  static_cast<int>(std::min<std::size_t>(options_.max_value_bytes, INT_MAX)));
  }
  sqlite3_busy_timeout(
      db, static_cast<int>(std::min<long long>(options_.statement_timeout.count(), INT_MAX)));
  if (!options_.allow_writes) {
    int rc = sqlite3_exec(db, "PRAGMA query_only = 1", nullptr, nullptr, nullptr);
    if (rc != SQLITE_OK) return Error(rc);
  }
  sqlite3_set_authorizer(db, SqliteAuthorize, &mode_);
  sqlite3_progress_handler(db, kProgressInterval, OnProgress, this);
  return OkStatus();
}

int SqliteConnection::OnProgress(void* self) {
  auto* connection = static_cast<SqliteConnection*>(self);
  if (connection->interrupt_.interrupted()) return 1;
  if (std::chrono::steady_clock::now() < connection->deadline_) return 0;
  connection->timed_out_ = true;
  return 1;
}

Status SqliteConnection::Error(int rc) const {
  std::string message = sqlite3_errmsg(db_.get());
  // VACUUM's refused ATTACH surfaces as a plain error of the VACUUM.
  if ((rc & 0xFF) == SQLITE_AUTH || (rc & 0xFF) == SQLITE_ERROR) {
    if (std::optional<std::string> denial = SqliteDenialMessage(mode_)) {
      return PermissionDeniedError(*denial);
    }
  }
  switch (rc & 0xFF) {
    case SQLITE_INTERRUPT:
      if (interrupt_.interrupted()) return Cancelled();
      if (timed_out_) {
        return DeadlineExceededError(
            fmt::format("statement timeout of {} ms exceeded", options_.statement_timeout.count()));
      }
      return CancelledError("statement interrupted");
    case SQLITE_AUTH:
    case SQLITE_READONLY:
      return PermissionDeniedError(
          fmt::format("not allowed on this connection ({}); it is read-only unless the "
                      "operator enables writes",
                      message));
    case SQLITE_TOOBIG:
      return ValueTooLargeError(
          "SQLite", static_cast<std::size_t>(sqlite3_limit(db_.get(), SQLITE_LIMIT_LENGTH, -1)),
          message);
    case SQLITE_NOMEM:
      return OutOfMemoryError("SQLite", message);
    case SQLITE_CANTOPEN:
    case SQLITE_NOTADB:
    case SQLITE_CORRUPT:
      return UnavailableError("SQLite: " + message);
    default:
      return InvalidArgumentError("SQLite: " + message);
  }
}

StatusOr<StatementHandle> SqliteConnection::Prepare(std::string_view sql) {
  sqlite3_stmt* raw = nullptr;
  const char* tail = nullptr;
  mode_.denied = nullptr;
  int rc = sqlite3_prepare_v2(db_.get(), sql.data(), static_cast<int>(sql.size()), &raw, &tail);
  StatementHandle stmt(raw);
  if (rc != SQLITE_OK) return Error(rc);
  if (!stmt) return InvalidArgumentError("the query contains no SQL statement");
  // What is left must prepare to nothing (only spaces and comments).
  std::string_view rest(tail, static_cast<std::size_t>(sql.data() + sql.size() - tail));
  sqlite3_stmt* next = nullptr;
  rc = sqlite3_prepare_v2(db_.get(), rest.data(), static_cast<int>(rest.size()), &next, nullptr);
  StatementHandle next_stmt(next);
  if (rc != SQLITE_OK || next_stmt) {
    return InvalidArgumentError("only one SQL statement is allowed per call");
  }
  if (!options_.allow_writes && !sqlite3_stmt_readonly(stmt.get())) {
    return PermissionDeniedError(
        "the statement would write, and this connection is read-only unless the operator "
        "enables writes");
  }
  return stmt;
}

Status SqliteConnection::Bind(sqlite3_stmt* stmt, const std::vector<Param>& params) {
  int expected = sqlite3_bind_parameter_count(stmt);
  if (static_cast<std::size_t>(expected) != params.size()) {
    return InvalidArgumentError(
        fmt::format("the statement takes {} parameters, {} were given", expected, params.size()));
  }
  for (int i = 0; i < expected; ++i) {
    const Param& p = params[static_cast<std::size_t>(i)];
    int rc = SQLITE_OK;
    if (p.is_null()) {
      rc = sqlite3_bind_null(stmt, i + 1);
    } else if (p.is_boolean()) {
      rc = sqlite3_bind_int(stmt, i + 1, p.get<bool>() ? 1 : 0);
    } else if (p.is_number_integer() &&
               (!p.is_number_unsigned() ||
                p.get<std::uint64_t>() <= std::numeric_limits<std::int64_t>::max())) {
      rc = sqlite3_bind_int64(stmt, i + 1, p.get<std::int64_t>());
    } else if (p.is_number_float()) {
      rc = sqlite3_bind_double(stmt, i + 1, p.get<double>());
    } else if (IsBinaryParam(p)) {
      AURITE_ASSIGN_OR_RETURN(std::string bytes, DecodeBinaryParam(p));
      rc = sqlite3_bind_blob64(stmt, i + 1, bytes.data(), bytes.size(), SQLITE_TRANSIENT);
    } else {
      // Strings, integers beyond int64 (SQLite has no larger type), arrays and objects.
      std::string text = p.is_string() ? p.get<std::string>() : p.dump();
      rc =
          sqlite3_bind_text64(stmt, i + 1, text.data(), text.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
    }
    if (rc != SQLITE_OK) return Error(rc);
  }
  return OkStatus();
}

StatusOr<QueryResult> SqliteConnection::Run(sqlite3_stmt* stmt, const QueryLimits& limits) {
  ResultBuilder builder(limits);
  int columns = sqlite3_column_count(stmt);
  std::vector<bool> json_columns;
  for (int i = 0; i < columns; ++i) {
    const char* declared = sqlite3_column_decltype(stmt, i);
    std::string type = AsciiLowercase(declared ? declared : "");
    json_columns.push_back(type == "json" || type == "jsonb");
    builder.AddColumn(sqlite3_column_name(stmt, i), std::move(type));
  }
  deadline_ = std::chrono::steady_clock::now() + options_.statement_timeout;
  timed_out_ = false;
  int rc = SQLITE_ROW;
  while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
    nlohmann::json row = nlohmann::json::array();
    row.get_ref<nlohmann::json::array_t&>().reserve(static_cast<std::size_t>(columns));
    for (int i = 0; i < columns; ++i) row.push_back(ReadCell(stmt, i, json_columns[i]));
    if (!builder.AddRow(std::move(row))) break;
  }
  if (rc != SQLITE_ROW && rc != SQLITE_DONE) return Error(rc);
  if (!sqlite3_stmt_readonly(stmt)) builder.SetAffectedRows(sqlite3_changes64(db_.get()));
  return std::move(builder).Finish();
}

StatusOr<QueryResult> SqliteConnection::Execute(std::string_view sql,
                                                const std::vector<Param>& params,
                                                const QueryLimits& limits) {
  StatusOr<QueryResult> result = RunOne(sql, params, limits);
  // A call is one transaction, as on the server engines: one the statement
  // opened (BEGIN; only possible with writes enabled) is committed.
  if (!sqlite3_get_autocommit(db_.get())) {
    int rc =
        sqlite3_exec(db_.get(), result.ok() ? "COMMIT" : "ROLLBACK", nullptr, nullptr, nullptr);
    if (rc != SQLITE_OK && result.ok()) return Error(rc);
  }
  return result;
}

StatusOr<QueryResult> SqliteConnection::RunOne(std::string_view sql,
                                               const std::vector<Param>& params,
                                               const QueryLimits& limits) {
  StatementInterrupt::Scope running(interrupt_);
  if (!running.ok()) return Cancelled();
  AURITE_ASSIGN_OR_RETURN(StatementHandle stmt, Prepare(sql));
  AURITE_RETURN_IF_ERROR(Bind(stmt.get(), params));
  StatusOr<QueryResult> result = Run(stmt.get(), limits);
  // A statement that ended before the interrupt reached it is cancelled too.
  if (interrupt_.interrupted()) return Cancelled();
  return result;
}

StatusOr<QueryResult> SqliteConnection::Catalogue(std::string_view sql,
                                                  const std::vector<Param>& params) {
  mode_.catalogue = true;
  StatusOr<QueryResult> result = Execute(sql, params, kCatalogueLimits);
  mode_.catalogue = false;
  return result;
}

StatusOr<nlohmann::json> SqliteConnection::Explain(std::string_view sql,
                                                   const std::vector<Param>& params) {
  // EXPLAIN QUERY PLAN never runs the statement; the authorizer still sees it.
  std::string text = "EXPLAIN QUERY PLAN ";
  text += sql;
  StatementInterrupt::Scope running(interrupt_);
  if (!running.ok()) return Cancelled();
  AURITE_ASSIGN_OR_RETURN(StatementHandle stmt, Prepare(text));
  AURITE_RETURN_IF_ERROR(Bind(stmt.get(), params));
  AURITE_ASSIGN_OR_RETURN(QueryResult result, Run(stmt.get(), kCatalogueLimits));
  nlohmann::json plan = nlohmann::json::array();
  for (const auto& row : result.rows) {
    plan.push_back({{"id", row[0]}, {"parent", row[1]}, {"detail", row[3]}});
  }
  return plan;
}

}  // namespace

StatusOr<std::unique_ptr<Connection>> OpenSqlite(const ConnectionConfig& config,
                                                 const OpenOptions& options) {
  bool memory = config.path == ":memory:";
  if (config.path.empty()) return InvalidArgumentError("SQLite needs a file path or :memory:");
  int flags = SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE;
  flags |= options.allow_writes || memory ? SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE
                                          : SQLITE_OPEN_READONLY;
  sqlite3* raw = nullptr;
  int rc = sqlite3_open_v2(config.path.c_str(), &raw, flags, nullptr);
  DatabaseHandle db(raw);
  if (rc != SQLITE_OK) {
    return UnavailableError(fmt::format("SQLite: cannot open the database file ({})",
                                        raw ? sqlite3_errmsg(raw) : sqlite3_errstr(rc)));
  }
  auto connection = std::make_unique<SqliteConnection>(std::move(db), options);
  AURITE_RETURN_IF_ERROR(connection->Initialise());
  return std::unique_ptr<Connection>(std::move(connection));
}

}  // namespace aurite::sql
