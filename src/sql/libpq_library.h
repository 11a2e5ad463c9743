// libpq, loaded on first use: the typed table of the libpq functions the
// PostgreSQL driver calls, and owners of libpq's objects.
// AURITE_LIBPQ_FUNCTIONS is the one list of the functions; a function the
// driver starts to use is added there.
#pragma once

#include <libpq-fe.h>

#include <memory>

#include "base/status.h"
#include "sql/dynamic_library.h"

namespace aurite::sql {

// clang-format off
#define AURITE_LIBPQ_FUNCTIONS(X) \
  X(PQbackendPID) \
  X(PQcancel) \
  X(PQclear) \
  X(PQcmdTuples) \
  X(PQconnectdbParams) \
  X(PQconsumeInput) \
  X(PQenterPipelineMode) \
  X(PQerrorMessage) \
  X(PQexec) \
  X(PQexecParams) \
  X(PQexitPipelineMode) \
  X(PQfinish) \
  X(PQfname) \
  X(PQfreeCancel) \
  X(PQfreemem) \
  X(PQftype) \
  X(PQgetCopyData) \
  X(PQgetCancel) \
  X(PQgetResult) \
  X(PQgetisnull) \
  X(PQgetlength) \
  X(PQgetvalue) \
  X(PQnfields) \
  X(PQnotifies) \
  X(PQntuples) \
  X(PQparameterStatus) \
  X(PQpipelineSync) \
  X(PQputCopyEnd) \
  X(PQresStatus) \
  X(PQresultErrorField) \
  X(PQresultStatus) \
  X(PQsendPrepare) \
  X(PQsendQuery) \
  X(PQsendQueryParams) \
  X(PQsendQueryPrepared) \
  X(PQsetNoticeProcessor) \
  X(PQsetSingleRowMode) \
  X(PQsocket) \
  X(PQstatus) \
  X(PQtransactionStatus)
// clang-format on

// The soname and Debian package of the libpq the driver was built against.
inline constexpr const char* kLibPqSoname = "libpq.so.5";
inline constexpr const char* kLibPqPackage = "libpq5";

// The libpq functions the driver calls, typed. LoadFunctionTable<LibPq>()
// loads libpq; ProcessFunctionTable<LibPq>() is the process's, loaded once
// (dynamic_library.h).
struct LibPq {
  static constexpr const char* kSoname = kLibPqSoname;
  static constexpr const char* kPackage = kLibPqPackage;
  AURITE_FUNCTION_TABLE(AURITE_LIBPQ_FUNCTIONS)
};

// libpq's functions, for code that runs on a connection, opened only after
// ProcessFunctionTable<LibPq>() succeeded.
inline const LibPq& Pq() { return LoadedFunctionTable<LibPq>(); }

// Owners of the objects libpq hands out.
using PgConnHandle = std::unique_ptr<PGconn, FunctionTableDeleter<&LibPq::PQfinish>>;
using PgResultHandle = std::unique_ptr<PGresult, FunctionTableDeleter<&LibPq::PQclear>>;
using PgCancelHandle = std::unique_ptr<PGcancel, FunctionTableDeleter<&LibPq::PQfreeCancel>>;

}  // namespace aurite::sql
