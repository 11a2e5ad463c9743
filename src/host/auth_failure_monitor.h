// AuthFailureMonitor: notices when one client address or one principal
// fails authentication repeatedly (a guessed token, a stolen expired one,
// a misconfigured client), for a warning in the log: the seed's "monitor
// logs for suspicious connection attempts".
//
// Contract: Record() counts a failure of `who` at `now`; it returns true
// exactly when `who` reaches `threshold` failures within `window`, and
// then not again for that key until a window has passed (one warning per
// minute, not one per request). At most `max_keys` keys are tracked (the
// oldest forgotten first), so a flood of addresses costs bounded memory.
// Thread-safe.
#pragma once

#include <chrono>
#include <cstddef>
#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <string_view>

namespace aurite::host {

class AuthFailureMonitor {
 public:
  using Clock = std::chrono::steady_clock;
  explicit AuthFailureMonitor(std::size_t threshold = 5,
                              Clock::duration window = std::chrono::minutes(1),
                              std::size_t max_keys = 4096);

  bool Record(std::string_view who, Clock::time_point now = Clock::now());

 private:
  struct Track {
    std::deque<Clock::time_point> failures;  // within the window, oldest first
    Clock::time_point warned_at{};
    bool warned = false;
  };
  const std::size_t threshold_;
  const Clock::duration window_;
  const std::size_t max_keys_;
  std::mutex mu_;
  std::map<std::string, Track, std::less<>> tracks_;
  std::deque<std::string> order_;  // keys by first failure, for forgetting
};

}  // namespace aurite::host
