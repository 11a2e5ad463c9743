// StatementInterrupt: cancel the running statement from another thread, retrying until it ends.
#include "sql/statement_interrupt.h"

namespace aurite::sql {

void StatementInterrupt::Interrupt() {
  std::unique_lock lock(mutex_);
  interrupted_.store(true, std::memory_order_release);
  while (running_) {
    cancel_();
    finished_.wait_for(lock, retry_, [this] { return !running_; });
  }
}

bool StatementInterrupt::Start() {
  std::lock_guard lock(mutex_);
  if (interrupted()) return false;
  running_ = true;
  return true;
}

void StatementInterrupt::Finish() {
  {
    std::lock_guard lock(mutex_);
    running_ = false;
  }
  finished_.notify_all();
}

}  // namespace aurite::sql
