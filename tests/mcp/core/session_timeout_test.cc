// A call's timeout against a peer that takes nothing in: the timeout runs on
// the process's one timer thread, which must not be held by the
// notifications/cancelled the call then owes (a send that blocks).
#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>

#include "mcp/core/session.h"

namespace aurite::mcp {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

// A send whose cancellations block until Release() (or a bound, so a broken
// session fails the test instead of hanging it); other messages pass.
class BlockingCancellations {
 public:
  SendFn Fn() {
    return [this](std::string text) {
      if (text.find("notifications/cancelled") == std::string::npos) return OkStatus();
      std::unique_lock lock(mu_);
      cv_.wait_for(lock, 5s, [this] { return released_; });
      return OkStatus();
    };
  }
  void Release() {
    std::lock_guard lock(mu_);
    released_ = true;
    cv_.notify_all();
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool released_ = false;
};

TEST(SessionTimeout, TheCallerGetsItsTimeoutWhileTheCancellationCannotBeSent) {
  BlockingCancellations peer;
  {
    Session first(peer.Fn());
    Session second(peer.Fn());
    CallOptions options;
    options.timeout = 100ms;
    const auto start = Clock::now();
    RpcResult r = first.Call("slow", Json::object(), options);
    EXPECT_EQ(r.error().code, error_code::kRequestTimeout);
    EXPECT_LT(Clock::now() - start, 2s) << "the timeout waited for the cancellation";
    // The timer thread is free for the next timeout, of any session.
    const auto again = Clock::now();
    RpcResult other = second.Call("slow", Json::object(), options);
    EXPECT_EQ(other.error().code, error_code::kRequestTimeout);
    EXPECT_LT(Clock::now() - again, 2s) << "the timer thread is stuck in a send";
    peer.Release();
  }  // each destructor waits for its cancellation to be sent
}

}  // namespace
}  // namespace aurite::mcp
