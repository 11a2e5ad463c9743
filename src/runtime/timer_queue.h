// TimerQueue: runs callbacks at deadlines on one background thread. Session
// uses it for the timeouts of its calls, so a call needs no thread of its own
// waiting for its answer (see Session::CallAsync).
//
// Contract:
//  - Schedule() returns an id; Cancel(id) returns true when it removed the
//    callback before it started, false when it already ran, is running or was
//    never scheduled.
//  - Callbacks run one at a time on the queue's thread, never under its lock:
//    they may Schedule and Cancel. They must be quick.
//  - The thread starts with the first Schedule(). The destructor drops
//    pending callbacks and joins it.
//  - Thread-safe.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <thread>
#include <utility>

namespace aurite::runtime {

class TimerQueue {
 public:
  using Clock = std::chrono::steady_clock;
  using Id = std::uint64_t;

  TimerQueue() = default;
  ~TimerQueue();
  TimerQueue(const TimerQueue&) = delete;
  TimerQueue& operator=(const TimerQueue&) = delete;

  // The process's shared queue.
  static TimerQueue& Shared();

  Id Schedule(Clock::time_point deadline, std::function<void()> callback);
  bool Cancel(Id id);

 private:
  void Run(std::stop_token stop);

  std::mutex mu_;
  std::condition_variable_any cv_;
  // Keyed by (deadline, id): ordered by deadline, unique per timer.
  std::map<std::pair<Clock::time_point, Id>, std::function<void()>> timers_;
  std::map<Id, Clock::time_point> deadlines_;
  Id next_id_ = 1;
  // When the thread will next look at the queue; a new timer due earlier wakes it.
  Clock::time_point next_wake_ = Clock::time_point::max();
  bool rescan_ = false;
  std::jthread thread_;  // last: stopped first
};

}  // namespace aurite::runtime
