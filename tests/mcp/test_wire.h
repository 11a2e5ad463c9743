// Test helpers: a recorder that stands in for a transport, and a pair of
// sessions wired back to back through queues (one reader thread per side,
// as a real transport has).
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "mcp/core/session.h"

namespace aurite::mcp::testing {

// Collects what a session sends; Wait() blocks until `n` messages arrived.
class Recorder {
 public:
  SendFn Sender() {
    return [this](std::string text) {
      std::lock_guard lock(mu_);
      sent_.push_back(Json::parse(text));
      cv_.notify_all();
      return OkStatus();
    };
  }
  // The n-th message sent (0-based), waiting up to 5 s for it; null on timeout.
  Json Wait(std::size_t n) {
    std::unique_lock lock(mu_);
    cv_.wait_for(lock, std::chrono::seconds(5), [&] { return sent_.size() > n; });
    return sent_.size() > n ? sent_[n] : Json();
  }
  std::size_t count() {
    std::lock_guard lock(mu_);
    return sent_.size();
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<Json> sent_;
};

// A one-way queue with its own reader thread delivering to a session.
class Channel {
 public:
  ~Channel() { Stop(); }
  void Start(std::function<void(const std::string&)> deliver) {
    deliver_ = std::move(deliver);
    reader_ = std::thread([this] { Run(); });
  }
  SendFn Sender() {
    return [this](std::string text) {
      std::lock_guard lock(mu_);
      if (stopped_) return UnavailableError("channel closed");
      queue_.push_back(std::move(text));
      cv_.notify_all();
      return OkStatus();
    };
  }
  void Stop() {
    {
      std::lock_guard lock(mu_);
      stopped_ = true;
    }
    cv_.notify_all();
    if (reader_.joinable()) reader_.join();
  }

 private:
  void Run() {
    std::unique_lock lock(mu_);
    for (;;) {
      cv_.wait(lock, [&] { return stopped_ || !queue_.empty(); });
      if (stopped_) return;
      std::string next = std::move(queue_.front());
      queue_.pop_front();
      lock.unlock();
      deliver_(next);
      lock.lock();
    }
  }
  std::function<void(const std::string&)> deliver_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::string> queue_;
  bool stopped_ = false;
  std::thread reader_;
};

// A handler that waits up to 5 s to be cancelled and records whether it was.
inline Session::RequestHandler WaitForCancel(std::atomic<bool>& saw_cancel) {
  return [&saw_cancel](const Request&, RequestContext& context) -> RpcResult {
    for (int i = 0; i < 5000 && !context.cancelled(); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    saw_cancel = context.cancelled();
    return Json::object();
  };
}

// Two sessions, `a` and `b`, each delivering to the other.
struct SessionPair {
  explicit SessionPair(SessionOptions options = {})
      : a(std::make_unique<Session>(to_b.Sender(), options)),
        b(std::make_unique<Session>(to_a.Sender(), options)) {}
  void Start() {
    to_b.Start([this](const std::string& text) { b->Receive(text); });
    to_a.Start([this](const std::string& text) { a->Receive(text); });
  }
  ~SessionPair() {
    to_a.Stop();
    to_b.Stop();
    a->Close();
    b->Close();
  }
  Channel to_a, to_b;
  std::unique_ptr<Session> a, b;
};

}  // namespace aurite::mcp::testing
