// The read loop runs on the calling thread; handlers write replies from pool
// threads through one mutex-guarded writer.
#include "mcp/transport/stdio_server.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <mutex>

#include "mcp/server/server_session.h"
#include "runtime/line_reader.h"
#include "runtime/log.h"
#include "runtime/pipe_io.h"

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

class LineWriter {
 public:
  explicit LineWriter(int fd) : fd_(fd) {}
  Status Write(std::string message) {
    message.push_back('\n');
    std::lock_guard lock(mu_);
    if (broken_) return UnavailableError("stdout is closed");
    Status status = runtime::WriteAll(fd_, message);
    if (!status.ok()) broken_ = true;
    return status;
  }
  bool broken() {
    std::lock_guard lock(mu_);
    return broken_;
  }

 private:
  const int fd_;
  std::mutex mu_;
  bool broken_ = false;
};

}  // namespace

Status ServeStdio(McpServer& server, const StdioServerOptions& options) {
  runtime::IgnoreSigpipe();
  std::optional<StdoutClaim> claim;
  int out_fd = options.out_fd;
  if (options.claim_stdout && options.out_fd == 1) {
    AURITE_ASSIGN_OR_RETURN(StdoutClaim taken, StdoutClaim::Take());
    claim.emplace(std::move(taken));
    out_fd = claim->fd();
  }
  LineWriter writer(out_fd);
  auto session =
      server.Connect([&writer](std::string message) { return writer.Write(std::move(message)); });
  // The client that started us runs as our user: it is that user's session,
  // and what it creates may serve the same user's next session.
  session->SetOwner({"user:local", true});
  runtime::LineReader reader(options.in_fd, server.options().session.limits.max_bytes, -1,
                             options.busy_poll);
  while (auto item = reader.Next()) {
    if (writer.broken()) break;
    if (item->kind == runtime::LineReader::Kind::kTooLong) {
      runtime::LogWarn("skipped a message over the {} byte limit",
                       server.options().session.limits.max_bytes);
      (void)writer.Write(
          Dump({{"jsonrpc", "2.0"},
                {"id", nullptr},
                {"error",
                 MakeError(error_code::kParseError, "message exceeds the size limit").ToJson()}}));
      continue;
    }
    if (item->line.find_first_not_of(" \t") == std::string::npos) continue;
    session->Receive(item->line);
  }
  session->rpc().EndOfInput();
  session->rpc().WaitIdle();
  session->End();
  return writer.broken() ? UnavailableError("stdout was closed by the client") : OkStatus();
}

}  // namespace aurite::mcp
