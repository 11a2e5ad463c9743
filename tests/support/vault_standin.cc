// The stand-in runs under python3 and prints its port once it listens.
#include "support/vault_standin.h"

#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>

#include "support/raw_http.h"

namespace aurite::testing {
namespace {

constexpr auto kStandInStartTimeout = std::chrono::seconds(20);

// The first line the child writes to stdout, waiting up to kStandInStartTimeout.
std::string FirstLine(int fd) {
  const auto deadline = std::chrono::steady_clock::now() + kStandInStartTimeout;
  std::string line;
  while (line.find('\n') == std::string::npos) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    pollfd p{fd, POLLIN, 0};
    if (left.count() <= 0 || ::poll(&p, 1, static_cast<int>(left.count())) <= 0) break;
    char buffer[64];
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n <= 0) break;
    line.append(buffer, static_cast<std::size_t>(n));
  }
  return line.substr(0, line.find('\n'));
}

}  // namespace

VaultStandin::VaultStandin(const std::string& token, const std::vector<std::string>& options)
    : token_(token) {
  runtime::SpawnOptions spawn;
  spawn.program = "python3";
  spawn.arguments = {AURITE_SUPPORT_DIR "/../harness/vault-standin", "--token", token};
  spawn.arguments.insert(spawn.arguments.end(), options.begin(), options.end());
  for (const char* name : {"PATH", "HOME", "LANG"}) {
    if (const char* value = std::getenv(name))
      spawn.environment.push_back(std::string(name) + "=" + value);
  }
  auto child = runtime::ChildProcess::Spawn(spawn);
  if (!child.ok()) {
    error_ = "cannot start tests/harness/vault-standin: " + child.status().message();
    return;
  }
  child_ = std::move(*child);
  const std::string line = FirstLine(child_->stdout_fd());
  const int port = std::atoi(line.c_str());
  if (port <= 0 || port > 65535) {
    error_ = "tests/harness/vault-standin did not print its port (it printed '" + line + "')";
    return;
  }
  port_ = static_cast<std::uint16_t>(port);
}

VaultStandin::~VaultStandin() {
  if (child_) child_->Shutdown(std::chrono::milliseconds(2000));
}

std::string VaultStandin::Url() const { return "http://127.0.0.1:" + std::to_string(port_); }

std::string VaultStandin::Put(const std::string& secret, const std::string& data_json,
                              const std::string& name_space) {
  const std::size_t slash = secret.find('/');
  return Send("POST", secret.substr(0, slash) + "/data/" + secret.substr(slash + 1),
              "{\"data\": " + data_json + "}", name_space);
}

std::string VaultStandin::Send(const std::string& method, const std::string& path,
                               const std::string& body, const std::string& name_space) {
  const std::string request =
      method + " /v1/" + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n" +
      "X-Vault-Token: " + token_ + "\r\n" +
      (name_space.empty() ? "" : "X-Vault-Namespace: " + name_space + "\r\n") +
      "Content-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
      "\r\n\r\n" + body;
  return rawhttp::Exchange(port_, request);
}

int VaultStandin::Revoke(const std::string& token) {
  const std::string request =
      "POST /v1/auth/token/revoke-self HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
      "X-Vault-Token: " +
      token + "\r\nContent-Length: 0\r\n\r\n";
  return rawhttp::HttpStatus(rawhttp::Exchange(port_, request));
}

}  // namespace aurite::testing
