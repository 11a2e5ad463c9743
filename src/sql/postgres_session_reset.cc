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

namespace {

struct ClearResult {
  const LibPq& pq;
  void operator()(PGresult* result) const { pq.PQclear(result); }
};
using Result = std::unique_ptr<PGresult, ClearResult>;

bool SendCommand(const LibPq& pq, PGconn* conn, const char* sql) {
  return pq.PQsendQueryParams(conn, sql, 0, nullptr, nullptr, nullptr, nullptr, 0) == 1;
}

}  // namespace

bool PostgresCallEnd::Append(const LibPq& pq, PGconn* conn) {
  preparing_ = !prepared_;
  return SendCommand(pq, conn, "BEGIN READ ONLY") &&
         (!preparing_ || pq.PQsendPrepare(conn, name_.c_str(), kReset, 0, nullptr) == 1) &&
         pq.PQsendQueryPrepared(conn, name_.c_str(), 0, nullptr, nullptr, nullptr, 0) == 1 &&
         SendCommand(pq, conn, "ROLLBACK");
}

bool PostgresCallEnd::Send(const LibPq& pq, PGconn* conn) {
  // A failed transaction takes no BEGIN: end it first.
  const bool failed = pq.PQtransactionStatus(conn) == PQTRANS_INERROR;
  return pq.PQenterPipelineMode(conn) && (!failed || SendCommand(pq, conn, "ROLLBACK")) &&
         Append(pq, conn) && pq.PQpipelineSync(conn) == 1;
}

PostgresCallEnd::Answers PostgresCallEnd::Read(
    const LibPq& pq, PGconn* conn, const std::function<Status(const PGresult*)>& error_of) {
  Answers answers;
  // Each command's results end with a null result; the Sync's ends the
  // pipeline. The bound only guards against a protocol gone wrong.
  for (int nulls = 0; nulls < 12;) {
    Result result(pq.PQgetResult(conn), ClearResult{pq});
    if (!result) {
      ++nulls;
      continue;
    }
    ExecStatusType kind = pq.PQresultStatus(result.get());
    if (kind == PGRES_PIPELINE_SYNC) {
      answers.ended = pq.PQexitPipelineMode(conn) == 1;
      break;
    }
    if (kind == PGRES_PIPELINE_ABORTED) answers.skipped = true;
    if (kind == PGRES_FATAL_ERROR && answers.error.ok()) answers.error = error_of(result.get());
    if (kind == PGRES_TUPLES_OK && pq.PQntuples(result.get()) == 1 &&
        pq.PQnfields(result.get()) == 2) {
      answers.statements_left = std::string_view(pq.PQgetvalue(result.get(), 0, 1)) != "0";
    }
  }
  if (preparing_ && answers.ended && answers.error.ok() && !answers.skipped) prepared_ = true;
  return answers;
}

PostgresCallEnd::Outcome PostgresCallEnd::Finish(
    const LibPq& pq, PGconn* conn, const std::function<Status(const PGresult*)>& error_of) {
  Answers answers = Read(pq, conn, error_of);
  // The call's statement failed, and the server skipped what came after it.
  if (answers.ended && answers.error.ok() && answers.skipped) {
    if (!Send(pq, conn)) {
      return {UnavailableError("PostgreSQL: the session reset could not be sent"), false};
    }
    answers = Read(pq, conn, error_of);
  }
  if (!answers.ended) {
    std::string cause = answers.error.ok() ? "" : " (" + answers.error.message() + ")";
    return {UnavailableError("PostgreSQL: the session reset's pipeline did not end" + cause),
            false};
  }
  auto exec = [&](const char* sql) -> Status {
    Result result(pq.PQexec(conn, sql), ClearResult{pq});
    ExecStatusType kind = pq.PQresultStatus(result.get());
    if (kind == PGRES_COMMAND_OK || kind == PGRES_TUPLES_OK) return OkStatus();
    return error_of(result.get());
  };
  const bool reset_ran = answers.error.ok() && answers.statements_left.has_value();
  if (reset_ran && !*answers.statements_left) return {OkStatus(), false};
  // SQL-prepared statements were left, or the reset failed: the plain way.
  if (!reset_ran) {
    if (pq.PQtransactionStatus(conn) != PQTRANS_IDLE) (void)exec("ROLLBACK");
    Status unlocked = exec("SELECT pg_catalog.pg_advisory_unlock_all()");
    if (!unlocked.ok()) return {unlocked, false};
  }
  prepared_ = false;
  return {exec("DEALLOCATE ALL"), true};
}

}  // namespace aurite::sql
