// The resident-memory floor of any PostgreSQL client built on the system's
// libpq: a program that links libpq only, connects, and runs the point
// query of bench/sql-bench, then reports its peak RSS (VmHWM) as JSON. Our
// server's peak RSS cannot go below this figure while it uses that libpq
// (Debian's pulls in OpenSSL, GnuTLS, Kerberos and LDAP).
//
//   libpq_floor DSN SQL CALLS
#include <libpq-fe.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace {

// C stdio only: the C++ runtime would add its own pages to the floor.
long PeakRssKib() {
  std::FILE* status = std::fopen("/proc/self/status", "r");
  if (status == nullptr) return -1;
  char line[256];
  long kib = -1;
  while (std::fgets(line, sizeof line, status) != nullptr) {
    if (std::strncmp(line, "VmHWM:", 6) == 0) kib = std::atol(line + 6);
  }
  std::fclose(status);
  return kib;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: libpq_floor DSN SQL CALLS\n");
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
  std::printf("{\"name\": \"libpq-floor\", \"peak_rss_kib\": %ld}\n", PeakRssKib());
  PQfinish(conn);
  return 0;
}
