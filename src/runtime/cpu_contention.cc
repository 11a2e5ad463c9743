// One atomic time stamp: read on every hand-off and poll, written rarely.
#include "runtime/cpu_contention.h"

#include <atomic>
#include <chrono>
#include <cstdint>

namespace aurite::runtime {
namespace {

using Clock = std::chrono::steady_clock;
constexpr auto kStandDown = std::chrono::seconds(1);

// Clock ticks since its epoch of the last contention seen; 0: never.
std::atomic<std::int64_t> last_contended{0};

}  // namespace

void NoteCpuContended() {
  last_contended.store(Clock::now().time_since_epoch().count(), std::memory_order_relaxed);
}

bool CpuRecentlyContended() {
  const std::int64_t last = last_contended.load(std::memory_order_relaxed);
  if (last == 0) return false;
  return Clock::now() - Clock::time_point(Clock::duration(last)) < kStandDown;
}

}  // namespace aurite::runtime
