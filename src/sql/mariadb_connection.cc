// MariaDB/MySQL driver: read-only transactions, server-side prepared statements, unbuffered rows.
#include "sql/mariadb_connection.h"

#include <fmt/format.h>
#include <mysql.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <mutex>
#include <optional>

#include "sql/error_text.h"
#include "sql/libmariadb_library.h"
#include "sql/memory_errors.h"
#include "sql/result_builder.h"
#include "sql/statement_interrupt.h"
#include "sql/value_encoding.h"

namespace aurite::sql {
namespace {

constexpr QueryLimits kCatalogueLimits{100000, 64 * 1024 * 1024};
constexpr unsigned kBinaryCharset = 63;
constexpr unsigned long kInitialCellBuffer = 256;
// KILL QUERY that reaches the server before our statement does is lost;
// while the statement still runs, it is sent again.
constexpr std::chrono::milliseconds kInterruptRetry{500};

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

std::string_view TypeName(const MYSQL_FIELD& field) {
  switch (field.type) {
    case MYSQL_TYPE_TINY:
      return "tinyint";
    case MYSQL_TYPE_SHORT:
      return "smallint";
    case MYSQL_TYPE_INT24:
      return "mediumint";
    case MYSQL_TYPE_LONG:
      return "int";
    case MYSQL_TYPE_LONGLONG:
      return "bigint";
    case MYSQL_TYPE_FLOAT:
      return "float";
    case MYSQL_TYPE_DOUBLE:
      return "double";
    case MYSQL_TYPE_DECIMAL:
    case MYSQL_TYPE_NEWDECIMAL:
      return "decimal";
    case MYSQL_TYPE_DATE:
      return "date";
    case MYSQL_TYPE_TIME:
      return "time";
    case MYSQL_TYPE_DATETIME:
      return "datetime";
    case MYSQL_TYPE_TIMESTAMP:
      return "timestamp";
    case MYSQL_TYPE_YEAR:
      return "year";
    case MYSQL_TYPE_BIT:
      return "bit";
    case MYSQL_TYPE_JSON:
      return "json";
    case MYSQL_TYPE_ENUM:
      return "enum";
    case MYSQL_TYPE_SET:
      return "set";
    case MYSQL_TYPE_GEOMETRY:
      return "geometry";
    case MYSQL_TYPE_NULL:
      return "null";
    case MYSQL_TYPE_TINY_BLOB:
    case MYSQL_TYPE_MEDIUM_BLOB:
    case MYSQL_TYPE_LONG_BLOB:
    case MYSQL_TYPE_BLOB:
      return field.charsetnr == kBinaryCharset ? "blob" : "text";
    case MYSQL_TYPE_STRING:
      return field.charsetnr == kBinaryCharset ? "binary" : "char";
    default:
      return field.charsetnr == kBinaryCharset ? "varbinary" : "varchar";
  }
}

bool IsInteger(enum_field_types type) {
  return type == MYSQL_TYPE_TINY || type == MYSQL_TYPE_SHORT || type == MYSQL_TYPE_INT24 ||
         type == MYSQL_TYPE_LONG || type == MYSQL_TYPE_LONGLONG || type == MYSQL_TYPE_YEAR;
}

bool IsJson(MYSQL_FIELD& field) {
  if (field.type == MYSQL_TYPE_JSON) return true;
  MARIADB_CONST_STRING format{nullptr, 0};
  if (My().mariadb_field_attr(&format, &field, MARIADB_FIELD_ATTR_FORMAT_NAME) != 0) return false;
  return std::string_view(format.str ? format.str : "", format.length) == "json";
}

enum class CellKind { kSigned, kUnsigned, kDouble, kDecimal, kJson, kBinary, kText };

CellKind KindOf(MYSQL_FIELD& field) {
  if (IsInteger(field.type))
    return field.flags & UNSIGNED_FLAG ? CellKind::kUnsigned : CellKind::kSigned;
  if (field.type == MYSQL_TYPE_FLOAT || field.type == MYSQL_TYPE_DOUBLE) return CellKind::kDouble;
  if (field.type == MYSQL_TYPE_DECIMAL || field.type == MYSQL_TYPE_NEWDECIMAL)
    return CellKind::kDecimal;
  if (IsJson(field)) return CellKind::kJson;
  if (field.charsetnr == kBinaryCharset && field.type != MYSQL_TYPE_DATE &&
      field.type != MYSQL_TYPE_TIME && field.type != MYSQL_TYPE_DATETIME &&
      field.type != MYSQL_TYPE_TIMESTAMP) {
    return CellKind::kBinary;
  }
  return CellKind::kText;
}

// Output buffers for one row of a prepared statement's result.
struct RowBuffers {
  std::vector<MYSQL_BIND> binds;
  std::vector<CellKind> kinds;
  std::vector<std::vector<char>> data;
  std::vector<unsigned long> lengths;
  std::vector<my_bool> nulls;
  std::vector<my_bool> errors;
  // A buffer grew: bind again before the next row so it is used.
  bool rebind = false;
};

// Input buffers for bound parameters; they must live until execution.
struct ParamBuffers {
  std::vector<MYSQL_BIND> binds;
  std::vector<std::string> texts;
  std::vector<long long> integers;
  std::vector<double> doubles;
};

Status BindParams(const std::vector<Param>& params, ParamBuffers& out) {
  out.binds.assign(params.size(), MYSQL_BIND{});
  out.texts.resize(params.size());
  out.integers.resize(params.size());
  out.doubles.resize(params.size());
  for (std::size_t i = 0; i < params.size(); ++i) {
    const Param& p = params[i];
    MYSQL_BIND& bind = out.binds[i];
    if (p.is_null()) {
      bind.buffer_type = MYSQL_TYPE_NULL;
    } else if (p.is_boolean() || p.is_number_integer()) {
      out.integers[i] = p.is_boolean()           ? (p.get<bool>() ? 1 : 0)
                        : p.is_number_unsigned() ? static_cast<long long>(p.get<std::uint64_t>())
                                                 : p.get<long long>();
      bind.buffer_type = MYSQL_TYPE_LONGLONG;
      bind.buffer = &out.integers[i];
      bind.is_unsigned = p.is_number_unsigned();
    } else if (p.is_number()) {
      out.doubles[i] = p.get<double>();
      bind.buffer_type = MYSQL_TYPE_DOUBLE;
      bind.buffer = &out.doubles[i];
    } else {
      bool binary = IsBinaryParam(p);
      if (binary) {
        AURITE_ASSIGN_OR_RETURN(out.texts[i], DecodeBinaryParam(p));
      } else {
        out.texts[i] = p.is_string() ? p.get<std::string>() : p.dump();
      }
      bind.buffer_type = binary ? MYSQL_TYPE_BLOB : MYSQL_TYPE_STRING;
      bind.buffer = out.texts[i].data();
      bind.buffer_length = out.texts[i].size();
    }
  }
  return OkStatus();
}

void PrepareRowBuffers(MYSQL_FIELD* fields, unsigned count, RowBuffers& row) {
  row.binds.assign(count, MYSQL_BIND{});
  row.data.assign(count, {});
  row.lengths.assign(count, 0);
  row.nulls.assign(count, 0);
  row.errors.assign(count, 0);
  for (unsigned i = 0; i < count; ++i) {
    CellKind kind = KindOf(fields[i]);
    row.kinds.push_back(kind);
    MYSQL_BIND& bind = row.binds[i];
    if (kind == CellKind::kSigned || kind == CellKind::kUnsigned) {
      bind.buffer_type = MYSQL_TYPE_LONGLONG;
      bind.is_unsigned = kind == CellKind::kUnsigned;
      row.data[i].resize(sizeof(long long));
    } else if (kind == CellKind::kDouble) {
      bind.buffer_type = MYSQL_TYPE_DOUBLE;
      row.data[i].resize(sizeof(double));
    } else {
      bind.buffer_type = MYSQL_TYPE_STRING;
      row.data[i].resize(kInitialCellBuffer);
    }
    bind.buffer = row.data[i].data();
    bind.buffer_length = row.data[i].size();
    bind.length = &row.lengths[i];
    bind.is_null = &row.nulls[i];
    bind.error = &row.errors[i];
  }
}

// Sets `tls_required` when the session must end up encrypted: libmariadb 3.3
// quietly falls back to plain text when the server offers no TLS, so Connect
// checks the outcome itself.
Status ApplySslMode(MYSQL* mysql, const std::string& mode, bool& tls_required) {
  std::string upper = mode;
  std::transform(upper.begin(), upper.end(), upper.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  std::replace(upper.begin(), upper.end(), '-', '_');
  my_bool on = 1;
  my_bool off = 0;
  if (upper == "DISABLED" || upper == "DISABLE") return OkStatus();
  if (upper == "PREFERRED" || upper == "PREFER") {
    My().mysql_ssl_set(mysql, nullptr, nullptr, nullptr, nullptr, nullptr);
    return OkStatus();
  }
  if (upper == "REQUIRED" || upper == "REQUIRE") {
    tls_required = true;
    My().mysql_optionsv(mysql, MYSQL_OPT_SSL_ENFORCE, &on);
    My().mysql_optionsv(mysql, MYSQL_OPT_SSL_VERIFY_SERVER_CERT, &off);
    return OkStatus();
  }
  // libmariadb verifies the host name along with the chain, so VERIFY_CA is
  // as strict as VERIFY_IDENTITY.
  if (upper == "VERIFY_CA" || upper == "VERIFY_IDENTITY" || upper == "VERIFY_FULL") {
    tls_required = true;
    My().mysql_optionsv(mysql, MYSQL_OPT_SSL_ENFORCE, &on);
    My().mysql_optionsv(mysql, MYSQL_OPT_SSL_VERIFY_SERVER_CERT, &on);
    return OkStatus();
  }
  return InvalidArgumentError(
      "MariaDB: ssl-mode must be DISABLED, PREFERRED, REQUIRED, VERIFY_CA or VERIFY_IDENTITY");
}

Status ApplyOptions(MYSQL* mysql, const ConnectionConfig& config, const OpenOptions& options,
                    bool& tls_required) {
  unsigned connect_timeout = static_cast<unsigned>(options.connect_timeout.count());
  // The server's max_statement_time ends slow statements first; the read
  // timeout, a second later, catches statements that lifted it and servers
  // that stopped answering.
  unsigned read_timeout =
      static_cast<unsigned>((options.statement_timeout.count() + 999) / 1000 + 1);
  std::string charset = "utf8mb4";
  for (const auto& [key, value] : config.options) {
    if (key == "ssl-mode") {
      AURITE_RETURN_IF_ERROR(ApplySslMode(mysql, value, tls_required));
    } else if (key == "ssl-ca") {
      My().mysql_optionsv(mysql, MYSQL_OPT_SSL_CA, value.c_str());
    } else if (key == "ssl-capath") {
      My().mysql_optionsv(mysql, MYSQL_OPT_SSL_CAPATH, value.c_str());
    } else if (key == "ssl-cert") {
      My().mysql_optionsv(mysql, MYSQL_OPT_SSL_CERT, value.c_str());
    } else if (key == "ssl-cipher") {
      My().mysql_optionsv(mysql, MYSQL_OPT_SSL_CIPHER, value.c_str());
    } else if (key == "ssl-crl") {
      My().mysql_optionsv(mysql, MYSQL_OPT_SSL_CRL, value.c_str());
    } else if (key == "charset") {
      charset = value;
    } else if (key == "connect-timeout") {
      connect_timeout = static_cast<unsigned>(std::atoi(value.c_str()));
    }
  }
  // libmariadb copies each value, so the NUL-terminated copies can go at once.
  for (const auto& [key, value] : config.secret_options) {
    crypto::SecretBuffer text = NulTerminated(value);
    if (key == "ssl-key") {
      My().mysql_optionsv(mysql, MYSQL_OPT_SSL_KEY, text.data());
    } else if (key == "ssl-passphrase") {
      My().mysql_optionsv(mysql, MARIADB_OPT_TLS_PASSPHRASE, text.data());
    }
  }
  // LOAD DATA LOCAL INFILE makes the client send a file the server names:
  // a read of this machine's files. Never allowed.
  unsigned local_infile = 0;
  My().mysql_optionsv(mysql, MYSQL_OPT_LOCAL_INFILE, &local_infile);
  My().mysql_optionsv(mysql, MYSQL_OPT_CONNECT_TIMEOUT, &connect_timeout);
  My().mysql_optionsv(mysql, MYSQL_OPT_READ_TIMEOUT, &read_timeout);
  My().mysql_optionsv(mysql, MYSQL_SET_CHARSET_NAME, charset.c_str());
  // A row packet above this fails to arrive instead of being buffered whole.
  if (options.max_value_bytes > 0) {
    unsigned long packet = static_cast<unsigned long>(options.max_value_bytes);
    My().mysql_optionsv(mysql, MYSQL_OPT_MAX_ALLOWED_PACKET, &packet);
  }
  return OkStatus();
}

StatusOr<MysqlHandle> Connect(const ConnectionConfig& config, const OpenOptions& options) {
  static std::once_flag library_initialised;
  std::call_once(library_initialised, [] { My().mysql_server_init(0, nullptr, nullptr); });
  MysqlHandle mysql(My().mysql_init(nullptr));
  if (!mysql) return ResourceExhaustedError("MariaDB: out of memory");
  bool tls_required = false;
  AURITE_RETURN_IF_ERROR(ApplyOptions(mysql.get(), config, options, tls_required));
  crypto::SecretBuffer password = config.password.Clone();
  password.Append(std::string_view("\0", 1));
  if (!My().mysql_real_connect(mysql.get(), config.host.empty() ? nullptr : config.host.c_str(),
                               config.user.empty() ? nullptr : config.user.c_str(),
                               reinterpret_cast<const char*>(password.data()),
                               config.database.empty() ? nullptr : config.database.c_str(),
                               config.port.value_or(0), nullptr, 0)) {
    return UnavailableError(fmt::format("MariaDB: could not connect: {} (error {})",
                                        config.ScrubSecrets(My().mysql_error(mysql.get())),
                                        My().mysql_errno(mysql.get())));
  }
  if (tls_required && My().mysql_get_ssl_cipher(mysql.get()) == nullptr) {
    return UnavailableError(
        "MariaDB: ssl-mode requires TLS (SSL), but the server did not offer it; the connection "
        "was closed unencrypted");
  }
  return mysql;
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
        interrupt_([this] { KillQuery(); }, kInterruptRetry) {}

  Engine engine() const override { return Engine::kMariaDb; }
  const std::string& ServerVersion() const override { return version_; }
  StatusOr<std::vector<TableInfo>> ListTables(const std::optional<std::string>& schema) override;
  StatusOr<TableDescription> DescribeTable(const std::string& table,
                                           const std::optional<std::string>& schema) override;
  StatusOr<QueryResult> Execute(std::string_view sql, const std::vector<Param>& params,
                                const QueryLimits& limits) override {
    return Run(sql, params, limits, !options_.allow_writes);
  }
  StatusOr<nlohmann::json> Explain(std::string_view sql, const std::vector<Param>& params) override;
  bool IsUsable() const override { return !lost_; }
  void Interrupt() override { interrupt_.Interrupt(); }
  void ClearInterrupt() override { interrupt_.Clear(); }

 private:
  void KillQuery() const;
  void KillFromSecondSession(std::string_view kill) const;
  static Status Cancelled() { return CancelledError("MariaDB: the statement was cancelled"); }
  StatusOr<QueryResult> Run(std::string_view sql, const std::vector<Param>& params,
                            const QueryLimits& limits, bool read_only);
  Status RunStatement(MYSQL_STMT* stmt, const std::vector<Param>& params, ResultBuilder& builder);
  Status FetchRows(MYSQL_STMT* stmt, MYSQL_RES* meta, ResultBuilder& builder);
  Status DrainMoreResults(MYSQL_STMT* stmt, int row_sets);
  nlohmann::json ReadCell(MYSQL_STMT* stmt, RowBuffers& row, unsigned column);
  Status Query(const std::string& sql);
  void StopOnServer() const;
  bool InTransaction() const;
  std::string SessionSettings(bool read_only) const;
  Status Error(unsigned code, const char* message);
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
// into a SecretBuffer that Connect wipes), sends `kill` for our thread.
void MariaDbConnection::KillFromSecondSession(std::string_view kill) const {
  StatusOr<MysqlHandle> killer = Connect(config_, options_);
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

nlohmann::json MariaDbConnection::ReadCell(MYSQL_STMT* stmt, RowBuffers& row, unsigned column) {
  if (row.nulls[column]) return nullptr;
  std::vector<char>& data = row.data[column];
  switch (row.kinds[column]) {
    case CellKind::kSigned: {
      long long value = 0;
      std::memcpy(&value, data.data(), sizeof value);
      return EncodeInteger(value);
    }
    case CellKind::kUnsigned: {
      unsigned long long value = 0;
      std::memcpy(&value, data.data(), sizeof value);
      return EncodeUnsigned(value);
    }
    case CellKind::kDouble: {
      double value = 0;
      std::memcpy(&value, data.data(), sizeof value);
      return EncodeDouble(value);
    }
    default:
      break;
  }
  unsigned long length = row.lengths[column];
  if (length > data.size()) {
    // The value did not fit the buffer: fetch it again into one that does.
    std::vector<char> full(length);
    MYSQL_BIND bind{};
    bind.buffer_type = MYSQL_TYPE_STRING;
    bind.buffer = full.data();
    bind.buffer_length = length;
    bind.length = &row.lengths[column];
    My().mysql_stmt_fetch_column(stmt, &bind, column, 0);
    data.swap(full);
    row.binds[column].buffer = data.data();
    row.binds[column].buffer_length = data.size();
    // Rebinding now would disturb the columns of this row not read yet.
    row.rebind = true;
  }
  std::string_view text(data.data(), length);
  switch (row.kinds[column]) {
    case CellKind::kDecimal:
      return std::string(text);
    case CellKind::kJson:
      return EncodeJsonText(text);
    case CellKind::kBinary:
      return EncodeBinary(text);
    default:
      return EncodeText(text);
  }
}

Status MariaDbConnection::FetchRows(MYSQL_STMT* stmt, MYSQL_RES* meta, ResultBuilder& builder) {
  unsigned count = My().mysql_num_fields(meta);
  MYSQL_FIELD* fields = My().mysql_fetch_fields(meta);
  for (unsigned i = 0; i < count; ++i) {
    builder.AddColumn(fields[i].name,
                      std::string(IsJson(fields[i]) ? "json" : TypeName(fields[i])));
  }
  RowBuffers row;
  PrepareRowBuffers(fields, count, row);
  if (My().mysql_stmt_bind_result(stmt, row.binds.data()) != 0) return StmtError(stmt);
  for (;;) {
    int rc = My().mysql_stmt_fetch(stmt);
    if (rc == MYSQL_NO_DATA) return OkStatus();
    if (rc == 1) return StmtError(stmt);
    nlohmann::json cells = nlohmann::json::array();
    cells.get_ref<nlohmann::json::array_t&>().reserve(count);
    for (unsigned i = 0; i < count; ++i) cells.push_back(ReadCell(stmt, row, i));
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
  ParamBuffers buffers;
  AURITE_RETURN_IF_ERROR(BindParams(params, buffers));
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
                                             const QueryLimits& limits, bool read_only) {
  deadline_ = std::chrono::steady_clock::now() + options_.statement_timeout;
  // Nothing of an earlier call may carry over, least of all a transaction.
  if (InTransaction()) AURITE_RETURN_IF_ERROR(Query("ROLLBACK"));
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

StatusOr<std::vector<TableInfo>> MariaDbConnection::ListTables(
    const std::optional<std::string>& schema) {
  std::vector<Param> params{schema ? Param(*schema) : Param(nullptr)};
  AURITE_ASSIGN_OR_RETURN(
      QueryResult result,
      Run("SELECT table_schema, table_name, IF(table_type = 'VIEW', 'view', 'table') FROM "
          "information_schema.tables WHERE table_schema = COALESCE(?, DATABASE()) ORDER BY "
          "table_name",
          params, kCatalogueLimits, true));
  std::vector<TableInfo> tables;
  for (const auto& row : result.rows) tables.push_back({row[0], row[1], row[2]});
  return tables;
}

StatusOr<TableDescription> MariaDbConnection::DescribeTable(
    const std::string& table, const std::optional<std::string>& schema) {
  std::vector<Param> params{schema ? Param(*schema) : Param(nullptr), table};
  AURITE_ASSIGN_OR_RETURN(
      QueryResult columns,
      Run("SELECT table_schema, column_name, column_type, is_nullable = 'YES', column_default "
          "FROM information_schema.columns WHERE table_schema = COALESCE(?, DATABASE()) AND "
          "table_name = ? ORDER BY ordinal_position",
          params, kCatalogueLimits, true));
  if (columns.row_count == 0) return NotFoundError("no such table");
  TableDescription out{columns.rows[0][0], table, {}, {}, {}, {}};
  for (const auto& row : columns.rows) {
    out.columns.push_back({row[1], row[2], row[3] == 1,
                           row[4].is_null() ? std::nullopt : std::optional<std::string>(row[4])});
  }
  AURITE_ASSIGN_OR_RETURN(
      QueryResult indexes,
      Run("SELECT index_name, non_unique, column_name FROM information_schema.statistics WHERE "
          "table_schema = COALESCE(?, DATABASE()) AND table_name = ? ORDER BY index_name, "
          "seq_in_index",
          params, kCatalogueLimits, true));
  for (const auto& row : indexes.rows) {
    std::string name = row[0];
    if (out.indexes.empty() || out.indexes.back().name != name) {
      out.indexes.push_back({name, {}, row[1] == 0, name == "PRIMARY"});
    }
    out.indexes.back().columns.push_back(row[2]);
    if (name == "PRIMARY") out.primary_key.push_back(row[2]);
  }
  AURITE_ASSIGN_OR_RETURN(
      QueryResult keys,
      Run("SELECT constraint_name, column_name, referenced_table_schema, referenced_table_name, "
          "referenced_column_name FROM information_schema.key_column_usage WHERE table_schema = "
          "COALESCE(?, DATABASE()) AND table_name = ? AND referenced_table_name IS NOT NULL "
          "ORDER BY constraint_name, ordinal_position",
          params, kCatalogueLimits, true));
  for (const auto& row : keys.rows) {
    std::string name = row[0];
    if (out.foreign_keys.empty() || out.foreign_keys.back().name != name) {
      out.foreign_keys.push_back({name, {}, row[2], row[3], {}});
    }
    out.foreign_keys.back().columns.push_back(row[1]);
    out.foreign_keys.back().referenced_columns.push_back(row[4]);
  }
  return out;
}

}  // namespace

StatusOr<std::unique_ptr<Connection>> OpenMariaDb(const ConnectionConfig& config,
                                                  const OpenOptions& options) {
  if (auto loaded = ProcessFunctionTable<LibMariaDb>(); !loaded.ok()) {
    return FailedPreconditionError("MariaDB: " + loaded.status().message());
  }
  AURITE_ASSIGN_OR_RETURN(MysqlHandle mysql, Connect(config, options));
  return std::unique_ptr<Connection>(
      std::make_unique<MariaDbConnection>(std::move(mysql), options, config.Clone()));
}

}  // namespace aurite::sql
