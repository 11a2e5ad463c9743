// A connection of the shared credential store (postgres_link.h).
#include "host/postgres_link.h"

#include <charconv>

#include "sql/postgres_connect.h"

namespace aurite::host {
namespace {

// A store call holds the SecurityManager's lock: it must end in bounded
// time even when the server hangs.
constexpr std::chrono::seconds kStoreConnectTimeout{5};
constexpr std::string_view kStoreSessionOptions =
    "-c statement_timeout=10000 -c lock_timeout=5000 -c idle_in_transaction_session_timeout=60000";

}  // namespace

PostgresLink::PostgresLink(sql::ConnectionConfig config) : config_(std::move(config)) {
  if (!config_.options.contains("options")) {
    config_.options["options"] = std::string(kStoreSessionOptions);
  }
  if (!config_.options.contains("application_name")) {
    config_.options["application_name"] = "aurite-store";
  }
}

std::string PostgresLink::Describe() const { return "credential store '" + Url() + "'"; }

std::string PostgresLink::Url() const {
  std::string url = "postgresql://";
  if (!config_.user.empty()) url += config_.user + "@";
  url += config_.host.empty() ? "localhost" : config_.host;
  if (config_.port) url += ":" + std::to_string(*config_.port);
  return url + "/" + config_.database;
}

Status PostgresLink::Connect() {
  if (conn_ && sql::Pq().PQstatus(conn_.get()) == CONNECTION_OK) return OkStatus();
  conn_.reset();
  sql::OpenOptions options;
  options.connect_timeout = kStoreConnectTimeout;
  StatusOr<sql::PgConnHandle> conn = sql::ConnectPostgres(config_, options);
  if (!conn.ok()) {
    return UnavailableError("cannot reach " + Describe() + ": " + conn.status().message() +
                            ". Check that the server is running and that security.store (or "
                            "--store) names it with a login that may use it");
  }
  conn_ = std::move(*conn);
  return OkStatus();
}

Status PostgresLink::Error(std::string_view what, const PGresult* result) const {
  std::string reason;
  if (result != nullptr) {
    if (const char* primary = sql::Pq().PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY)) {
      reason = primary;
    }
  }
  if (reason.empty() && conn_) reason = sql::Pq().PQerrorMessage(conn_.get());
  while (!reason.empty() && (reason.back() == '\n' || reason.back() == ' ')) reason.pop_back();
  return UnavailableError(Describe() + ": " + std::string(what) + ": " +
                          config_.ScrubSecrets(reason));
}

StatusOr<sql::PgResultHandle> PostgresLink::Run(std::string_view sql,
                                                const std::vector<PgParam>& params,
                                                std::string_view what, bool retry) {
  for (int attempt = 0;; ++attempt) {
    AURITE_RETURN_IF_ERROR(Connect());
    std::string text(sql);
    std::vector<const char*> values;
    values.reserve(params.size());
    for (const PgParam& param : params) values.push_back(param ? param->c_str() : nullptr);
    sql::PgResultHandle result(sql::Pq().PQexecParams(conn_.get(), text.c_str(),
                                                      static_cast<int>(values.size()), nullptr,
                                                      values.data(), nullptr, nullptr, 0));
    ExecStatusType status = result ? sql::Pq().PQresultStatus(result.get()) : PGRES_FATAL_ERROR;
    if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) return result;
    Status error = Error(what, result.get());
    const bool lost = sql::Pq().PQstatus(conn_.get()) != CONNECTION_OK;
    if (lost) conn_.reset();
    if (!lost || !retry || attempt > 0) return error;
  }
}

Status PostgresLink::Execute(std::string_view sql, std::string_view what) {
  AURITE_RETURN_IF_ERROR(Connect());
  // The simple query protocol: `sql` may hold several statements (a migration).
  std::string text(sql);
  sql::PgResultHandle result(sql::Pq().PQexec(conn_.get(), text.c_str()));
  ExecStatusType status = result ? sql::Pq().PQresultStatus(result.get()) : PGRES_FATAL_ERROR;
  if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) return OkStatus();
  Status error = Error(what, result.get());
  if (sql::Pq().PQstatus(conn_.get()) != CONNECTION_OK) conn_.reset();
  return error;
}

void PostgresLink::RollbackQuietly() {
  if (conn_ && sql::Pq().PQtransactionStatus(conn_.get()) != PQTRANS_IDLE) {
    sql::PgResultHandle result(sql::Pq().PQexec(conn_.get(), "ROLLBACK"));
  }
}

int PostgresLink::BackendPid() const { return conn_ ? sql::Pq().PQbackendPID(conn_.get()) : 0; }

std::string_view PgField(const PGresult* result, int row, int column) {
  return {sql::Pq().PQgetvalue(result, row, column),
          static_cast<std::size_t>(sql::Pq().PQgetlength(result, row, column))};
}

bool PgIsNull(const PGresult* result, int row, int column) {
  return sql::Pq().PQgetisnull(result, row, column) == 1;
}

std::optional<std::int64_t> PgInteger(const PGresult* result, int row, int column) {
  if (PgIsNull(result, row, column)) return std::nullopt;
  std::string_view text = PgField(result, row, column);
  std::int64_t value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

}  // namespace aurite::host
