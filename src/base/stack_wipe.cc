// WipeRecentStack: see stack_wipe.h.
#include "base/stack_wipe.h"

#include <string.h>

namespace aurite {

// noinline, so the array is placed in a frame of its own below the caller's;
// the empty asm keeps the compiler from dropping a store to memory that is
// never read.
[[gnu::noinline]] void WipeRecentStack() {
  unsigned char area[kRecentStackBytes];
  explicit_bzero(area, sizeof area);
  asm volatile("" : : "r"(area) : "memory");
}

}  // namespace aurite
