// StatementInterrupt: the thread-safe half of Connection::Interrupt() that
// every driver shares; the driver supplies only how to stop the statement
// its server runs now (PQcancel, KILL QUERY, sqlite3_interrupt).
//
// Contract:
//  - Interrupt() may be called from any thread. It marks the connection
//    interrupted; while a statement runs (between Start() and Finish()), it
//    calls `cancel` and, while the statement still runs, calls it again
//    every `retry` (a cancel that reaches the server just before the
//    statement does is ignored by PostgreSQL and MariaDB). It returns once
//    no statement runs.
//  - `cancel` is called with the lock held, so Finish() waits for a cancel
//    in flight: the driver never sends its next command (e.g. ROLLBACK)
//    while a cancel meant for the statement could still hit it.
//  - Start() refuses (returns false) once interrupted, so the later
//    statements of a call (e.g. DescribeTable runs several) fail at once.
//  - Start(), Finish() and Clear() belong to the thread that owns the
//    connection; Clear() must not run while Interrupt() is in progress.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>

namespace aurite::sql {

class StatementInterrupt {
 public:
  StatementInterrupt(std::function<void()> cancel, std::chrono::milliseconds retry)
      : cancel_(std::move(cancel)), retry_(retry) {}
  StatementInterrupt(const StatementInterrupt&) = delete;
  StatementInterrupt& operator=(const StatementInterrupt&) = delete;

  void Interrupt();
  bool interrupted() const { return interrupted_.load(std::memory_order_acquire); }
  void Clear() { interrupted_.store(false, std::memory_order_release); }

  // False (and nothing started) when the connection was interrupted.
  bool Start();
  void Finish();

  // Start() and Finish() for one scope; check ok() before running anything.
  class Scope {
   public:
    explicit Scope(StatementInterrupt& owner) : owner_(owner), ok_(owner.Start()) {}
    ~Scope() {
      if (ok_) owner_.Finish();
    }
    Scope(const Scope&) = delete;
    Scope& operator=(const Scope&) = delete;
    bool ok() const { return ok_; }

   private:
    StatementInterrupt& owner_;
    bool ok_;
  };

 private:
  const std::function<void()> cancel_;
  const std::chrono::milliseconds retry_;
  std::mutex mutex_;
  std::condition_variable finished_;
  bool running_ = false;
  std::atomic<bool> interrupted_{false};
};

}  // namespace aurite::sql
