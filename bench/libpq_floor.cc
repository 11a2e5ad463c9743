// The floors under our SQL server's figures, set by the system's libpq and
// PostgreSQL alone: a program that links libpq only, connects, and
//  - runs the point query of bench/sql-bench CALLS times, then reports its
//    peak RSS (VmHWM). Our server's peak RSS cannot go below this figure
//    while it uses that libpq (Debian's pulls in OpenSSL, GnuTLS, Kerberos
//    and LDAP);
//  - with ROWS_SQL, receives that query's rows in single-row mode (as our
//    server must, so max_rows never fetches more than it keeps) and does
//    nothing with them, pausing PAUSE_MS before each call as our bench
//    client does while it checks an answer, and reports the p50 latency,
//    also back to back. Our server's 10k-row latency cannot go below it.
// Prints one JSON object.
//
//   libpq_floor DSN SQL CALLS [ROWS_SQL PAUSE_MS]
#include <libpq-fe.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>

#include "support/peak_resident.h"

namespace {

double NowMillis() {
  timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  return static_cast<double>(now.tv_sec) * 1e3 + static_cast<double>(now.tv_nsec) / 1e6;
}

int CompareDoubles(const void* a, const void* b) {
  double x = *static_cast<const double*>(a);
  double y = *static_cast<const double*>(b);
  return (x > y) - (x < y);
}

constexpr int kRowsCalls = 50;

// The p50 of kRowsCalls runs of `sql` in single-row mode, each after
// `pause_ms` of sleep; -1 if a call fails.
double RowsP50(PGconn* conn, const char* sql, double pause_ms) {
  double millis[kRowsCalls];
  const long pause_ns = static_cast<long>(pause_ms * 1e6);
  const timespec pause = {pause_ns / 1000000000, pause_ns % 1000000000};
  for (double& call : millis) {
    nanosleep(&pause, nullptr);
    const double start = NowMillis();
    if (!PQsendQueryParams(conn, sql, 0, nullptr, nullptr, nullptr, nullptr, 0)) return -1;
    PQsetSingleRowMode(conn);
    bool failed = false;
    for (PGresult* result = PQgetResult(conn); result != nullptr; result = PQgetResult(conn)) {
      failed = failed || PQresultStatus(result) == PGRES_FATAL_ERROR;
      PQclear(result);
    }
    if (failed) return -1;
    call = NowMillis() - start;
  }
  std::qsort(millis, kRowsCalls, sizeof millis[0], CompareDoubles);
  return millis[kRowsCalls / 2];
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4 && argc != 6) {
    std::fprintf(stderr, "usage: libpq_floor DSN SQL CALLS [ROWS_SQL PAUSE_MS]\n");
    return 2;
  }
  PGconn* conn = PQconnectdb(argv[1]);
  if (PQstatus(conn) != CONNECTION_OK) {
    std::fprintf(stderr, "libpq_floor: %s", PQerrorMessage(conn));
    PQfinish(conn);
    return 1;
  }
  for (int i = 0; i < std::atoi(argv[3]); ++i) {
    PGresult* result = PQexecParams(conn, argv[2], 0, nullptr, nullptr, nullptr, nullptr, 0);
    if (PQresultStatus(result) != PGRES_TUPLES_OK) {
      std::fprintf(stderr, "libpq_floor: %s", PQerrorMessage(conn));
      PQclear(result);
      PQfinish(conn);
      return 1;
    }
    PQclear(result);
  }
  std::printf("{\"name\": \"libpq-floor\", \"peak_rss_kib\": %ld",
              aurite::testing::PeakResidentKib(getpid()));
  if (argc == 6) {
    const double pause_ms = std::atof(argv[5]);
    RowsP50(conn, argv[4], 0);  // warm-up
    const double paused = RowsP50(conn, argv[4], pause_ms);
    const double back_to_back = RowsP50(conn, argv[4], 0);
    if (paused < 0 || back_to_back < 0) {
      std::fprintf(stderr, "libpq_floor: %s", PQerrorMessage(conn));
      PQfinish(conn);
      return 1;
    }
    std::printf(
        ", \"rows_pause_ms\": %.3f, \"rows_p50_ms\": %.3f, \"rows_back_to_back_p50_ms\": %.3f",
        pause_ms, paused, back_to_back);
  }
  std::printf("}\n");
  PQfinish(conn);
  return 0;
}
