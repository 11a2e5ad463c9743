// UniqueFd: sole owner of a POSIX file descriptor, closed on destruction.
// Also the two I/O loops every transport needs, retrying on EINTR.
#pragma once

#include <string_view>
#include <utility>

#include "base/status.h"

namespace aurite::mcp {

class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) : fd_(fd) {}
  ~UniqueFd() { Reset(); }
  UniqueFd(UniqueFd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  UniqueFd& operator=(UniqueFd&& other) noexcept {
    if (this != &other) {
      Reset();
      fd_ = std::exchange(other.fd_, -1);
    }
    return *this;
  }
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;

  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }
  void Reset();

 private:
  int fd_ = -1;
};

// A pipe whose both ends are close-on-exec.
struct Pipe {
  UniqueFd read;
  UniqueFd write;
};
StatusOr<Pipe> MakePipe();

// Writes all of `data`; a closed peer (EPIPE) is kUnavailable. Needs SIGPIPE
// ignored (see IgnoreSigpipe) so that a dead peer is an error, not a signal.
Status WriteAll(int fd, std::string_view data);

// Makes writes to a closed pipe fail with EPIPE instead of killing the
// process. Process-wide and idempotent; children get SIGPIPE back by default.
void IgnoreSigpipe();

}  // namespace aurite::mcp
