// LineReader: newline-delimited messages from a file descriptor, bounded.
//
// Contract: Next() returns the next line without its "\n" (and without a
// trailing "\r"), or nullopt at end of input or on a read error. A line longer
// than `max_line_bytes` is skipped up to its newline and reported once, when
// it ends, as kTooLong with its first kHeadBytes and last kTailBytes (enough
// to tell whose answer it was: IdOfOversizedMessage), so a huge or endless
// line costs bounded memory and the stream resynchronizes at the next
// message. A final line without "\n" is returned (or reported).
// Bytes read are wiped from the reader's own buffers once handed out, so a
// secret that crossed it does not linger there.
// With a `stop_fd`, input already buffered in `fd` is still read, but once
// `fd` has nothing more and `stop_fd` is readable, Next() returns nullopt:
// this ends a reader whose writer lives on in some other process.
// With `busy_poll`, a read that would block first polls the descriptor
// without sleeping for up to that long: a relay that expects its next
// message within microseconds skips the cost of being woken (which, on an
// idle virtual CPU, is tens of microseconds), for at most that much CPU.
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>

namespace aurite::runtime {

class LineReader {
 public:
  enum class Kind { kLine, kTooLong };
  static constexpr std::size_t kHeadBytes = 4096;
  static constexpr std::size_t kTailBytes = 256;
  struct Item {
    Kind kind;
    std::string line;  // empty for kTooLong
    std::string head;  // kTooLong: the line's first bytes
    std::string tail;  // kTooLong: the line's last bytes
  };

  LineReader(int fd, std::size_t max_line_bytes, int stop_fd = -1,
             std::chrono::microseconds busy_poll = {})
      : fd_(fd), max_(max_line_bytes), stop_fd_(stop_fd), busy_poll_(busy_poll) {}

  std::optional<Item> Next();

 private:
  bool Fill();
  std::string TakeLine(std::size_t newline);
  void PollBriefly() const;
  // Ends the oversized line being skipped with `last` as its final bytes.
  Item TooLong(std::string_view last);

  const int fd_;
  const std::size_t max_;
  const int stop_fd_;
  const std::chrono::microseconds busy_poll_;
  std::string buffer_;
  std::size_t scanned_ = 0;  // bytes of buffer_ known to hold no newline
  bool skipping_ = false;
  std::string head_;  // of the line being skipped
  std::string tail_;
  bool eof_ = false;
};

}  // namespace aurite::runtime
