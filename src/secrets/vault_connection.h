// Where and as whom Aurite talks to Vault (or OpenBao), from the variables
// the vault CLI reads (a security.vault block in aurite.json, read by
// host/vault_config.h, overrides them key by key):
//   VAULT_ADDR        required: https://HOST[:PORT][/PREFIX]; http:// only
//                     for a loopback address (127.0.0.0/8, ::1, localhost),
//                     e.g. a Vault Agent on this machine, because the token
//                     and the secret would cross the network in clear.
//   VAULT_CACERT      PEM file of the CA(s) to trust instead of the
//                     system's. TLS verification cannot be turned off.
//   VAULT_TOKEN       the token; else
//   VAULT_TOKEN_FILE  a file holding it (a Vault Agent token sink, a
//                     mounted Kubernetes secret); one trailing newline is
//                     dropped. Re-read when Vault refuses the token.
//   VAULT_NAMESPACE   the namespace (Vault Enterprise, OpenBao), sent as
//                     X-Vault-Namespace; unset or empty: none.
// An empty variable counts as unset.
#pragma once

#include <string>
#include <string_view>

#include "base/status.h"
#include "credentials/aws_endpoint.h"
#include "crypto/key_loader.h"
#include "crypto/secret_buffer.h"

namespace aurite::secrets {

// How Aurite gets its Vault token.
struct VaultAuth {
  enum class Method {
    kToken,      // a fixed token
    kTokenFile,  // a file a Vault Agent (or an operator) keeps a token in
    kAppRole,    // POST auth/MOUNT/login with a role_id and a secret_id
  };
  Method method = Method::kToken;
  crypto::SecretBuffer token;               // kToken; kTokenFile: the file's token when loaded
  std::string token_file;                   // kTokenFile
  std::string mount = "approle";            // kAppRole: where the method is enabled
  crypto::SecretBuffer role_id, secret_id;  // kAppRole
};

struct VaultConnection {
  credentials::HttpEndpoint address;  // path: the prefix, without a trailing '/'
  VaultAuth auth;
  std::string name_space;  // "namespace" is a keyword
  std::string ca_file;     // empty: the system's trust store
};

// Reads the variables above. kInvalidArgument naming the variable when
// VAULT_ADDR is unset or malformed or an http:// address is not loopback
// (saying to use https), or when neither VAULT_TOKEN nor VAULT_TOKEN_FILE
// is set, or the token file is empty or larger than 64 KiB; kNotFound when
// the token file cannot be opened. Messages never quote the token.
StatusOr<VaultConnection> LoadVaultConnection(const crypto::EnvironmentLookup& environment);

// Just VAULT_ADDR, VAULT_NAMESPACE and VAULT_CACERT (auth left empty), with
// the errors above.
StatusOr<VaultConnection> LoadVaultServer(const crypto::EnvironmentLookup& environment);

// Just the token part: VAULT_TOKEN, else VAULT_TOKEN_FILE, with the errors
// above.
StatusOr<VaultAuth> LoadVaultAuth(const crypto::EnvironmentLookup& environment);

// `url` as a Vault address, `origin` naming where it came from (e.g.
// "VAULT_ADDR"): the errors of LoadVaultConnection for VAULT_ADDR.
StatusOr<credentials::HttpEndpoint> ParseVaultAddress(std::string_view url,
                                                      std::string_view origin);

// The token in file `path`, without one trailing newline: kNotFound when it
// cannot be opened, kInvalidArgument when it is empty or over 64 KiB.
// Messages name the path, never the contents.
StatusOr<crypto::SecretBuffer> ReadVaultTokenFile(const std::string& path);

// True for 127.0.0.0/8, ::1 and "localhost" (any case).
bool IsLoopbackHost(const std::string& host);

}  // namespace aurite::secrets
