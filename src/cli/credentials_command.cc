// `aurite credentials rds-token`: the RDS IAM token Aurite's aws-rds-iam mode
// would log in with, printed for debugging; `aurite credentials rotate`: a
// rotated connection's password changed now.
#include <cstdio>
#include <memory>
#include <optional>

#include "cli/command.h"
#include "cli/security_context.h"
#include "credentials/aws_credentials.h"
#include "credentials/rds_auth_token.h"
#include "host/config.h"
#include "host/host_store.h"
#include "host/password_rotator.h"

namespace aurite::cli {
namespace {

struct RdsTokenFlags {
  credentials::RdsTokenRequest request;
  std::optional<std::string> profile;
};

int PrintRdsToken(const RdsTokenFlags& flags) {
  // Argument mistakes are reported before any credentials are looked for.
  if (Status valid = credentials::ValidateRdsTokenRequest(flags.request); !valid.ok()) {
    return ReportError(valid);
  }
  StatusOr<crypto::AwsCredentials> aws = credentials::LoadAwsCredentials(flags.profile);
  if (!aws.ok()) return ReportError(aws.status());
  StatusOr<crypto::SecretBuffer> token =
      credentials::GenerateRdsAuthToken(flags.request, *aws, std::chrono::system_clock::now());
  if (!token.ok()) return ReportError(token.status());
  std::fwrite(token->data(), 1, token->size(), stdout);
  std::fputc('\n', stdout);
  std::fflush(stdout);
  return kExitOk;
}

struct RotateFlags {
  std::string config_file = "aurite.json";
  std::string connection;
};

// Rotates under the same lock as a running host; the hosts on the store
// read the new password at their next resolve.
int RotateNow(const RotateFlags& flags) {
  StatusOr<host::Config> config = host::LoadConfigFile(flags.config_file);
  if (!config.ok()) return ReportError(config.status());
  StatusOr<crypto::KeySetting> key = ReadStoreKey(config->security.key_env);
  if (!key.ok()) return ReportError(key.status());
  StatusOr<host::HostStore> store = host::OpenHostStore(*config, std::move(key).value());
  if (!store.ok()) return ReportError(store.status());
  if (!store->persistent) {
    return ReportError(FailedPreconditionError(
        "rotating needs the store the host keeps the password in; set the store key (" +
        config->security.key_env + ")"));
  }
  host::PasswordRotator rotator(*store->manager, store->store_path.parent_path() / "rotation.lock",
                                config->connections);
  if (Status rotated = rotator.Rotate(flags.connection); !rotated.ok()) {
    return ReportError(rotated);
  }
  std::printf("rotated the password of connection '%s'\n", flags.connection.c_str());
  return kExitOk;
}

}  // namespace

void RegisterCredentialsCommand(CLI::App& app, CommandResult& result) {
  CLI::App* credentials =
      app.add_subcommand("credentials", "Make database credentials as Aurite's modes do");
  credentials->require_subcommand(1);

  auto flags = std::make_shared<RdsTokenFlags>();
  CLI::App* rds = credentials->add_subcommand(
      "rds-token",
      "Print an RDS IAM authentication token, as `aws rds generate-db-auth-token` does");
  rds->add_option("--hostname", flags->request.hostname,
                  "The database's DNS name or IP address (IPv6 in brackets)")
      ->required();
  rds->add_option("--port", flags->request.port, "The database's port")
      ->required()
      ->check(CLI::Range(1, 65535));
  rds->add_option("--username", flags->request.username, "The database user to log in as")
      ->required();
  rds->add_option("--region", flags->request.region, "The database's AWS region, e.g. eu-west-1")
      ->required();
  rds->add_option("--profile", flags->profile,
                  "Sign with this profile of the shared credentials file (the AWS_* credential "
                  "variables are then ignored)");
  rds->footer(
      "The token is the password of a database user with IAM authentication, valid for 15 "
      "minutes. It is printed on stdout: treat it as a password.\n"
      "Credentials come from AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN), "
      "else from the profile AWS_PROFILE names (or [default]) in ~/.aws/credentials or the file "
      "AWS_SHARED_CREDENTIALS_FILE names. See docs/credentials.md.\n"
      "Example:\n"
      "  PGPASSWORD=\"$(aurite credentials rds-token --hostname mydb.abc123.eu-west-1.rds."
      "amazonaws.com --port 5432 --username app --region eu-west-1)\" psql \"host=mydb.abc123."
      "eu-west-1.rds.amazonaws.com user=app dbname=app sslmode=require\"");
  rds->callback([flags, &result] { result.exit_status = PrintRdsToken(*flags); });

  auto rotate_flags = std::make_shared<RotateFlags>();
  CLI::App* rotate = credentials->add_subcommand(
      "rotate",
      "Change the password of a connection with \"credentials\": {\"mode\": \"rotate\"} now");
  rotate->add_option("connection", rotate_flags->connection, "The connection's name in aurite.json")
      ->required();
  rotate->add_option("-c,--config", rotate_flags->config_file, "Configuration file (aurite.json)")
      ->capture_default_str();
  rotate->footer(
      "Sets a new random password through the connection's admin login and keeps it, encrypted, "
      "in the store (the store key must be set, as for `aurite serve`). Gateways running on the "
      "same store use it for their next connections; open sessions stay up. The password is "
      "never printed.");
  rotate->callback([rotate_flags, &result] { result.exit_status = RotateNow(*rotate_flags); });
}

}  // namespace aurite::cli
