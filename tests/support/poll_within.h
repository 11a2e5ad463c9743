// Waiting for a condition in a test: bounded, so a test that never sees it
// fails instead of hanging.
#pragma once

#include <chrono>
#include <functional>
#include <thread>

namespace aurite::testing {

// Polls `done` every 20 ms until it holds or `limit` passed since `start`;
// whether it held.
inline bool PollWithin(std::chrono::steady_clock::time_point start,
                       std::chrono::steady_clock::duration limit,
                       const std::function<bool()>& done) {
  while (!done()) {
    if (std::chrono::steady_clock::now() - start > limit) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return true;
}

}  // namespace aurite::testing
