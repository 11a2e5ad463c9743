// Counting authentication failures per address and principal (auth_failure_monitor.h).
#include "host/auth_failure_monitor.h"

#include <utility>

namespace aurite::host {

AuthFailureMonitor::AuthFailureMonitor(std::size_t threshold, Clock::duration window,
                                       std::size_t max_keys)
    : threshold_(threshold), window_(window), max_keys_(max_keys) {}

AuthFailureMonitor::Verdict AuthFailureMonitor::Record(std::string_view who,
                                                       Clock::time_point now) {
  std::lock_guard lock(mu_);
  auto it = tracks_.find(who);
  if (it == tracks_.end()) {
    while (tracks_.size() >= max_keys_ && !order_.empty()) {
      tracks_.erase(order_.front());
      order_.pop_front();
    }
    it = tracks_.emplace(std::string(who), Track{}).first;
    order_.emplace_back(who);
  }
  Track& track = it->second;
  while (!track.failures.empty() && now - track.failures.front() >= window_) {
    track.failures.pop_front();
  }
  track.failures.push_back(now);
  if (track.failures.size() > threshold_) track.failures.pop_front();
  if (track.warned && now - track.warned_at < window_) {
    ++track.suppressed;
    return {.warn = false, .record = false};
  }
  if (track.failures.size() < threshold_) return {};
  track.warned = true;
  track.warned_at = now;
  return {.warn = true, .record = true, .suppressed = std::exchange(track.suppressed, 0)};
}

std::vector<std::pair<std::string, std::size_t>> AuthFailureMonitor::TakeSuppressed() {
  std::lock_guard lock(mu_);
  std::vector<std::pair<std::string, std::size_t>> taken;
  for (auto& [who, track] : tracks_) {
    if (track.suppressed > 0) taken.emplace_back(who, std::exchange(track.suppressed, 0));
  }
  return taken;
}

}  // namespace aurite::host
