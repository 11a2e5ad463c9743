// The target of a ${vault:MOUNT/PATH#FIELD} reference: a secret in the KV
// version 2 secrets engine of HashiCorp Vault or OpenBao, and one field of
// it (KV secrets are maps of fields).
//
// Syntax, in the order of a URL (the query before the fragment), so that a
// field name may hold any character but '}':
//   MOUNT/PATH            the secret's only field (an error unless it has
//                         exactly one)
//   MOUNT/PATH#FIELD      field FIELD of the latest version
//   MOUNT/PATH?version=N  the same for version N (N >= 1), with or
//   MOUNT/PATH?version=N#FIELD  without a field
// MOUNT is the first path segment (the engine's mount, e.g. "secret"), PATH
// the rest. Segments are non-empty, not "." or "..", and made of letters,
// digits and -_.@+=:, so the path goes into the URL as written.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/status.h"
#include "credentials/http_post.h"
#include "crypto/secret_buffer.h"
#include "secrets/vault_client.h"

namespace aurite::secrets {

struct VaultSecretReference {
  std::string mount;
  std::string path;
  std::optional<std::string> field;      // nullopt: the secret's only field
  std::optional<std::uint64_t> version;  // nullopt: the latest

  // "MOUNT/PATH", with "#FIELD" and " (version N)" when given: how
  // messages name the secret.
  std::string Describe() const;
};

// True when `path` is two or more segments as above, joined by '/': a
// path that goes into a Vault URL as written (also the path of credentials
// mode "vault", e.g. "database/creds/app").
bool IsVaultPath(std::string_view path);

// Splits `text` as above. kInvalidArgument naming the accepted form.
StatusOr<VaultSecretReference> ParseVaultSecretReference(std::string_view text);

// What ${vault:TEXT} expands to: parses TEXT, GETs
// {address}/v1/MOUNT/data/PATH[?version=N] through `vault` and picks the
// field (ParseVaultKvAnswer). Errors name the secret and the address, never
// the token or any value of the secret.
StatusOr<crypto::SecretBuffer> ReadVaultSecret(std::string_view text, VaultClient& vault);

}  // namespace aurite::secrets
