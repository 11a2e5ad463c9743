// Secret references in configuration values: ${env:VAR}, ${file:PATH},
// ${exec:COMMAND}, ${aws-sm:SECRET_ID#FIELD} (AWS Secrets Manager, see
// secrets/aws_secret_reference.h), ${keyring:SERVICE/ACCOUNT} (the desktop
// keyring, secrets/keyring.h) and ${vault:MOUNT/PATH#FIELD} (HashiCorp Vault
// or OpenBao KV version 2, secrets/vault_secret_reference.h), expanded at
// start-up (and again when a reference asks to be refreshed) so that a
// secret reaches the host without passing through the model or sitting in
// the config file.
//
// A value may mix literal text and references:
//   "postgresql://app:${env:ORDERS_DB_PASSWORD}@db.internal/orders"
// `$${` stands for a literal `${`.
//
// A reference may ask to be read again while aurite runs, with options
// between the scheme and the colon:
//   ${vault(refresh=5m):secret/orders#password}
//   ${aws-sm(refresh=1h,max_age=1d):prod/orders#password}
// refresh=DURATION (at least 1s) reads it again that often; max_age=DURATION
// (at least refresh) is how long the last good value may be used while the
// store cannot be read. ${env:…} takes no options: the environment does not
// change while aurite runs. Only values whose owner can take a new value
// accept them (ExpandRefreshableSecretReferences); elsewhere they are an
// error. Anything else that starts with `${` and is
// not a complete, known reference is an error: expansion fails closed and
// never leaves a literal `${…}` in place. Errors name the reference (the
// variable, path, command or secret id), never what it expanded to.
#pragma once

#include <chrono>
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

// How a value with refreshed references is kept fresh.
struct SecretRefresh {
  crypto::SecretBuffer raw;                          // the value as written, references unexpanded
  std::chrono::milliseconds interval{0};             // the shortest refresh= of its references
  std::optional<std::chrono::milliseconds> max_age;  // the shortest max_age=; none: no limit
  // Its refreshed references as written, without options, for messages and
  // the audit log: "${vault:secret/orders#password}".
  std::string references;
  // Where the references are read again (a copy of the sources that
  // expanded them first).
  ReferenceSources sources;

  SecretRefresh Clone() const { return {raw.Clone(), interval, max_age, references, sources}; }
};

struct ExpandedSecret {
  crypto::SecretBuffer value;
  std::optional<SecretRefresh> refresh;  // set when a reference has refresh=
};

// True if `value` contains `${`, i.e. would be expanded.
bool HasSecretReference(std::string_view value);

// Expands every reference of `value`. A reference with options is an
// error here (kInvalidArgument saying where refresh= is accepted).
StatusOr<crypto::SecretBuffer> ExpandSecretReferences(std::string_view value,
                                                      const ReferenceSources& sources);

// Expands `value` as above but accepts reference options; when a reference
// has refresh=, the result says how to refresh it. Reading the value
// again re-reads every reference in it, with or without refresh=.
StatusOr<ExpandedSecret> ExpandRefreshableSecretReferences(std::string_view value,
                                                           const ReferenceSources& sources);

}  // namespace aurite::host
