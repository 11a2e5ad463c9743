// Events are few per stream (one reply plus its notifications), so they are
// kept whole until the stream itself is dropped.
#include "mcp/transport/event_stream.h"

#include <charconv>

namespace aurite::mcp {

std::string EventStream::EventId(std::uint64_t seq) const {
  return id_ + "/" + std::to_string(seq);
}

void EventStream::Push(std::string data, bool response) {
  std::lock_guard lock(mu_);
  if (finished_) return;
  events_.push_back(Event{events_.size() + 1, std::move(data), response});
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

std::optional<EventPosition> ParseEventId(std::string_view event_id) {
  const auto slash = event_id.rfind('/');
  if (slash == std::string_view::npos) return std::nullopt;
  const std::string_view digits = event_id.substr(slash + 1);
  EventPosition position{event_id.substr(0, slash), 0};
  // from_chars takes no sign, space or prefix; the whole rest must be read.
  const auto [end, error] =
      std::from_chars(digits.data(), digits.data() + digits.size(), position.seq);
  if (digits.empty() || error != std::errc() || end != digits.data() + digits.size()) {
    return std::nullopt;
  }
  return position;
}

}  // namespace aurite::mcp
