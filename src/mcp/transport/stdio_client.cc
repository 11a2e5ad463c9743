// Two reader threads per child: stdout feeds the session, stderr feeds the
// log; a writer thread writes what the child's stdin pipe had no room for.
#include "mcp/transport/stdio_client.h"

#include <fmt/format.h>
#include <poll.h>

#include "base/text.h"
#include "mcp/transport/oversized_message.h"
#include "runtime/line_reader.h"
#include "runtime/log.h"

namespace aurite::mcp {
namespace {
constexpr std::size_t kMaxStderrLine = 16 * 1024;
}  // namespace

StatusOr<std::unique_ptr<StdioClient>> StdioClient::Start(StdioClientOptions options) {
  runtime::IgnoreSigpipe();
  AURITE_ASSIGN_OR_RETURN(runtime::Pipe stop, runtime::MakePipe());
  AURITE_ASSIGN_OR_RETURN(auto child, runtime::ChildProcess::Spawn(options.spawn));
  // A full pipe must not block a sender: the writer thread waits instead.
  AURITE_RETURN_IF_ERROR(runtime::SetNonBlocking(child->stdin_fd()));
  return std::make_unique<StdioClient>(Key{}, std::move(options), std::move(child),
                                       std::move(stop));
}

StdioClient::StdioClient(Key, StdioClientOptions options,
                         std::unique_ptr<runtime::ChildProcess> child, runtime::Pipe stop)
    : options_(std::move(options)), child_(std::move(child)), stop_(std::move(stop)) {
  client_ = std::make_unique<McpClient>(
      [this](std::string message) { return Send(std::move(message)); }, options_.client);
  stdout_reader_ = std::thread([this] { ReadStdout(); });
  stderr_reader_ = std::thread([this] { ReadStderr(); });
  writer_ = std::jthread([this](std::stop_token stopping) { Flush(stopping); });
}

StdioClient::~StdioClient() { Shutdown(); }

Status StdioClient::Stalled() const {
  return DeadlineExceededError(
      fmt::format("server '{}' has not read its input for {}; the connection to it is closed",
                  options_.log_name, SecondsText(options_.write_deadline)));
}

Status StdioClient::Send(std::string message) {
  message.push_back('\n');
  std::lock_guard lock(write_mu_);
  if (stalled_) return Stalled();
  const int fd = child_->stdin_fd();
  if (fd < 0) return UnavailableError("the child's stdin is closed");
  if (queue_.empty()) {
    // The usual case: the pipe has room, and the message is written here.
    std::string_view rest = message;
    AURITE_RETURN_IF_ERROR(runtime::WriteSome(fd, rest));
    if (rest.empty()) return OkStatus();
    front_written_ = message.size() - rest.size();
  } else if (queued_bytes_ + message.size() > kMaxQueuedBytes) {
    return ResourceExhaustedError(fmt::format(
        "server '{}' is not reading its input fast enough: {} bytes wait to be written to it",
        options_.log_name, queued_bytes_));
  }
  // The child has this long from now to make room.
  if (queue_.empty()) last_progress_ = std::chrono::steady_clock::now();
  queued_bytes_ += message.size();
  queue_.push_back(std::move(message));
  queued_cv_.notify_one();
  return OkStatus();
}

bool StdioClient::WriteQueuedLocked() {
  bool progress = false;
  while (!queue_.empty()) {
    std::string_view rest = queue_.front();
    rest.remove_prefix(front_written_);
    const std::size_t before = rest.size();
    if (!runtime::WriteSome(child_->stdin_fd(), rest).ok()) {
      // The child closed its stdin (or is gone): the reader sees it exit.
      DropQueueLocked();
      return true;
    }
    progress |= rest.size() != before;
    if (!rest.empty()) {
      front_written_ += before - rest.size();
      return progress;
    }
    queued_bytes_ -= queue_.front().size();
    queue_.pop_front();
    front_written_ = 0;
  }
  return progress;
}

void StdioClient::DropQueueLocked() {
  queue_.clear();
  queued_bytes_ = 0;
  front_written_ = 0;
}

void StdioClient::Flush(std::stop_token stop) {
  std::unique_lock lock(write_mu_);
  while (queued_cv_.wait(lock, stop, [this] { return !queue_.empty(); }) &&
         !stop.stop_requested()) {
    if (child_->stdin_fd() < 0) {
      DropQueueLocked();
      continue;
    }
    if (WriteQueuedLocked()) last_progress_ = std::chrono::steady_clock::now();
    if (queue_.empty()) continue;
    if (std::chrono::steady_clock::now() - last_progress_ >= options_.write_deadline) {
      StallLocked(lock);
      continue;
    }
    // Waits for room without the lock, in short slices: Shutdown may close
    // the descriptor meanwhile (it is only written under the lock).
    const int fd = child_->stdin_fd();
    lock.unlock();
    pollfd p{fd, POLLOUT, 0};
    (void)::poll(&p, 1, 50);
    lock.lock();
  }
}

void StdioClient::StallLocked(std::unique_lock<std::mutex>& lock) {
  child_->CloseStdin();
  stalled_ = true;
  DropQueueLocked();
  lock.unlock();
  runtime::LogWarn("[{}] has not read its input for {}; closed the pipe to it", options_.log_name,
                   SecondsText(options_.write_deadline));
  if (options_.on_stalled) options_.on_stalled();
  lock.lock();
}

void StdioClient::ReadStdout() {
  runtime::LineReader reader(child_->stdout_fd(), options_.client.session.limits.max_bytes,
                             stop_.read.get(), options_.busy_poll);
  while (auto item = reader.Next()) {
    if (item->kind == runtime::LineReader::Kind::kTooLong) {
      FailOversized(*item);
      continue;
    }
    if (item->line.find_first_not_of(" \t") == std::string::npos) continue;
    client_->Receive(item->line);
  }
  client_->Close();
  exited_ = true;
  if (options_.on_exit) options_.on_exit();
}

// The call an oversized answer was for ends now, with an error that says
// why, instead of waiting for its timeout. Which call, the message's ends
// tell (IdOfOversizedMessage); with one call waiting, it can only be that.
void StdioClient::FailOversized(const runtime::LineReader::Item& item) {
  const std::size_t limit = options_.client.session.limits.max_bytes;
  RpcError error = MakeError(
      error_code::kInternalError,
      fmt::format("the server '{}' answered with a message over the {} byte limit, so the answer "
                  "was dropped; ask for less (fewer rows or columns), or raise the limit "
                  "(max_message_bytes of this server in aurite.json)",
                  options_.log_name, limit));
  Session& rpc = client_->rpc();
  std::optional<RequestId> id = IdOfOversizedMessage(item.head, item.tail);
  if (id ? rpc.FailCall(*id, error) : rpc.FailSoleCall(error)) return;
  // With several calls waiting and no id, failing them all would wrong the
  // others: they run on to their timeouts.
  runtime::LogWarn(
      "[{}] skipped a message over the {} byte limit without learning whose answer it was",
      options_.log_name, limit);
}

void StdioClient::ReadStderr() {
  runtime::LineReader reader(child_->stderr_fd(), kMaxStderrLine, stop_.read.get());
  while (auto item = reader.Next()) {
    if (item->kind == runtime::LineReader::Kind::kLine) {
      runtime::LogInfo("[{}] {}", options_.log_name, item->line);
    }
  }
}

int StdioClient::Shutdown() {
  if (exit_status_) return *exit_status_;
  writer_.request_stop();
  if (writer_.joinable()) writer_.join();
  {
    std::lock_guard lock(write_mu_);
    child_->CloseStdin();
    DropQueueLocked();
  }
  exit_status_ = child_->Shutdown(options_.shutdown_grace);
  // The child is reaped, but a grandchild may still hold its pipes open:
  // the stop pipe ends the readers once they have drained what is there.
  (void)runtime::WriteAll(stop_.write.get(), "x");
  client_->Close();
  if (stdout_reader_.joinable()) stdout_reader_.join();
  if (stderr_reader_.joinable()) stderr_reader_.join();
  client_.reset();
  return *exit_status_;
}

}  // namespace aurite::mcp
