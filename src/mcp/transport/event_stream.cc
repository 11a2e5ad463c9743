// Events are few per stream (one reply plus its notifications), so they are
// kept whole until the stream itself is dropped.
#include "mcp/transport/event_stream.h"

namespace aurite::mcp {

std::string EventStream::EventId(std::uint64_t seq) const {
  return id_ + "/" + std::to_string(seq);
}

void EventStream::Push(std::string data) {
  std::lock_guard lock(mu_);
  if (finished_) return;
  events_.push_back(Event{events_.size() + 1, std::move(data)});
  cv_.notify_all();
}

void EventStream::Finish() {
  std::lock_guard lock(mu_);
  finished_ = true;
  cv_.notify_all();
}

bool EventStream::finished() const {
  std::lock_guard lock(mu_);
  return finished_;
}

std::vector<EventStream::Event> EventStream::Next(std::uint64_t after_seq,
                                                  std::chrono::milliseconds timeout, bool* done) {
  std::unique_lock lock(mu_);
  cv_.wait_for(lock, timeout, [&] { return finished_ || events_.size() > after_seq; });
  std::vector<Event> out;
  for (std::size_t i = after_seq; i < events_.size(); ++i) out.push_back(events_[i]);
  *done = finished_;
  return out;
}

}  // namespace aurite::mcp
