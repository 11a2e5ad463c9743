// A cap on the memory a process may allocate, so that a runaway allocation
// fails inside the process (malloc returns NULL, operator new throws
// std::bad_alloc, a thread does not start) instead of growing until the
// host's OOM killer ends this or another process.
#pragma once

#include <cstddef>

#include "base/status.h"

namespace aurite {

// Sets the soft RLIMIT_DATA of this process to `bytes`: the heap, private
// writable mappings and thread stacks together (Linux >= 4.7; file-backed
// code does not count). A lower limit already in place (the operator's
// ulimit) is kept, and so is the hard limit. Call before starting threads:
// the limit then also applies to their stacks. kFailedPrecondition when the
// kernel refuses.
Status CapDataMemory(std::size_t bytes);

// Whether the program runs under AddressSanitizer or ThreadSanitizer, whose
// shadow memory is private writable and already far above any sensible cap.
constexpr bool kSanitizerReservesMemory =
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
    true;
#else
    false;
#endif

}  // namespace aurite
