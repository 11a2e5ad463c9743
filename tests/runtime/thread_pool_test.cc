// ThreadPool when no new thread can start (a memory cap leaves no room for
// its stack): tasks wait for a running worker, or, with none, run at once
// on the caller's thread; Submit never throws.
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
    std::promise<void> release;
    std::shared_future<void> released = release.get_future().share();
    std::promise<std::thread::id> first_ran;
    pool.Submit([&] {
      first_ran.set_value(std::this_thread::get_id());
      released.wait();
    });
    std::thread::id worker = first_ran.get_future().get();
    if (!LeaveNoRoomForThreads()) return 3;
    std::promise<std::thread::id> second_ran;
    try {
      pool.Submit([&] { second_ran.set_value(std::this_thread::get_id()); });
    } catch (...) {
      release.set_value();  // lets the pool's destructor join the worker
      throw;
    }
    release.set_value();
    return second_ran.get_future().get() == worker ? 0 : 1;
  });
}

#endif

}  // namespace
}  // namespace aurite::runtime
