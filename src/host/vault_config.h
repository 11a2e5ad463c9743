// security.vault in aurite.json: how the host reaches Vault (or OpenBao),
// and the one VaultClient the whole host shares.
//
//   "security": {"vault": {
//     "address": "https://vault:8200",     // else VAULT_ADDR
//     "namespace": "team-a",               // else VAULT_NAMESPACE
//     "ca_cert": "/path/ca.pem",           // else VAULT_CACERT
//     and at most one of (else VAULT_TOKEN, else VAULT_TOKEN_FILE):
//     "token": "${file:/run/secrets/vault-token}",
//     "token_file": "/run/vault/token",    // a Vault Agent token sink
//     "auth": {"method": "approle", "mount": "approle",
//              "role_id": "${file:…}", "secret_id": "${env:…}"}
//   }}
//
// Keys of the block win over the VAULT_* variables. token, role_id and
// secret_id accept ${env:…}, ${file:…}, ${exec:…}, ${aws-sm:…} and
// ${keyring:…}; a ${vault:…} there is an error (Vault is what it would be
// read with). http:// only to a loopback address; TLS verification is
// always on. Relative paths are resolved against the config's directory.
// Errors name the key path (security.vault.auth.role_id) and never a value.
#pragma once

#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "base/status.h"
#include "credentials/http_post.h"
#include "host/config_fields.h"
#include "host/secret_reference.h"
#include "secrets/vault_client.h"
#include "secrets/vault_connection.h"

namespace aurite::host {

// What security.vault says; each key unset falls back to its variable.
struct VaultSettings {
  std::optional<std::string> address;  // checked: https://, or http:// to loopback
  std::optional<std::string> name_space;
  std::optional<std::string> ca_cert;
  std::optional<secrets::VaultAuth> auth;
};

// Parses the security.vault object `field`, expanding token, role_id and
// secret_id with `sources` (but never through Vault). kInvalidArgument
// naming the key path for an unknown key, a wrong type, an http:// address
// to another host, more than one of token / token_file / auth, an auth
// without method "approle", role_id or secret_id, or a ${vault:…} value.
StatusOr<VaultSettings> ParseVaultSettings(const config_json::Field& field,
                                           const std::filesystem::path& base_dir,
                                           const ReferenceSources& sources);

// The host's VaultClient, made on first Get() from the settings and, for
// what they leave unset, the VAULT_* variables of `environment`; every
// later Get() answers the same client. Not thread-safe: used while the
// configuration is parsed.
class VaultClientSource {
 public:
  VaultClientSource(VaultSettings settings, ReferenceSources::Environment environment,
                    credentials::HttpRequestOptions options = {});

  // The client; LoadVaultConnection's errors (naming the variable or
  // security.vault key to set) when there is no address or no token.
  // Thread-safe.
  StatusOr<std::shared_ptr<secrets::VaultClient>> Get();

  // The client if Get() made one, else null.
  std::shared_ptr<secrets::VaultClient> made() const {
    std::lock_guard lock(mu_);
    return client_;
  }

 private:
  VaultSettings settings_;
  ReferenceSources::Environment environment_;
  credentials::HttpRequestOptions options_;
  mutable std::mutex mu_;
  std::shared_ptr<secrets::VaultClient> client_;
};

}  // namespace aurite::host
