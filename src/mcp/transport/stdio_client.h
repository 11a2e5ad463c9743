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
//  - Shutdown() (also run by the destructor) closes stdin, then SIGTERM,
//    then SIGKILL, each after `shutdown_grace`, and returns the wait status.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "base/status.h"
#include "mcp/client/client.h"
#include "runtime/child_process.h"
#include "runtime/line_reader.h"

namespace aurite::mcp {

struct StdioClientOptions {
  runtime::SpawnOptions spawn;
  ClientOptions client;
  std::string log_name = "child";
  std::chrono::milliseconds shutdown_grace = std::chrono::seconds(2);
  // Runs on the reader thread when the child's stdout closes.
  std::function<void()> on_exit;
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
  int Shutdown();

 private:
  struct Key {};

 public:
  StdioClient(Key, StdioClientOptions options, std::unique_ptr<runtime::ChildProcess> child,
              runtime::Pipe stop);

 private:
  Status Send(std::string message);
  void ReadStdout();
  void FailOversized(const runtime::LineReader::Item& item);
  void ReadStderr();

  StdioClientOptions options_;
  std::unique_ptr<runtime::ChildProcess> child_;
  runtime::Pipe stop_;  // written once the child is reaped, to end the readers
  std::mutex write_mu_;
  std::unique_ptr<McpClient> client_;
  std::atomic<bool> exited_{false};
  std::optional<int> exit_status_;
  std::thread stdout_reader_;
  std::thread stderr_reader_;
};

}  // namespace aurite::mcp
