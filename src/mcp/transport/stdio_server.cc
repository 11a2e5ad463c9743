// The read loop starts on the calling thread and may move to a pool worker
// with each request (ReadLoop); handlers write replies through one
// mutex-guarded writer.
#include "mcp/transport/stdio_server.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <pwd.h>
#include <unistd.h>

#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <memory>
#include <mutex>
#include <vector>

#include "mcp/server/server_session.h"
#include "runtime/cpu_contention.h"
#include "runtime/line_reader.h"
#include "runtime/log.h"
#include "runtime/pipe_io.h"
#include "runtime/thread_pool.h"

namespace aurite::mcp {
namespace {

// Moves the protocol stream off fd 1: returns a private duplicate of stdout
// and points fd 1 at stderr. The destructor puts stdout back.
class StdoutClaim {
 public:
  static StatusOr<StdoutClaim> Take() {
    UniqueFd saved(::fcntl(1, F_DUPFD_CLOEXEC, 3));
    if (!saved.valid()) {
      return UnavailableError(fmt::format("cannot duplicate stdout: {}", std::strerror(errno)));
    }
    if (::dup2(2, 1) < 0) {
      return UnavailableError(fmt::format("cannot redirect stdout: {}", std::strerror(errno)));
    }
    return StdoutClaim(std::move(saved));
  }
  StdoutClaim(StdoutClaim&&) = default;
  ~StdoutClaim() {
    if (protocol_.valid()) ::dup2(protocol_.get(), 1);
  }
  int fd() const { return protocol_.get(); }

 private:
  explicit StdoutClaim(UniqueFd protocol) : protocol_(std::move(protocol)) {}
  UniqueFd protocol_;
};

// Replies go out one at a time. A write that finds the client reading
// nothing for `stall` breaks the writer: later writes fail at once, and
// `stop` is signalled, so the reader ends once the input already sent is
// used up (a stalled client may never close its end).
class LineWriter {
 public:
  LineWriter(int fd, std::chrono::milliseconds stall, int stop_fd)
      : fd_(fd), stall_(stall), stop_fd_(stop_fd) {}
  Status Write(std::string message) {
    message.push_back('\n');
    std::lock_guard lock(mu_);
    if (!failure_.ok()) return failure_;
    Status status = stall_.count() > 0 ? runtime::WriteAllUnlessStalled(fd_, message, stall_)
                                       : runtime::WriteAll(fd_, message);
    if (status.code() == StatusCode::kDeadlineExceeded) {
      status = DeadlineExceededError(fmt::format(
          "the client read none of our output for {} ms; its session ended", stall_.count()));
      runtime::LogWarn("{}", status.message());
      (void)runtime::WriteAll(stop_fd_, "x");
    } else if (!status.ok()) {
      status = UnavailableError("stdout was closed by the client");
    }
    failure_ = status;
    return status;
  }
  bool broken() {
    std::lock_guard lock(mu_);
    return !failure_.ok();
  }
  Status failure() {
    std::lock_guard lock(mu_);
    return failure_;
  }

 private:
  const int fd_;
  const std::chrono::milliseconds stall_;
  const int stop_fd_;
  std::mutex mu_;
  Status failure_;
};

// Reading stdin and handing each message to the session. The loop runs on
// one thread at a time, the reader. A request bound for the pool runs on the
// reader instead, once a pool worker has taken the loop over (HandOff, called
// by the session): the request's reply does not wait for a sleeping worker
// to wake, while input is still read as it runs, so a cancellation or the
// answer to the handler's own request to the client gets through. Which
// thread is the reader is known only to that thread (a thread_local), so the
// thread that handed the loop off leaves it as soon as its request is done.
class ReadLoop : public std::enable_shared_from_this<ReadLoop> {
 public:
  ReadLoop(ServerSession& session, LineWriter& writer, const StdioServerOptions& options,
           std::size_t max_bytes, int stop_fd)
      : session_(session),
        writer_(writer),
        max_bytes_(max_bytes),
        reader_(options.in_fd, max_bytes, stop_fd, options.busy_poll) {}

