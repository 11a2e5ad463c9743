// Running a secret-printing program with bounded time and output
// (secret_command.h).
#include "credentials/secret_command.h"

#include <openssl/crypto.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>

#include "runtime/child_process.h"

namespace aurite::credentials {
namespace {

using Clock = std::chrono::steady_clock;

constexpr std::chrono::milliseconds kGrace{200};

bool Kept(std::string_view entry) {
  static constexpr std::array<std::string_view, 10> kNames = {
      "PATH", "HOME", "USER", "LOGNAME", "SHELL", "LANG", "TZ", "TMPDIR", "KUBECONFIG", "TERM"};
  static constexpr std::array<std::string_view, 6> kPrefixes = {"LC_",    "XDG_",      "AWS_",
                                                                "AZURE_", "CLOUDSDK_", "GOOGLE_"};
  const std::size_t equals = entry.find('=');
  if (equals == std::string_view::npos) return false;
  const std::string_view name = entry.substr(0, equals);
  for (std::string_view kept : kNames) {
    if (name == kept) return true;
  }
  for (std::string_view prefix : kPrefixes) {
    if (name.starts_with(prefix)) return true;
  }
  return false;
}

void DropTrailingNewline(crypto::SecretBuffer& secret) {
  std::size_t size = secret.size();
  if (size > 0 && secret.data()[size - 1] == '\n') --size;
  if (size > 0 && secret.data()[size - 1] == '\r') --size;
  secret.Truncate(size);
}

// Reads what `fd` has now into `out` (when not null) or drops it; false at
// end of file or on an error.
bool ReadSome(int fd, crypto::SecretBuffer* out, std::size_t& total) {
  std::array<unsigned char, 4096> chunk;
  ssize_t n;
  do {
    n = ::read(fd, chunk.data(), chunk.size());
  } while (n < 0 && errno == EINTR);
  if (n <= 0) return false;
  total += static_cast<std::size_t>(n);
  if (out != nullptr) out->Append(std::span(chunk.data(), static_cast<std::size_t>(n)));
  OPENSSL_cleanse(chunk.data(), chunk.size());
  return true;
}

}  // namespace

StatusOr<crypto::SecretBuffer> RunSecretCommand(const SecretCommand& command) {
  const std::string& what = command.description;
  StatusOr<std::unique_ptr<runtime::ChildProcess>> spawned =
      runtime::ChildProcess::Spawn({.program = command.program,
                                    .arguments = command.arguments,
                                    .environment = command.environment,
                                    .working_directory = ""});
  if (!spawned.ok()) {
    return UnavailableError(what + " could not be started: " + spawned.status().message());
  }
  runtime::ChildProcess& child = **spawned;
  child.CloseStdin();

  crypto::SecretBuffer output;
  std::size_t output_bytes = 0, error_bytes = 0;
  bool stdout_open = true, stderr_open = true;
  const Clock::time_point deadline = Clock::now() + command.timeout;
  while (stdout_open || stderr_open) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) {
      child.Shutdown(kGrace);
      return DeadlineExceededError(what + " did not finish within " +
                                   std::to_string(command.timeout.count()) + " ms; it was stopped");
    }
    std::array<pollfd, 2> fds = {pollfd{stdout_open ? child.stdout_fd() : -1, POLLIN, 0},
                                 pollfd{stderr_open ? child.stderr_fd() : -1, POLLIN, 0}};
    const int ready = ::poll(fds.data(), fds.size(), static_cast<int>(left.count()));
    if (ready < 0 && errno != EINTR) {
      child.Shutdown(kGrace);
      return UnavailableError(what + ": waiting for its output failed");
    }
    if (ready <= 0) continue;
    if (stdout_open && fds[0].revents != 0) {
      stdout_open = ReadSome(child.stdout_fd(), &output, output_bytes);
    }
    if (stderr_open && fds[1].revents != 0) {
      stderr_open = ReadSome(child.stderr_fd(), nullptr, error_bytes);
    }
    if (output_bytes > command.max_output) {
      child.Shutdown(kGrace);
      return InvalidArgumentError(what + " printed more than " +
                                  std::to_string(command.max_output) +
                                  " bytes; a password or token is shorter, so it was stopped");
    }
  }
  const int status = child.Shutdown(command.timeout);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    return UnavailableError(what + " failed (" +
                            (WIFEXITED(status)
                                 ? "exit status " + std::to_string(WEXITSTATUS(status))
                                 : "killed by signal " + std::to_string(WTERMSIG(status))) +
                            "); run it by hand to see why");
  }
  DropTrailingNewline(output);
  if (output.empty()) return InvalidArgumentError(what + " printed nothing");
  return output;
}

std::vector<std::string> CommandEnvironment(const char* const* environ) {
  std::vector<std::string> kept;
  for (; environ != nullptr && *environ != nullptr; ++environ) {
    if (Kept(*environ)) kept.emplace_back(*environ);
  }
  return kept;
}

}  // namespace aurite::credentials
