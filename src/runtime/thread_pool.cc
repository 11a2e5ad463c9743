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

bool ThreadPool::AddWorkerLocked() {
  if (workers_.size() >= max_threads_) return false;
  try {
    workers_.emplace_back([this] { WorkerLoop(); });
  } catch (const std::system_error&) {
    // No thread to spare (e.g. its stack would exceed the memory cap).
    return false;
  }
  return true;
}

void ThreadPool::Submit(std::function<void()> task) {
  std::function<void()> run_here;
  {
    std::lock_guard lock(mu_);
    tasks_.push_back(std::move(task));
    // Without a new thread, a running worker takes the task when it is free;
    // with no worker at all, nobody else could ever run it.
    if (idle_ < tasks_.size() && !AddWorkerLocked() && workers_.empty()) {
      run_here = std::move(tasks_.back());
      tasks_.pop_back();
    }
  }
  if (run_here) {
    run_here();
    return;
  }
  cv_.notify_one();
}

bool ThreadPool::TryStart(std::function<void()> task) {
  {
    std::lock_guard lock(mu_);
    // Workers take tasks in order: behind a backlog (more tasks queued than
    // idle workers), even a new worker would take an older task first.
    if (idle_ < tasks_.size()) return false;
    if (idle_ == tasks_.size() && !AddWorkerLocked()) return false;
    tasks_.push_back(std::move(task));
  }
  cv_.notify_one();
  return true;
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
