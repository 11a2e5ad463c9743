// The `credentials` block of a named connection in aurite.json, parsed: how
// the host makes the login of that connection instead of storing one.
//
//   "credentials": {"mode": "dynamic", "admin": "postgresql://…", "grant_roles": ["app_ro"],
//                   "default_ttl": "15m", "max_ttl": "8h"}
//   "credentials": {"mode": "rotate", "admin": "…", "username": "app", "rotation_period": "24h"}
//   "credentials": {"mode": "aws-rds-iam", "region": "eu-west-1", "username": "iam_app",
//                   "profile": "prod", "role_arn": "arn:aws:iam::…:role/db"}
//   "credentials": {"mode": "exec", "command": ["gcloud", "sql", "generate-login-token"],
//                   "username": "me@example.com", "lifetime": "45m"}
//   "credentials": {"mode": "vault", "path": "database/creds/app", "increment": "1h"}
//
// The connection's own connection_string then names host, port, database
// and options but no user or password. Secrets (the admin connection
// string) live in SecretBuffers from the moment they are read.
#pragma once

#include <chrono>
#include <string>
#include <variant>
#include <vector>

#include "crypto/secret_buffer.h"

namespace aurite::credentials {

// Statement templates: {{name}}, {{password}} and {{expiration}} are filled
// with quoted identifiers and literals of the engine (never raw text). An
// empty list means the engine's default statements.
struct StatementTemplates {
  std::vector<std::string> creation;
  std::vector<std::string> renewal;
  std::vector<std::string> revocation;
};

// mode "dynamic": a new database user per connect_storage, dropped when its
// lease ends (Vault's dynamic roles).
struct DynamicCredentials {
  crypto::SecretBuffer admin;  // connection string of a user that may create users
  std::vector<std::string> grant_roles;
  std::chrono::seconds default_ttl{15 * 60};
  std::chrono::seconds max_ttl{8 * 60 * 60};
  StatementTemplates statements;
};

// mode "rotate": the host owns the password of an existing user and changes
// it every rotation_period (Vault's static roles).
struct RotatedCredentials {
  crypto::SecretBuffer admin;
  std::string username;
  std::chrono::seconds rotation_period{24 * 60 * 60};
  std::vector<std::string> rotation_statements;  // empty: the engine's ALTER
};

// mode "aws-rds-iam": an RDS IAM authentication token per new physical
// connection, signed with AWS credentials (variables, the shared
// credentials file's `profile`, or STS AssumeRole of `role_arn`).
struct AwsRdsIamCredentials {
  std::string region;
  std::string username;
  std::string profile;            // empty: AWS_PROFILE, else "default"
  std::string role_arn;           // empty: no AssumeRole
  std::string role_session_name;  // empty: "aurite"
};

// mode "exec": a command prints the password or token; reused for
// `lifetime`.
struct ExecCredentials {
  std::vector<std::string> command;  // argv; no shell
  std::string username;
  std::chrono::seconds lifetime{15 * 60};
  std::chrono::seconds timeout{30};
};

// mode "vault": a login per connect_storage read from Vault's database
// secrets engine (GET /v1/{path}), its lease renewed while used and revoked
// when the connection ends.
struct VaultCredentials {
  std::string path;                  // e.g. "database/creds/app": segments checked
  std::chrono::seconds increment{};  // asked for on renewal; 0: the lease's own duration
};

using CredentialsConfig = std::variant<DynamicCredentials, RotatedCredentials, AwsRdsIamCredentials,
                                       ExecCredentials, VaultCredentials>;

}  // namespace aurite::credentials
