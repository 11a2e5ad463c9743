// A small growable thread pool that runs incoming request handlers off the
// transport's reader thread, so a handler may block on a request of its own.
//
// Contract: Submit never blocks. Up to `max_threads` workers run tasks;
// beyond that tasks queue. When no new thread can be started (a memory cap,
// the process's thread limit), tasks queue for the workers already running;
// only when there is none at all does Submit run the task itself, on the
// caller's thread. The destructor runs every queued task, then joins.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace aurite::runtime {

class ThreadPool {
 public:
  explicit ThreadPool(std::size_t max_threads = 16);
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  void Submit(std::function<void()> task);
  // Runs `task` on an idle worker, or on a new one when fewer than
  // max_threads run; false (and `task` dropped, never run) when neither is
  // possible at once: for work that must not wait in the queue behind
  // others, such as a transport's reading moving to another thread. Never
  // blocks and never runs `task` on the caller's thread.
  bool TryStart(std::function<void()> task);

 private:
  void WorkerLoop();
  // Starts one more worker if below max_threads; false when it cannot.
  bool AddWorkerLocked();

  const std::size_t max_threads_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> tasks_;
  std::size_t idle_ = 0;
  bool stopping_ = false;
  std::vector<std::thread> workers_;
};

}  // namespace aurite::runtime
