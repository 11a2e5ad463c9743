// Reads in 64 KiB chunks; scanned_ avoids rescanning a long partial line.
#include "runtime/line_reader.h"

#include <poll.h>
#include <sched.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "runtime/cpu_contention.h"

namespace aurite::runtime {
namespace {
constexpr std::size_t kChunk = 64 * 1024;
}  // namespace

// Yields between polls, so a thread that is due to run on this CPU (the very
// peer we wait for) is not held up by the polling. A yield that gave the CPU
// away for longer than a peer's quick turn means the machine is busy
// (cpu_contention.h): the polling ends after one more look, and no read polls
// for a while.
void LineReader::PollBriefly() const {
  constexpr auto kGaveCpuAway = std::chrono::microseconds(500);
  if (CpuRecentlyContended()) return;
  const auto until = std::chrono::steady_clock::now() + busy_poll_;
  pollfd ready{fd_, POLLIN, 0};
  bool contended = false;
  while (::poll(&ready, 1, 0) == 0 && !contended) {
    const auto before = std::chrono::steady_clock::now();
    if (before >= until) return;
    ::sched_yield();
    contended = std::chrono::steady_clock::now() - before > kGaveCpuAway;
  }
  if (contended) NoteCpuContended();
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
    explicit_bzero(chunk, static_cast<std::size_t>(n));
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
    const std::size_t before = buffer_.size();
    buffer_.erase(0, newline + 1);
    // The bytes the erase moved out of the string's size still hold the
    // end of the buffer: wipe them.
    explicit_bzero(buffer_.data() + buffer_.size(), before - buffer_.size());
  }
  scanned_ = 0;
  return line;
}

LineReader::Item LineReader::TooLong(std::string_view last) {
  tail_.append(last);
  if (tail_.size() > kTailBytes) tail_.erase(0, tail_.size() - kTailBytes);
  skipping_ = false;
  Item item{Kind::kTooLong, {}, std::move(head_), std::move(tail_)};
  head_.clear();
  tail_.clear();
  return item;
}

std::optional<LineReader::Item> LineReader::Next() {
  for (;;) {
    const std::size_t newline = buffer_.find('\n', scanned_);
    if (newline != std::string::npos) {
      std::string line = TakeLine(newline);
      if (!skipping_ && line.size() > max_) {
        head_ = line.substr(0, kHeadBytes);
        skipping_ = true;
      }
      if (skipping_) {
        Item item = TooLong(line);
        explicit_bzero(line.data(), line.size());
        return item;
      }
      if (!line.empty() && line.back() == '\r') line.pop_back();
      return Item{Kind::kLine, std::move(line), {}, {}};
    }
    scanned_ = buffer_.size();
    if (buffer_.size() > max_) {
      // Keep what names the message, drop the rest.
      if (!skipping_) head_ = buffer_.substr(0, kHeadBytes);
      skipping_ = true;
      tail_.append(buffer_, buffer_.size() - std::min(kTailBytes, buffer_.size()));
      if (tail_.size() > kTailBytes) tail_.erase(0, tail_.size() - kTailBytes);
      explicit_bzero(buffer_.data(), buffer_.size());
      buffer_.clear();
      scanned_ = 0;
    }
    if (eof_ || !Fill()) {
      eof_ = true;
      if (skipping_) {
        Item item = TooLong(buffer_);
        explicit_bzero(buffer_.data(), buffer_.size());
        buffer_.clear();
        return item;
      }
      if (buffer_.empty()) return std::nullopt;
      // A final line without a newline is still a line: ending it here sends
      // it through the same path as every other.
      buffer_.push_back('\n');
    }
  }
}

}  // namespace aurite::runtime
