// Tests of TimerQueue: order, cancellation, and callbacks that schedule.
#include "runtime/timer_queue.h"

#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <mutex>
#include <vector>

namespace aurite::runtime {
namespace {

using namespace std::chrono_literals;
using Clock = TimerQueue::Clock;

TEST(TimerQueue, RunsCallbacksInDeadlineOrder) {
  TimerQueue queue;
  std::mutex mu;
  std::vector<int> order;
  std::promise<void> last;
  const auto now = Clock::now();
  queue.Schedule(now + 60ms, [&] {
    std::lock_guard lock(mu);
    order.push_back(3);
    last.set_value();
  });
  queue.Schedule(now + 20ms, [&] {
    std::lock_guard lock(mu);
    order.push_back(1);
  });
  queue.Schedule(now + 40ms, [&] {
    std::lock_guard lock(mu);
    order.push_back(2);
  });
  last.get_future().wait();
  std::lock_guard lock(mu);
  EXPECT_EQ(order, std::vector<int>({1, 2, 3}));
}

TEST(TimerQueue, ACancelledCallbackNeverRuns) {
  TimerQueue queue;
  std::atomic<bool> ran{false};
  std::promise<void> later;
  TimerQueue::Id id = queue.Schedule(Clock::now() + 20ms, [&] { ran = true; });
  queue.Schedule(Clock::now() + 60ms, [&] { later.set_value(); });
  EXPECT_TRUE(queue.Cancel(id));
  EXPECT_FALSE(queue.Cancel(id));  // already gone
  later.get_future().wait();
  EXPECT_FALSE(ran);
}

TEST(TimerQueue, ATimerDueSoonerThanTheOneAwaitedWakesTheThread) {
  TimerQueue queue;
  queue.Schedule(Clock::now() + 1h, [] {});
  std::promise<void> soon;
  const auto start = Clock::now();
  queue.Schedule(start + 10ms, [&] { soon.set_value(); });
  EXPECT_EQ(soon.get_future().wait_for(10s), std::future_status::ready);
}

TEST(TimerQueue, CallbacksMayScheduleMore) {
  TimerQueue queue;
  std::promise<void> second;
  queue.Schedule(Clock::now(), [&] { queue.Schedule(Clock::now(), [&] { second.set_value(); }); });
  EXPECT_EQ(second.get_future().wait_for(10s), std::future_status::ready);
}

}  // namespace
}  // namespace aurite::runtime
