// Secret references in configuration values: ${env:VAR}, ${file:PATH},
// ${exec:COMMAND}, ${aws-sm:SECRET_ID#FIELD} (AWS Secrets Manager, see
// secrets/aws_secret_reference.h), ${keyring:SERVICE/ACCOUNT} (the desktop
// keyring, secrets/keyring.h) and ${vault:MOUNT/PATH#FIELD} (HashiCorp Vault
// or OpenBao KV version 2, secrets/vault_secret_reference.h), expanded once at start-up so a secret
// reaches the host without passing through the model or sitting in the config file.
//
// A value may mix literal text and references:
//   "postgresql://app:${env:ORDERS_DB_PASSWORD}@db.internal/orders"
// `$${` stands for a literal `${`. Anything else that starts with `${` and is
// not a complete, known reference is an error: expansion fails closed and
// never leaves a literal `${…}` in place. Errors name the reference (the
// variable, path, command or secret id), never what it expanded to.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "base/status.h"
#include "crypto/secret_buffer.h"

namespace aurite::host {

// Where references are looked up; tests substitute their own.
struct ReferenceSources {
  using Environment = std::function<std::optional<std::string_view>(const std::string&)>;
  // The value of an environment variable, or nullopt when it is not set.
  Environment environment;
  // The contents of a file (one trailing newline removed).
  std::function<StatusOr<crypto::SecretBuffer>(const std::string&)> read_file;
  // The standard output of `/bin/sh -c COMMAND` (one trailing newline
  // removed); an error if it cannot run or exits non-zero.
  std::function<StatusOr<crypto::SecretBuffer>(const std::string&)> run_command;
  // The secret (or its field) that "SECRET_ID#FIELD" names in AWS Secrets
  // Manager.
  std::function<StatusOr<crypto::SecretBuffer>(const std::string&)> read_aws_secret;
  // The secret of keyring item "SERVICE/ACCOUNT".
  std::function<StatusOr<crypto::SecretBuffer>(const std::string&)> read_keyring;
  // Field FIELD of the KV version 2 secret that "MOUNT/PATH[?version=N]#FIELD"
  // names in Vault. Empty in SystemReferenceSources(): ParseConfig then
  // reads through the configuration's shared VaultClient (vault_config.h);
  // elsewhere a ${vault:…} reference is then an error.
  std::function<StatusOr<crypto::SecretBuffer>(const std::string&)> read_vault_secret;
};

// The process environment, the file system, /bin/sh, AWS Secrets Manager
// (region and credentials from the process environment) and the Secret
// Service; Vault as ParseConfig provides it (read_vault_secret above).
const ReferenceSources& SystemReferenceSources();

// True if `value` contains `${`, i.e. would be expanded.
bool HasSecretReference(std::string_view value);

StatusOr<crypto::SecretBuffer> ExpandSecretReferences(std::string_view value,
                                                      const ReferenceSources& sources);

}  // namespace aurite::host
