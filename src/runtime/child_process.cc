// posix_spawn rather than fork: the host is multi-threaded, and spawn never
// runs our code in the child between fork and exec.
#include "runtime/child_process.h"

#include <fmt/format.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string_view>
#include <thread>

namespace aurite::runtime {
namespace {

std::string SearchPath(const SpawnOptions& options) {
  if (options.program.find('/') != std::string::npos) return options.program;
  std::string path = "/usr/local/bin:/usr/bin:/bin";
  for (const auto& entry : options.environment) {
    if (entry.rfind("PATH=", 0) == 0) path = entry.substr(5);
  }
  std::string_view rest = path;
  while (!rest.empty()) {
    const std::size_t colon = rest.find(':');
    std::string dir(rest.substr(0, colon));
    rest = colon == std::string_view::npos ? std::string_view() : rest.substr(colon + 1);
    if (dir.empty()) continue;
    std::string candidate = dir + "/" + options.program;
    if (::access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return {};
}

std::vector<char*> CStrings(std::vector<std::string>& strings) {
  std::vector<char*> out;
  for (auto& s : strings) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

// Owns the posix_spawn attribute objects for one spawn.
class SpawnSetup {
 public:
  SpawnSetup() {
    ::posix_spawn_file_actions_init(&actions_);
    ::posix_spawnattr_init(&attr_);
  }
  ~SpawnSetup() {
    ::posix_spawn_file_actions_destroy(&actions_);
    ::posix_spawnattr_destroy(&attr_);
  }
  SpawnSetup(const SpawnSetup&) = delete;
  SpawnSetup& operator=(const SpawnSetup&) = delete;

  int Configure(int in, int out, int err, const std::string& cwd) {
    int rc = 0;
    rc |= ::posix_spawn_file_actions_adddup2(&actions_, in, 0);
    rc |= ::posix_spawn_file_actions_adddup2(&actions_, out, 1);
    rc |= ::posix_spawn_file_actions_adddup2(&actions_, err, 2);
    rc |= ::posix_spawn_file_actions_addclosefrom_np(&actions_, 3);
    if (!cwd.empty()) rc |= ::posix_spawn_file_actions_addchdir_np(&actions_, cwd.c_str());
    sigset_t defaults;
    sigemptyset(&defaults);
    sigaddset(&defaults, SIGPIPE);
    sigaddset(&defaults, SIGXFSZ);
    sigset_t none;
    sigemptyset(&none);
    rc |= ::posix_spawnattr_setsigdefault(&attr_, &defaults);
    rc |= ::posix_spawnattr_setsigmask(&attr_, &none);
    rc |= ::posix_spawnattr_setflags(&attr_, POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);
    return rc;
  }
  const posix_spawn_file_actions_t* actions() const { return &actions_; }
  const posix_spawnattr_t* attr() const { return &attr_; }

 private:
  posix_spawn_file_actions_t actions_;
  posix_spawnattr_t attr_;
};

}  // namespace

StatusOr<std::unique_ptr<ChildProcess>> ChildProcess::Spawn(const SpawnOptions& options) {
  const std::string path = SearchPath(options);
  if (path.empty()) return NotFoundError(fmt::format("program not found: {}", options.program));
  AURITE_ASSIGN_OR_RETURN(Pipe in, MakePipe());
  AURITE_ASSIGN_OR_RETURN(Pipe out, MakePipe());
  AURITE_ASSIGN_OR_RETURN(Pipe err, MakePipe());
  SpawnSetup setup;
  if (setup.Configure(in.read.get(), out.write.get(), err.write.get(), options.working_directory) !=
      0) {
    return InternalError("cannot prepare the child's spawn attributes");
  }
  std::vector<std::string> argv_strings = {options.program};
  argv_strings.insert(argv_strings.end(), options.arguments.begin(), options.arguments.end());
  std::vector<std::string> env_strings = options.environment;
  auto argv = CStrings(argv_strings);
  auto envp = CStrings(env_strings);
  pid_t pid = 0;
  const int rc =
      ::posix_spawn(&pid, path.c_str(), setup.actions(), setup.attr(), argv.data(), envp.data());
  if (rc != 0) {
    return UnavailableError(fmt::format("cannot start {}: {}", options.program, std::strerror(rc)));
  }
  return std::make_unique<ChildProcess>(Key{}, pid, std::move(in.write), std::move(out.read),
                                        std::move(err.read));
}

ChildProcess::~ChildProcess() {
  if (!status_) Shutdown(std::chrono::milliseconds(200));
}

std::optional<int> ChildProcess::TryWait() {
  if (status_) return status_;
  int status = 0;
  pid_t r;
  do {
    r = ::waitpid(pid_, &status, WNOHANG);
  } while (r < 0 && errno == EINTR);
  if (r == pid_) status_ = status;
  return status_;
}

bool ChildProcess::WaitFor(std::chrono::milliseconds timeout) {
  // Polling keeps this free of SIGCHLD handlers, which belong to the program, not a library.
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  auto pause = std::chrono::microseconds(200);
  while (!TryWait()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(pause);
    pause = std::min(pause * 2, std::chrono::microseconds(20000));
  }
  return true;
}

int ChildProcess::Shutdown(std::chrono::milliseconds grace) {
  CloseStdin();
  if (!WaitFor(grace)) {
    ::kill(pid_, SIGTERM);
    if (!WaitFor(grace)) {
      ::kill(pid_, SIGKILL);
      WaitFor(std::chrono::hours(1));
    }
  }
  return *status_;
}

}  // namespace aurite::runtime
