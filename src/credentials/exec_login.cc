// The "exec" credentials mode (exec_login.h).
#include "credentials/exec_login.h"

#include "credentials/generated_login.h"
#include "credentials/secret_command.h"

namespace aurite::credentials {

ExecLogin::ExecLogin(std::string connection_name, ExecCredentials config, crypto::SecretBuffer base,
                     std::vector<std::string> environment, Clock clock)
    : connection_name_(std::move(connection_name)),
      config_(std::move(config)),
      base_(std::move(base)),
      environment_(std::move(environment)),
      clock_(std::move(clock)) {}

StatusOr<crypto::SecretBuffer> ExecLogin::ConnectionString() {
  std::lock_guard lock(mu_);
  const auto now = clock_();
  if (secret_.empty() || now - fetched_at_ >= config_.lifetime) {
    secret_.Clear();
    SecretCommand command{
        .program = config_.command.front(),
        .arguments = std::vector<std::string>(config_.command.begin() + 1, config_.command.end()),
        .environment = environment_,
        .timeout = config_.timeout,
        .description = "connections." + connection_name_ + ".credentials.command"};
    AURITE_ASSIGN_OR_RETURN(secret_, RunSecretCommand(command));
    fetched_at_ = now;
  }
  StatusOr<crypto::SecretBuffer> login =
      LoginConnectionString(base_.Reveal(), config_.username, secret_);
  if (!login.ok()) {
    return Status(login.status().code(),
                  "connections." + connection_name_ + ": " + login.status().message());
  }
  return login;
}

}  // namespace aurite::credentials
