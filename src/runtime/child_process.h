// ChildProcess: a spawned program with pipes to its stdin, stdout and stderr.
//
// Contract:
//  - The child's environment is exactly `environment` ("NAME=value" entries):
//    nothing is inherited from ours, so secrets in our environment stay here.
//  - `program` without a '/' is looked up in the PATH of `environment`, or in
//    /usr/local/bin:/usr/bin:/bin when it has none.
//  - The child gets no descriptor of ours beyond the three pipes, and default
//    signal dispositions (SIGPIPE and SIGXFSZ included).
//  - Shutdown() closes stdin, waits `grace`, sends SIGTERM, waits `grace`
//    again, then SIGKILLs; it always reaps. The destructor does the same with
//    a short grace when the child still runs.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "runtime/pipe_io.h"

namespace aurite::runtime {

struct SpawnOptions {
  std::string program;
  std::vector<std::string> arguments;    // argv[1..]
  std::vector<std::string> environment;  // the complete environment
  std::string working_directory;         // empty: ours
};

class ChildProcess {
 public:
  static StatusOr<std::unique_ptr<ChildProcess>> Spawn(const SpawnOptions& options);
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  pid_t pid() const { return pid_; }
  int stdin_fd() const { return stdin_.get(); }
  int stdout_fd() const { return stdout_.get(); }
  int stderr_fd() const { return stderr_.get(); }
  void CloseStdin() { stdin_.Reset(); }

  // The wait status once the child has been reaped; polls without blocking.
  std::optional<int> TryWait();
  // Ends the child as described above; returns its wait status.
  int Shutdown(std::chrono::milliseconds grace);

 private:
  struct Key {};  // only Spawn constructs, but through make_unique

 public:
  ChildProcess(Key, pid_t pid, UniqueFd in, UniqueFd out, UniqueFd err)
      : pid_(pid), stdin_(std::move(in)), stdout_(std::move(out)), stderr_(std::move(err)) {}

 private:
  bool WaitFor(std::chrono::milliseconds timeout);

  pid_t pid_;
  UniqueFd stdin_;
  UniqueFd stdout_;
  UniqueFd stderr_;
  std::optional<int> status_;
};

}  // namespace aurite::runtime
