// Workers are started lazily: a stdio server with one caller rarely needs more than one.
#include "runtime/thread_pool.h"

#include <system_error>

namespace aurite::runtime {

ThreadPool::ThreadPool(std::size_t max_threads) : max_threads_(max_threads == 0 ? 1 : max_threads) {
  // Starting a worker must not need a reallocation that could fail.
  workers_.reserve(max_threads_);
}

ThreadPool::~ThreadPool() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  for (auto& worker : workers_) worker.join();
}

void ThreadPool::Submit(std::function<void()> task) {
  std::function<void()> run_here;
  {
    std::lock_guard lock(mu_);
    tasks_.push_back(std::move(task));
    if (idle_ < tasks_.size() && workers_.size() < max_threads_) {
      try {
        workers_.emplace_back([this] { WorkerLoop(); });
      } catch (const std::system_error&) {
        // No thread to spare (e.g. its stack would exceed the memory cap):
        // a running worker takes the task when it is free.
        if (workers_.empty()) {
          run_here = std::move(tasks_.back());
          tasks_.pop_back();
        }
      }
    }
  }
  if (run_here) {
    run_here();  // Nobody else could ever run it.
    return;
  }
  cv_.notify_one();
}

void ThreadPool::WorkerLoop() {
  std::unique_lock lock(mu_);
  for (;;) {
    ++idle_;
    cv_.wait(lock, [this] { return stopping_ || !tasks_.empty(); });
    --idle_;
    if (tasks_.empty()) return;
    auto task = std::move(tasks_.front());
    tasks_.pop_front();
    lock.unlock();
    task();
    lock.lock();
  }
}

}  // namespace aurite::runtime