  // Reads until the input ends, or until this thread hands the loop off.
  void Run() {
    reading_here = this;
    while (auto item = reader_.Next()) {
      if (writer_.broken()) break;
      if (item->kind == runtime::LineReader::Kind::kTooLong) {
        runtime::LogWarn("skipped a message over the {} byte limit", max_bytes_);
        (void)writer_.Write(Dump(
            {{"jsonrpc", "2.0"},
             {"id", nullptr},
             {"error",
              MakeError(error_code::kParseError, "message exceeds the size limit").ToJson()}}));
        continue;
      }
      if (item->line.find_first_not_of(" \t") == std::string::npos) continue;
      session_.Receive(item->line);
      if (reading_here != this) return;  // another thread reads on
    }
    reading_here = nullptr;
    // Calls waiting for an answer fail now; running handlers finish.
    session_.rpc().EndOfInput();
    std::lock_guard lock(mu_);
    ended_ = true;
    ended_cv_.notify_all();
  }

  // On the reader: moves the loop to a worker of `pool` that starts at once.
  // Not on a busy machine (cpu_contention.h): there the worker it wakes
  // would preempt this thread mid-request, where a reader that hands the
  // request to a worker sleeps at once.
  bool HandOff(runtime::ThreadPool& pool) {
    if (reading_here != this || runtime::CpuRecentlyContended()) return false;
    reading_here = nullptr;
    if (pool.TryStart([self = shared_from_this()] { self->Run(); })) return true;
    reading_here = this;
    return false;
  }

  void WaitEnded() {
    std::unique_lock lock(mu_);
    ended_cv_.wait(lock, [this] { return ended_; });
  }

 private:
  static thread_local const ReadLoop* reading_here;

  ServerSession& session_;
  LineWriter& writer_;
  const std::size_t max_bytes_;
  runtime::LineReader reader_;
  std::mutex mu_;
  std::condition_variable ended_cv_;
  bool ended_ = false;
};

thread_local const ReadLoop* ReadLoop::reading_here = nullptr;

}  // namespace

std::shared_ptr<const AuthInfo> LocalUserAuth() {
  auto auth = std::make_shared<AuthInfo>();
  auth->kind = AuthInfo::Kind::kLocalUser;
  const uid_t uid = ::geteuid();
  passwd entry{};
  passwd* found = nullptr;
  std::vector<char> buffer(16 * 1024);
  if (::getpwuid_r(uid, &entry, buffer.data(), buffer.size(), &found) == 0 && found != nullptr &&
      found->pw_name != nullptr) {
    auth->principal = found->pw_name;
  } else {
    auth->principal = "uid:" + std::to_string(uid);  // a user without a passwd entry (containers)
  }
  return auth;
}

Status ServeStdio(McpServer& server, const StdioServerOptions& options) {
  runtime::IgnoreSigpipe();
  std::optional<StdoutClaim> claim;
  int out_fd = options.out_fd;
  if (options.claim_stdout && options.out_fd == 1) {
    AURITE_ASSIGN_OR_RETURN(StdoutClaim taken, StdoutClaim::Take());
    claim.emplace(std::move(taken));
    out_fd = claim->fd();
  }
  AURITE_ASSIGN_OR_RETURN(runtime::Pipe stop, runtime::MakePipe());
  LineWriter writer(out_fd, options.write_stall, stop.write.get());
  auto session =
      server.Connect([&writer](std::string message) { return writer.Write(std::move(message)); });
  // The client that started us runs as our user: it is that user's session,
  // and what it creates may serve the same user's next session.
  session->SetOwner({"user:local", true, {}, LocalUserAuth()});
  auto loop = std::make_shared<ReadLoop>(
      *session, writer, options, server.options().session.limits.max_bytes, stop.read.get());
  session->rpc().SetReaderHandoff(
      [loop](runtime::ThreadPool& pool) { return loop->HandOff(pool); });
  loop->Run();
  // This thread may have handed the reading off: wait for whoever reads last.
  loop->WaitEnded();
  session->rpc().WaitIdle();
  session->End();
  return writer.failure();
}

}  // namespace aurite::mcp
