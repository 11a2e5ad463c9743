// libpq, loaded on first use: the typed table of the libpq functions the
// PostgreSQL driver calls. AURITE_LIBPQ_FUNCTIONS is the one list of them;
// a function the driver starts to use is added there.
#pragma once

#include <libpq-fe.h>

#include <memory>

#include "base/status.h"
#include "sql/dynamic_library.h"

namespace aurite::sql {

// clang-format off
#define AURITE_LIBPQ_FUNCTIONS(X) \
  X(PQcancel) \
  X(PQclear) \
  X(PQcmdTuples) \
  X(PQconnectdbParams) \
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
  X(PQstatus) \
  X(PQtransactionStatus)
// clang-format on

struct LibPq {
#define AURITE_LIBPQ_MEMBER(name) decltype(&::name) name = nullptr;
  AURITE_LIBPQ_FUNCTIONS(AURITE_LIBPQ_MEMBER)
#undef AURITE_LIBPQ_MEMBER
};

// The soname and Debian package of the libpq the driver was built against.
inline constexpr const char* kLibPqSoname = "libpq.so.5";
inline constexpr const char* kLibPqPackage = "libpq5";

// Opens `soname` and resolves every function of the list; the library stays
// mapped for the life of the process. An error says
// which library or function is missing and which package to install.
StatusOr<std::unique_ptr<LibPq>> LoadLibPq(const char* soname = kLibPqSoname);

// The process's libpq, loaded by the first call; later calls return the
// same outcome (after a failure: install the package, restart the process).
// Thread-safe.
StatusOr<const LibPq*> ProcessLibPq();

}  // namespace aurite::sql
