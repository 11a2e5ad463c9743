// ThreadPool: TryStart takes a task only for a worker that starts it at once;
// and when no new thread can start (a memory cap leaves no room for its
// stack), tasks wait for a running worker, or, with none, run at once on the
// caller's thread; Submit never throws.
#include "runtime/thread_pool.h"

#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <fstream>
#include <future>
#include <string>
#include <thread>

namespace aurite::runtime {
namespace {

// Keeps one worker of a pool busy until destroyed (declare it after the pool).
class BusyWorker {
 public:
  explicit BusyWorker(ThreadPool& pool) {
    // The task holds its own copy of the future: it may still be waking
    // from wait() after this object is gone.
    pool.Submit([this, released = released_] {
      ran_on_.set_value(std::this_thread::get_id());
      released.wait();
    });
    id_ = ran_on_.get_future().get();
  }
  ~BusyWorker() { release_.set_value(); }
  std::thread::id id() const { return id_; }

 private:
  std::promise<std::thread::id> ran_on_;
  std::promise<void> release_;
  std::shared_future<void> released_ = release_.get_future().share();
  std::thread::id id_;
};

TEST(ThreadPoolTest, TryStartRunsTheTaskOnAWorkerAtOnce) {
  ThreadPool pool(2);
  BusyWorker busy(pool);
  std::promise<std::thread::id> started;
  // The only worker is busy: a new one starts the task.
  ASSERT_TRUE(pool.TryStart([&] { started.set_value(std::this_thread::get_id()); }));
  const std::thread::id second = started.get_future().get();
  EXPECT_NE(second, std::this_thread::get_id());
  EXPECT_NE(second, busy.id());
}

TEST(ThreadPoolTest, TryStartRefusesWhenEveryWorkerIsBusy) {
  std::atomic<bool> ran{false};
  {
    ThreadPool pool(1);
    BusyWorker busy(pool);
    EXPECT_FALSE(pool.TryStart([&] { ran = true; }));
  }  // the destructor runs every task still queued: the refused one is not
  EXPECT_FALSE(ran);
}

// Not built under sanitizers: their shadow memory is private writable and
// already above any cap (kSanitizerReservesMemory), so a skipped test would
// only look like a passing one.
#if !defined(__SANITIZE_ADDRESS__) && !defined(__SANITIZE_THREAD__)

// Caps this process's data memory a little above what it uses now, so that
// no 8 MiB thread stack fits any more.
bool LeaveNoRoomForThreads() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmData:", 0) == 0) {
      std::size_t used = std::stoull(line.substr(7)) * 1024;
      struct rlimit limit {};
      ::getrlimit(RLIMIT_DATA, &limit);
      limit.rlim_cur = used + 2 * 1024 * 1024;
      return ::setrlimit(RLIMIT_DATA, &limit) == 0;
    }
  }
  return false;
}

// Runs `body` in a child process (the cap must not reach the test process)
// and expects it to exit with 0. The child is a fresh run of this binary
// (the "threadsafe" death-test style): stacks cached from other tests'
// threads would let a thread start under the cap.
void ExpectZeroInChild(int (*body)()) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(
      {
        int code = 4;
        try {
          code = body();
        } catch (...) {
          // Submit threw (the old behaviour): the child must still exit.
        }
        ::_exit(code);
      },
      ::testing::ExitedWithCode(0), "");
}

TEST(ThreadPoolTest, WithoutAnyWorkerATaskRunsOnTheCallersThread) {
  ExpectZeroInChild([] {
    ThreadPool pool(4);
    if (!LeaveNoRoomForThreads()) return 3;
    std::thread::id ran_on;
    pool.Submit([&] { ran_on = std::this_thread::get_id(); });
    return ran_on == std::this_thread::get_id() ? 0 : 1;
  });
}

TEST(ThreadPoolTest, WhenNoThreadStartsTasksWaitForARunningWorker) {
  ExpectZeroInChild([] {
    ThreadPool pool(4);
    std::promise<std::thread::id> second_ran;
    std::thread::id worker;
    {
      BusyWorker busy(pool);
      worker = busy.id();
      if (!LeaveNoRoomForThreads()) return 3;
      pool.Submit([&] { second_ran.set_value(std::this_thread::get_id()); });
    }
    return second_ran.get_future().get() == worker ? 0 : 1;
  });
}

TEST(ThreadPoolTest, WithoutAnyWorkerTryStartRefusesRatherThanRunOnTheCaller) {
  ExpectZeroInChild([] {
    ThreadPool pool(4);
    if (!LeaveNoRoomForThreads()) return 3;
    bool ran = false;
    if (pool.TryStart([&] { ran = true; })) return 1;
    return ran ? 2 : 0;
  });
}

#endif

}  // namespace
}  // namespace aurite::runtime
