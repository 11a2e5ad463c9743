// The "exec" credentials mode: a command prints the password or login
// token of a connection (`gcloud sql generate-login-token`, `az account
// get-access-token --query accessToken -o tsv`), and the host reuses it for
// `lifetime` before running the command again.
//
// Contract:
//  - ConnectionString() returns the connection's base string with the
//    configured user and the command's output as the password
//    (generated_login.h LoginConnectionString); within `lifetime` of the last run it does not run
//    the command again.
//  - The command runs as secret_command.h says: no shell, the environment
//    given at construction, bounded time and output. A failed run is an
//    error naming the connection; the previous secret is not reused past its
//    lifetime.
//  - Thread-safe: concurrent callers share one run of the command.
#pragma once

#include <chrono>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include "base/status.h"
#include "credentials/credentials_config.h"
#include "crypto/secret_buffer.h"

namespace aurite::credentials {

class ExecLogin {
 public:
  using Clock = std::function<std::chrono::steady_clock::time_point()>;

  // `base` is the connection's login-less connection string; `environment`
  // the command's whole environment (CommandEnvironment()).
  ExecLogin(std::string connection_name, ExecCredentials config, crypto::SecretBuffer base,
            std::vector<std::string> environment, Clock clock = std::chrono::steady_clock::now);

  StatusOr<crypto::SecretBuffer> ConnectionString();

 private:
  const std::string connection_name_;
  const ExecCredentials config_;
  const crypto::SecretBuffer base_;
  const std::vector<std::string> environment_;
  const Clock clock_;

  std::mutex mu_;
  crypto::SecretBuffer secret_;  // the command's last output; empty before the first run
  std::chrono::steady_clock::time_point fetched_at_;
};

}  // namespace aurite::credentials
