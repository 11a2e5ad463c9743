// Where and as whom Aurite talks to Vault (or OpenBao), from the variables
// the vault CLI reads:
//   VAULT_ADDR        required: https://HOST[:PORT][/PREFIX]; http:// only
//                     for a loopback address (127.0.0.0/8, ::1, localhost),
//                     e.g. a Vault Agent on this machine, because the token
//                     and the secret would cross the network in clear.
//   VAULT_CACERT      PEM file of the CA(s) to trust instead of the
//                     system's. TLS verification cannot be turned off.
//   VAULT_TOKEN       the token; else
//   VAULT_TOKEN_FILE  a file holding it (a Vault Agent token sink, a
//                     mounted Kubernetes secret); one trailing newline is
//                     dropped.
//   VAULT_NAMESPACE   the namespace (Vault Enterprise, OpenBao), sent as
//                     X-Vault-Namespace; unset or empty: none.
// An empty variable counts as unset.
#pragma once

#include <string>

#include "base/status.h"
#include "credentials/aws_endpoint.h"
#include "crypto/key_loader.h"
#include "crypto/secret_buffer.h"

namespace aurite::secrets {

struct VaultConnection {
  credentials::HttpEndpoint address;  // path: the prefix, without a trailing '/'
  crypto::SecretBuffer token;
  std::string name_space;  // "namespace" is a keyword
  std::string ca_file;     // empty: the system's trust store
};

// Reads the variables above. kInvalidArgument naming the variable when
// VAULT_ADDR is unset or malformed or an http:// address is not loopback
// (saying to use https), or when neither VAULT_TOKEN nor VAULT_TOKEN_FILE
// is set, or the token file is empty or larger than 64 KiB; kNotFound when
// the token file cannot be opened. Messages never quote the token.
StatusOr<VaultConnection> LoadVaultConnection(const crypto::EnvironmentLookup& environment);

// True for 127.0.0.0/8, ::1 and "localhost" (any case).
bool IsLoopbackHost(const std::string& host);

}  // namespace aurite::secrets
