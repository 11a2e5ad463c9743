// StdioClient: an McpClient talking to a child process over its stdin and
// stdout, as the host talks to its backend servers.
//
// Contract:
//  - Start() spawns the child (see ChildProcess for the environment rules)
//    and begins reading; register handlers on client() before Initialize().
//  - Each line the child writes to stderr goes to our log, prefixed with
//    `log_name`; its stdout must carry only protocol messages.
//  - When the child exits or closes stdout, pending and later calls fail
//    with kConnectionClosed; exited() turns true and on_exit runs once.
//  - Sending never blocks the caller: a message the child's stdin pipe has
//    no room for is queued, in order, and a writer thread of ours writes it
//    as the child reads. A child that reads nothing of it for
//    `write_deadline` (stopped, hung) stalls the link: part of a message may
//    be in the pipe, so the stream's framing is lost; our end of its stdin
//    is closed, the queue dropped, stalled() turns true, on_stalled runs
//    once (on the writer thread), and later sends fail at once with
//    kDeadlineExceeded naming the server. The child is left running: what
//    to do with it is the owner's call (the host restarts it). Calls whose
//    requests were queued or sent wait for their timeouts or the owner.
//  - Queued input is bounded (kMaxQueuedBytes); a send beyond it fails
//    with kResourceExhausted.
//  - Shutdown() (also run by the destructor) closes stdin, then SIGTERM,
//    then SIGKILL, each after `shutdown_grace`, and returns the wait status.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <stop_token>
#include <string>
#include <thread>

#include "base/status.h"
#include "mcp/client/client.h"
#include "runtime/child_process.h"
#include "runtime/line_reader.h"

namespace aurite::mcp {

// How long a child may leave its stdin pipe full, reading nothing, before
// the link stalls (see above). A healthy child's reader drains the 64 KiB
// pipe in micro- to milliseconds; even a loaded machine schedules it well
// within a second. 5 s is far beyond that, yet short beside a call's
// timeout, so a stopped child is found (and restarted by the host) soon,
// while its queued input stays small.
inline constexpr std::chrono::seconds kDefaultWriteDeadline{5};

struct StdioClientOptions {
  runtime::SpawnOptions spawn;
  ClientOptions client;
  std::string log_name = "child";
  std::chrono::milliseconds shutdown_grace = std::chrono::seconds(2);
  // Runs on the reader thread when the child's stdout closes.
  std::function<void()> on_exit;
  // kDefaultWriteDeadline unless a test needs it shorter.
  std::chrono::milliseconds write_deadline = kDefaultWriteDeadline;
  // Runs once, on the writer thread, when the link stalls (see above).
  std::function<void()> on_stalled;
  // How long a read of the child's stdout polls before it sleeps
  // (LineReader); zero: never.
  std::chrono::microseconds busy_poll{0};
};

class StdioClient {
 public:
  static StatusOr<std::unique_ptr<StdioClient>> Start(StdioClientOptions options);
  ~StdioClient();
  StdioClient(const StdioClient&) = delete;
  StdioClient& operator=(const StdioClient&) = delete;

  McpClient& client() { return *client_; }
  pid_t pid() const { return child_->pid(); }
  bool exited() const { return exited_; }
  // The child read nothing for write_deadline: the link is closed for writing.
  bool stalled() const { return stalled_; }

  // The most input queued for a child whose pipe is full.
  static constexpr std::size_t kMaxQueuedBytes = 64 * 1024 * 1024;
  int Shutdown();

 private:
  struct Key {};

 public:
  StdioClient(Key, StdioClientOptions options, std::unique_ptr<runtime::ChildProcess> child,
              runtime::Pipe stop);

 private:
  Status Send(std::string message);
  // The error of a send on a stalled link.
  Status Stalled() const;
  // The writer thread: writes the queue as the child makes room.
  void Flush(std::stop_token stop);
  // Writes what it can of the queue without waiting; true on progress.
  bool WriteQueuedLocked();
  // Forgets every queued message, the front's written part included.
  void DropQueueLocked();
  // No progress for write_deadline: closes the link for writing.
  void StallLocked(std::unique_lock<std::mutex>& lock);
  void ReadStdout();
  void FailOversized(const runtime::LineReader::Item& item);
  void ReadStderr();

  StdioClientOptions options_;
  std::unique_ptr<runtime::ChildProcess> child_;
  runtime::Pipe stop_;   // written once the child is reaped, to end the readers
  std::mutex write_mu_;  // guards writing to the child's stdin and the queue
  std::condition_variable_any queued_cv_;
  std::deque<std::string> queue_;  // waiting for room; the front's first bytes may be written
  std::size_t front_written_ = 0;
  std::size_t queued_bytes_ = 0;
  // When the child last took queued input (or the queue began).
  std::chrono::steady_clock::time_point last_progress_;
  std::unique_ptr<McpClient> client_;
  std::atomic<bool> exited_{false};
  std::atomic<bool> stalled_{false};
  std::optional<int> exit_status_;
  std::thread stdout_reader_;
  std::thread stderr_reader_;
  std::jthread writer_;
};

}  // namespace aurite::mcp
