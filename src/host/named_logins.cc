// Making the logins of named connections with a credentials block
// (named_logins.h).
#include "host/named_logins.h"

#include <unistd.h>

#include <memory>
#include <variant>

#include "credentials/exec_login.h"
#include "credentials/rds_iam_source.h"
#include "credentials/secret_command.h"

namespace aurite::host {
namespace {

std::string_view ModeName(const credentials::CredentialsConfig& config) {
  static constexpr std::string_view kNames[] = {"dynamic", "rotate", "aws-rds-iam", "exec",
                                                "vault"};
  return kNames[config.index()];
}

}  // namespace

Status NamedLogins::Add(const ConnectionConfig& connection, std::string token_digest,
                        PasswordRotator* rotator) {
  const credentials::CredentialsConfig& config = *connection.credentials;
  Maker maker;
  if (const auto* exec = std::get_if<credentials::ExecCredentials>(&config)) {
    auto login = std::make_shared<credentials::ExecLogin>(connection.name, *exec,
                                                          connection.connection_string.Clone(),
                                                          credentials::CommandEnvironment(environ));
    maker = [login] { return login->ConnectionString(); };
  } else if (const auto* iam = std::get_if<credentials::AwsRdsIamCredentials>(&config)) {
    StatusOr<std::unique_ptr<credentials::RdsIamSource>> source =
        credentials::RdsIamSource::Create(*iam, connection.connection_string.Clone());
    if (!source.ok()) {
      return Status(source.status().code(), "connections." + connection.name +
                                                ".credentials: " + source.status().message());
    }
    std::shared_ptr<credentials::RdsIamSource> shared = std::move(source).value();
    maker = [shared] { return shared->ConnectionString(); };
  } else if (rotator != nullptr && rotator->IsRotated(connection.name)) {
    maker = [rotator, name = connection.name] { return rotator->ConnectionString(name); };
  } else {
    // Dynamic users and Vault's logins are made per connection
    // (LeaseManager), not here.
    return InternalError("connections." + connection.name + ".credentials: mode \"" +
                         std::string(ModeName(config)) + "\" makes no login when resolving");
  }
  Set(std::move(token_digest), std::move(maker));
  return OkStatus();
}

void NamedLogins::Set(std::string token_digest, Maker maker) {
  std::lock_guard lock(mu_);
  makers_.insert_or_assign(std::move(token_digest), std::move(maker));
}

std::optional<StatusOr<crypto::SecretBuffer>> NamedLogins::Make(
    std::string_view token_digest) const {
  Maker maker;
  {
    std::lock_guard lock(mu_);
    auto it = makers_.find(token_digest);
    if (it == makers_.end()) return std::nullopt;
    maker = it->second;
  }
  return maker();
}

}  // namespace aurite::host
