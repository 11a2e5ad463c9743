// Reads in 64 KiB chunks; scanned_ avoids rescanning a long partial line.
#include "mcp/line_reader.h"

#include <poll.h>
#include <sched.h>
#include <unistd.h>

#include <cerrno>

namespace aurite::mcp {
namespace {
constexpr std::size_t kChunk = 64 * 1024;
}  // namespace

// Yields between polls, so a thread that is due to run on this CPU (the very
// peer we wait for, on a busy machine) is not held up by the polling.
void LineReader::PollBriefly() const {
  const auto until = std::chrono::steady_clock::now() + busy_poll_;
  pollfd ready{fd_, POLLIN, 0};
  while (::poll(&ready, 1, 0) == 0 && std::chrono::steady_clock::now() < until) ::sched_yield();
}

bool LineReader::Fill() {
  char chunk[kChunk];
  if (busy_poll_.count() > 0) PollBriefly();
  for (;;) {
    if (stop_fd_ >= 0) {
      pollfd fds[2] = {{fd_, POLLIN, 0}, {stop_fd_, POLLIN, 0}};
      if (::poll(fds, 2, -1) < 0) {
        if (errno == EINTR) continue;
        return false;
      }
      if (fds[0].revents == 0) return false;  // only the stop signal
    }
    const ssize_t n = ::read(fd_, chunk, sizeof chunk);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    buffer_.append(chunk, static_cast<std::size_t>(n));
    return true;
  }
}

// Takes the line that ends at `newline` out of the buffer. A line that ends
// the buffer (a large message is read whole before its newline is seen) is
// moved out rather than copied.
std::string LineReader::TakeLine(std::size_t newline) {
  std::string line;
  if (newline + 1 == buffer_.size()) {
    buffer_.pop_back();
    line.swap(buffer_);
  } else {
    line.assign(buffer_, 0, newline);
    buffer_.erase(0, newline + 1);
  }
  scanned_ = 0;
  return line;
}

std::optional<LineReader::Item> LineReader::Next() {
  for (;;) {
    const std::size_t newline = buffer_.find('\n', scanned_);
    if (newline != std::string::npos) {
      std::string line = TakeLine(newline);
      if (skipping_) {
        skipping_ = false;
        continue;  // the tail of a line already reported as too long
      }
      if (line.size() > max_) return Item{Kind::kTooLong, {}};
      if (!line.empty() && line.back() == '\r') line.pop_back();
      return Item{Kind::kLine, std::move(line)};
    }
    scanned_ = buffer_.size();
    if (buffer_.size() > max_) {
      const bool first_report = !skipping_;
      skipping_ = true;
      buffer_.clear();
      scanned_ = 0;
      if (first_report) return Item{Kind::kTooLong, {}};
    }
    if (eof_ || !Fill()) {
      eof_ = true;
      if (buffer_.empty() || skipping_) return std::nullopt;
      // A final line without a newline is still a line: ending it here sends
      // it through the same path as every other.
      buffer_.push_back('\n');
    }
  }
}

}  // namespace aurite::mcp
