// The aws-rds-iam mode: checks, the credentials cache, and the login
// written into the base connection string.
#include "credentials/rds_iam_source.h"

#include <algorithm>
#include <cctype>
#include <initializer_list>
#include <string_view>

#include "base/text.h"
#include "credentials/aws_credentials.h"
#include "credentials/aws_region.h"
#include "credentials/sts_assume_role.h"
#include "sql/connection_string.h"

namespace aurite::credentials {
namespace {

constexpr int kPostgresPort = 5432;
constexpr int kMariaDbPort = 3306;
constexpr std::string_view kDefaultSessionName = "aurite";

std::string Upper(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  std::replace(text.begin(), text.end(), '-', '_');
  return text;
}

std::string OptionOf(const sql::ConnectionConfig& config, const std::string& name) {
  const auto found = config.options.find(name);
  return found == config.options.end() ? "" : found->second;
}

// Why `mode` (the value of option `key`) falls short, for a message. Only
// the engine's known weaker modes are quoted: the connection string may
// have come from a secret reference, whose value no message shows.
std::string WhyNot(const std::string& key, const std::string& mode,
                   std::initializer_list<std::string_view> weaker) {
  if (mode.empty()) return " (it has no " + key + ")";
  if (std::find(weaker.begin(), weaker.end(), mode) != weaker.end()) {
    return " (" + key + "=" + mode + " does not)";
  }
  return " (its " + key + " is not a mode the driver knows)";
}

// TLS must be required: the token is a password for 15 minutes.
Status CheckTls(const sql::ConnectionConfig& config) {
  if (config.engine == sql::Engine::kPostgres) {
    const std::string mode = OptionOf(config, "sslmode");
    if (mode == "require" || mode == "verify-ca" || mode == "verify-full") return OkStatus();
    return InvalidArgumentError(
        "aws-rds-iam: the connection_string must require TLS, since the IAM token is sent as "
        "the password: add sslmode=verify-full (with sslrootcert=PATH to the RDS CA bundle), or "
        "at least sslmode=require" +
        (mode.empty() ? " (it has no sslmode, and libpq's default, prefer, may fall back to "
                        "plain text)"
                      : WhyNot("sslmode", mode, {"disable", "allow", "prefer"})));
  }
  const std::string mode = Upper(OptionOf(config, "ssl-mode"));
  if (mode == "REQUIRED" || mode == "REQUIRE" || mode == "VERIFY_CA" || mode == "VERIFY_IDENTITY" ||
      mode == "VERIFY_FULL") {
    return OkStatus();
  }
  return InvalidArgumentError(
      "aws-rds-iam: the connection_string must require TLS, since the IAM token is sent as the "
      "password: add ssl-mode=VERIFY_IDENTITY (with ssl-ca=PATH to the RDS CA bundle), or at "
      "least ssl-mode=REQUIRED" +
      WhyNot("ssl-mode", mode, {"DISABLED", "PREFERRED"}));
}

// The token request for `config` once `base` is known to be acceptable.
StatusOr<RdsTokenRequest> TokenRequest(const AwsRdsIamCredentials& config,
                                       const crypto::SecretBuffer& base) {
  StatusOr<sql::ConnectionConfig> parsed = sql::ParseConnectionString(base.Reveal());
  if (!parsed.ok()) return InvalidArgumentError("aws-rds-iam: " + parsed.status().message());
  if (parsed->engine == sql::Engine::kSqlite) {
    return InvalidArgumentError(
        "aws-rds-iam: works with PostgreSQL and MariaDB/MySQL connections (Amazon RDS and "
        "Aurora), not with SQLite");
  }
  if (!parsed->user.empty() || !parsed->password.empty()) {
    return InvalidArgumentError(
        "aws-rds-iam: the connection_string must not carry a user or password: remove them; "
        "each connection gets `username` from the credentials block and a fresh IAM token as "
        "its password");
  }
  if (parsed->host.empty() || parsed->host.starts_with("/")) {
    return InvalidArgumentError(
        "aws-rds-iam: the connection_string must name the database's host, e.g. "
        "mydb.abc123.eu-west-1.rds.amazonaws.com (a Unix socket cannot use IAM tokens)");
  }
  AURITE_RETURN_IF_ERROR(CheckTls(*parsed));
  RdsTokenRequest request;
  request.hostname =
      parsed->host.find(':') != std::string::npos ? "[" + parsed->host + "]" : parsed->host;
  request.port = parsed->port.value_or(parsed->engine == sql::Engine::kPostgres ? kPostgresPort
                                                                                : kMariaDbPort);
  request.username = config.username;
  request.region = config.region;
  if (Status valid = ValidateRdsTokenRequest(request); !valid.ok()) {
    return InvalidArgumentError("aws-rds-iam: " + valid.message());
  }
  return request;
}

AssumeRoleRequest RoleRequest(const AwsRdsIamCredentials& config) {
  AssumeRoleRequest request;
  request.region = config.region;
  request.role_arn = config.role_arn;
  request.role_session_name = config.role_session_name.empty() ? std::string(kDefaultSessionName)
                                                               : config.role_session_name;
  return request;
}

crypto::AwsCredentials Clone(const crypto::AwsCredentials& credentials) {
  return {credentials.access_key_id, credentials.secret_access_key.Clone(),
          credentials.session_token.Clone()};
}

// `text` as a single-quoted libpq keyword value.
void AppendQuoted(std::string_view text, crypto::SecretBuffer& out) {
  out.Append("'");
  for (char c : text) {
    if (c == '\'' || c == '\\') out.Append("\\");
    out.Append(std::string_view(&c, 1));
  }
  out.Append("'");
}

void AppendPercentEncoded(std::string_view text, crypto::SecretBuffer& out) {
  PercentEncodeTo(text, [&out](std::string_view piece) { out.Append(piece); });
}

}  // namespace

Status RdsIamSource::Validate(const AwsRdsIamCredentials& config,
                              const crypto::SecretBuffer& base) {
  if (!IsValidAwsRegion(config.region)) {
    return InvalidArgumentError("aws-rds-iam: " + std::string(kRegionForm));
  }
  if (config.username.empty()) {
    return InvalidArgumentError(
        "aws-rds-iam: username must name the database user that logs in with IAM tokens");
  }
  if (!config.role_arn.empty()) {
    if (Status valid = ValidateAssumeRoleRequest(RoleRequest(config)); !valid.ok()) {
      return InvalidArgumentError("aws-rds-iam: " + valid.message());
    }
  } else if (!config.role_session_name.empty()) {
    return InvalidArgumentError(
        "aws-rds-iam: role_session_name is only used with role_arn: set role_arn or remove it");
  }
  return TokenRequest(config, base).status();
}

StatusOr<std::unique_ptr<RdsIamSource>> RdsIamSource::Create(AwsRdsIamCredentials config,
                                                             crypto::SecretBuffer base,
                                                             RdsIamEnvironment environment) {
  AURITE_RETURN_IF_ERROR(Validate(config, base));
  StatusOr<RdsTokenRequest> request = TokenRequest(config, base);
  if (!request.ok()) return request.status();
  const bool uri_form = base.Reveal().find("://") != std::string_view::npos;
  return std::make_unique<RdsIamSource>(Key{}, std::move(config), std::move(base), uri_form,
                                        std::move(*request), std::move(environment));
}

RdsIamSource::RdsIamSource(Key, AwsRdsIamCredentials config, crypto::SecretBuffer base,
                           bool uri_form, RdsTokenRequest token_request,
                           RdsIamEnvironment environment)
    : config_(std::move(config)),
      base_(std::move(base)),
      uri_form_(uri_form),
      token_request_(std::move(token_request)),
      environment_(std::move(environment)) {}

StatusOr<crypto::AwsCredentials> RdsIamSource::SigningCredentials(
    std::chrono::system_clock::time_point now) {
  std::optional<std::string_view> profile;
  if (!config_.profile.empty()) profile = config_.profile;
  if (config_.role_arn.empty()) return LoadAwsCredentials(profile, environment_.environment);
  // One AssumeRole at a time: callers that arrive during one wait for its
  // credentials instead of each asking STS.
  std::lock_guard lock(mu_);
  if (assumed_ && now < assumed_->expiration - kAssumedRoleRenewal) {
    return Clone(assumed_->credentials);
  }
  StatusOr<crypto::AwsCredentials> source = LoadAwsCredentials(profile, environment_.environment);
  if (!source.ok()) return source.status();
  StatusOr<AssumedRole> role =
      AssumeRole(RoleRequest(config_), *source, now, environment_.environment, environment_.sts);
  if (!role.ok()) return role.status();
  assumed_ = std::move(*role);
  return Clone(assumed_->credentials);
}

StatusOr<crypto::SecretBuffer> RdsIamSource::ConnectionString() {
  const auto now = environment_.clock();
  StatusOr<crypto::AwsCredentials> credentials = SigningCredentials(now);
  if (!credentials.ok()) return credentials.status();
  StatusOr<crypto::SecretBuffer> token = GenerateRdsAuthToken(token_request_, *credentials, now);
  if (!token.ok()) return token.status();

  const std::string_view base = base_.Reveal();
  crypto::SecretBuffer out;
  if (uri_form_) {
    const std::size_t authority = base.find("://") + 3;
    out.Append(base.substr(0, authority));
    AppendPercentEncoded(config_.username, out);
    out.Append(":");
    AppendPercentEncoded(token->Reveal(), out);
    out.Append("@");
    out.Append(base.substr(authority));
  } else {
    out.Append(base);
    out.Append(" user=");
    AppendQuoted(config_.username, out);
    out.Append(" password=");
    AppendQuoted(token->Reveal(), out);
  }
  return out;
}

}  // namespace aurite::credentials
