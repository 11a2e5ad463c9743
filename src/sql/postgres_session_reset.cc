// The reset that ends a read-only PostgreSQL call (docs/sql-server.md, "Session reset").
#include "sql/postgres_session_reset.h"

#include <fmt/format.h>

#include <array>
#include <cstdint>
#include <cstring>
#include <memory>
#include <optional>
#include <string_view>

#include "crypto/random.h"

namespace aurite::sql {
namespace {

// Releases the session's advisory locks and counts the statements prepared
// with SQL PREPARE. Names are qualified, so no search_path redirects them.
constexpr const char* kReset =
    "SELECT pg_catalog.pg_advisory_unlock_all(), (SELECT count(*) FROM "
    "pg_catalog.pg_prepared_statements WHERE from_sql)";

std::string RandomName() {
  std::array<unsigned char, 8> bytes;
  crypto::FillRandom(bytes);
  std::uint64_t value = 0;
  std::memcpy(&value, bytes.data(), sizeof value);
  return fmt::format("aurite_reset_{:016x}", value);
}

}  // namespace

PostgresCallEnd::PostgresCallEnd() : name_(RandomName()) {}

bool PostgresCallEnd::Send(const LibPq& pq, PGconn* conn) {
  auto command = [&](const char* sql) {
    return pq.PQsendQueryParams(conn, sql, 0, nullptr, nullptr, nullptr, nullptr, 0) == 1;
  };
  if (!pq.PQenterPipelineMode(conn)) return false;
  // The call's own READ ONLY transaction, when it is still healthy; else a
  // new one (the statement failed, or ended the transaction itself).
  bool sent = pq.PQtransactionStatus(conn) == PQTRANS_INTRANS ||
              (command("ROLLBACK") && command("BEGIN READ ONLY"));
  preparing_ = !prepared_;
  sent = sent && (!preparing_ || pq.PQsendPrepare(conn, name_.c_str(), kReset, 0, nullptr) == 1);
  sent = sent &&
         pq.PQsendQueryPrepared(conn, name_.c_str(), 0, nullptr, nullptr, nullptr, 0) == 1 &&
         command("ROLLBACK") && pq.PQpipelineSync(conn) == 1;
  return sent;
}

PostgresCallEnd::Outcome PostgresCallEnd::Finish(
    const LibPq& pq, PGconn* conn, const std::function<Status(const PGresult*)>& error_of) {
  struct Clear {
    const LibPq& pq;
    void operator()(PGresult* result) const { pq.PQclear(result); }
  };
  using Result = std::unique_ptr<PGresult, Clear>;
  Status error;
  std::optional<bool> statements_left;
  // Each command's results end with a null result; the Sync's ends the pipeline.
  for (int nulls = 0; nulls < 8;) {
    Result result(pq.PQgetResult(conn), Clear{pq});
    if (!result) {
      ++nulls;
      continue;
    }
    ExecStatusType kind = pq.PQresultStatus(result.get());
    if (kind == PGRES_PIPELINE_SYNC) break;
    if (kind == PGRES_FATAL_ERROR && error.ok()) error = error_of(result.get());
    if (kind == PGRES_TUPLES_OK && pq.PQntuples(result.get()) == 1 &&
        pq.PQnfields(result.get()) == 2) {
      statements_left = std::string_view(pq.PQgetvalue(result.get(), 0, 1)) != "0";
    }
  }
  if (!pq.PQexitPipelineMode(conn)) {
    return {UnavailableError("PostgreSQL: the session reset's pipeline did not end"), false};
  }
  if (preparing_ && error.ok()) prepared_ = true;
  auto exec = [&](const char* sql) -> Status {
    Result result(pq.PQexec(conn, sql), Clear{pq});
    ExecStatusType kind = pq.PQresultStatus(result.get());
    if (kind == PGRES_COMMAND_OK || kind == PGRES_TUPLES_OK) return OkStatus();
    return error_of(result.get());
  };
  if (error.ok() && statements_left && !*statements_left) return {OkStatus(), false};
  // SQL-prepared statements were left, or the reset failed: the plain way.
  if (!error.ok() || !statements_left) {
    if (pq.PQtransactionStatus(conn) != PQTRANS_IDLE) (void)exec("ROLLBACK");
    Status unlocked = exec("SELECT pg_catalog.pg_advisory_unlock_all()");
    if (!unlocked.ok()) return {unlocked, false};
  }
  prepared_ = false;
  return {exec("DEALLOCATE ALL"), true};
}

}  // namespace aurite::sql
