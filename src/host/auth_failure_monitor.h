// AuthFailureMonitor: notices when one client address or one principal
// fails authentication repeatedly (a guessed token, a stolen expired one,
// a misconfigured client), for a warning in the log: the seed's "monitor
// logs for suspicious connection attempts". It also keeps a flood of bad
// requests from flooding the audit log and the disk.
//
// Contract: Record() counts a failure of `who` at `now`. Its verdict:
//  - warn exactly when `who` reaches `threshold` failures within `window`,
//    and then not again for that key until a window has passed (one
//    warning per minute, not one per request);
//  - record false for the failures after a warning and within its window:
//    they are only counted, and the next warning carries their number
//    (suppressed), so a flood costs a few audit records a minute, and none
//    goes unaccounted. TakeSuppressed() hands over what no warning carried
//    yet (at shutdown).
// At most `max_keys` keys are tracked (the oldest forgotten first, its
// count with it), so a flood of addresses costs bounded memory.
// Thread-safe.
#pragma once

#include <chrono>
#include <cstddef>
#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace aurite::host {

class AuthFailureMonitor {
 public:
  using Clock = std::chrono::steady_clock;
  explicit AuthFailureMonitor(std::size_t threshold = 5,
                              Clock::duration window = std::chrono::minutes(1),
                              std::size_t max_keys = 4096);

  struct Verdict {
    bool warn = false;
    bool record = true;
    std::size_t suppressed = 0;  // with warn: failures counted, not recorded, since the last
  };
  Verdict Record(std::string_view who, Clock::time_point now = Clock::now());

  // Each key with failures no warning has carried yet, and their number;
  // the counts start again from zero.
  std::vector<std::pair<std::string, std::size_t>> TakeSuppressed();

 private:
  struct Track {
    std::deque<Clock::time_point> failures;  // the last `threshold` within the window
    Clock::time_point warned_at{};
    bool warned = false;
    std::size_t suppressed = 0;
  };
  const std::size_t threshold_;
  const Clock::duration window_;
  const std::size_t max_keys_;
  std::mutex mu_;
  std::map<std::string, Track, std::less<>> tracks_;
  std::deque<std::string> order_;  // keys by first failure, for forgetting
};

}  // namespace aurite::host
