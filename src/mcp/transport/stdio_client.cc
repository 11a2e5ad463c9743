// Two reader threads per child: stdout feeds the session, stderr feeds the log.
#include "mcp/transport/stdio_client.h"

#include <fmt/format.h>

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
}

StdioClient::~StdioClient() { Shutdown(); }

Status StdioClient::Send(std::string message) {
  message.push_back('\n');
  std::lock_guard lock(write_mu_);
  if (child_->stdin_fd() < 0) return UnavailableError("the child's stdin is closed");
  return runtime::WriteAll(child_->stdin_fd(), message);
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
  {
    std::lock_guard lock(write_mu_);
    child_->CloseStdin();
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
