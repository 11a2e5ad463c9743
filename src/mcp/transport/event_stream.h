// EventStream: the ordered messages of one Streamable HTTP stream (a POST's
// reply stream or the standalone GET stream), kept so that a client that
// lost the connection can resume from the last event id it saw.
//
// Contract: events are numbered from 1 in push order. Thread-safe. Once
// finished, no more events are accepted and waiters return at once.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace aurite::mcp {

class EventStream {
 public:
  struct Event {
    std::uint64_t seq;
    std::string data;
    // A lone JSON-RPC response (an object without "method"), as whoever
    // pushed it found when routing it: readers need not parse it again.
    bool response = false;
  };

  explicit EventStream(std::string id) : id_(std::move(id)) {}

  const std::string& id() const { return id_; }
  // The SSE id of event `seq`: "<stream id>/<seq>".
  std::string EventId(std::uint64_t seq) const;

  void Push(std::string data, bool response = false);
  void Finish();
  bool finished() const;

  // Events after `after_seq`, waiting up to `timeout` for at least one unless
  // the stream is finished. `done` is set when the stream is finished and no
  // event after the returned ones remains.
  std::vector<Event> Next(std::uint64_t after_seq, std::chrono::milliseconds timeout, bool* done);

 private:
  const std::string id_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::vector<Event> events_;
  bool finished_ = false;
};

// What a Last-Event-ID header names: the stream and the sequence number of
// an id EventStream::EventId made.
struct EventPosition {
  std::string_view stream_id;  // a view into the text parsed: keep it alive
  std::uint64_t seq = 0;
};

// Reads "<stream id>/<seq>" (the stream id may hold '/' itself; <seq> is
// the decimal digits after the last one, without sign or spaces, within 64
// bits); nullopt for anything else, which names no event we sent.
std::optional<EventPosition> ParseEventId(std::string_view event_id);

}  // namespace aurite::mcp
