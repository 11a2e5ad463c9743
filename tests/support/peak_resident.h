// Peak resident memory (VmHWM) of a process, read from /proc: shared by the
// memory tests and the benchmarks so all figures are read the same way.
// C stdio only and header-only, so bench/libpq_floor can use it without
// loading the C++ runtime, whose pages would count in its own figure.
#ifndef AURITE_TESTS_SUPPORT_PEAK_RESIDENT_H_
#define AURITE_TESTS_SUPPORT_PEAK_RESIDENT_H_

#include <sys/types.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace aurite::testing {

// VmHWM of `pid` in KiB, or -1 if the process or the field is gone.
inline long PeakResidentKib(pid_t pid) {
  char path[64];
  std::snprintf(path, sizeof path, "/proc/%ld/status", static_cast<long>(pid));
  std::FILE* status = std::fopen(path, "r");
  if (status == nullptr) return -1;
  char line[256];
  long kib = -1;
  while (std::fgets(line, sizeof line, status) != nullptr) {
    if (std::strncmp(line, "VmHWM:", 6) == 0) kib = std::atol(line + 6);
  }
  std::fclose(status);
  return kib;
}

}  // namespace aurite::testing

#endif  // AURITE_TESTS_SUPPORT_PEAK_RESIDENT_H_
