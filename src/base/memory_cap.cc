// RLIMIT_DATA as the process's memory cap.
#include "base/memory_cap.h"

#include <sys/resource.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string>

namespace aurite {

Status CapDataMemory(std::size_t bytes) {
  struct rlimit limit {};
  if (::getrlimit(RLIMIT_DATA, &limit) != 0) {
    return FailedPreconditionError(std::string("cannot read the data memory limit: ") +
                                   std::strerror(errno));
  }
  rlim_t wanted = static_cast<rlim_t>(bytes);
  if (limit.rlim_cur != RLIM_INFINITY) wanted = std::min(wanted, limit.rlim_cur);
  if (limit.rlim_max != RLIM_INFINITY) wanted = std::min(wanted, limit.rlim_max);
  limit.rlim_cur = wanted;
  if (::setrlimit(RLIMIT_DATA, &limit) != 0) {
    return FailedPreconditionError(std::string("cannot set the data memory limit: ") +
                                   std::strerror(errno));
  }
  return OkStatus();
}

}  // namespace aurite
