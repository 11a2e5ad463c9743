// Pipes and the two I/O loops every transport needs, retrying on EINTR.
#pragma once

#include <chrono>
#include <string_view>

#include "base/status.h"
#include "base/unique_fd.h"

namespace aurite::runtime {

// A pipe whose both ends are close-on-exec.
struct Pipe {
  UniqueFd read;
  UniqueFd write;
};
StatusOr<Pipe> MakePipe();

// Writes all of `data`; a closed peer (EPIPE) is kUnavailable. Needs SIGPIPE
// ignored (see IgnoreSigpipe) so that a dead peer is an error, not a signal.
Status WriteAll(int fd, std::string_view data);

// Writes all of `data` to the blocking `fd`, but never waits longer than
// `stall` for a peer that takes nothing: before each write of at most
// PIPE_BUF bytes it waits (poll) for room, and a pipe with room takes that
// much whole. The descriptor's mode is left alone, since it is shared with
// whoever else holds it (a terminal, the parent's pipe). kDeadlineExceeded
// when `stall` passed with no byte taken (what was written stays written); a
// closed peer is kUnavailable, as for WriteAll.
Status WriteAllUnlessStalled(int fd, std::string_view data, std::chrono::milliseconds stall);

// Makes `fd` non-blocking (O_NONBLOCK on its open file description: the
// other end of a pipe keeps its own mode).
Status SetNonBlocking(int fd);

// Writes what the non-blocking `fd` takes of `data` at once, removing it
// from `data`: a full pipe leaves the rest there. A closed peer (EPIPE) is
// kUnavailable, as for WriteAll.
Status WriteSome(int fd, std::string_view& data);

// Makes writes to a closed pipe fail with EPIPE instead of killing the
// process. Process-wide and idempotent; children get SIGPIPE back by default.
void IgnoreSigpipe();

}  // namespace aurite::runtime
