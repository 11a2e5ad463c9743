// The thread sleeps until the earliest deadline it knows of. Cancelled timers
// do not wake it: with calls that finish long before their timeouts, the
// thread wakes about once per timeout period instead of once per call.
#include "runtime/timer_queue.h"

#include <vector>

namespace aurite::runtime {

TimerQueue::~TimerQueue() {
  if (thread_.joinable()) {
    thread_.request_stop();
    thread_.join();
  }
}

TimerQueue& TimerQueue::Shared() {
  static TimerQueue queue;
  return queue;
}

TimerQueue::Id TimerQueue::Schedule(Clock::time_point deadline, std::function<void()> callback) {
  std::lock_guard lock(mu_);
  const Id id = next_id_++;
  timers_.emplace(std::make_pair(deadline, id), std::move(callback));
  deadlines_.emplace(id, deadline);
  if (!thread_.joinable()) {
    thread_ = std::jthread([this](std::stop_token stop) { Run(stop); });
  } else if (deadline < next_wake_) {
    rescan_ = true;
    cv_.notify_one();
  }
  return id;
}

bool TimerQueue::Cancel(Id id) {
  std::lock_guard lock(mu_);
  auto it = deadlines_.find(id);
  if (it == deadlines_.end()) return false;
  timers_.erase(std::make_pair(it->second, id));
  deadlines_.erase(it);
  return true;
}

void TimerQueue::Run(std::stop_token stop) {
  std::unique_lock lock(mu_);
  while (!stop.stop_requested()) {
    const Clock::time_point now = Clock::now();
    std::vector<std::function<void()>> due;
    while (!timers_.empty() && timers_.begin()->first.first <= now) {
      auto first = timers_.begin();
      deadlines_.erase(first->first.second);
      due.push_back(std::move(first->second));
      timers_.erase(first);
    }
    if (!due.empty()) {
      lock.unlock();
      for (auto& callback : due) callback();
      lock.lock();
      continue;
    }
    next_wake_ = timers_.empty() ? Clock::time_point::max() : timers_.begin()->first.first;
    rescan_ = false;
    auto rescan = [this] { return rescan_; };
    if (next_wake_ == Clock::time_point::max()) {
      cv_.wait(lock, stop, rescan);
    } else {
      cv_.wait_until(lock, stop, next_wake_, rescan);
    }
  }
}

}  // namespace aurite::runtime
