// Pipes and EINTR-safe I/O.
#include "runtime/pipe_io.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <limits.h>
#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <mutex>

namespace aurite::runtime {

StatusOr<Pipe> MakePipe() {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) {
    return UnavailableError(fmt::format("cannot create a pipe: {}", std::strerror(errno)));
  }
  return Pipe{UniqueFd(fds[0]), UniqueFd(fds[1])};
}

Status WriteAll(int fd, std::string_view data) {
  while (!data.empty()) {
    const ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EPIPE) return UnavailableError("the peer closed the pipe");
      return UnavailableError(fmt::format("write failed: {}", std::strerror(errno)));
    }
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return OkStatus();
}

Status WriteAllUnlessStalled(int fd, std::string_view data, std::chrono::milliseconds stall) {
  auto deadline = std::chrono::steady_clock::now() + stall;
  while (!data.empty()) {
    const auto left =
        std::chrono::ceil<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    pollfd room{fd, POLLOUT, 0};
    const int ready = left.count() > 0 ? ::poll(&room, 1, static_cast<int>(left.count())) : 0;
    if (ready < 0 && errno == EINTR) continue;
    if (ready < 0) return UnavailableError(fmt::format("poll failed: {}", std::strerror(errno)));
    if (ready == 0) {
      return DeadlineExceededError(fmt::format("the reader took nothing for {} ms", stall.count()));
    }
    // POLLERR or POLLHUP: the write below reports the closed peer.
    const ssize_t n = ::write(fd, data.data(), std::min<std::size_t>(data.size(), PIPE_BUF));
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EPIPE) return UnavailableError("the peer closed the pipe");
      return UnavailableError(fmt::format("write failed: {}", std::strerror(errno)));
    }
    data.remove_prefix(static_cast<std::size_t>(n));
    deadline = std::chrono::steady_clock::now() + stall;
  }
  return OkStatus();
}

Status SetNonBlocking(int fd) {
  const int flags = ::fcntl(fd, F_GETFL);
  if (flags < 0 || ::fcntl(fd, F_SETFL, flags | O_NONBLOCK) != 0) {
    return UnavailableError(
        fmt::format("cannot make a descriptor non-blocking: {}", std::strerror(errno)));
  }
  return OkStatus();
}

Status WriteSome(int fd, std::string_view& data) {
  while (!data.empty()) {
    const ssize_t n = ::write(fd, data.data(), data.size());
    if (n >= 0) {
      data.remove_prefix(static_cast<std::size_t>(n));
      continue;
    }
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) return OkStatus();
    if (errno == EPIPE) return UnavailableError("the peer closed the pipe");
    return UnavailableError(fmt::format("write failed: {}", std::strerror(errno)));
  }
  return OkStatus();
}

void IgnoreSigpipe() {
  static std::once_flag once;
  std::call_once(once, [] { std::signal(SIGPIPE, SIG_IGN); });
}

}  // namespace aurite::runtime
