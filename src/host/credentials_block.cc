// Parsing `connections.<name>.credentials` (credentials_block.h): one
// reader per mode, each with its own set of keys.
#include "host/credentials_block.h"

#include "credentials/rds_iam_source.h"
#include "secrets/vault_secret_reference.h"
#include "sql/connection_string.h"

namespace aurite::host {
namespace {

using namespace config_json;

constexpr const char* kDurationExpected =
    "a duration above zero such as \"15m\", \"8h\" or a number of seconds";

StatusOr<std::chrono::seconds> GetPositiveSeconds(const Field& field) {
  StatusOr<std::chrono::milliseconds> duration = GetDuration(field);
  if (!duration.ok() || *duration < std::chrono::seconds(1)) return field.Error(kDurationExpected);
  return std::chrono::duration_cast<std::chrono::seconds>(*duration);
}

StatusOr<std::string> GetNonEmptyString(const Field& field, const std::string& what) {
  AURITE_ASSIGN_OR_RETURN(std::string text, GetString(field));
  if (text.empty()) return field.Error(what);
  return text;
}

// The admin connection string: required, and a login of the same engine.
StatusOr<crypto::SecretBuffer> GetAdmin(const Field& block, const ReferenceSources& sources) {
  if (!Has(block, "admin")) {
    return block["admin"].Error(
        "the connection string of a database user that may manage users, e.g. "
        "\"postgresql://aurite_admin:${env:ADMIN_PASSWORD}@127.0.0.1/orders\"");
  }
  AURITE_ASSIGN_OR_RETURN(crypto::SecretBuffer admin, TakeSecret(block["admin"], sources));
  StatusOr<sql::ConnectionConfig> parsed = sql::ParseConnectionString(admin.Reveal());
  if (!parsed.ok()) {
    return InvalidArgumentError(block.path + ".admin: " + parsed.status().message());
  }
  return admin;
}

Status GetStatements(const Field& block, const std::string& key, std::vector<std::string>& out) {
  if (!Has(block, key)) return OkStatus();
  AURITE_ASSIGN_OR_RETURN(out, GetStrings(block[key]));
  if (out.empty()) return block[key].Error("a non-empty array of SQL statements, or no key");
  return OkStatus();
}

StatusOr<credentials::CredentialsConfig> ParseDynamic(const Field& block,
                                                      const ReferenceSources& sources) {
  AURITE_RETURN_IF_ERROR(ExpectObjectWithKeys(
      block, {"mode", "admin", "grant_roles", "default_ttl", "max_ttl", "creation_statements",
              "renew_statements", "revocation_statements"}));
  credentials::DynamicCredentials dynamic;
  AURITE_ASSIGN_OR_RETURN(dynamic.admin, GetAdmin(block, sources));
  if (Has(block, "grant_roles")) {
    AURITE_ASSIGN_OR_RETURN(dynamic.grant_roles, GetStrings(block["grant_roles"]));
  }
  AURITE_RETURN_IF_ERROR(GetStatements(block, "creation_statements", dynamic.statements.creation));
  AURITE_RETURN_IF_ERROR(GetStatements(block, "renew_statements", dynamic.statements.renewal));
  AURITE_RETURN_IF_ERROR(
      GetStatements(block, "revocation_statements", dynamic.statements.revocation));
  if (dynamic.grant_roles.empty() && dynamic.statements.creation.empty()) {
    return block["grant_roles"].Error(
        "the database roles each generated user gets, e.g. [\"app_readonly\"] (or "
        "creation_statements)");
  }
  if (Has(block, "default_ttl")) {
    AURITE_ASSIGN_OR_RETURN(dynamic.default_ttl, GetPositiveSeconds(block["default_ttl"]));
  }
  if (Has(block, "max_ttl")) {
    AURITE_ASSIGN_OR_RETURN(dynamic.max_ttl, GetPositiveSeconds(block["max_ttl"]));
  }
  if (dynamic.max_ttl < dynamic.default_ttl) {
    return block["max_ttl"].Error("a duration at least as long as default_ttl");
  }
  return credentials::CredentialsConfig(std::move(dynamic));
}

StatusOr<credentials::CredentialsConfig> ParseRotate(const Field& block,
                                                     const ReferenceSources& sources) {
  AURITE_RETURN_IF_ERROR(ExpectObjectWithKeys(
      block, {"mode", "admin", "username", "rotation_period", "rotation_statements"}));
  credentials::RotatedCredentials rotated;
  AURITE_ASSIGN_OR_RETURN(rotated.admin, GetAdmin(block, sources));
  AURITE_ASSIGN_OR_RETURN(rotated.username,
                          GetNonEmptyString(block["username"], "the existing user to rotate"));
  if (Has(block, "rotation_period")) {
    AURITE_ASSIGN_OR_RETURN(rotated.rotation_period, GetPositiveSeconds(block["rotation_period"]));
  }
  AURITE_RETURN_IF_ERROR(GetStatements(block, "rotation_statements", rotated.rotation_statements));
  return credentials::CredentialsConfig(std::move(rotated));
}

StatusOr<credentials::CredentialsConfig> ParseAwsRdsIam(
    const Field& block, const crypto::SecretBuffer& connection_string) {
  AURITE_RETURN_IF_ERROR(ExpectObjectWithKeys(
      block, {"mode", "region", "username", "profile", "role_arn", "role_session_name"}));
  credentials::AwsRdsIamCredentials iam;
  AURITE_ASSIGN_OR_RETURN(iam.region,
                          GetNonEmptyString(block["region"], "an AWS region, e.g. \"eu-west-1\""));
  AURITE_ASSIGN_OR_RETURN(
      iam.username, GetNonEmptyString(block["username"], "the database user IAM may log in as"));
  if (Has(block, "profile")) {
    AURITE_ASSIGN_OR_RETURN(iam.profile, GetString(block["profile"]));
  }
  if (Has(block, "role_arn")) {
    AURITE_ASSIGN_OR_RETURN(iam.role_arn, GetString(block["role_arn"]));
  }
  if (Has(block, "role_session_name")) {
    AURITE_ASSIGN_OR_RETURN(iam.role_session_name, GetString(block["role_session_name"]));
  }
  // TLS on, no login in the string, well-formed names: found now, not at
  // the first connect.
  if (Status valid = credentials::RdsIamSource::Validate(iam, connection_string); !valid.ok()) {
    return Status(valid.code(), block.path + ": " + valid.message());
  }
  return credentials::CredentialsConfig(std::move(iam));
}

StatusOr<credentials::CredentialsConfig> ParseExec(const Field& block) {
  AURITE_RETURN_IF_ERROR(
      ExpectObjectWithKeys(block, {"mode", "command", "username", "lifetime", "timeout"}));
  credentials::ExecCredentials exec;
  if (Has(block, "command")) {
    AURITE_ASSIGN_OR_RETURN(exec.command, GetStrings(block["command"]));
  }
  if (exec.command.empty() || exec.command.front().empty()) {
    return block["command"].Error(
        "the command as an array, program first, e.g. [\"gcloud\", \"sql\", "
        "\"generate-login-token\"] (no shell runs it)");
  }
  AURITE_ASSIGN_OR_RETURN(exec.username,
                          GetNonEmptyString(block["username"], "the database user to log in as"));
  if (Has(block, "lifetime")) {
    AURITE_ASSIGN_OR_RETURN(exec.lifetime, GetPositiveSeconds(block["lifetime"]));
  }
  if (Has(block, "timeout")) {
    AURITE_ASSIGN_OR_RETURN(exec.timeout, GetPositiveSeconds(block["timeout"]));
  }
  return credentials::CredentialsConfig(std::move(exec));
}

StatusOr<credentials::CredentialsConfig> ParseVault(const Field& block) {
  AURITE_RETURN_IF_ERROR(ExpectObjectWithKeys(block, {"mode", "path", "increment"}));
  credentials::VaultCredentials vault;
  if (Has(block, "path")) {
    AURITE_ASSIGN_OR_RETURN(vault.path, GetString(block["path"]));
  }
  if (!secrets::IsVaultPath(vault.path)) {
    return block["path"].Error(
        "the path of a role of Vault's database secrets engine, e.g. \"database/creds/app\" "
        "(segments of letters, digits and -_.@+=:)");
  }
  if (Has(block, "increment")) {
    AURITE_ASSIGN_OR_RETURN(vault.increment, GetPositiveSeconds(block["increment"]));
  }
  return credentials::CredentialsConfig(std::move(vault));
}

}  // namespace

StatusOr<credentials::CredentialsConfig> ParseCredentialsBlock(
    const Field& field, const std::string& storage_type,
    const crypto::SecretBuffer& connection_string, const ReferenceSources& sources) {
  if (!field.value.is_object()) return field.Error("an object with a \"mode\"");
  StatusOr<sql::ConnectionConfig> target = sql::ParseConnectionString(connection_string.Reveal());
  if (!target.ok()) {
    // The host fills the login into it, so it must parse now.
    return InvalidArgumentError(
        field.path + ": the connection_string does not parse: " + target.status().message());
  }
  if (storage_type == "sqlite" || target->engine == sql::Engine::kSqlite) {
    return InvalidArgumentError(field.path +
                                ": SQLite has no database users; remove the credentials block "
                                "or use a PostgreSQL or MariaDB connection");
  }
  if (!target->user.empty() || !target->password.empty()) {
    return InvalidArgumentError(
        field.path +
        ": the connection_string names a user or password, but the credentials block makes "
        "them; leave them out, e.g. \"postgresql://127.0.0.1:5432/orders?sslmode=require\"");
  }
  constexpr const char* kModes = "\"dynamic\", \"rotate\", \"aws-rds-iam\", \"exec\" or \"vault\"";
  if (!Has(field, "mode")) return field["mode"].Error(kModes);
  AURITE_ASSIGN_OR_RETURN(std::string mode, GetString(field["mode"]));
  if (mode == "dynamic") return ParseDynamic(field, sources);
  if (mode == "rotate") return ParseRotate(field, sources);
  if (mode == "aws-rds-iam") return ParseAwsRdsIam(field, connection_string);
  if (mode == "exec") return ParseExec(field);
  if (mode == "vault") return ParseVault(field);
  return field["mode"].Error(kModes);
}

}  // namespace aurite::host
